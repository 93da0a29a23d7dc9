"""The sender loop and the digests: due deliveries become e-mails.

Both run in notify's worker on timers, as the commands ``SendDueMail`` and ``MakeDigests``;
each takes "now" from the command (tests, an operator's replay) or else from the clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from ecbm_notify.adapters.email import metrics
from ecbm_notify.adapters.email.deliveries import ClaimedDelivery, NewDelivery
from ecbm_notify.adapters.mailer import MailRejected, MailServerDown, MailUnavailable, compose
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.email.commands import MakeDigests, SendDueMail
from ecbm_notify.application.email.handlers import DIGEST_TOPIC
from ecbm_notify.application.people.verification import verification_mail
from ecbm_notify.domain.delivery import DeliveryStatus
from ecbm_notify.domain.preferences import Channel, Frequency, Topic
from ecbm_notify.domain.recipients import AddressNotWaiting
from ecbm_notify.domain.subscriber import CONFIRMATION_TYPE
from ecbm_notify.domain.verification import VERIFICATION_TYPE

_log = logging.getLogger("ecbm_notify.sending")
DIGEST_TYPE = "digest"


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    given_up: int = 0
    server_down: bool = False


def send_due_mail(command: SendDueMail, deps: NotifyDependencies) -> SendReport:
    """Send up to ``limit`` due deliveries; stop early when the server cannot be reached.

    Each batch is claimed in its own transaction and each outcome recorded in another:
    a sender that stops mid-batch loses nothing (the claims' lease runs out).
    """
    now = command.now or deps.clock()
    report = SendReport()
    remaining = command.limit
    outbound = deps.outbound
    while remaining > 0 and not report.server_down:
        with deps.uow() as work:
            batch = work.views.deliveries.claim_batch(
                now, outbound.lease, min(remaining, outbound.batch_size)
            )
            work.commit()
        if not batch:
            break
        remaining -= len(batch)
        for index, claimed in enumerate(batch):
            if not _send_one(deps, claimed, now, report):
                _release(deps, batch[index + 1 :], now)
                break
    _gauge_waiting(deps, now)
    return report


def _record(
    deps: NotifyDependencies, delivery_id: str, status: DeliveryStatus, now: datetime, **how: Any
) -> None:
    with deps.uow() as work:
        work.views.deliveries.record(delivery_id, status, now, **how)
        work.commit()


def _release(deps: NotifyDependencies, unsent: list[ClaimedDelivery], now: datetime) -> None:
    """Give back what this tick claimed but could not try (SMTP went down)."""
    for claimed in unsent:
        status = DeliveryStatus.QUEUED if claimed.attempts == 0 else DeliveryStatus.RETRYING
        _record(deps, claimed.id, status, now, attempted=False, next_attempt_at=now, history=False)


def _gauge_waiting(deps: NotifyDependencies, now: datetime) -> None:
    with deps.read() as views:
        count, oldest = views.deliveries.waiting()
    metrics.pending.set(count)
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no zone; we write UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    metrics.oldest_pending_age_seconds.set(max(age, 0.0))


def _send_one(
    deps: NotifyDependencies, claimed: ClaimedDelivery, now: datetime, report: SendReport
) -> bool:
    """One attempt; False when SMTP is down (the delivery is queued again, unharmed)."""
    try:
        to, extra = _addressed(deps, claimed, now)
    except AddressNotWaiting as error:
        _finish(deps, claimed, DeliveryStatus.FAILED, now, str(error))
        report.failed += 1
        return True
    if not to:
        _finish(deps, claimed, DeliveryStatus.FAILED, now, "the recipient has no verified address")
        report.failed += 1
        return True
    message = _message(deps, claimed, to, extra, now)
    started = time.perf_counter()
    try:
        deps.outbound.mailer.send(message)
    except MailServerDown as error:
        _record(
            deps, claimed.id, DeliveryStatus.QUEUED if claimed.attempts == 0
            else DeliveryStatus.RETRYING, now, reason=str(error), attempted=False,
            next_attempt_at=now, history=False,
        )  # fmt: skip
        report.server_down = True
        _log.warning("SMTP unreachable; deliveries stay queued", extra={"error": str(error)})
        return False
    except MailRejected as error:
        _finish(deps, claimed, DeliveryStatus.FAILED, now, str(error))
        report.failed += 1
    except MailUnavailable as error:
        status, next_at = deps.outbound.retry.after_temporary_failure(claimed.attempts + 1, now)
        _record(deps, claimed.id, status, now, reason=str(error), next_attempt_at=next_at)
        metrics.deliveries.labels(Channel.EMAIL, status).inc()
        if status is DeliveryStatus.GIVEN_UP:
            report.given_up += 1
        else:
            report.retrying += 1
    else:
        metrics.send_seconds.observe(time.perf_counter() - started)
        _finish(deps, claimed, DeliveryStatus.SENT, now, None)
        report.sent += 1
    return True


def _finish(
    deps: NotifyDependencies,
    claimed: ClaimedDelivery,
    status: DeliveryStatus,
    now: datetime,
    reason: str | None,
) -> None:
    _record(deps, claimed.id, status, now, reason=reason)
    metrics.deliveries.labels(Channel.EMAIL, status).inc()
    log = _log.info if status is DeliveryStatus.SENT else _log.warning
    log(
        "delivery %s", status,
        extra={"delivery_id": claimed.id, "notification_type": claimed.notification_type,
               "reason": reason},
    )  # fmt: skip


def _addressed(
    deps: NotifyDependencies, claimed: ClaimedDelivery, now: datetime
) -> tuple[str | None, dict[str, Any]]:
    """The address (a verified one, but for the verification mail) and extra variables."""
    if claimed.notification_type == VERIFICATION_TYPE:
        return verification_mail(deps, claimed, now)
    return claimed.email, {}


def _message(
    deps: NotifyDependencies,
    claimed: ClaimedDelivery,
    to: str,
    extra: dict[str, Any],
    now: datetime,
) -> EmailMessage:
    """Rendered now, in the person's current language, with a fresh unsubscribe link."""
    outbound = deps.outbound
    base = outbound.public_base_url.rstrip("/")
    payload = claimed.payload
    topic = claimed.topic
    if claimed.notification_type == DIGEST_TYPE:
        topic = f"{DIGEST_TOPIC}:{payload.get('frequency', '')}"
    unsubscribe = (
        "" if claimed.critical else deps.keys.url(base, claimed.recipient_id, topic, deps.clock())
    )
    context: dict[str, Any] = {
        **payload,
        **extra,
        "recipient_name": claimed.display_name,
        "unsubscribe_url": unsubscribe,
    }
    if claimed.notification_type == CONFIRMATION_TYPE:
        links = deps.newsletter.links
        context["confirm_url"] = links.confirmation_url(
            claimed.recipient_id, int(payload["request"]), deps.clock()
        )
    elif claimed.notification_type not in (DIGEST_TYPE, VERIFICATION_TYPE):
        context["link"] = f"{base}/inbox"
    rendered = outbound.renderer.render(claimed.notification_type, claimed.language or "", context)
    message = compose(
        to,
        rendered.subject,
        rendered.text,
        rendered.html,
        unsubscribe_url=unsubscribe,
        headers={"X-ECBM-Delivery": claimed.id},
    )
    if claimed.language:  # after the body: setting content drops Content-* headers
        message["Content-Language"] = claimed.language
    return message


# Digests ---------------------------------------------------------------------------------

_TOPIC_LABELS: Mapping[str, str] = {
    Topic.REGISTRY: "Registry",
    Topic.MATCHING: "Matching",
    Topic.EVENTS: "Events",
    Topic.QUALITY: "Quality",
    Topic.ALERTS: "Alerts",
    Topic.NEWSLETTER: "Newsletter",
}


def make_digests(command: MakeDigests, deps: NotifyDependencies) -> int:
    """Merge each person's held items of ``frequency`` into one queued digest e-mail.

    Once per period and person (the digest's key is the period): items held after this
    period's digest wait for the next one. Returns how many digests were queued.
    """
    now = command.now or deps.clock()
    frequency = command.frequency
    period = deps.digests.period(frequency, now)
    if period is None:
        return 0
    made = 0
    with deps.uow() as work:
        deliveries = work.views.deliveries
        for recipient_id, items in deliveries.held_for_digest(frequency).items():
            if deliveries.has_delivery(period, recipient_id, Channel.EMAIL):
                continue
            digest_id = deliveries.enqueue(
                NewDelivery(
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
            deliveries.mark_digested([item["id"] for item in items], digest_id, now)
            made += 1
        work.commit()
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
