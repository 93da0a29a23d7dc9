"""Calendar feeds over HTTP, so calendar apps can subscribe (they cannot speak gRPC).

GET /events/{event}.ics        a published event and its sessions (anyone)
GET /calendar.ics?token=T      a person's registrations; the signed token (from
                               GetMyCalendar's ``feed_url``) says whose: no login

Query strings are never logged: they hold tokens.
"""

from __future__ import annotations

import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pydantic

from ecbm_events.application.programme.handlers import CalendarFile
from ecbm_events.application.programme.queries import GetEventCalendar
from ecbm_events.application.registrations.queries import GetCalendarFeed
from ecbm_events.settings import EventsSettings
from ecbm_runtime import errors
from ecbm_runtime.actor import Actor
from ecbm_runtime.messagebus import MessageBus

_log = logging.getLogger("ecbm_events.http")
_EVENT_FEED = re.compile(r"^/events/([A-Za-z0-9_-]{1,64})\.ics$")
_STATUS: dict[type[BaseException], int] = {
    errors.InvalidArgument: 400,
    pydantic.ValidationError: 400,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
}


class CalendarHttpServer:
    """A small threaded HTTP server in a daemon thread, started and stopped by the api."""

    def __init__(self, bus: MessageBus[Any], settings: EventsSettings) -> None:
        handler = type("Handler", (_FeedHandler,), {"bus": bus})
        self._server = ThreadingHTTPServer((settings.http_host, settings.http_port), handler)
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


class _FeedHandler(BaseHTTPRequestHandler):
    bus: MessageBus[Any]

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        try:
            found = _EVENT_FEED.match(url.path)
            if found:
                file = self.bus.handle(GetEventCalendar(actor=Actor(), event_id=found[1]))
            elif url.path == "/calendar.ics":
                token = parse_qs(url.query).get("token", [""])[0]
                file = self.bus.handle(GetCalendarFeed(token=token))
            else:
                raise errors.NotFound("no such feed")
        except Exception as error:  # mapped like the gRPC errors; anything else is a 500
            self._fail(error)
            return
        self._send(file)

    def _send(self, file: CalendarFile) -> None:
        body = file.ics.encode()
        self.send_response(200)
        self.send_header("Content-Type", file.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "private, max-age=300")
        self.end_headers()
        self.wfile.write(body)

    def _fail(self, error: Exception) -> None:
        status = next((_STATUS[c] for c in type(error).__mro__ if c in _STATUS), 500)
        if status == 500:
            _log.error("calendar feed failed", exc_info=error)
        body = ("internal error" if status == 500 else str(error)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Path without its query string: a feed's token stays out of the logs."""
        _log.info("GET %s", urlsplit(self.path).path)
