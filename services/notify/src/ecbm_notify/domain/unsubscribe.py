"""Unsubscribe tokens: who may stop which topic by e-mail, without logging in.

A token is a signed link (``ecbm_runtime.signed_links``) for the purpose "unsubscribe",
naming the recipient and the topic. It is signed with notify's link key, so it cannot be
forged or changed, and it expires, so an old forwarded e-mail stops working. No state is
kept: checking one needs only the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.signed_links import InvalidLink, LinkSigner, Refusal

_PURPOSE = "unsubscribe"
_WHY = {
    Refusal.DAMAGED: "this unsubscribe link is damaged",
    Refusal.NOT_OURS: "this unsubscribe link is not one we sent",
    Refusal.EXPIRED: "this unsubscribe link has expired",
}


class InvalidUnsubscribeToken(InvalidArgument):
    """The link was changed, forged, or is too old."""

    def __init__(self, why: str) -> None:
        super().__init__(FieldViolation("token", why))
        self.why = why


@dataclass(frozen=True)
class UnsubscribeRequest:
    recipient_id: str
    topic: str
    expires_at: datetime


def issue(key: bytes, recipient_id: str, topic: str, now: datetime, valid_for: timedelta) -> str:
    return LinkSigner(key, "ecbm-notify").issue(
        _PURPOSE, recipient_id, now + valid_for, topic=topic
    )


def verify(key: bytes, token: str, now: datetime) -> UnsubscribeRequest:
    """The request the token carries; `InvalidUnsubscribeToken` if forged or expired."""
    try:
        signed = LinkSigner(key, "ecbm-notify").verify(_PURPOSE, token, now)
    except InvalidLink as refused:
        raise InvalidUnsubscribeToken(_WHY[refused.refusal]) from None
    return UnsubscribeRequest(signed.subject, signed.claims.get("topic", ""), signed.expires_at)
