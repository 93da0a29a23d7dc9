"""People and organisations in, notifications out: the people area's handlers in memory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tests.fakes import (
    CONTACT,
    InMemoryNotify,
    delivered,
    in_memory_notify,
    organisation_registered,
    programme_registered,
    sealed,
)

from ecbm_integration import registry
from ecbm_notify.domain.preferences import Channel, Frequency, Topic
from ecbm_runtime.inbox import DuplicateDelivery

ANA = "ana@example.org"
WHEN = datetime(2030, 1, 1, tzinfo=UTC)


def person(
    person_id: str = "p1", email: str = ANA, consent: bool = True, name: str = "Ana Silva"
) -> registry.PersonJoined:
    return registry.PersonJoined(
        person_id=person_id,
        sealed_contact=sealed(person_id, name, email),
        preferred_language="pt",
        contact_by_email=consent,
        country="PT",
        roles=[],
        occurred_at=WHEN,
    )


def membership(person_id: str = "p1") -> registry.MembershipApproved:
    return registry.MembershipApproved(person_id=person_id, occurred_at=WHEN)


@pytest.fixture
def notify() -> InMemoryNotify:
    return in_memory_notify()


def deliver(notify: InMemoryNotify, event: object, event_id: str | None = None) -> None:
    notify.handle(event, delivered(event, event_id))


def recipient_id(notify: InMemoryNotify, email: str) -> str:
    found = notify.tables.recipient_by_email(email)
    assert found is not None
    return found.id


def inbox_titles(notify: InMemoryNotify, email: str) -> list[str]:
    records = notify.records.events
    mine = recipient_id(notify, email)
    return [e.data["title"] for e in records if e.data.get("recipient_id") == mine]


def test_a_programme_notifies_the_organisations_contact_by_inbox_and_email(
    notify: InMemoryNotify,
) -> None:
    deliver(notify, organisation_registered())
    deliver(notify, programme_registered())

    assert inbox_titles(notify, CONTACT) == ["Buddy Up is now in the registry"]
    assert notify.delivery_statuses(Channel.EMAIL) == ["queued"]
    assert notify.delivery_statuses(Channel.WEB) == ["sent"]


def test_a_programme_before_its_organisation_waits_for_it(notify: InMemoryNotify) -> None:
    deliver(notify, programme_registered())
    assert notify.event_types() == []
    assert len(notify.tables.parked) == 1

    deliver(notify, organisation_registered())

    assert inbox_titles(notify, CONTACT) == ["Buddy Up is now in the registry"]
    assert notify.tables.parked == []


def test_a_redelivered_event_is_refused_by_the_inbox_claim(notify: InMemoryNotify) -> None:
    deliver(notify, organisation_registered(), "e1")
    with pytest.raises(DuplicateDelivery):
        deliver(notify, organisation_registered(), "e1")


def test_the_same_event_twice_under_new_ids_notifies_once(notify: InMemoryNotify) -> None:
    deliver(notify, organisation_registered())
    deliver(notify, programme_registered())
    deliver(notify, programme_registered())

    assert len(inbox_titles(notify, CONTACT)) == 1


def test_web_off_keeps_the_notification_out_of_the_inbox(notify: InMemoryNotify) -> None:
    deliver(notify, organisation_registered())
    key = (recipient_id(notify, CONTACT), Topic.REGISTRY, Channel.WEB)
    notify.tables.preferences[key] = Frequency.OFF

    deliver(notify, programme_registered())

    assert inbox_titles(notify, CONTACT) == []
    assert notify.delivery_statuses(Channel.EMAIL) == ["queued"]


def test_a_person_event_waits_for_the_person_then_reaches_them(notify: InMemoryNotify) -> None:
    deliver(notify, membership())
    assert notify.event_types() == []

    deliver(notify, person())

    assert len(inbox_titles(notify, ANA)) == 1
    assert notify.tables.recipients[recipient_id(notify, ANA)].language == "pt"


def test_no_email_without_consent(notify: InMemoryNotify) -> None:
    deliver(notify, person(consent=False))
    deliver(notify, membership())

    assert len(inbox_titles(notify, ANA)) == 1
    assert notify.delivery_statuses(Channel.EMAIL) == []  # not even a verification link


def test_person_updated_changes_the_recipient(notify: InMemoryNotify) -> None:
    deliver(notify, person())
    updated = registry.PersonUpdated(**person(name="Ana S.").model_dump())

    deliver(notify, updated)

    assert notify.tables.recipients[recipient_id(notify, ANA)].display_name == "Ana S."


def test_forgetting_a_person_redacts_their_notifications_and_drops_their_rows(
    notify: InMemoryNotify,
) -> None:
    deliver(notify, person())
    deliver(notify, membership())

    deliver(notify, registry.PersonForgotten(person_id="p1", occurred_at=WHEN))

    created = [e for e in notify.records.events if e.type == "NotificationCreated"]
    assert [(e.data["title"], e.data["redacted"]) for e in created] == [("", True)]
    assert notify.tables.recipients == {} and notify.tables.deliveries == []
    assert "p1" in notify.tables.forgotten

    deliver(notify, person())  # late or redelivered: they stay forgotten
    deliver(notify, membership())
    assert notify.tables.recipients == {} and notify.tables.parked == []
