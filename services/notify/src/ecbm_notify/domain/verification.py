"""E-mail verification links: proof that whoever follows one reads the address it was sent to.

A token is a signed link (``ecbm_runtime.signed_links``) for its own purpose, signed with
notify's link key, so an unsubscribe or opt-in token never passes for one (nor one for
them). It carries a digest that binds it to one address of one recipient without putting
the address in the URL; the digest is keyed, so a token names no address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ecbm_notify.domain.recipients import normalised_email
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.signed_links import InvalidLink, LinkSigner, Refusal

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
_PURPOSE = "email-verification"
_WHY = {
    Refusal.DAMAGED: "this verification link is damaged",
    Refusal.NOT_OURS: "this verification link is not one we sent",
    Refusal.EXPIRED: "this verification link has expired",
}


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
    mac = hmac.new(
        key, b"ecbm-email-verification:" + normalised_email(address).encode(), hashlib.sha256
    )
    return mac.hexdigest()[:32]


def issue(key: bytes, recipient_id: str, address: str, now: datetime, valid_for: timedelta) -> str:
    signer = LinkSigner(key, "ecbm-notify")
    return signer.issue(_PURPOSE, recipient_id, now + valid_for, adr=address_digest(key, address))


def verify(key: bytes, token: str, now: datetime) -> VerificationRequest:
    """What the token asks; `InvalidVerificationLink` when forged, damaged or expired."""
    try:
        signed = LinkSigner(key, "ecbm-notify").verify(_PURPOSE, token, now)
    except InvalidLink as refused:
        raise InvalidVerificationLink(_WHY[refused.refusal]) from None
    return VerificationRequest(signed.subject, signed.claims.get("adr", ""), signed.expires_at)
