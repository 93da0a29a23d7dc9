"""E-mail verification links: proof that whoever follows one reads the address it was sent to.

A token is ``base64url(recipient|address digest|expires) . base64url(HMAC-SHA256)``, signed
with notify's link key under its own purpose label, so an unsubscribe or opt-in token never
passes for one (nor one for them). The digest binds the token to one address of one
recipient without putting the address in the URL; it is keyed, so a token names no address.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ecbm_notify.domain.recipients import normalised_email
from ecbm_runtime.errors import FieldViolation, InvalidArgument

# The delivery type of the verification mail (templates/email_verification/), how long
# its link works, and what startup renders its templates with.
VERIFICATION_TYPE = "email_verification"
VERIFICATION_VALID_FOR = timedelta(days=3)
VERIFICATION_SAMPLE: dict[str, Any] = {
    "recipient_name": "Maria Ionescu",
    "address": "maria.ionescu@example.org",
    "verify_url": "https://ecbm.example/verify-email?token=sample",
    "valid_days": 3,
    "unsubscribe_url": "",
}
_PURPOSE = b"ecbm-email-verification:"
_SEPARATOR = "|"


class InvalidVerificationLink(InvalidArgument):
    """The link was changed, forged, is too old, or its address no longer waits."""

    def __init__(self, why: str) -> None:
        super().__init__(FieldViolation("token", why))
        self.why = why


@dataclass(frozen=True)
class VerificationRequest:
    recipient_id: str
    address_digest: str
    expires_at: datetime

    def is_for(self, key: bytes, address: str | None) -> bool:
        return address is not None and hmac.compare_digest(
            self.address_digest, address_digest(key, address)
        )


def address_digest(key: bytes, address: str) -> str:
    mac = hmac.new(key, _PURPOSE + normalised_email(address).encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def issue(key: bytes, recipient_id: str, address: str, now: datetime, valid_for: timedelta) -> str:
    if _SEPARATOR in recipient_id:
        raise ValueError("recipient ids never contain '|'")
    expires = str(int((now + valid_for).timestamp()))
    body = _encode(_SEPARATOR.join((recipient_id, address_digest(key, address), expires)).encode())
    return f"{body}.{_encode(_mac(key, body))}"


def verify(key: bytes, token: str, now: datetime) -> VerificationRequest:
    """What the token asks; `InvalidVerificationLink` when forged, damaged or expired."""
    body, dot, signature = token.strip().partition(".")
    if not dot or not body:
        raise InvalidVerificationLink("this verification link is incomplete")
    try:
        given = _decode(signature)
        payload = _decode(body).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidVerificationLink("this verification link is damaged") from error
    if _encode(given) != signature:  # one token per link: no spare bits in the last character
        raise InvalidVerificationLink("this verification link is damaged")
    if not hmac.compare_digest(given, _mac(key, body)):
        raise InvalidVerificationLink("this verification link is not one we sent")
    recipient_id, digest, expires = payload.split(_SEPARATOR)  # we signed three fields
    expires_at = datetime.fromtimestamp(int(expires), tz=now.tzinfo)
    if expires_at <= now:
        raise InvalidVerificationLink("this verification link has expired")
    return VerificationRequest(recipient_id, digest, expires_at)


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, _PURPOSE + body.encode(), hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    if not text or not text.isascii():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
