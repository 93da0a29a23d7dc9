"""The events service's settings: ticket signing, waiting-list offers, timers."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from ecbm_runtime.settings import (
    DEVELOPMENT_JWT_SECRET,
    ServiceSettings,
    UnsafeSettings,
    key_problems,
)

# Development only, derived from the published development key; production refuses to
# start without ECBM_EVENTS_TICKET_SECRET.
DEVELOPMENT_TICKET_KEY = hmac.new(
    DEVELOPMENT_JWT_SECRET.encode(), b"ecbm-events-tickets", hashlib.sha256
).hexdigest()


class EventsSettings(ServiceSettings):
    """Read from ``ECBM_EVENTS_<FIELD>``; shared ones also from ``ECBM_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="ECBM_EVENTS_", extra="ignore")
    service_name: str = "events"
    # Signs check-in QR tokens and join links (HS256): required in production and never the
    # JWT secret (a leaked ticket key must not mint bearer tokens, nor the reverse).
    ticket_secret: SecretStr = SecretStr("")
    # Tickets stay valid this long after the event ends (late check-in, replays).
    ticket_grace_hours: float = 12.0
    # A place freed from a full event is held for the next person waiting this long.
    offer_hold_hours: float = 48.0
    # How often the worker passes lapsed offers on to the next person waiting.
    offer_check_interval_seconds: float = 30.0
    # Calendar feeds over HTTP for calendar apps (GET /events/{id}.ics, /calendar.ics?token=);
    # 0 picks a free port. public_base_url is where apps reach it.
    http_host: str = "127.0.0.1"
    http_port: int = 8103
    public_base_url: str = "http://127.0.0.1:8103"
    # A personal feed's address stays valid this long (re-fetch it to renew).
    calendar_feed_days: float = 365.0
    # Registration form answers are deleted this long after the event ended.
    answers_retention_days: float = 90.0
    retention_check_interval_seconds: float = 3600.0
    # Reminders (ReminderDue, for notify): this long before the start, and after the end
    # (feedback survey, materials) for events that ended within reminder_after_within_days.
    reminder_days_before: float = 7.0
    reminder_hours_before: float = 2.0
    reminder_after_within_days: float = 7.0
    reminder_check_interval_seconds: float = 60.0

    def ticket_key(self) -> str:
        """``ticket_secret``; in development mode a derived key when it is not set."""
        value = self.ticket_secret.get_secret_value()
        if value:
            return value
        if self.development:
            return DEVELOPMENT_TICKET_KEY
        raise UnsafeSettings("ECBM_EVENTS_TICKET_SECRET is not set: it signs tickets")

    def startup_problems(self) -> list[str]:
        problems = super().startup_problems()
        if self.development:
            return problems
        secret = self.ticket_secret
        problems += key_problems("ECBM_EVENTS_TICKET_SECRET", secret)
        if secret.get_secret_value() == self.jwt_secret.get_secret_value():
            problems.append("ECBM_EVENTS_TICKET_SECRET must not be the JWT secret")
        return problems
