"""Notify's HTTP server under abuse: bad and oversize bodies, slow clients, too many event
streams, too many link clicks; and the security headers every response carries."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecbm_notify.bootstrap import SERVICE
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, free_port, wait_until

MAX_BODY = 8192
REQUEST_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The api with small limits, on SQLite (nothing here depends on the database)."""
    database_url = f"sqlite:///{Path(tmp_path_factory.mktemp('http')) / 'notify.db'}"
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(
        database_url=database_url, grpc_port=0, http_port=free_port(),
        http_max_body_bytes=MAX_BODY, http_request_timeout_seconds=REQUEST_TIMEOUT,
        sse_max_streams_per_user=2, sse_heartbeat_seconds=0.2,
        links_per_client={"burst": 1000, "per_minute": 60},
    )  # fmt: skip
    with api_in_process(SERVICE, settings):
        yield settings.http_port  # type: ignore[attr-defined]


def raw(port: int, data: bytes, read_for: float = 5.0) -> tuple[bytes, float]:
    """Send ``data`` as is; what came back until the server closed (or ``read_for`` passed),
    and how long the answer took."""
    started = time.perf_counter()  # before connecting: the server's clock starts at accept
    with socket.create_connection(("127.0.0.1", port), timeout=read_for) as connection:
        connection.sendall(data)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer, time.perf_counter() - started


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_a_negative_content_length_is_refused_at_once(port: int) -> None:
    request = b"POST /unsubscribe?token=x HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n"

    answer, took = raw(port, request)

    assert status_of(answer) == 400
    assert took < REQUEST_TIMEOUT  # answered, not waiting for a body until EOF


def test_an_oversize_body_is_refused_before_it_is_sent(port: int) -> None:
    head = b"POST /unsubscribe?token=x HTTP/1.1\r\nHost: t\r\nContent-Length: 67108864\r\n\r\n"

    answer, took = raw(port, head + b"List-Unsubscribe=One-Click")  # 64 MiB announced, 26 sent

    assert status_of(answer) == 413 and b"over 8192 bytes" in answer
    assert took < REQUEST_TIMEOUT


def test_a_chunked_body_is_cut_at_the_limit(port: int) -> None:
    head = b"POST /unsubscribe?token=x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"1000\r\n" + b"a" * 4096 + b"\r\n"  # 4 KiB each; the limit is in the third

    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(head + chunk * 3)
        answer = connection.recv(65536)
        # Nothing more is read: the server closes instead of taking the rest.
        wait_until(lambda: _closed(connection), timeout=5, message="the server closed")

    assert status_of(answer) == 413


def _closed(connection: socket.socket) -> bool:
    try:
        return connection.recv(65536) == b""
    except ConnectionResetError:
        return True


def test_a_client_sending_its_headers_slowly_is_cut_off(port: int) -> None:
    answer, took = raw(port, b"GET /inbox HTTP/1.1\r\nHost: t\r\nX-Slow: ", read_for=15)

    assert answer == b""
    assert REQUEST_TIMEOUT <= took < REQUEST_TIMEOUT + 5


def test_a_client_sending_its_body_slowly_is_cut_off(port: int) -> None:
    head = b"POST /unsubscribe?token=x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"

    answer, took = raw(port, head + b"List-Unsu", read_for=15)

    assert answer == b""
    assert REQUEST_TIMEOUT <= took < REQUEST_TIMEOUT + 5


def test_the_third_event_stream_of_a_user_is_refused_until_one_closes(
    port: int, token_for: Callable[..., str]
) -> None:
    # Editors, so any inbox may be watched without making recipients: the cap is per user.
    ana, ben = token_for("editor", subject="ana"), token_for("editor", subject="ben")
    first, second = _stream(port, ana), _stream(port, ana)
    assert (first.status, second.status) == (200, 200)

    refused = _stream(port, ana)
    others = _stream(port, ben)

    assert refused.status == 429 and refused.getheader("Retry-After")
    assert others.status == 200
    first.close()  # the browser goes away: its slot is free again
    wait_until(lambda: _stream(port, ana).status == 200, timeout=10, message="slot freed")


def _stream(port: int, token: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", f"/inbox/events?access_token={token}&recipient=recipients/r-1")
    response = connection.getresponse()
    if response.status == 200:
        response.readline()  # the stream is open
    else:
        response.read()
        connection.close()
    return response


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_the_inbox_page_allows_only_its_own_script_and_style(port: int) -> None:
    page = _get(port, "/inbox")
    policy = page.getheader("Content-Security-Policy") or ""
    html = page.body.decode()  # type: ignore[attr-defined]

    [script] = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert page.getheader("X-Content-Type-Options") == "nosniff"
    assert page.getheader("Referrer-Policy") == "no-referrer"


@pytest.mark.parametrize("path", ["/unsubscribe?token=x.y", "/newsletter/confirm?token=x.y"])
def test_token_pages_send_no_referrer_and_cannot_be_framed(port: int, path: str) -> None:
    page = _get(port, path)

    assert page.getheader("Referrer-Policy") == "no-referrer"
    policy = page.getheader("Content-Security-Policy") or ""
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert page.getheader("X-Frame-Options") == "DENY"
    assert page.getheader("Cache-Control") == "no-store"


def test_json_answers_carry_the_default_policy(port: int) -> None:
    answer = _get(port, "/inbox/unread-count")

    assert answer.status == 401
    assert answer.getheader("Content-Security-Policy", "").startswith("default-src 'none'")
    assert answer.getheader("X-Content-Type-Options") == "nosniff"


def test_following_too_many_links_from_one_address_gets_429(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'notify.db'}"
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(
        database_url=database_url, grpc_port=0, http_port=free_port(),
        links_per_client={"burst": 3, "per_minute": 1},
    )  # fmt: skip
    with api_in_process(SERVICE, settings):
        port = settings.http_port  # type: ignore[attr-defined]
        answers = [_get(port, "/unsubscribe?token=x.y") for _ in range(4)]

    assert [a.status for a in answers] == [400, 400, 400, 429]
    assert int(answers[-1].getheader("Retry-After") or 0) >= 1
    assert b"Too many requests" in answers[-1].body  # type: ignore[attr-defined]
