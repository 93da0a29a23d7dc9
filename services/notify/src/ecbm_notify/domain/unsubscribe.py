"""Unsubscribe tokens: who may stop which topic by e-mail, without logging in.

A token is ``base64url(recipient|topic|expires) . base64url(HMAC-SHA256)``. It is signed
with a server secret, so it cannot be forged or changed, and it expires, so an old
forwarded e-mail stops working. No state is kept: checking one needs only the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from ecbm_runtime.errors import FieldViolation, InvalidArgument

_SEPARATOR = "|"


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


def sign(key: bytes, recipient_id: str, topic: str, expires_at: datetime) -> str:
    if _SEPARATOR in recipient_id or _SEPARATOR in topic:
        raise ValueError("recipient ids and topics never contain '|'")
    payload = _SEPARATOR.join((recipient_id, topic, str(int(expires_at.timestamp()))))
    body = _encode(payload.encode())
    return f"{body}.{_encode(_mac(key, body))}"


def issue(key: bytes, recipient_id: str, topic: str, now: datetime, valid_for: timedelta) -> str:
    return sign(key, recipient_id, topic, now + valid_for)


def verify(key: bytes, token: str, now: datetime) -> UnsubscribeRequest:
    """The request the token carries; `InvalidUnsubscribeToken` if forged or expired."""
    body, dot, signature = token.strip().partition(".")
    if not dot or not body:
        raise InvalidUnsubscribeToken("this unsubscribe link is incomplete")
    try:
        given = _decode(signature)
        payload = _decode(body).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidUnsubscribeToken("this unsubscribe link is damaged") from error
    if not hmac.compare_digest(given, _mac(key, body)):
        raise InvalidUnsubscribeToken("this unsubscribe link is not one we sent")
    recipient_id, topic, expires = payload.split(_SEPARATOR)  # we signed three fields
    expires_at = datetime.fromtimestamp(int(expires), tz=now.tzinfo)
    if expires_at <= now:
        raise InvalidUnsubscribeToken("this unsubscribe link has expired")
    return UnsubscribeRequest(recipient_id, topic, expires_at)


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, b"ecbm-unsubscribe:" + body.encode(), hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    if not text or not text.isascii():
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
