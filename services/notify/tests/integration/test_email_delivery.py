"""E-mail from registry events to a real SMTP server, on SQLite and PostgreSQL: preferences,
language, one-click headers, SMTP down and back, permanent failures, retries, the log."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select
from tests.fakes import contact_recipient, person_recipient, sealed, send_due, verify_address

from ecbm_integration import registry
from ecbm_notify.adapters.read_models import deliveries
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email import commands, queries
from ecbm_notify.application.email.outbound import Outbound
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, outbound_for
from ecbm_notify.domain.delivery import RetryPolicy
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import InvalidArgument, PermissionDenied
from ecbm_runtime.testing import free_port

CONTACT = "an.peeters@example.org"  # conftest's RegistryEvents notify them
MARIA = "maria.ionescu@example.org"
ADMIN = Principal(subject="ops", roles=frozenset({"admin"}))
# Later than any real clock in these tests: what was queued "now" is always due by then.
NOW = datetime(2100, 1, 4, 9, 0, tzinfo=UTC)

EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))


class RegistryEvents(Protocol):
    """The ``registry_events`` fixture (tests/conftest.py)."""

    def deliver(self, event: object) -> None: ...
    def organisation(self, organisation_id: str = "org1", email: str = ...) -> None: ...
    def programme(self, name: str = "Buddy Up", organisation_id: str = "org1") -> None: ...


def outbound_to(port: int, **changes: Any) -> Outbound:
    settings = SERVICE.load_settings(smtp_port=port, smtp_timeout_seconds=2, **changes)
    assert isinstance(settings, NotifySettings)
    return outbound_for(settings)


@pytest.fixture
def outbound(smtp_sink: SmtpSink) -> Iterator[Outbound]:
    found = outbound_to(smtp_sink.port)
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def person(
    person_id: str = "p1", email: str = MARIA, language: str = "fr", consent: bool = True
) -> registry.PersonJoined:
    return registry.PersonJoined(
        person_id=person_id, sealed_contact=sealed(person_id, "Maria Ionescu", email),
        preferred_language=language, contact_by_email=consent, country="RO",
        roles=["practitioner"], occurred_at=datetime.now(UTC),
    )  # fmt: skip


def approved(person_id: str = "p1") -> registry.MembershipApproved:
    return registry.MembershipApproved(person_id=person_id, occurred_at=datetime.now(UTC))


def statuses(notify: Notify, channel: str = "email") -> list[tuple[str, str]]:
    with notify.engine.connect() as connection:
        rows = connection.execute(
            select(deliveries.c.notification_type, deliveries.c.status)
            .where(deliveries.c.channel == channel)
            .order_by(deliveries.c.create_time)
        )
        return [(row.notification_type, row.status) for row in rows]


def test_a_registered_programme_is_mailed_to_the_contact_with_one_click_unsubscribe(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.organisation()
    registry_events.programme("Buddy Up")

    report = send_due(notify, outbound, NOW)

    assert report.sent == 1
    [mail] = smtp_sink.to(CONTACT)
    assert mail.message["Subject"] == "Buddy Up is now in the registry"
    assert mail.message["List-Unsubscribe"].startswith("<http://127.0.0.1:8106/unsubscribe?token=")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Your programme Buddy Up (BE) was registered" in mail.part("plain")
    assert "<p>Hello An Peeters,</p>" in mail.part("html")
    assert statuses(notify) == [("programme_registered", "sent")]
    assert statuses(notify, "web") == [("programme_registered", "sent")]  # shown in the inbox
    assert send_due(notify, outbound, NOW + timedelta(hours=1)).sent == 0  # once


def test_a_critical_welcome_is_in_the_persons_language_without_unsubscribe(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.deliver(person(language="fr"))
    recipient = verify_address(notify, "p1")
    with acting_as(Principal(subject="p1", roles=frozenset({"member"}))):
        notify.bus.handle(commands.UpdatePreferences(recipient_id=recipient, entries=[
            commands.PreferenceEntry(topic="registry", channel="email", frequency="off"),
        ]))  # fmt: skip
    registry_events.deliver(approved())

    send_due(notify, outbound, NOW)

    [mail] = smtp_sink.to(MARIA)  # critical: "off" does not stop it
    assert mail.message["Subject"] == "Bienvenue : votre adhésion au Centre est approuvée"
    assert mail.message["List-Unsubscribe"] is None
    assert "Bonjour Maria Ionescu," in mail.part("plain")


def test_no_consent_means_no_email_even_when_critical(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.deliver(person(consent=False))
    registry_events.deliver(approved())
    send_due(notify, outbound, NOW)
    assert smtp_sink.received == [] and statuses(notify) == []
    assert statuses(notify, "web") == [("membership_approved", "sent")]


def test_email_off_for_a_topic_sends_nothing_but_the_web_inbox_still_shows_it(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.organisation()
    contact = contact_recipient(notify)
    with acting_as(EDITOR):
        notify.bus.handle(commands.UpdatePreferences(recipient_id=contact, entries=[
            commands.PreferenceEntry(topic="registry", channel="email", frequency="off"),
        ]))  # fmt: skip
        chosen = notify.bus.handle(queries.GetPreferences(recipient_id=contact))
        registry_events.programme("Buddy Up")
        inbox = notify.bus.handle(ListNotifications(recipient_id=contact))
    send_due(notify, outbound, NOW)
    assert ("registry", "email", "off") in {(p.topic, p.channel, p.frequency) for p in chosen}
    assert smtp_sink.received == []
    assert [n.title for n in inbox.notifications] == ["Buddy Up is now in the registry"]


def test_preferences_are_validated_field_by_field_and_only_for_their_owner(
    notify: Notify, registry_events: RegistryEvents
) -> None:
    registry_events.organisation()
    contact = contact_recipient(notify)
    bad = commands.UpdatePreferences(recipient_id=contact, entries=[
        commands.PreferenceEntry(topic="gossip", channel="email", frequency="daily"),
        commands.PreferenceEntry(topic="events", channel="web", frequency="weekly"),
    ])  # fmt: skip
    member = EDITOR
    with acting_as(member), pytest.raises(InvalidArgument) as raised:
        notify.bus.handle(bad)
    fields = [violation.field for violation in raised.value.violations]
    assert fields == ["preferences[0].topic"]  # the first bad entry is reported
    other = Principal(subject="someone-else", roles=frozenset({"member"}))
    with acting_as(other), pytest.raises(PermissionDenied):
        notify.bus.handle(queries.GetPreferences(recipient_id=contact))


def test_smtp_down_keeps_mail_queued_and_sends_it_once_when_it_returns(
    notify: Notify, registry_events: RegistryEvents
) -> None:
    sink = SmtpSink(port=free_port())
    outbound = outbound_to(sink.port)
    registry_events.organisation()
    registry_events.programme("Buddy Up")
    registry_events.programme("Mentor Me")
    now = datetime.now(UTC)

    for minute in range(3):  # however many ticks pass while it is down
        report = send_due(notify, outbound, now + timedelta(minutes=minute))
        assert report.server_down and report.sent == 0
    assert sorted(status for _, status in statuses(notify)) == ["queued", "queued"]
    assert REGISTRY.get_sample_value("ecbm_notify_deliveries_pending") == 2
    age = REGISTRY.get_sample_value("ecbm_notify_oldest_pending_delivery_age_seconds")
    assert age is not None and 120 <= age < 200  # the last tick ran two minutes later

    sink.start()
    try:
        report = send_due(notify, outbound, now + timedelta(minutes=5))
        again = send_due(notify, outbound, now + timedelta(hours=5))
    finally:
        sink.stop()
    assert report.sent == 2 and again.sent == 0
    assert REGISTRY.get_sample_value("ecbm_notify_deliveries_pending") == 0
    assert REGISTRY.get_sample_value("ecbm_notify_oldest_pending_delivery_age_seconds") == 0
    subjects = sorted(str(mail.message["Subject"]) for mail in sink.received)
    assert subjects == ["Buddy Up is now in the registry", "Mentor Me is now in the registry"]


def test_an_invalid_address_fails_once_with_its_reason_and_is_never_retried(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    smtp_sink.refuse.add(CONTACT)
    registry_events.organisation()
    registry_events.programme("Buddy Up")

    first = send_due(notify, outbound, NOW)
    later = send_due(notify, outbound, NOW + timedelta(days=3))

    assert (first.failed, later.failed) == (1, 0)
    with acting_as(ADMIN):
        views, _, total = notify.bus.handle(queries.ListDeliveries(status="failed"))
    assert total == 1
    assert views[0].last_error == "550 5.1.1 mailbox unavailable"
    assert [entry.status for entry in views[0].history] == ["queued", "failed"]


def test_temporary_refusals_back_off_and_give_up_after_the_last_attempt(
    notify: Notify, registry_events: RegistryEvents, smtp_sink: SmtpSink
) -> None:
    outbound = outbound_to(smtp_sink.port)
    retry = RetryPolicy(timedelta(seconds=10), timedelta(seconds=25), max_attempts=3)
    outbound = replace(outbound, retry=retry)
    smtp_sink.refuse_temporarily.add(CONTACT)
    registry_events.organisation()
    registry_events.programme("Buddy Up")

    assert send_due(notify, outbound, NOW).retrying == 1
    assert send_due(notify, outbound, NOW + timedelta(seconds=9)).retrying == 0  # not due
    assert send_due(notify, outbound, NOW + timedelta(seconds=10)).retrying == 1
    assert send_due(notify, outbound, NOW + timedelta(seconds=29)).retrying == 0  # 20 s
    assert send_due(notify, outbound, NOW + timedelta(seconds=30)).given_up == 1
    assert send_due(notify, outbound, NOW + timedelta(days=1)).sent == 0

    with acting_as(ADMIN):
        [view], _, _ = notify.bus.handle(
            queries.ListDeliveries(recipient_id=contact_recipient(notify), channel="email")
        )
    assert view.status == "given_up" and view.attempts == 3
    assert [entry.status for entry in view.history] == [
        "queued",
        "retrying",
        "retrying",
        "given_up",
    ]
    assert smtp_sink.received == []


def test_the_delivery_log_is_for_admins_and_filters(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound
) -> None:
    registry_events.organisation()
    registry_events.programme("Buddy Up")
    registry_events.programme("Mentor Me")
    registry_events.deliver(person())
    verify_address(notify, "p1")  # its link stays queued: one e-mail more
    registry_events.deliver(approved())
    with acting_as(ADMIN):
        page, after, total = notify.bus.handle(queries.ListDeliveries(page_size=2, channel="email"))
        rest, end, _ = notify.bus.handle(
            queries.ListDeliveries(page_size=2, after=after, channel="email")
        )
        _, _, everything = notify.bus.handle(queries.ListDeliveries())
        welcomes, _, _ = notify.bus.handle(
            queries.ListDeliveries(notification_type="membership_approved", channel="email")
        )
        with pytest.raises(InvalidArgument):
            notify.bus.handle(queries.ListDeliveries(status="lost"))
    assert total == 4 and len(page) == 2 and len(rest) == 2 and end is None
    assert everything == 7  # and three web inbox deliveries
    assert {v.id for v in page} | {v.id for v in rest} == {v.id for v in page + rest}
    assert [w.recipient_id for w in welcomes] == [person_recipient(notify, "p1")]
    editor = Principal(subject="x", roles=frozenset({"editor"}))
    with acting_as(editor), pytest.raises(PermissionDenied):
        notify.bus.handle(queries.ListDeliveries())


def test_a_redelivered_event_queues_no_second_mail(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.organisation()
    event = registry.ProgrammeRegistered(
        programme_id="p1", organisation_id="org1", display_name="Buddy Up", countries=["BE"],
        languages=["nl"], occurred_at=NOW,
    )  # fmt: skip
    registry_events.deliver(event)
    registry_events.deliver(event)  # a new event id: the inbox would not catch it
    send_due(notify, outbound, NOW)
    assert len(smtp_sink.received) == 1


def test_forgetting_a_person_deletes_their_deliveries(
    notify: Notify, registry_events: RegistryEvents
) -> None:
    registry_events.deliver(person())
    registry_events.deliver(approved())
    registry_events.deliver(registry.PersonForgotten(person_id="p1", occurred_at=datetime.now(UTC)))
    assert statuses(notify) == []


def test_two_senders_at_once_send_each_mail_once(
    notify: Notify, registry_events: RegistryEvents, smtp_sink: SmtpSink
) -> None:
    """On PostgreSQL rows are claimed with SKIP LOCKED; SQLite serialises the claims."""
    registry_events.organisation()
    for number in range(30):
        registry_events.programme(f"Programme {number}")
    senders = [outbound_to(smtp_sink.port) for _ in range(2)]

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda o: send_due(notify, o, NOW), senders))

    assert sum(report.sent for report in reports) == 30
    subjects = [str(mail.message["Subject"]) for mail in smtp_sink.received]
    assert len(subjects) == len(set(subjects)) == 30
    for sender in senders:
        sender.mailer.close()  # type: ignore[attr-defined]
