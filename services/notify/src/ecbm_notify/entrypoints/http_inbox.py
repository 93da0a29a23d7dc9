"""The live web inbox over HTTP for browsers, which cannot speak gRPC.

GET  /inbox                           the page (static HTML, vanilla JS)
GET  /inbox/events?access_token=T     Server-Sent Events of the inbox (see `sse`)
GET  /inbox/notifications             one page of the inbox, JSON (``unread_only``, ``after``)
GET  /inbox/unread-count              JSON
POST /inbox/notifications/{id}/read   MarkRead, JSON
POST /inbox/read-all                  MarkAllRead, JSON
GET  /unsubscribe?token=T             confirmation page with a button (changes nothing)
POST /unsubscribe?token=T             unsubscribe (RFC 8058 one-click: the body is
                                      ``List-Unsubscribe=One-Click``); no login, the
                                      signed token says who and what
GET  /newsletter/confirm?token=T      double opt-in: a page with a confirm button
POST /newsletter/confirm?token=T      ConfirmSubscription; a bad or expired token → 400 page
GET  /verify-email?token=T            e-mail verification: a page with a button (see
POST /verify-email?token=T            `email_verification`); a bad or expired token → 400

Calls send ``Authorization: Bearer <token>``; only the SSE endpoint also takes
``?access_token=``, because ``EventSource`` cannot set headers. The inbox is the token's own
(its person: ``recipients/me``) unless ``recipient=<id>`` names another, which only editors
may use. The same access rules as the gRPC methods apply; query strings are never logged
(they hold tokens).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pydantic

from ecbm_notify.application.access import ME
from ecbm_notify.application.email import commands as email_commands
from ecbm_notify.application.email import queries as email_queries
from ecbm_notify.application.inbox import commands, queries
from ecbm_notify.application.newsletter import commands as newsletter_commands
from ecbm_notify.application.newsletter import queries as newsletter_queries
from ecbm_notify.domain.unsubscribe import InvalidUnsubscribeToken
from ecbm_notify.entrypoints import email_verification, link_pages, sse
from ecbm_notify.entrypoints.inbox_api import ACCESS
from ecbm_notify.settings import NotifySettings
from ecbm_runtime import auth, errors
from ecbm_runtime.grpc.interceptors import bearer_token
from ecbm_runtime.messagebus import MessageBus

_log = logging.getLogger("ecbm_notify.http")
_TOKEN_IN_QUERY = re.compile(r"(access_token=)[^&\s'\"]*")
_STATUS: dict[type[BaseException], int] = {
    errors.InvalidArgument: 400,
    pydantic.ValidationError: 400,
    errors.Unauthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.DomainError: 409,
}


class InboxHttpServer:
    """A small threaded HTTP server in a daemon thread, started and stopped by the api."""

    def __init__(self, bus: MessageBus[Any], settings: NotifySettings) -> None:
        self.bus = bus
        self.verifier = auth.TokenVerifier.from_settings(settings)
        self.heartbeat_seconds = settings.sse_heartbeat_seconds
        self.page = resources.files("ecbm_notify.entrypoints").joinpath("inbox.html").read_bytes()
        self.host = settings.http_host
        address = (self.host, settings.http_port)
        self._server = ThreadingHTTPServer(address, _InboxHandler)
        self._server.daemon_threads = True
        self._server.inbox = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.1,), name="notify-http", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/inbox"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting; open SSE streams end when the fan-out closes."""
        self._server.shutdown()
        self._server.server_close()


class _InboxHandler(BaseHTTPRequestHandler):
    server_version = "ecbm-notify"

    @property
    def inbox(self) -> InboxHttpServer:
        return self.server.inbox  # type: ignore[attr-defined, no-any-return]

    def do_GET(self) -> None:
        path, params = self._target()
        routes = {
            "/inbox": self._page,
            "/inbox/": self._page,
            "/inbox/events": self._events,
            "/inbox/notifications": self._list,
            "/inbox/unread-count": self._unread_count,
            "/unsubscribe": self._unsubscribe_page,
            "/newsletter/confirm": self._confirmation_page,
            email_verification.PATH: self._verification_page,
        }
        self._dispatch(routes.get(path), params)

    def do_POST(self) -> None:
        path, params = self._target()
        if path == "/inbox/read-all":
            self._dispatch(self._mark_all_read, params)
        elif path == "/unsubscribe":
            self._dispatch(self._unsubscribe, {**self._form(), **params})
        elif path == "/newsletter/confirm":
            self._dispatch(self._confirm_subscription, params)
        elif path == email_verification.PATH:
            self._dispatch(self._verify_email, params)
        elif path.startswith("/inbox/notifications/") and path.endswith("/read"):
            params["notification_id"] = path.split("/")[3]
            self._dispatch(self._mark_read, params)
        else:
            self._dispatch(None, params)

    def _target(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        return parts.path, {key: values[-1] for key, values in parse_qs(parts.query).items()}

    def _dispatch(self, route: Any, params: dict[str, str]) -> None:
        if route is None:
            self._json(404, {"error": "no such page"})
            return
        try:
            route(params)
        except Exception as exc:
            status = next((_STATUS[c] for c in type(exc).__mro__ if c in _STATUS), 500)
            if status == 500:
                _log.error("inbox http request failed", exc_info=exc)
            self._json(status, {"error": str(exc) if status < 500 else "internal error"})

    # Routes -----------------------------------------------------------------------------

    def _page(self, _params: dict[str, str]) -> None:
        self._send(200, "text/html; charset=utf-8", self.inbox.page)

    def _events(self, params: dict[str, str]) -> None:
        principal = self._principal(params.get("access_token"))
        resume = self.headers.get("Last-Event-ID", "")
        query = queries.WatchInbox(
            recipient_id=_recipient(principal, params),
            after_position=int(resume) if resume.isdigit() else 0,
        )
        watch = self._as(principal, "WatchNotifications", query)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Accel-Buffering", "no")  # nginx: do not buffer the stream
        self.end_headers()
        sse.stream(self.wfile, watch, self.inbox.heartbeat_seconds)

    def _list(self, params: dict[str, str]) -> None:
        principal = self._principal()
        query = queries.ListNotifications(
            recipient_id=_recipient(principal, params),
            page_size=int(params.get("page_size", "50")),
            after=params.get("after", ""),
            unread_only=params.get("unread_only", "") in ("1", "true"),
        )
        page = self._as(principal, "ListNotifications", query)
        self._json(200, {
            "notifications": [sse.notification_json(n) for n in page.notifications],
            "next_after": page.next_after,
            "total_size": page.total_size,
        })  # fmt: skip

    def _unread_count(self, params: dict[str, str]) -> None:
        principal = self._principal()
        query = queries.UnreadCount(recipient_id=_recipient(principal, params))
        self._json(200, {"unread_count": self._as(principal, "UnreadCount", query)})

    def _mark_read(self, params: dict[str, str]) -> None:
        principal = self._principal()
        command = commands.MarkRead(
            recipient_id=_recipient(principal, params), notification_id=params["notification_id"]
        )
        self._as(principal, "MarkRead", command)
        query = queries.GetNotification(
            recipient_id=command.recipient_id, notification_id=command.notification_id
        )
        self._json(200, sse.notification_json(self._as(principal, "MarkRead", query)))

    def _mark_all_read(self, params: dict[str, str]) -> None:
        principal = self._principal()
        command = commands.MarkAllRead(recipient_id=_recipient(principal, params))
        self._json(200, {"marked_count": self._as(principal, "MarkAllRead", command)})

    def _unsubscribe_page(self, params: dict[str, str]) -> None:
        """GET only shows what the link would do: mail scanners follow links (RFC 8058)."""
        token = params.get("token", "")
        try:
            request = self.inbox.bus.handle(email_queries.CheckUnsubscribeToken(token=token))
        except InvalidUnsubscribeToken as error:
            self._html(400, link_pages.refused(error.why))
            return
        self._html(200, link_pages.confirm(token, request.topic))

    def _unsubscribe(self, params: dict[str, str]) -> None:
        try:
            done = self.inbox.bus.handle(email_commands.Unsubscribe(token=params.get("token", "")))
        except InvalidUnsubscribeToken as error:
            self._html(400, link_pages.refused(error.why))
            return
        _log.info("unsubscribed by link", extra={"topics": done.topics})
        self._html(200, link_pages.done(done.topics))

    def _confirmation_page(self, params: dict[str, str]) -> None:
        self._html(200, link_pages.confirm_subscription(params.get("token", "")))

    def _confirm_subscription(self, params: dict[str, str]) -> None:
        command = newsletter_commands.ConfirmSubscription(token=params.get("token") or "-")
        try:
            subscriber_id = self.inbox.bus.handle(command)
        except (InvalidUnsubscribeToken, errors.InvalidArgument, errors.NotFound) as error:
            why = error.why if isinstance(error, InvalidUnsubscribeToken) else "unknown link"
            self._html(400, link_pages.confirmation_refused(why))
            return
        _log.info("newsletter subscription confirmed by link")
        query = newsletter_queries.GetSubscriber(subscriber_id=subscriber_id)
        self._html(200, link_pages.subscribed(self.inbox.bus.handle(query).email))

    def _verification_page(self, params: dict[str, str]) -> None:
        page = email_verification.verification_page(self.inbox.bus, params.get("token", ""))
        self._html(page.status, page.html)

    def _verify_email(self, params: dict[str, str]) -> None:
        page = email_verification.verify(self.inbox.bus, params.get("token", ""))
        self._html(page.status, page.html)

    # Helpers ----------------------------------------------------------------------------

    def _form(self) -> dict[str, str]:
        """A POSTed form's fields (the one-click body, or the confirmation page's form)."""
        length = min(int(self.headers.get("Content-Length") or 0), 8192)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        return {key: values[-1] for key, values in parse_qs(body).items()}

    def _html(self, status: int, page: str) -> None:
        self._send(status, "text/html; charset=utf-8", page.encode())

    def _principal(self, query_token: str | None = None) -> auth.Principal:
        header = self.headers.get("Authorization")
        if header:
            return self.inbox.verifier.verify(bearer_token(header))
        if query_token:
            return self.inbox.verifier.verify(query_token)
        raise errors.Unauthenticated("send 'Authorization: Bearer <token>'")

    def _as(self, principal: auth.Principal, method: str, message: object) -> Any:
        """Handle ``message`` as ``principal``, under the gRPC method's access rule."""
        auth.authorize(method, ACCESS.get(method), principal)
        with auth.acting_as(principal):
            return self.inbox.bus.handle(message)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(body).encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The path only: query strings may carry an access token.
        _log.debug("%s %s %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("http: %s", _TOKEN_IN_QUERY.sub(r"\1***", format % args))


def _recipient(principal: auth.Principal, params: dict[str, str]) -> str:
    """The inbox asked for (``recipient``), else the caller's own (``me``: by person id)."""
    return params.get("recipient", "").removeprefix("recipients/") or ME
