"""Recipients from the registry's people, the welcome on approval, and forgetting a person,
through notify's bus on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from sqlalchemy import MetaData, select
from tests.fakes import contact_recipient, delivered, person_recipient, sealed, verify_address

from ecbm_integration import registry
from ecbm_notify.adapters.people.people import People
from ecbm_notify.adapters.read_models import READ_MODEL_TABLES, recipients
from ecbm_notify.application.inbox.queries import ListNotifications, LookupRecipient
from ecbm_notify.bootstrap import Notify
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.inbox import DuplicateDelivery
from ecbm_runtime.projections import replay


class RegistryEvents(Protocol):
    """The ``registry_events`` fixture (tests/conftest.py)."""

    def deliver(self, event: object) -> None: ...
    def organisation(self, organisation_id: str = "org1", email: str = ...) -> None: ...
    def programme(self, name: str = "Buddy Up", organisation_id: str = "org1") -> None: ...


CONTACT = "an.peeters@example.org"
EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))
WELCOME = "Welcome: your membership of the Center is approved"
MARIA = "maria.ionescu@example.org"


def person(
    person_id: str = "p1",
    email: str = MARIA,
    name: str = "Maria Ionescu",
    language: str = "ro",
    consent: bool = True,
    updated: bool = False,
) -> registry.PersonJoined | registry.PersonUpdated:
    event_class = registry.PersonUpdated if updated else registry.PersonJoined
    return event_class(
        person_id=person_id,
        sealed_contact=sealed(person_id, name, email),
        preferred_language=language,
        contact_by_email=consent,
        country="RO",
        roles=["practitioner"],
        occurred_at=datetime.now(UTC),
    )


def approved(person_id: str = "p1") -> registry.MembershipApproved:
    return registry.MembershipApproved(person_id=person_id, occurred_at=datetime.now(UTC))


def forgotten(person_id: str = "p1") -> registry.PersonForgotten:
    return registry.PersonForgotten(person_id=person_id, occurred_at=datetime.now(UTC))


def titles(notify: Notify, person_id: str = "p1") -> list[str]:
    """The person's inbox as an editor sees it (empty when notify does not know them)."""
    with notify.engine.connect() as connection:
        recipient_id = People(connection).recipient_of_person(person_id)
    if recipient_id is None:
        return []
    with acting_as(EDITOR):
        page = notify.bus.handle(ListNotifications(recipient_id=recipient_id))
    return [n.title for n in page.notifications]


def contact_titles(notify: Notify, organisation_id: str = "org1") -> list[str]:
    with acting_as(EDITOR):
        page = notify.bus.handle(
            ListNotifications(recipient_id=contact_recipient(notify, organisation_id))
        )
    return [n.title for n in page.notifications]


def recipient_row(notify: Notify, person_id: str = "p1") -> dict[str, Any] | None:
    with notify.engine.connect() as connection:
        row = connection.execute(
            select(recipients).where(recipients.c.person_id == person_id)
        ).mappings()
        found = row.first()
    return dict(found) if found else None


def every_table_as_text(notify: Notify, skip: tuple[str, ...] = ()) -> str:
    """All rows of all of notify's tables (store, inbox, read models) as one text."""
    tables = MetaData()
    tables.reflect(notify.engine)
    with notify.engine.connect() as connection:
        return "\n".join(
            f"{table.name}: {row!r}"
            for table in tables.sorted_tables
            if table.name not in skip
            for row in connection.execute(select(table)).all()
        )


def test_a_joined_person_becomes_a_recipient_with_language_and_consent(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.deliver(person(language="ro", consent=False))

    row = recipient_row(notify)
    assert row is not None
    assert (row["person_id"], row["display_name"], row["preferred_language"]) == (
        "p1",
        "Maria Ionescu",
        "ro",
    )
    assert row["contact_by_email"] is False


def test_an_updated_person_stays_one_recipient_with_the_new_details(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.deliver(person())
    registry_events.deliver(approved())

    registry_events.deliver(
        person(email="m.ionescu@example.org", language="en", consent=False, updated=True)
    )

    with acting_as(EDITOR):
        found = notify.bus.handle(LookupRecipient(email="m.ionescu@example.org"))
    row = recipient_row(notify)
    assert row is not None and found.id == row["id"]
    assert titles(notify) == [WELCOME]
    assert (row["pending_email"], row["preferred_language"], row["contact_by_email"]) == (
        "m.ionescu@example.org",
        "en",
        False,
    )
    assert row["email"] is None  # no address verified yet


def test_a_person_with_an_organisation_contacts_address_stays_a_recipient_of_their_own(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.organisation(email=CONTACT)
    registry_events.programme("Buddy Up")

    registry_events.deliver(person(email=CONTACT.upper(), name="An Peeters"))
    registry_events.deliver(approved())
    registry_events.programme("Second Step")

    assert titles(notify) == [WELCOME]
    assert contact_titles(notify) == [
        "Second Step is now in the registry",
        "Buddy Up is now in the registry",
    ]
    assert person_recipient(notify, "p1") != contact_recipient(notify)


def test_approval_reaches_the_web_inbox_even_without_email_consent(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.deliver(person(consent=False))

    registry_events.deliver(approved())

    assert titles(notify) == [WELCOME]


def test_approval_arriving_before_the_person_is_delivered_when_they_join(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.deliver(approved())
    assert titles(notify) == []

    registry_events.deliver(person())

    assert titles(notify) == [WELCOME]


def forget_maria_beside_jan(registry_events: RegistryEvents) -> str:
    """Maria and Jan are members; the organisation's contact is An. Maria's recipient id."""
    registry_events.organisation(email=CONTACT)
    registry_events.deliver(person())
    registry_events.deliver(person("p2", email="jan.devries@example.org", name="Jan de Vries"))
    registry_events.programme("Buddy Up")
    registry_events.deliver(approved("p1"))
    registry_events.deliver(approved("p2"))
    registry_events.deliver(approved("p3"))  # parked: p3 has not joined yet
    maria = person_recipient(registry_events.app, "p1")  # type: ignore[attr-defined]

    registry_events.deliver(forgotten("p1"))
    return maria


def test_forgetting_leaves_nothing_readable_about_the_person(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    maria = forget_maria_beside_jan(registry_events)

    everything = every_table_as_text(notify).lower()
    assert "maria" not in everything
    assert "ionescu" not in everything
    assert maria not in everything
    assert titles(notify) == []


def test_forgetting_keeps_other_peoples_notifications(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    forget_maria_beside_jan(registry_events)

    assert titles(notify, "p2") == [WELCOME]
    assert contact_titles(notify) == ["Buddy Up is now in the registry"]
    registry_events.deliver(person("p3", email="eva@example.org", name="Eva Berg"))
    assert titles(notify, "p3") == [WELCOME]


def test_a_replay_after_forgetting_yields_no_notifications_for_the_person(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    forget_maria_beside_jan(registry_events)

    replay(notify.engine, notify.wiring, READ_MODEL_TABLES)

    assert titles(notify) == []
    assert titles(notify, "p2") == [WELCOME]
    assert "ionescu" not in every_table_as_text(notify).lower()


def test_a_redelivered_forgetting_changes_nothing(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    forget_maria_beside_jan(registry_events)
    before = every_table_as_text(notify, skip=("inbox",))

    registry_events.deliver(forgotten("p1"))  # sent again, under a new event id

    assert every_table_as_text(notify, skip=("inbox",)) == before
    assert titles(notify, "p2") == [WELCOME]


def test_a_forgotten_person_is_not_brought_back_by_a_late_event(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    forget_maria_beside_jan(registry_events)

    registry_events.deliver(person(updated=True))
    registry_events.deliver(approved("p1"))

    assert recipient_row(notify) is None
    assert "ionescu" not in every_table_as_text(notify).lower()


def test_the_same_forgetting_delivered_twice_is_refused_by_the_inbox(notify: Notify) -> None:
    event = forgotten("p9")
    notify.bus.handle(event, delivered(event, "forget-1"))

    with pytest.raises(DuplicateDelivery):
        notify.bus.handle(event, delivered(event, "forget-1"))


def test_a_person_moving_to_an_organisation_contacts_address_takes_nothing_of_the_contact(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.deliver(person())
    registry_events.organisation(email=CONTACT)

    registry_events.deliver(person(email=CONTACT, updated=True))
    verify_address(notify, "p1")
    registry_events.programme("Buddy Up")

    assert titles(notify) == []
    assert contact_titles(notify) == ["Buddy Up is now in the registry"]
    row = recipient_row(notify)
    assert row is not None and row["email"] == CONTACT  # verified: now theirs too


def test_a_person_reads_their_inbox_by_person_id_never_by_an_address(
    registry_events: RegistryEvents, notify: Notify
) -> None:
    registry_events.deliver(person())
    registry_events.deliver(approved())
    registry_events.deliver(person(email="m.ionescu@example.org", updated=True))
    inbox = ListNotifications(recipient_id=person_recipient(notify, "p1"))
    by_person_id = Principal(subject="p1", roles=frozenset({"member"}))
    by_address = Principal(subject="x", roles=frozenset({"member"}), email="M.Ionescu@example.org")
    someone_else = Principal(subject="p2", roles=frozenset({"member"}), email="jan@example.org")

    with acting_as(by_person_id):
        assert [n.title for n in notify.bus.handle(inbox).notifications] == [WELCOME]
        mine = notify.bus.handle(ListNotifications(recipient_id="me"))
        assert [n.title for n in mine.notifications] == [WELCOME]
    for principal in (by_address, someone_else):
        with acting_as(principal), pytest.raises(PermissionDenied):
            notify.bus.handle(inbox)


def test_forgetting_a_person_keeps_parked_events_that_only_contain_their_name_in_a_word(
    notify: Notify, registry_events: RegistryEvents
) -> None:
    registry_events.deliver(person(name="a", email="a@example.org"))
    registry_events.programme("Mentoring a Future", organisation_id="org-late")  # parked

    registry_events.deliver(forgotten("p1"))
    registry_events.organisation("org-late")  # the parked programme is delivered now

    assert contact_titles(notify, "org-late") == ["Mentoring a Future is now in the registry"]
