"""The inbox takeover of issue 10 (item 1), replayed end to end against the real registry and
notify processes: a member puts the victim's address in their own profile; notify never
binds the victim's inbox, preferences or data to them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from ecbm.notify.v1 import notify_pb2 as npb
from ecbm.registry.v1 import people_pb2 as ppb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm_runtime.testing import bearer, wait_until

from platform_processes import ServiceProcesses, stubs

pytestmark = pytest.mark.e2e
EDITOR = bearer("editor")
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]
WELCOME = "Welcome: your membership of the Center is approved"


def _own_inbox(notify: Any, who: Any) -> list[Any] | None:
    """The caller's own notifications (``recipients/me``); None while notify does not know them."""
    try:
        request = npb.ListNotificationsRequest(parent="recipients/me", page_size=500)
        return list(notify.ListNotifications(request, metadata=who).notifications)
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def _join(people: Any, who: Any, email: str, name: str) -> ppb.Person:
    person = ppb.Person(display_name=name, email=email, country="RO")
    request = ppb.CreatePersonRequest(request_id=str(uuid.uuid4()), person=person)
    created: ppb.Person = people.CreatePerson(request, metadata=who)
    return created


def _refused(call: Callable[[], Any]) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as refused:
        call()
    return refused.value.code()


def test_a_member_giving_the_victims_address_gets_nothing_of_the_victims_inbox(
    slice_on: Start, sqlite_storage: dict[str, str]
) -> None:
    processes = slice_on(sqlite_storage)
    _registry, notify, channels = stubs(processes)
    people = people_pb2_grpc.PeopleServiceStub(channels[0])
    shared = f"{uuid.uuid4().hex[:8]}@example.org"
    victim_id, attacker_id = f"victim-{uuid.uuid4().hex[:8]}", f"attacker-{uuid.uuid4().hex[:8]}"
    victim, attacker = (
        bearer("member", subject=victim_id),
        bearer("member", subject=attacker_id, email=shared),
    )

    person = _join(people, victim, shared, "Maria Ionescu")
    membership = f"{person.name}/membership"
    people.ApplyForMembership(ppb.ApplyForMembershipRequest(name=membership), metadata=victim)
    people.ApproveMembership(ppb.ApproveMembershipRequest(name=membership), metadata=EDITOR)
    [welcome] = wait_until(lambda: _own_inbox(notify, victim), timeout=30, message="welcome")
    victims_inbox = welcome.name.split("/notifications/")[0]

    attacker_person = _join(people, attacker, shared, "Mallory")
    wait_until(lambda: _own_inbox(notify, attacker) == [], timeout=30, message="attacker known")
    for email in (f"x-{shared}", shared):  # switching away and back
        changed = ppb.Person(name=attacker_person.name, display_name="Mallory", email=email)
        people.UpdatePerson(
            ppb.UpdatePersonRequest(person=changed, update_mask={"paths": ["email"]}),
            metadata=attacker,
        )
    preferences = f"{victims_inbox}/preferences"
    attempts = [
        lambda: notify.ListNotifications(
            npb.ListNotificationsRequest(parent=victims_inbox), metadata=attacker),
        lambda: next(notify.WatchNotifications(
            npb.WatchNotificationsRequest(parent=victims_inbox), metadata=attacker, timeout=10)),
        lambda: notify.GetPreferences(npb.GetPreferencesRequest(name=preferences),
                                      metadata=attacker),
        lambda: notify.UpdatePreferences(npb.UpdatePreferencesRequest(
            preferences=npb.Preferences(name=preferences, preferences=[npb.Preference(
                topic="registry", channel="web", frequency=npb.FREQUENCY_OFF)])),
            metadata=attacker),
        lambda: notify.MarkRead(npb.MarkReadRequest(name=welcome.name), metadata=attacker),
    ]  # fmt: skip
    assert [_refused(attempt) for attempt in attempts] == [grpc.StatusCode.PERMISSION_DENIED] * len(
        attempts
    )
    assert _own_inbox(notify, attacker) == []

    people.ForgetPerson(ppb.ForgetPersonRequest(name=attacker_person.name), metadata=attacker)
    wait_until(lambda: _own_inbox(notify, attacker) is None, timeout=30, message="forgotten")

    after = _own_inbox(notify, victim)
    assert after is not None and [(n.name, n.title, n.read) for n in after] == [
        (welcome.name, WELCOME, False)
    ]
    chosen = notify.GetPreferences(npb.GetPreferencesRequest(name=preferences), metadata=victim)
    assert all(p.is_default for p in chosen.preferences)
