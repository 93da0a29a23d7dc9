"""The routes behind links in e-mails (no login: the signed token is the credential),
rate limited per client address because each costs work.

GET  /unsubscribe?token=T             confirmation page with a button (changes nothing)
POST /unsubscribe?token=T             unsubscribe (RFC 8058 one-click)
GET  /newsletter/confirm?token=T      double opt-in: a page with a confirm button
POST /newsletter/confirm?token=T      ConfirmSubscription; a bad, expired or replaced token → 400
GET  /verify-email?token=T            e-mail verification: a page with a button
POST /verify-email?token=T            verifies (`email_verification`); a bad or expired token → 400
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

import pydantic
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ecbm_notify.application.email import commands as email_commands
from ecbm_notify.application.email import queries as email_queries
from ecbm_notify.application.newsletter import commands as newsletter_commands
from ecbm_notify.application.newsletter import queries as newsletter_queries
from ecbm_notify.domain.unsubscribe import InvalidUnsubscribeToken
from ecbm_notify.entrypoints import email_verification, link_pages
from ecbm_notify.entrypoints.http_guards import retry_after
from ecbm_notify.entrypoints.public_limits import PublicLimits
from ecbm_runtime import errors
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.ratelimit import client_address

_log = logging.getLogger("ecbm_notify.http")


class LinkRoutes:
    """A GET only shows what the link would do (mail scanners follow links, RFC 8058);
    the page's button POSTs."""

    def __init__(self, bus: MessageBus[Any], limits: PublicLimits) -> None:
        self.bus = bus
        self.limits = limits

    def routes(self) -> list[Route]:
        return [
            Route("/unsubscribe", self._unsubscribe_page, methods=["GET"]),
            Route("/unsubscribe", self._unsubscribe, methods=["POST"]),
            Route("/newsletter/confirm", self._confirmation_page, methods=["GET"]),
            Route("/newsletter/confirm", self._confirm_subscription, methods=["POST"]),
            Route(email_verification.PATH, self._verification_page, methods=["GET"]),
            Route(email_verification.PATH, self._verify_email, methods=["POST"]),
        ]

    def _verification_page(self, request: Request) -> Response:
        if refused := self._over_limit(request):
            return refused
        page = email_verification.verification_page(self.bus, request.query_params.get("token", ""))
        return _link_page(page.status, page.html)

    def _verify_email(self, request: Request) -> Response:
        if refused := self._over_limit(request):
            return refused
        page = email_verification.verify(self.bus, request.query_params.get("token", ""))
        return _link_page(page.status, page.html)

    def _unsubscribe_page(self, request: Request) -> Response:
        if refused := self._over_limit(request):
            return refused
        token = request.query_params.get("token", "")
        try:
            found = self.bus.handle(email_queries.CheckUnsubscribeToken(token=token))
        except InvalidUnsubscribeToken as error:
            return _link_page(400, link_pages.refused(error.why))
        return _link_page(200, link_pages.confirm(token, found.topic))

    async def _unsubscribe(self, request: Request) -> Response:
        if refused := self._over_limit(request):
            return refused
        form = parse_qs((await request.body()).decode(errors="replace"))  # the one-click body
        token = request.query_params.get("token") or (form.get("token") or [""])[-1]
        return await run_in_threadpool(self._unsubscribe_by, token)

    def _unsubscribe_by(self, token: str) -> Response:
        try:
            done = self.bus.handle(email_commands.Unsubscribe(token=token))
        except (InvalidUnsubscribeToken, pydantic.ValidationError) as error:
            why = error.why if isinstance(error, InvalidUnsubscribeToken) else "a damaged link"
            return _link_page(400, link_pages.refused(why))
        _log.info("unsubscribed by link", extra={"topics": done.topics})
        return _link_page(200, link_pages.done(done.topics))

    def _confirmation_page(self, request: Request) -> Response:
        if refused := self._over_limit(request):
            return refused
        return _link_page(
            200, link_pages.confirm_subscription(request.query_params.get("token", ""))
        )

    def _confirm_subscription(self, request: Request) -> Response:
        if refused := self._over_limit(request):
            return refused
        command = newsletter_commands.ConfirmSubscription(
            token=request.query_params.get("token", "")[:1000] or "-"
        )
        try:
            subscriber_id = self.bus.handle(command)
        except errors.DomainError as error:
            why = error.why if isinstance(error, InvalidUnsubscribeToken) else _why(error)
            return _link_page(400, link_pages.confirmation_refused(why))
        _log.info("newsletter subscription confirmed by link")
        query = newsletter_queries.GetSubscriber(subscriber_id=subscriber_id)
        return _link_page(200, link_pages.subscribed(self.bus.handle(query).email))

    def _over_limit(self, request: Request) -> Response | None:
        """A 429 page when this client followed too many links lately (they cost work)."""
        host = request.client.host if request.client else "unknown"
        try:
            self.limits.links_per_client.check(client_address(host))
        except errors.RateLimited as error:
            return _link_page(429, link_pages.too_many_requests(), retry_after(error))
        return None


def _why(error: errors.DomainError) -> str:
    if isinstance(error, errors.NotFound | errors.InvalidArgument):
        return "unknown link"
    return str(error).rstrip(".")


def _link_page(status: int, page: str, headers: dict[str, str] | None = None) -> Response:
    policy = {"Content-Security-Policy": link_pages.POLICY}
    return HTMLResponse(page, status_code=status, headers={**policy, **(headers or {})})
