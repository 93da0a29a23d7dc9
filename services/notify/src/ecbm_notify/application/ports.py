"""What notify's use cases need from outside besides the database: a clock, a mailer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Mailer(Protocol):
    """What sends a composed message (``adapters.mailer.SmtpMailer``; fakes in tests)."""

    def send(self, message: EmailMessage) -> None: ...
