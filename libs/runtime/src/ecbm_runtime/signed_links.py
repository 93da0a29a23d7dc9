"""Signed, expiring tokens for links sent by mail and for tickets: one format for every service.

A token is an HS256 JWT (PyJWT) signed with a key the service keeps for links (never its
login key). Its issuer names the service and its audience the purpose, so a token made for
one purpose (an unsubscribe link) never passes for another (an e-mail verification, a
check-in). Nothing is stored: checking a token needs only the key. Expiry is checked
against the caller's clock (``now``), so a service with an injected clock and its tests
agree. Claims are plain strings chosen by the caller; keep personal data out of them
(a token travels in URLs and logs): sign a keyed digest of an address, not the address.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import jwt

_ALGORITHM = "HS256"
_RESERVED = frozenset({"iss", "aud", "sub", "exp"})


class Refusal(StrEnum):
    """Why a token was refused, for the caller's own wording."""

    DAMAGED = "damaged"  # not a token at all, or cut or changed on the way
    NOT_OURS = "not ours"  # signed with another key, by another service or for another purpose
    EXPIRED = "expired"


class InvalidLink(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"the token is {refusal.value}")
        self.refusal = refusal


@dataclass(frozen=True)
class SignedClaims:
    subject: str
    expires_at: datetime
    claims: Mapping[str, str] = field(default_factory=dict)


class LinkSigner:
    """Issues and checks the tokens of one service (``issuer``) under one key."""

    def __init__(self, key: bytes | str, issuer: str) -> None:
        if not key:
            raise ValueError("a link key is needed")
        self._key, self._issuer = key, issuer

    def issue(self, purpose: str, subject: str, expires_at: datetime, **claims: str) -> str:
        if _RESERVED & claims.keys():
            raise ValueError(f"claims may not be named {sorted(_RESERVED & claims.keys())}")
        payload = {
            **claims,
            "iss": self._issuer,
            "aud": purpose,
            "sub": subject,
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode(payload, self._key, algorithm=_ALGORITHM)

    def verify(self, purpose: str, token: str, now: datetime) -> SignedClaims:
        """The claims of a genuine, unexpired token of ``purpose``; else `InvalidLink`."""
        token = token.strip()
        if not _canonical_signature(token):
            raise InvalidLink(Refusal.DAMAGED)
        try:
            payload = jwt.decode(
                token, self._key, algorithms=[_ALGORITHM], audience=purpose,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "aud", "iss"], "verify_exp": False},
            )  # fmt: skip
        except (jwt.InvalidSignatureError, jwt.InvalidAudienceError, jwt.InvalidIssuerError):
            raise InvalidLink(Refusal.NOT_OURS) from None
        except jwt.PyJWTError:
            raise InvalidLink(Refusal.DAMAGED) from None
        expires_at = datetime.fromtimestamp(int(payload["exp"]), tz=now.tzinfo)
        if expires_at <= now:
            raise InvalidLink(Refusal.EXPIRED)
        claims = {k: str(v) for k, v in payload.items() if k not in _RESERVED}
        return SignedClaims(str(payload["sub"]), expires_at, claims)


def _canonical_signature(token: str) -> bool:
    """One signature text per token: base64url leaves spare bits in the last character,
    which decoding ignores, so a changed link could otherwise still pass."""
    _, dot, signature = token.rpartition(".")
    if not dot or not signature or not signature.isascii():
        return False
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except (binascii.Error, ValueError):
        return False
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == signature
