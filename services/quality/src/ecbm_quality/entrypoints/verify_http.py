"""Label verification over plain HTTP, for the badge on a programme's own website.

GET /labels/{code}.json   the label's standing, step and dates (small JSON)
GET /labels/{code}.svg    the badge

Public and cheap, yet limited per client address (a token bucket from the runtime), with
a short socket timeout against slow clients; answers may be cached for five minutes.
"""

from __future__ import annotations

import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pydantic

from ecbm_quality.adapters.badge import label_json, label_svg
from ecbm_quality.application.commands import VerifyLabel
from ecbm_quality.application.dependencies import utc_now
from ecbm_quality.settings import QualitySettings
from ecbm_runtime import errors
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.ratelimit import RateLimiter

_log = logging.getLogger("ecbm_quality.http")
_LABEL = re.compile(r"^/labels/([A-Za-z0-9-]{1,32})\.(json|svg)$")
_TYPES = {"json": "application/json; charset=utf-8", "svg": "image/svg+xml; charset=utf-8"}
_STATUS: dict[type[BaseException], int] = {
    errors.InvalidArgument: 400,
    pydantic.ValidationError: 400,
    errors.NotFound: 404,
    errors.RateLimited: 429,
}


class VerifyHttpServer:
    """A small threaded HTTP server in a daemon thread, started and stopped by the api."""

    def __init__(self, bus: MessageBus[Any], settings: QualitySettings) -> None:
        limiter = RateLimiter("label verification", settings.verify_http_per_client)
        handler = type("Handler", (_VerifyHandler,), {"bus": bus, "limiter": limiter})
        address = (settings.verify_http_host, settings.verify_http_port)
        self._server = _ReusePortServer(address, handler)
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
    """Several api processes (``api_processes``) share the port, as they share gRPC's."""

    allow_reuse_port = True


class _VerifyHandler(BaseHTTPRequestHandler):
    bus: MessageBus[Any]
    limiter: RateLimiter
    timeout = 5.0  # seconds a client may take to send its request line and headers

    def do_GET(self) -> None:
        try:
            self.limiter.check(self.client_address[0])
            found = _LABEL.match(urlsplit(self.path).path)
            if not found:
                raise errors.NotFound("no such page: GET /labels/{code}.json or .svg")
            label = self.bus.handle(VerifyLabel(code=found[1]))
            now = utc_now()
            body = label_json(label, now) if found[2] == "json" else label_svg(label)
        except Exception as error:  # mapped like the gRPC errors; anything else is a 500
            self._fail(error)
            return
        self._send(200, _TYPES[found[2]], body.encode())

    def _send(self, status: int, content_type: str, body: bytes, retry: float = 0) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if status == 200:
            self.send_header("Cache-Control", "public, max-age=300")
            self.send_header("Access-Control-Allow-Origin", "*")
        if retry:
            self.send_header("Retry-After", str(max(1, round(retry))))
        self.end_headers()
        self.wfile.write(body)

    def _fail(self, error: Exception) -> None:
        status = next((_STATUS[c] for c in type(error).__mro__ if c in _STATUS), 500)
        if status == 500:
            _log.error("label verification failed", exc_info=error)
        message = "internal error" if status == 500 else str(error).splitlines()[0]
        retry = error.retry_after_seconds if isinstance(error, errors.RateLimited) else 0
        self._send(status, "text/plain; charset=utf-8", message.encode(), retry)

    def log_message(self, format: str, *args: Any) -> None:
        _log.info("GET %s", urlsplit(self.path).path)
