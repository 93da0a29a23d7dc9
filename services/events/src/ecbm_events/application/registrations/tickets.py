"""Check-in tokens, join links and personal calendar feeds: signed (HS256, the service's own
ticket key), expiring.

A token names its purpose, so a join link never checks anyone in at the door and a
check-in token never opens the stream. Nothing is stored: checking one needs the key only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import jwt

from ecbm_runtime.errors import PermissionDenied

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
        self._key = key

    def issue(
        self, purpose: Purpose, registration_id: str, event_id: str, expires_at: datetime
    ) -> str:
        claims = {
            "iss": _ISSUER,
            "aud": purpose,
            "sub": registration_id,
            "evt": event_id,
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def verify(self, purpose: Purpose, token: str, now: datetime) -> TicketClaims:
        """The claims of a genuine, unexpired token of ``purpose``; else InvalidTicket."""
        try:
            claims = jwt.decode(
                token.strip(),
                self._key,
                algorithms=["HS256"],
                audience=purpose,
                issuer=_ISSUER,
                options={"require": ["exp", "sub", "aud", "iss"], "verify_exp": False},
            )
        except jwt.PyJWTError as error:
            raise InvalidTicket(f"this {purpose} token is not valid") from error
        expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
        if expires_at <= now:  # checked against the service's clock, not the machine's
            raise InvalidTicket(f"this {purpose} token has expired")
        return TicketClaims(str(claims["sub"]), str(claims.get("evt", "")), expires_at)
