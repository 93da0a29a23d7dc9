"""The live web inbox over HTTP for browsers, which cannot speak gRPC (Starlette on uvicorn).

GET  /inbox                           the page (static HTML, vanilla JS)
GET  /inbox/events?access_token=T     Server-Sent Events of the inbox (see `sse`)
GET  /inbox/notifications             one page of the inbox, JSON (``unread_only``, ``after``)
GET  /inbox/unread-count              JSON
POST /inbox/notifications/{id}/read   MarkRead, JSON
POST /inbox/read-all                  MarkAllRead, JSON
GET|POST /unsubscribe, /newsletter/confirm, /verify-email   the links in e-mails (see
                                      `link_routes`)

Calls send ``Authorization: Bearer <token>``; only the SSE endpoint also takes
``?access_token=``, because ``EventSource`` cannot set headers. The inbox is the token's own
(its person: ``recipients/me``) unless ``recipient=<id>`` names another, which only editors
may use. The same
access rules as the gRPC methods apply; query strings are never logged (they hold tokens).

Limits (docs/notify-email.md): bodies (`BodyLimit`), the time a request may take to
arrive (`timed_h11`), idle keep-alive, open event streams per user and in all (429), and
rate limits per client address on the links in e-mails (429). Every response carries
security headers (`SecurityHeaders`); the pages set their own Content-Security-Policy.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import AsyncIterator, Callable
from importlib import resources
from typing import Any

import pydantic
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ecbm_notify.application.access import ME
from ecbm_notify.application.inbox import commands, queries
from ecbm_notify.application.inbox.watching import Watch
from ecbm_notify.entrypoints import sse
from ecbm_notify.entrypoints.http_guards import (
    BodyLimit,
    SecurityHeaders,
    StreamCount,
    retry_after,
    source_hash,
    timed_h11,
)
from ecbm_notify.entrypoints.inbox_api import ACCESS
from ecbm_notify.entrypoints.link_routes import LinkRoutes
from ecbm_notify.entrypoints.public_limits import PublicLimits
from ecbm_notify.settings import NotifySettings
from ecbm_runtime import auth, errors
from ecbm_runtime.grpc.interceptors import bearer_token
from ecbm_runtime.messagebus import MessageBus

_log = logging.getLogger("ecbm_notify.http")
_STATUS: dict[type[BaseException], int] = {
    errors.InvalidArgument: 400,
    pydantic.ValidationError: 400,
    ValueError: 400,
    errors.Unauthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.RateLimited: 429,
    errors.DomainError: 409,
}
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _page_policy(page: str) -> str:
    """The inbox page's CSP: its own inline script and style (by hash), calls to here."""
    sources: dict[str, list[str]] = {"script": [], "style": []}
    for kind, text in _INLINE.findall(page):
        sources[kind].append(source_hash(text))
    return (
        f"default-src 'none'; script-src {' '.join(sources['script'])}; "
        f"style-src {' '.join(sources['style'])}; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


class InboxHttpServer:
    """The browsers' server: uvicorn in a daemon thread, started and stopped by the api.

    The socket is bound in the constructor, so ``port`` is known (``http_port`` 0 picks one).
    """

    def __init__(
        self, bus: MessageBus[Any], settings: NotifySettings, limits: PublicLimits | None = None
    ) -> None:
        self.bus = bus
        self.verifier = auth.TokenVerifier.from_settings(settings)
        self.heartbeat_seconds = settings.sse_heartbeat_seconds
        self.send_timeout_seconds = settings.sse_send_timeout_seconds
        self.limits = limits or PublicLimits.from_settings(settings)
        self.streams = StreamCount(settings.sse_max_streams_per_user, settings.sse_max_streams)
        page = resources.files("ecbm_notify.entrypoints").joinpath("inbox.html").read_text()
        self.page, self.page_policy = page, _page_policy(page)
        self.host = settings.http_host
        self._socket = _listening_socket(settings.http_host, settings.http_port)
        self._server = uvicorn.Server(_config(self.app(settings), settings))
        self._thread = threading.Thread(
            target=self._server.run, args=([self._socket],), name="notify-http", daemon=True
        )

    def app(self, settings: NotifySettings) -> Starlette:
        get, post = ["GET"], ["POST"]
        routes = [
            Route("/inbox", self._page, methods=get),
            Route("/inbox/", self._page, methods=get),
            Route("/inbox/events", self._events, methods=get),
            Route("/inbox/notifications", self._list, methods=get),
            Route("/inbox/unread-count", self._unread_count, methods=get),
            Route("/inbox/notifications/{notification_id}/read", self._mark_read, methods=post),
            Route("/inbox/read-all", self._mark_all_read, methods=post),
            *LinkRoutes(self.bus, self.limits).routes(),
        ]
        return Starlette(
            routes=routes,
            middleware=[
                Middleware(SecurityHeaders),
                Middleware(BodyLimit, max_bytes=settings.http_max_body_bytes),
            ],
            exception_handlers={404: _not_found, 405: _not_allowed},
        )

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/inbox"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting; open event streams end with the fan-out, or after a grace."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._socket.close()

    # Routes ---------------------------------------------------------------------------------

    async def _page(self, request: Request) -> Response:
        return HTMLResponse(self.page, headers={"Content-Security-Policy": self.page_policy})

    async def _events(self, request: Request) -> Response:
        """The inbox's changes as SSE; at most ``sse_max_streams_per_user`` at once."""
        try:
            principal, watch = await run_in_threadpool(self._watch, request)
        except Exception as error:
            return _error(error)

        async def changes() -> AsyncIterator[bytes]:
            try:
                async for chunk in sse.events(watch, self.heartbeat_seconds):
                    yield chunk
            finally:
                watch.close()
                self.streams.close(principal.subject)

        return sse.EventStreamResponse(changes(), self.send_timeout_seconds)

    def _watch(self, request: Request) -> tuple[auth.Principal, Watch]:
        """Check the token (a JWKS fetch may block: not on the event loop), take a stream
        slot of the user, subscribe."""
        principal = self._principal(request, request.query_params.get("access_token"))
        resume = request.headers.get("Last-Event-ID", "")
        query = queries.WatchInbox(
            recipient_id=_recipient(principal, request),
            after_position=int(resume) if resume.isdigit() else 0,
        )
        self.streams.open(principal.subject)
        try:
            return principal, self._as(principal, "WatchNotifications", query)
        except BaseException:
            self.streams.close(principal.subject)
            raise

    def _list(self, request: Request) -> Response:
        return self._guarded(request, self._list_page)

    def _list_page(self, request: Request) -> Response:
        principal = self._principal(request)
        params = request.query_params
        query = queries.ListNotifications(
            recipient_id=_recipient(principal, request),
            page_size=int(params.get("page_size", "50")),
            after=params.get("after", ""),
            unread_only=params.get("unread_only", "") in ("1", "true"),
        )
        page = self._as(principal, "ListNotifications", query)
        return JSONResponse({
            "notifications": [sse.notification_json(n) for n in page.notifications],
            "next_after": page.next_after,
            "total_size": page.total_size,
        })  # fmt: skip

    def _unread_count(self, request: Request) -> Response:
        def count(request: Request) -> Response:
            principal = self._principal(request)
            query = queries.UnreadCount(recipient_id=_recipient(principal, request))
            return JSONResponse({"unread_count": self._as(principal, "UnreadCount", query)})

        return self._guarded(request, count)

    def _mark_read(self, request: Request) -> Response:
        def mark(request: Request) -> Response:
            principal = self._principal(request)
            command = commands.MarkRead(
                recipient_id=_recipient(principal, request),
                notification_id=request.path_params["notification_id"],
            )
            self._as(principal, "MarkRead", command)
            query = queries.GetNotification(
                recipient_id=command.recipient_id, notification_id=command.notification_id
            )
            return JSONResponse(sse.notification_json(self._as(principal, "MarkRead", query)))

        return self._guarded(request, mark)

    def _mark_all_read(self, request: Request) -> Response:
        def mark_all(request: Request) -> Response:
            principal = self._principal(request)
            command = commands.MarkAllRead(recipient_id=_recipient(principal, request))
            return JSONResponse({"marked_count": self._as(principal, "MarkAllRead", command)})

        return self._guarded(request, mark_all)

    # Helpers --------------------------------------------------------------------------------

    def _guarded(self, request: Request, route: Callable[[Request], Response]) -> Response:
        try:
            return route(request)
        except Exception as error:
            return _error(error)

    def _principal(self, request: Request, query_token: str | None = None) -> auth.Principal:
        header = request.headers.get("Authorization")
        if header:
            return self.verifier.verify(bearer_token(header))
        if query_token:
            return self.verifier.verify(query_token)
        raise errors.Unauthenticated("send 'Authorization: Bearer <token>'")

    def _as(self, principal: auth.Principal, method: str, message: object) -> Any:
        """Handle ``message`` as ``principal``, under the gRPC method's access rule."""
        auth.authorize(method, ACCESS.get(method), principal)
        with auth.acting_as(principal):
            return self.bus.handle(message)


def _config(app: Starlette, settings: NotifySettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http=timed_h11(settings.http_request_timeout_seconds),
        lifespan="off",
        log_config=None,
        access_log=False,  # query strings hold tokens; routes log what matters
        server_header=False,
        proxy_headers=bool(settings.http_forwarded_allow_ips),
        forwarded_allow_ips=settings.http_forwarded_allow_ips or None,
        timeout_keep_alive=settings.http_keep_alive_seconds,
        timeout_graceful_shutdown=2,
        h11_max_incomplete_event_size=16 * 1024,  # the request line and headers
        limit_concurrency=settings.http_max_connections,
    )


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    return socket.create_server((host, port), family=family, backlog=512)


def _error(error: Exception) -> Response:
    status = next((_STATUS[c] for c in type(error).__mro__ if c in _STATUS), 500)
    if status == 500:
        _log.error("inbox http request failed", exc_info=error)
    headers = retry_after(error) if isinstance(error, errors.RateLimited) else None
    body = {"error": str(error) if status < 500 else "internal error"}
    return JSONResponse(body, status_code=status, headers=headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "no such page"}, status_code=404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "method not allowed"}, status_code=405)


def _recipient(principal: auth.Principal, request: Request) -> str:
    """The inbox asked for (``recipient``), else the caller's own (``me``: their person)."""
    return request.query_params.get("recipient", "").removeprefix("recipients/") or ME
