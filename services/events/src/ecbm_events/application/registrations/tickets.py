"""Check-in tokens, join links and personal calendar feeds: signed links
(``ecbm_runtime.signed_links``) under the service's own ticket key, expiring.

A token names its purpose, so a join link never checks anyone in at the door and a
check-in token never opens the stream. Nothing is stored: checking one needs the key only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.signed_links import InvalidLink, LinkSigner, Refusal

Purpose = Literal["check-in", "join", "calendar"]
_ISSUER = "ecbm-events"


class InvalidTicket(PermissionDenied):
    """A token that was forged, altered, meant for something else, or has expired."""


@dataclass(frozen=True)
class TicketClaims:
    registration_id: str
    event_id: str
    expires_at: datetime


class TicketSigner:
    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("a ticket key is needed")
        self._signer = LinkSigner(key, _ISSUER)

    def issue(
        self, purpose: Purpose, registration_id: str, event_id: str, expires_at: datetime
    ) -> str:
        return self._signer.issue(purpose, registration_id, expires_at, evt=event_id)

    def verify(self, purpose: Purpose, token: str, now: datetime) -> TicketClaims:
        """The claims of a genuine, unexpired token of ``purpose``; else InvalidTicket."""
        try:
            signed = self._signer.verify(purpose, token, now)
        except InvalidLink as refused:
            if refused.refusal is Refusal.EXPIRED:
                raise InvalidTicket(f"this {purpose} token has expired") from None
            raise InvalidTicket(f"this {purpose} token is not valid") from None
        return TicketClaims(signed.subject, signed.claims.get("evt", ""), signed.expires_at)
