"""The life of one outbound e-mail and when to try again.

held ──(digest timer)──▶ digested           (merged into a digest delivery)
queued ─▶ sending ─▶ sent
                 ├─▶ failed                 (permanent: invalid address, 5xx; never retried)
                 └─▶ retrying ─▶ sending …  (temporary: 4xx, timeouts; exponential backoff)
                               └─▶ given_up (after ``max_attempts``)

A server that cannot be reached at all is not the message's fault: the message goes back
to ``queued`` without using an attempt, so nothing is lost however long SMTP is down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class DeliveryStatus(StrEnum):
    HELD = "held"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    GIVEN_UP = "given_up"
    DIGESTED = "digested"


DUE = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
FINAL = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP)


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def after_temporary_failure(
        self, attempts: int, now: datetime
    ) -> tuple[DeliveryStatus, datetime | None]:
        """Status and next attempt after the ``attempts``-th attempt failed for now."""
        if attempts >= self.max_attempts:
            return DeliveryStatus.GIVEN_UP, None
        delay = min(self.first_delay * (2 ** (attempts - 1)), self.max_delay)
        return DeliveryStatus.RETRYING, now + delay
