"""The sender loop and the digests: due deliveries become e-mails.

Both run in notify's worker on timers, and take the clock as an argument so tests (and
an operator's replay) can say what "now" is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine

from ecbm_notify.adapters import deliveries, delivery_metrics
from ecbm_notify.adapters.mailer import MailRejected, MailServerDown, MailUnavailable, compose
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.application.email import DIGEST_TOPIC, Mailer, UnsubscribeKeys, unsubscribe_url
from ecbm_notify.domain.delivery import DeliveryStatus, RetryPolicy
from ecbm_notify.domain.preferences import Channel, Frequency, Topic

_log = logging.getLogger("ecbm_notify.sending")
DIGEST_TYPE = "digest"


@dataclass(frozen=True)
class Outbound:
    """Everything the sender needs besides the database."""

    mailer: Mailer
    renderer: TemplateRenderer
    keys: UnsubscribeKeys
    public_base_url: str
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # How long a claimed delivery is ours before another sender may take it again.
    lease: timedelta = timedelta(minutes=2)
    # Deliveries claimed per transaction.
    batch_size: int = 20


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    given_up: int = 0
    server_down: bool = False


def send_due(engine: Engine, outbound: Outbound, now: datetime, limit: int = 200) -> SendReport:
    """Send up to ``limit`` due deliveries; stop early when the server cannot be reached."""
    report = SendReport()
    remaining = limit
    while remaining > 0 and not report.server_down:
        batch = deliveries.claim_batch(
            engine, now, outbound.lease, min(remaining, outbound.batch_size)
        )
        if not batch:
            break
        remaining -= len(batch)
        for index, claimed in enumerate(batch):
            if not _send_one(engine, outbound, claimed, now, report):
                _release(engine, batch[index + 1 :], now)
                break
    _gauge_waiting(engine, now)
    return report


def _release(engine: Engine, unsent: list[deliveries.ClaimedDelivery], now: datetime) -> None:
    """Give back what this tick claimed but could not try (SMTP went down)."""
    for claimed in unsent:
        status = DeliveryStatus.QUEUED if claimed.attempts == 0 else DeliveryStatus.RETRYING
        deliveries.record(
            engine, claimed.id, status, now, attempted=False, next_attempt_at=now, history=False
        )


def _gauge_waiting(engine: Engine, now: datetime) -> None:
    count, oldest = deliveries.waiting(engine)
    delivery_metrics.pending.set(count)
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no zone; we write UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    delivery_metrics.oldest_pending_age_seconds.set(max(age, 0.0))


def _send_one(
    engine: Engine,
    outbound: Outbound,
    claimed: deliveries.ClaimedDelivery,
    now: datetime,
    report: SendReport,
) -> bool:
    """One attempt; False when SMTP is down (the delivery is queued again, unharmed)."""
    if not claimed.email:
        _finish(engine, claimed, DeliveryStatus.FAILED, now, "the recipient has no address")
        report.failed += 1
        return True
    message = _message(outbound, claimed)
    started = time.perf_counter()
    try:
        outbound.mailer.send(message)
    except MailServerDown as error:
        deliveries.record(
            engine, claimed.id, DeliveryStatus.QUEUED if claimed.attempts == 0
            else DeliveryStatus.RETRYING, now, reason=str(error), attempted=False,
            next_attempt_at=now, history=False,
        )  # fmt: skip
        report.server_down = True
        _log.warning("SMTP unreachable; deliveries stay queued", extra={"error": str(error)})
        return False
    except MailRejected as error:
        _finish(engine, claimed, DeliveryStatus.FAILED, now, str(error))
        report.failed += 1
    except MailUnavailable as error:
        status, next_at = outbound.retry.after_temporary_failure(claimed.attempts + 1, now)
        deliveries.record(
            engine, claimed.id, status, now, reason=str(error), next_attempt_at=next_at
        )
        delivery_metrics.deliveries.labels(Channel.EMAIL, status).inc()
        if status is DeliveryStatus.GIVEN_UP:
            report.given_up += 1
        else:
            report.retrying += 1
    else:
        delivery_metrics.send_seconds.observe(time.perf_counter() - started)
        _finish(engine, claimed, DeliveryStatus.SENT, now, None)
        report.sent += 1
    return True


def _finish(
    engine: Engine,
    claimed: deliveries.ClaimedDelivery,
    status: DeliveryStatus,
    now: datetime,
    reason: str | None,
) -> None:
    deliveries.record(engine, claimed.id, status, now, reason=reason)
    delivery_metrics.deliveries.labels(Channel.EMAIL, status).inc()
    log = _log.info if status is DeliveryStatus.SENT else _log.warning
    log(
        "delivery %s", status,
        extra={"delivery_id": claimed.id, "notification_type": claimed.notification_type,
               "reason": reason},
    )  # fmt: skip


def _message(outbound: Outbound, claimed: deliveries.ClaimedDelivery) -> EmailMessage:
    """Rendered now, in the person's current language, with a fresh unsubscribe link."""
    base = outbound.public_base_url.rstrip("/")
    payload = claimed.payload
    topic = claimed.topic
    if claimed.notification_type == DIGEST_TYPE:
        topic = f"{DIGEST_TOPIC}:{payload.get('frequency', '')}"
    unsubscribe = (
        ""
        if claimed.critical
        else unsubscribe_url(outbound.keys, base, claimed.recipient_id, topic)
    )
    context: dict[str, Any] = {
        **payload,
        "recipient_name": claimed.display_name,
        "unsubscribe_url": unsubscribe,
    }
    if claimed.notification_type != DIGEST_TYPE:
        context["link"] = f"{base}/inbox"
    rendered = outbound.renderer.render(claimed.notification_type, claimed.language or "", context)
    assert claimed.email is not None
    return compose(
        claimed.email,
        rendered.subject,
        rendered.text,
        rendered.html,
        unsubscribe_url=unsubscribe,
        headers={"X-ECBM-Delivery": claimed.id},
    )


# Digests ---------------------------------------------------------------------------------

_TOPIC_LABELS: Mapping[str, str] = {
    Topic.REGISTRY: "Registry",
    Topic.MATCHING: "Matching",
    Topic.EVENTS: "Events",
    Topic.QUALITY: "Quality",
    Topic.ALERTS: "Alerts",
    Topic.NEWSLETTER: "Newsletter",
}


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


def make_digests(
    engine: Engine, frequency: Frequency, now: datetime, schedule: DigestSchedule
) -> int:
    """Merge each person's held items of ``frequency`` into one queued digest e-mail.

    Once per period and person (the digest's key is the period): items held after this
    period's digest wait for the next one. Returns how many digests were queued.
    """
    period = schedule.period(frequency, now)
    if period is None:
        return 0
    made = 0
    with engine.begin() as connection:
        for recipient_id, items in deliveries.held_for_digest(connection, frequency).items():
            if deliveries.has_delivery(connection, period, recipient_id, Channel.EMAIL):
                continue
            digest_id = deliveries.enqueue(
                connection,
                deliveries.NewDelivery(
                    source_key=period,
                    recipient_id=recipient_id,
                    channel=Channel.EMAIL,
                    notification_type=DIGEST_TYPE,
                    topic=DIGEST_TOPIC,
                    critical=False,
                    frequency=Frequency.IMMEDIATELY,
                    payload={
                        "count": len(items),
                        "groups": _groups(items),
                        "frequency": str(frequency),
                    },
                ),
                now,
            )
            assert digest_id is not None, "checked above, in this transaction"
            deliveries.mark_digested(connection, [item["id"] for item in items], digest_id, now)
            made += 1
    return made


def _groups(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items grouped by topic, topics in catalogue order, items oldest first."""
    by_topic: dict[str, list[dict[str, str]]] = {}
    for item in items:
        entry = {"title": item["title"], "body": item["body"], "link": item["link"]}
        by_topic.setdefault(item["topic"], []).append(entry)
    order = [str(topic) for topic in Topic]
    return [
        {"topic": topic, "topic_label": _TOPIC_LABELS.get(topic, topic.title()), "items": entries}
        for topic, entries in sorted(
            by_topic.items(), key=lambda pair: order.index(pair[0]) if pair[0] in order else 99
        )
    ]
