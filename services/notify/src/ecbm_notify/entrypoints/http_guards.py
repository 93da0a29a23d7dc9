"""What keeps notify's HTTP server cheap to attack: body limits, request deadlines, caps on
event streams, security headers. Plain ASGI and uvicorn pieces, used by `http_inbox`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import threading

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from ecbm_runtime.errors import RateLimited

# Pages that set no policy of their own get this one: nothing loads, nothing frames them.
DEFAULT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # token links must never leak in a Referer
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


def source_hash(text: str) -> str:
    """A CSP source for one inline ``<script>`` or ``<style>`` element's exact text."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class SecurityHeaders:
    """Adds nosniff, no-referrer, no framing and no caching to every response, and
    `DEFAULT_POLICY` as Content-Security-Policy where the route set none."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"cache-control"
                ]
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", DEFAULT_POLICY.encode()))
                message = {**message, "headers": [*headers, *_ALWAYS]}
            await send(message)

        await self.app(scope, receive, with_headers)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a body over ``max_bytes`` without reading it: a Content-Length that is not a
    plain number → 400, one over the limit → 413; a chunked body is counted as it arrives
    and refused (413) at the first byte over. h11 already rejects malformed lengths
    (``-1``) with 400 before the app runs; this is the app's own guard."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lengths = [value for name, value in scope["headers"] if name == b"content-length"]
        if lengths:
            if len(set(lengths)) != 1 or not lengths[0].isdigit():
                await _refuse(send, 400, "bad Content-Length")
                return
            if int(lengths[0]) > self.max_bytes:
                await _refuse(send, 413, f"the body is over {self.max_bytes} bytes")
                return
        started = False
        seen = 0

        async def counted() -> Message:  # the body, refused once it grows past the limit
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, noting_start)
        except _BodyTooLarge:
            if not started:
                await _refuse(send, 413, f"the body is over {self.max_bytes} bytes")


async def _refuse(send: Send, status: int, why: str) -> None:
    body = json.dumps({"error": why}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def timed_h11(request_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline for each request's head and body.

    uvicorn times out only idle keep-alive connections: a client sending its headers or
    body a byte at a time would hold its connection for ever (slowloris). Here a request
    must have arrived whole ``request_timeout`` seconds after the connection opened or
    the previous response ended, else the connection is closed. Responses (event
    streams) are not limited: the clock stops once the request is in.
    """

    class TimedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._start_clock()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._start_clock()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

        def _start_clock(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(request_timeout, self._too_slow)

        def _too_slow(self) -> None:
            waiting = self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
            if waiting and not self.transport.is_closing():
                self.logger.info("closing a connection whose request took too long to arrive")
                self.transport.close()

    return TimedH11Protocol


class TooManyStreams(RateLimited):
    """This user has as many event streams open as allowed (429)."""


class StreamCount:
    """Open event streams by user, capped per user and in all; thread-safe."""

    def __init__(self, per_user: int, in_all: int) -> None:
        self.per_user = per_user
        self.in_all = in_all
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def open(self, user: str) -> None:
        """Count one more stream of ``user``, or raise `TooManyStreams`."""
        with self._lock:
            if self._open.get(user, 0) >= self.per_user:
                raise TooManyStreams(
                    f"at most {self.per_user} open event streams per user; close one", 5.0
                )
            if sum(self._open.values()) >= self.in_all:
                raise TooManyStreams("too many open event streams; retry later", 5.0)
            self._open[user] = self._open.get(user, 0) + 1

    def close(self, user: str) -> None:
        with self._lock:
            left = self._open.get(user, 0) - 1
            if left > 0:
                self._open[user] = left
            else:
                self._open.pop(user, None)

    def of(self, user: str) -> int:
        with self._lock:
            return self._open.get(user, 0)


def retry_after(error: RateLimited) -> dict[str, str]:
    """The Retry-After header (whole seconds, at least 1) of a refusal."""
    return {"Retry-After": str(max(1, round(error.retry_after_seconds + 0.5)))}


__all__ = [
    "DEFAULT_POLICY",
    "BodyLimit",
    "SecurityHeaders",
    "StreamCount",
    "TooManyStreams",
    "retry_after",
    "source_hash",
    "timed_h11",
]
