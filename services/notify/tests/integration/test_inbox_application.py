"""Notify's handlers and inbox queries against real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from tests.fakes import (
    contact_recipient,
    delivered,
    member,
    organisation_registered,
    programme_registered,
    verify_address,
)

from ecbm_notify.adapters.people.contacts import Contacts
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import Notify
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.inbox import DuplicateDelivery

CONTACT = "an.peeters@example.org"
EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))


def deliver(notify: Notify, event: object, event_id: str) -> None:
    notify.bus.handle(event, delivered(event, event_id))


def inbox(notify: Notify, principal: Principal = EDITOR) -> list[str]:
    with acting_as(principal):
        page = notify.bus.handle(ListNotifications(recipient_id=contact_recipient(notify)))
    return [n.title for n in page.notifications]


def test_programme_registration_reaches_the_organisations_contact(notify: Notify) -> None:
    deliver(notify, organisation_registered(), "e1")
    deliver(notify, programme_registered(), "e2")

    assert inbox(notify) == ["Buddy Up is now in the registry"]


def test_programme_arriving_before_its_organisation_is_delivered_when_it_arrives(
    notify: Notify,
) -> None:
    deliver(notify, programme_registered(), "e2")
    with notify.engine.connect() as connection:
        assert Contacts(connection).contact_of("org1") is None  # nobody to tell yet

    deliver(notify, organisation_registered(), "e1")

    assert inbox(notify) == ["Buddy Up is now in the registry"]


def test_a_redelivered_event_changes_nothing(notify: Notify) -> None:
    deliver(notify, organisation_registered(), "e1")
    deliver(notify, programme_registered(), "e2")

    with pytest.raises(DuplicateDelivery):
        deliver(notify, programme_registered(), "e2")

    assert len(inbox(notify)) == 1


def test_a_member_reads_only_their_own_inbox(notify: Notify) -> None:
    deliver(notify, organisation_registered(), "e1")
    deliver(notify, programme_registered(), "e2")
    notify.bus.handle(member("p-an", CONTACT), delivered(member("p-an", CONTACT)))
    verify_address(notify, "p-an")  # the contact's inbox: for who proved they read its mail
    owner = Principal(subject="p-an", roles=frozenset({"member"}))
    stranger = Principal(subject="other", roles=frozenset({"member"}), email=CONTACT)

    assert inbox(notify, owner) == ["Buddy Up is now in the registry"]
    with pytest.raises(PermissionDenied):
        inbox(notify, stranger)


def test_newest_notifications_come_first_and_pages_cover_all(notify: Notify) -> None:
    deliver(notify, organisation_registered(), "e0")
    for number in range(5):
        deliver(notify, programme_registered(f"P {number}"), f"e{number + 1}")

    titles, after = [], ""
    with acting_as(EDITOR):
        while True:
            page = notify.bus.handle(
                ListNotifications(recipient_id=contact_recipient(notify), page_size=2, after=after)
            )
            titles += [n.title.split(" is ")[0] for n in page.notifications]
            if not page.next_after:
                break
            after = page.next_after

    assert titles == ["P 4", "P 3", "P 2", "P 1", "P 0"]
