"""Brussels-network command handlers on in-memory records."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import InMemoryRegistry

from ecbm_registry.application.network import commands
from ecbm_registry.application.network.handlers import PolicyContactNotFound, StaleVersion
from ecbm_registry.domain.interaction import NotAParticipant
from ecbm_registry.domain.policy_contact import ContactWithdrawn, StanceUnchanged
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import Unauthenticated

EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))
ANA = Actor(subject="ana", roles=frozenset({"member"}))


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry()


@pytest.fixture
def contact_id(registry: InMemoryRegistry) -> str:
    command = commands.AddPolicyContact(
        actor=EDITOR, display_name="Marie Dubois", kind="mep", country="FR",
        institution="European Parliament", email="marie@example.eu",
    )  # fmt: skip
    return str(registry.handle(command))


def test_adding_a_contact_records_who_added_it_and_publishes_no_name(
    registry: InMemoryRegistry, contact_id: str
) -> None:
    (added,) = registry.stored(f"policycontact-{contact_id}")
    assert (added.type, added.data["added_by"]) == ("PolicyContactAdded", "ed")
    (published,) = registry.published("PolicyContactAdded")
    assert "Marie" not in published.body
    with pytest.raises(Unauthenticated):
        registry.handle(
            commands.AddPolicyContact(
                display_name="X", kind="mep", country="FR", institution="European Parliament"
            )
        )


def test_updating_a_contact_at_the_version_read(
    registry: InMemoryRegistry, contact_id: str
) -> None:
    changes = commands.ContactChanges(committee="EMPL")
    registry.handle(
        commands.UpdatePolicyContact(
            actor=EDITOR, contact_id=contact_id, expected_version=1, changes=changes
        )
    )

    assert registry.event_types(f"policycontact-{contact_id}")[-1] == "PolicyContactDetailsChanged"
    (updated,) = registry.published("PolicyContactUpdated")
    assert '"committee":"EMPL"' in updated.body.replace(" ", "")  # matching suggests on it
    with pytest.raises(StaleVersion):
        registry.handle(
            commands.UpdatePolicyContact(
                actor=EDITOR, contact_id=contact_id, expected_version=1, changes=changes
            )
        )


def test_changing_a_stance_needs_a_new_stance(registry: InMemoryRegistry, contact_id: str) -> None:
    registry.handle(
        commands.ChangeStance(actor=EDITOR, contact_id=contact_id, stance="champion", reason="r")
    )
    with pytest.raises(StanceUnchanged):
        registry.handle(
            commands.ChangeStance(
                actor=EDITOR, contact_id=contact_id, stance="champion", reason="again"
            )
        )

    assert registry.event_types(f"policycontact-{contact_id}")[1:] == ["StanceChanged"]


def test_a_withdrawn_contact_takes_no_interaction(
    registry: InMemoryRegistry, contact_id: str
) -> None:
    registry.handle(commands.WithdrawPolicyContact(actor=EDITOR, contact_id=contact_id))

    assert registry.event_types(f"policycontact-{contact_id}")[-1] == "PolicyContactWithdrawn"
    with pytest.raises(ContactWithdrawn):
        registry.handle(
            commands.LogInteraction(
                actor=EDITOR, contact_id=contact_id, kind="meeting",
                occurred_on=date(2026, 2, 3), participants=("ed",),
            )
        )  # fmt: skip
    with pytest.raises(PolicyContactNotFound):
        registry.handle(commands.WithdrawPolicyContact(actor=EDITOR, contact_id="nope"))


def test_a_member_logs_an_interaction_they_took_part_in(
    registry: InMemoryRegistry, contact_id: str
) -> None:
    interaction_id = registry.handle(
        commands.LogInteraction(
            actor=ANA, contact_id=contact_id, kind="meeting", occurred_on=date(2026, 2, 3),
            participants=("ana",),
        )
    )  # fmt: skip

    (logged,) = registry.stored(f"interaction-{interaction_id}")
    assert (logged.type, logged.data["logged_by"]) == ("InteractionLogged", "ana")
    assert len(registry.published("InteractionLogged")) == 1
    with pytest.raises(NotAParticipant):
        registry.handle(
            commands.LogInteraction(
                actor=ANA, contact_id=contact_id, kind="meeting",
                occurred_on=date(2026, 2, 3), participants=("ben",),
            )
        )  # fmt: skip
