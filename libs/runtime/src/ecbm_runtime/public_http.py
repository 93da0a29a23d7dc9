"""Small public HTTP endpoints beside a service's gRPC api, for clients that cannot speak
gRPC: calendar apps (events' feeds), programme websites (quality's label badges).

A service gives a route: the request's URL and client address in, an `HttpAnswer` out, or
one of the runtime's errors, mapped like the gRPC errors (400, 403, 404, 429 with
Retry-After; anything else a 500 naming nothing). The server is threaded, lets several api
processes share its port (as they share gRPC's), gives a client 5 s to send its request
and logs paths without their query strings (they may carry tokens).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import SplitResult, urlsplit

import pydantic

from ecbm_runtime import errors

_log = logging.getLogger("ecbm.http")
_STATUS: dict[type[BaseException], int] = {
    errors.InvalidArgument: 400,
    pydantic.ValidationError: 400,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.RateLimited: 429,
}


@dataclass(frozen=True)
class HttpAnswer:
    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


# (the request's URL, the client's address) -> the answer to a GET
Route = Callable[[SplitResult, str], HttpAnswer]


class PublicHttpServer:
    """A threaded HTTP server in a daemon thread, started and stopped by the api."""

    def __init__(self, name: str, host: str, port: int, route: Route) -> None:
        handler = type("Handler", (_Handler,), {"name": name, "route": staticmethod(route)})
        self._server = _ReusePortServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _ReusePortServer(ThreadingHTTPServer):
    allow_reuse_port = True


class _Handler(BaseHTTPRequestHandler):
    name: str
    route: Route
    timeout = 5.0  # seconds a client may take to send its request line and headers

    def do_GET(self) -> None:
        try:
            answer = self.route(urlsplit(self.path), self.client_address[0])
        except Exception as error:  # mapped like the gRPC errors; anything else is a 500
            self._fail(error)
            return
        self._send(200, answer.content_type, answer.body, answer.headers)

    def _send(
        self, status: int, content_type: str, body: bytes, headers: Mapping[str, str]
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _fail(self, error: Exception) -> None:
        status = next((_STATUS[c] for c in type(error).__mro__ if c in _STATUS), 500)
        if status == 500:
            _log.error("%s failed", self.name, exc_info=error)
        first = (str(error).splitlines() or [type(error).__name__])[0]
        message = "internal error" if status == 500 else first
        headers = {}
        if isinstance(error, errors.RateLimited):
            headers["Retry-After"] = str(max(1, round(error.retry_after_seconds)))
        self._send(status, "text/plain; charset=utf-8", message.encode(), headers)

    def log_message(self, format: str, *args: Any) -> None:
        """The path without its query string: a feed's token stays out of the logs."""
        _log.info("GET %s", urlsplit(self.path).path)
