"""The page behind the link in the verification mail, apart from any HTTP framework.

``GET /verify-email?token=T`` shows what the link would do and a button (mail scanners
follow links; a GET changes nothing); ``POST /verify-email?token=T`` verifies. Each is a
function of the bus and the token answering a `LinkPage`, so any server can route to them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape
from typing import Any

from ecbm_notify.application.people.commands import CheckVerificationLink, VerifyEmail
from ecbm_notify.domain.verification import InvalidVerificationLink
from ecbm_runtime.messagebus import MessageBus

PATH = "/verify-email"
_log = logging.getLogger("ecbm_notify.verification")
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto">
<h1>{title}</h1>
{body}
<p style="color: #666">European Center for Mentoring</p>
</body></html>
"""


@dataclass(frozen=True)
class LinkPage:
    status: int
    html: str


def _page(status: int, title: str, body: str) -> LinkPage:
    return LinkPage(status, _PAGE.format(title=escape(title), body=body))


def _refused(error: InvalidVerificationLink) -> LinkPage:
    return _page(
        400,
        "This confirmation link does not work",
        f"<p>{escape(error.why.capitalize())}. Nothing was changed.</p>"
        "<p>Use the link in the most recent e-mail we sent, or save your e-mail address "
        "in your profile again to get a new one.</p>",
    )


def _token(token: str) -> str:
    return token[:400] or "-"  # the command's bounds: an empty or huge token is just refused


def verification_page(bus: MessageBus[Any], token: str) -> LinkPage:
    """GET: the address the link would confirm, and the button that does it."""
    try:
        found = bus.handle(CheckVerificationLink(token=_token(token)))
    except InvalidVerificationLink as error:
        return _refused(error)
    action = f"{PATH}?token={escape(token, quote=True)}"
    return _page(
        200,
        "Confirm your e-mail address",
        f"<p>Receive the Center's e-mail at {escape(found.address)}?</p>"
        f'<form method="post" action="{action}">'
        '<button type="submit">Yes, this address is mine</button></form>',
    )


def verify(bus: MessageBus[Any], token: str) -> LinkPage:
    """POST: the address becomes its person's; mail goes there from now on."""
    try:
        done = bus.handle(VerifyEmail(token=_token(token)))
    except InvalidVerificationLink as error:
        return _refused(error)
    _log.info("e-mail address verified by link")
    return _page(
        200,
        "Your e-mail address is confirmed",
        f"<p>The Center's e-mail will come to {escape(done.address)}. You can choose what "
        "you receive in your notification preferences.</p>",
    )
