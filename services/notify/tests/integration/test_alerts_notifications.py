"""The alerts service's matches and deadline reminders become inbox items and mail for the
subscriber, on SQLite and PostgreSQL (alerts mail comes in the weekly digest by default)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests.fakes import (
    delivered,
    make_digests,
    person_recipient,
    sealed,
    send_due,
    verify_address,
)

from ecbm_integration import alerts, registry
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.outbound import DigestSchedule, Outbound
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, outbound_for
from ecbm_notify.domain.preferences import Frequency
from ecbm_runtime.auth import Principal, acting_as

MARIA = "maria.ionescu@example.org"
AT = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)
NOW = datetime(2100, 1, 4, 9, 0, tzinfo=UTC)  # a Monday after the held messages
CALL = "Partnerships for innovation: mentoring for inclusive education"


@pytest.fixture
def outbound(smtp_sink: SmtpSink) -> Iterator[Outbound]:
    settings = SERVICE.load_settings(smtp_port=smtp_sink.port, smtp_timeout_seconds=2)
    assert isinstance(settings, NotifySettings)
    found = outbound_for(settings)
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def deliver(notify: Notify, event: object) -> None:
    notify.bus.handle(event, delivered(event))


def test_a_match_and_a_deadline_reach_the_subscribers_inbox_and_digest(
    notify: Notify, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    deliver(notify, registry.PersonJoined(
        person_id="p1", sealed_contact=sealed("p1", "Maria Ionescu", MARIA),
        preferred_language="fr", contact_by_email=True, country="RO", roles=["practitioner"],
        occurred_at=AT,
    ))  # fmt: skip
    verify_address(notify, "p1")
    deliver(notify, alerts.AlertMatched(
        subscription_id="s1", person_id="p1", subscription_name="Funding for mentoring",
        rhythm="weekly", item_id="i1", kind="funding_call", title=CALL,
        url="https://ec.europa.eu/call", relevance=0.8, deadline="2027-03-12",
        occurred_at=AT,
    ))  # fmt: skip
    deliver(notify, alerts.DeadlineApproaching(
        subscription_id="s1", person_id="p1", item_id="i1", identifier="ERASMUS-1",
        title=CALL, url="https://ec.europa.eu/call", deadline="2027-03-12",
        days_before=30, occurred_at=AT,
    ))  # fmt: skip

    recipient = person_recipient(notify, "p1")
    with acting_as(Principal(subject="p1", roles=frozenset({"member"}))):
        page = notify.bus.handle(ListNotifications(recipient_id=recipient))
    assert sorted(n.title for n in page.notifications) == [f"30 days left: {CALL}",
                                                           f"New for you: {CALL}"]  # fmt: skip

    assert make_digests(notify, Frequency.WEEKLY, NOW, DigestSchedule(hour=7, weekday=0)) == 1
    send_due(notify, outbound, NOW)
    [digest] = smtp_sink.to(MARIA)
    assert "== Alertes ==" in digest.part("plain")  # the topic, in her language
    assert f"New for you: {CALL}" in digest.part("plain")
