"""The key that signs notify's unsubscribe and opt-in links: its own, never the JWT secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET, UnsafeSettings

if TYPE_CHECKING:  # the settings module asks this one for its key
    from ecbm_notify.settings import NotifySettings

# Development only, like the key it is derived from; production refuses to start without
# ECBM_NOTIFY_UNSUBSCRIBE_SECRET.
DEVELOPMENT_LINK_KEY = hmac.new(
    DEVELOPMENT_JWT_SECRET.encode(), b"ecbm-notify-links", hashlib.sha256
).digest()


def link_key(settings: NotifySettings) -> bytes:
    """``unsubscribe_secret``; in development mode a derived key when it is not set."""
    value = settings.unsubscribe_secret.get_secret_value()
    if value:
        return value.encode()
    if settings.development:
        return DEVELOPMENT_LINK_KEY
    raise UnsafeSettings(
        "ECBM_NOTIFY_UNSUBSCRIBE_SECRET is not set: it signs unsubscribe and opt-in links"
    )
