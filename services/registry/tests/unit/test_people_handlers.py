"""People and membership command handlers on in-memory records and fake views."""

from __future__ import annotations

import pytest
from fakes import InMemoryRegistry

from ecbm_integration import registry as registry_events
from ecbm_registry.application.people import commands
from ecbm_registry.domain.people_errors import MembershipNotFound, PersonNotFound
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import PermissionDenied, RuleViolation, Unauthenticated
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.sealing import Contact, SealBroken, development_seal

ANA = Actor(subject="ana", roles=frozenset({"member"}))
BEN = Actor(subject="ben", roles=frozenset({"member"}))
EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))
DETAILS = commands.PersonDetails(display_name="Ana Silva", email="ana@example.org", country="PT")


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry()


@pytest.fixture
def ana(registry: InMemoryRegistry) -> str:
    """Ana, joined as herself."""
    return str(registry.handle(commands.JoinNetwork(actor=ANA, person=DETAILS)))


def approved(registry: InMemoryRegistry, person_id: str) -> None:
    registry.handle(commands.ApplyForMembership(actor=ANA, person_id=person_id))
    registry.handle(commands.ApproveMembership(actor=EDITOR, person_id=person_id))


def test_a_member_joins_as_their_token_subject_and_is_published_with_their_contact_sealed(
    registry: InMemoryRegistry,
) -> None:
    person_id = registry.handle(commands.JoinNetwork(actor=ANA, person=DETAILS))

    assert person_id == "ana"
    assert registry.event_types("person-ana") == ["PersonJoined"]
    (joined,) = registry.published("PersonJoined")
    assert joined.subject == "ana"  # forgetting Ana finds this row
    # Neither her address nor her name travels in clear; notify opens them with the keys.
    assert "ana@example.org" not in joined.body and "Ana Silva" not in joined.body
    sealed = registry_events.PersonJoined.read(joined.body).sealed_contact
    assert development_seal().open("ana", sealed) == Contact("Ana Silva", "ana@example.org")
    with pytest.raises(SealBroken):  # a seal copied into another person's event does not open
        development_seal().open("ben", sealed)


def test_joining_again_changes_nothing_and_joining_anonymously_is_refused(
    registry: InMemoryRegistry, ana: str
) -> None:
    registry.handle(commands.JoinNetwork(actor=ANA, person=DETAILS))
    with pytest.raises(Unauthenticated):
        registry.handle(commands.JoinNetwork(person=DETAILS))

    assert registry.event_types("person-ana") == ["PersonJoined"]


def test_an_editor_adds_a_person_under_a_new_id(registry: InMemoryRegistry) -> None:
    person_id = str(registry.handle(commands.JoinNetwork(actor=EDITOR, person=DETAILS)))

    assert person_id not in {"ed", "ana"}
    assert registry.event_types(f"person-{person_id}") == ["PersonJoined"]


def test_a_person_updates_their_profile(registry: InMemoryRegistry, ana: str) -> None:
    changes = commands.PersonChanges(display_name="Ana S.")

    registry.handle(commands.UpdatePerson(actor=ANA, person_id=ana, person=changes))

    assert registry.event_types("person-ana")[-1] == "PersonProfileChanged"
    (updated,) = registry.published("PersonUpdated")
    assert updated.subject == "ana"
    sealed = registry_events.PersonUpdated.read(updated.body).sealed_contact
    assert development_seal().open("ana", sealed).display_name == "Ana S."


def test_someone_else_or_a_stale_version_may_not_update_a_person(
    registry: InMemoryRegistry, ana: str
) -> None:
    changes = commands.PersonChanges(display_name="Ana S.")
    with pytest.raises(PermissionDenied):
        registry.handle(commands.UpdatePerson(actor=BEN, person_id=ana, person=changes))
    with pytest.raises(VersionConflict):
        registry.handle(
            commands.UpdatePerson(actor=ANA, person_id=ana, expected_version=3, person=changes)
        )

    assert registry.event_types("person-ana") == ["PersonJoined"]


def test_declaring_and_withdrawing_expertise(registry: InMemoryRegistry, ana: str) -> None:
    expertise = commands.ExpertiseInput(topic="mentor-training", level="expert")

    registry.handle(commands.DeclareExpertise(actor=ANA, person_id=ana, expertise=expertise))
    registry.handle(commands.WithdrawExpertise(actor=ANA, person_id=ana, topic="mentor-training"))

    assert registry.event_types("person-ana")[1:] == ["ExpertiseDeclared", "ExpertiseWithdrawn"]
    assert len(registry.published("ExpertiseDeclared")) == 1
    with pytest.raises(RuleViolation, match="no expertise declared"):
        registry.handle(
            commands.WithdrawExpertise(actor=ANA, person_id=ana, topic="mentor-training")
        )


def test_declaring_and_withdrawing_a_learning_goal(registry: InMemoryRegistry, ana: str) -> None:
    goal = commands.LearningGoalInput(topic="programme-design")

    registry.handle(commands.DeclareLearningGoal(actor=ANA, person_id=ana, learning_goal=goal))
    registry.handle(
        commands.WithdrawLearningGoal(actor=ANA, person_id=ana, topic="programme-design")
    )

    assert registry.event_types("person-ana")[1:] == [
        "LearningGoalDeclared",
        "LearningGoalWithdrawn",
    ]
    assert len(registry.published("LearningGoalDeclared")) == 1
    with pytest.raises(PermissionDenied):
        registry.handle(commands.DeclareLearningGoal(actor=BEN, person_id=ana, learning_goal=goal))


def test_forgetting_a_person_ends_their_membership_shreds_their_key_and_drops_contact_rows(
    registry: InMemoryRegistry, ana: str
) -> None:
    approved(registry, ana)

    registry.handle(commands.ForgetPerson(actor=ANA, person_id=ana))

    assert registry.event_types("person-ana")[-1] == "PersonForgotten"
    assert registry.event_types("membership-ana")[-1] == "MembershipEnded"
    assert registry.views.people.shredded == ["ana"]
    assert registry.published("PersonJoined") == []  # unpublished, with her contact details
    assert len(registry.published("PersonForgotten")) == 1
    assert len(registry.published("MembershipEnded")) == 1
    with pytest.raises(PersonNotFound):
        registry.handle(commands.ForgetPerson(actor=ANA, person_id=ana))


def test_only_the_person_or_an_editor_forgets_them(registry: InMemoryRegistry, ana: str) -> None:
    with pytest.raises(PermissionDenied):
        registry.handle(commands.ForgetPerson(actor=BEN, person_id=ana))

    assert registry.views.people.shredded == []
    assert len(registry.published("PersonJoined")) == 1


def test_a_person_applies_and_an_editor_approves(registry: InMemoryRegistry, ana: str) -> None:
    approved(registry, ana)

    assert registry.event_types("membership-ana") == ["MembershipApplied", "MembershipApproved"]
    assert len(registry.published("MembershipApproved")) == 1


def test_applying_needs_a_known_person_and_approving_an_editor(
    registry: InMemoryRegistry, ana: str
) -> None:
    with pytest.raises(PersonNotFound):
        registry.handle(commands.ApplyForMembership(actor=EDITOR, person_id="nobody"))
    registry.handle(commands.ApplyForMembership(actor=ANA, person_id=ana))
    with pytest.raises(PermissionDenied):
        registry.handle(commands.ApproveMembership(actor=ANA, person_id=ana))

    assert registry.event_types("membership-ana") == ["MembershipApplied"]


def test_an_editor_declines_an_application(registry: InMemoryRegistry, ana: str) -> None:
    with pytest.raises(MembershipNotFound):
        registry.handle(commands.DeclineMembership(actor=EDITOR, person_id=ana, reason="no"))
    registry.handle(commands.ApplyForMembership(actor=ANA, person_id=ana))

    registry.handle(commands.DeclineMembership(actor=EDITOR, person_id=ana, reason="not yet"))

    assert registry.event_types("membership-ana")[-1] == "MembershipDeclined"


def test_a_member_ends_their_membership_and_only_an_editor_records_a_lapse(
    registry: InMemoryRegistry, ana: str
) -> None:
    approved(registry, ana)
    with pytest.raises(PermissionDenied):
        registry.handle(commands.EndMembership(actor=ANA, person_id=ana, lapsed=True))

    registry.handle(commands.EndMembership(actor=ANA, person_id=ana, reason="moving on"))

    assert registry.event_types("membership-ana")[-1] == "MembershipEnded"
    (ended,) = registry.published("MembershipEnded")
    assert '"lapsed":false' in ended.body
