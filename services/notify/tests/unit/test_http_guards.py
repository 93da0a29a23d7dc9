"""The ASGI guards of notify's HTTP server, called directly: body limits and headers."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecbm_notify.entrypoints.http_guards import DEFAULT_POLICY, BodyLimit, SecurityHeaders

LIMIT = 100


class App:
    """Reads the whole body, answers 200; remembers whether it ran and what it read."""

    def __init__(self) -> None:
        self.ran = False
        self.read = b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.ran = True
        while True:
            message = await receive()
            self.read += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def call(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> list[Any]:
    """The messages ``app`` sent for a request with ``headers`` and a body in ``chunks``."""
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    pending = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
        for n, chunk in enumerate(chunks or [b""])
    ]
    sent: list[Any] = []

    async def receive() -> Any:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@given(st.text(max_size=12).filter(lambda v: not v.isdigit()))
def test_a_content_length_that_is_no_plain_number_is_400_and_the_app_never_runs(
    value: str,
) -> None:
    inner = App()
    sent = call(BodyLimit(inner, LIMIT), [(b"content-length", value.encode())], [b"x" * 10])

    assert sent[0]["status"] == 400 and not inner.ran


@given(st.integers(min_value=LIMIT + 1, max_value=2**70))
def test_an_announced_body_over_the_limit_is_413_and_nothing_is_read(length: int) -> None:
    inner = App()
    sent = call(BodyLimit(inner, LIMIT), [(b"content-length", str(length).encode())], [b"x"])

    assert sent[0]["status"] == 413 and not inner.ran


@given(st.lists(st.binary(min_size=1, max_size=60), min_size=1, max_size=8))
def test_a_streamed_body_passes_up_to_the_limit_and_is_cut_past_it(chunks: list[bytes]) -> None:
    inner = App()
    sent = call(BodyLimit(inner, LIMIT), [], chunks)

    total = sum(map(len, chunks))
    assert sent[0]["status"] == (200 if total <= LIMIT else 413)
    assert len(inner.read) <= LIMIT


def test_every_answer_gets_the_security_headers_and_a_default_policy() -> None:
    sent = call(SecurityHeaders(App()), [], [b""])

    headers = dict(sent[0]["headers"])
    assert headers[b"content-security-policy"] == DEFAULT_POLICY.encode()
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"referrer-policy"] == b"no-referrer"
    assert headers[b"cache-control"] == b"no-store"
