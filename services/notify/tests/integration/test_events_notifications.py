"""The events service's integration events become mail and inbox items for the registrant,
on SQLite and PostgreSQL, delivered as notify's worker hands them over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from tests.fakes import delivered, person_recipient, sealed, send_due, verify_address

from ecbm_integration import events, registry
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.outbound import Outbound
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, outbound_for
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.inbox import DuplicateDelivery
from ecbm_runtime.worker import handler_queues

MARIA = "maria.ionescu@example.org"
STARTS = datetime(2027, 3, 4, 9, 0, tzinfo=UTC)
NOW = datetime(2100, 1, 4, 9, 0, tzinfo=UTC)  # later than any queued delivery


@pytest.fixture
def outbound(smtp_sink: SmtpSink) -> Iterator[Outbound]:
    settings = SERVICE.load_settings(smtp_port=smtp_sink.port, smtp_timeout_seconds=2)
    assert isinstance(settings, NotifySettings)
    found = outbound_for(settings)
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def joined(person_id: str, email: str, language: str) -> registry.PersonJoined:
    return registry.PersonJoined(
        person_id=person_id, sealed_contact=sealed(person_id, "Maria Ionescu", email),
        preferred_language=language, contact_by_email=True, country="RO",
        roles=["practitioner"], occurred_at=datetime.now(UTC),
    )  # fmt: skip


def deliver(notify: Notify, event: object) -> None:
    notify.bus.handle(event, delivered(event))


def inbox_titles(notify: Notify, person_id: str) -> list[str]:
    recipient = person_recipient(notify, person_id)
    with acting_as(Principal(subject=person_id, roles=frozenset({"member"}))):
        page = notify.bus.handle(ListNotifications(recipient_id=recipient))
    return [n.title for n in page.notifications]


def test_notify_has_a_queue_on_the_events_exchange_for_each_registration_event() -> None:
    names = {queue.name for queue in handler_queues(SERVICE.worker_class(), max_deliveries=5)}
    for event_type in ("RegistrationConfirmed", "RegistrationWaitlisted", "PlaceOffered",
                       "RegistrationCancelled", "ReminderDue", "CertificateIssued",
                       "ContributionAccepted", "MaterialsPublished"):  # fmt: skip
        assert any(f"evt-events-{event_type}--notify." in name for name in names), event_type


def test_a_confirmed_registration_reaches_the_registrants_inbox_and_mail_in_their_language(
    notify: Notify, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    deliver(notify, joined("p1", MARIA, "fr"))
    deliver(notify, joined("p2", "ben@example.org", "en"))
    verify_address(notify, "p1")
    deliver(notify, events.RegistrationConfirmed(
        registration_id="r1", event_id="e1", person_id="p1", kind="seminar",
        title="Mentoring refugees", mode="on_site", starts_at=STARTS, occurred_at=STARTS,
    ))  # fmt: skip

    send_due(notify, outbound, NOW)

    [mail] = smtp_sink.to(MARIA)
    assert mail.message["Subject"] == "Votre place à Mentoring refugees est confirmée"
    assert "commence le 2027-03-04 09:00 UTC" in mail.part("plain")
    assert "Bonjour Maria Ionescu," in mail.part("plain")
    assert inbox_titles(notify, "p1") == ["Your place at Mentoring refugees is confirmed"]
    assert inbox_titles(notify, "p2") == []  # nobody else's


def test_the_reminder_after_an_event_names_its_recordings_and_materials(
    notify: Notify, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    deliver(notify, joined("p1", MARIA, "en"))
    verify_address(notify, "p1")
    recording = events.Material(title="Recording", url="https://video.example/r/1")
    deliver(notify, events.ReminderDue(
        registration_id="r1", event_id="e1", person_id="p1", title="Mentoring refugees",
        reminder="after", starts_at=STARTS, materials=[recording],
        occurred_at=STARTS + timedelta(days=1),
    ))  # fmt: skip

    send_due(notify, outbound, NOW)

    [mail] = smtp_sink.to(MARIA)
    assert mail.message["Subject"] == "Mentoring refugees: feedback and materials"
    assert "Recording: https://video.example/r/1" in mail.part("plain")
    assert "<li>Recording: https://video.example/r/1</li>" in mail.part("html")


def test_materials_published_after_the_reminder_reach_the_registrant_once_in_their_language(
    notify: Notify, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    deliver(notify, joined("p1", MARIA, "de"))
    verify_address(notify, "p1")
    slides = events.Material(title="Slides", url="https://slides.example/s/1")
    published = events.MaterialsPublished(
        registration_id="r1", event_id="e1", person_id="p1", title="Mentoring refugees",
        materials=[slides], occurred_at=STARTS + timedelta(days=2),
    )  # fmt: skip
    notify.bus.handle(published, delivered(published, event_id="m1"))
    with pytest.raises(DuplicateDelivery):  # redelivered: the worker acks it, nothing more
        notify.bus.handle(published, delivered(published, event_id="m1"))

    send_due(notify, outbound, NOW)

    [mail] = smtp_sink.to(MARIA)
    assert mail.message["Subject"] == "Mentoring refugees: neue Aufzeichnungen und Unterlagen"
    assert "Slides: https://slides.example/s/1" in mail.part("plain")
    assert inbox_titles(notify, "p1") == ["Mentoring refugees: new recordings and materials"]
