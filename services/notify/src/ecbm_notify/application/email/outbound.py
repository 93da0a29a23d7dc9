"""What the e-mail side needs besides the database: SMTP, templates, link keys, timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.application.ports import Mailer
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.delivery import RetryPolicy
from ecbm_notify.domain.preferences import Frequency


@dataclass(frozen=True)
class UnsubscribeKeys:
    """What signs and checks unsubscribe links."""

    key: bytes
    valid_for: timedelta = timedelta(days=60)

    def url(self, base_url: str, recipient_id: str, topic: str, now: datetime) -> str:
        token = unsubscribe.issue(self.key, recipient_id, topic, now, self.valid_for)
        return f"{base_url.rstrip('/')}/unsubscribe?token={token}"


@dataclass(frozen=True)
class Outbound:
    """Everything the sender needs besides the database and the link keys."""

    mailer: Mailer
    renderer: TemplateRenderer
    public_base_url: str
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # How long a claimed delivery is ours before another sender may take it again.
    lease: timedelta = timedelta(minutes=2)
    # Deliveries claimed per transaction.
    batch_size: int = 20


@dataclass(frozen=True)
class DigestSchedule:
    """When digests go out (UTC): daily at ``hour``, weekly on ``weekday`` (0 = Monday)."""

    hour: int = 7
    weekday: int = 0

    def period(self, frequency: Frequency, now: datetime) -> str | None:
        """The period a digest sent now belongs to; None before its time has come."""
        if now.hour < self.hour:
            return None
        if frequency is Frequency.DAILY:
            return f"daily:{now.date().isoformat()}"
        if now.weekday() != self.weekday:
            return None
        year, week, _ = now.isocalendar()
        return f"weekly:{year}-W{week:02d}"
