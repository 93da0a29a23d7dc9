"""People and membership use cases through the bus, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ecbm_registry.application.people import commands, queries
from ecbm_registry.bootstrap import Registry
from ecbm_registry.domain.people_errors import PersonNotFound
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import Conflict, PermissionDenied, RuleViolation
from ecbm_runtime.tables import outbox

EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def details(**changes: object) -> commands.PersonDetails:
    fields: dict[str, object] = {
        "display_name": "Ana Silva",
        "email": "ana@example.org",
        "country": "PT",
        "roles": ("researcher",),
        "languages": ("pt", "en"),
        "listed_in_directory": True,
    }
    return commands.PersonDetails(**{**fields, **changes})


def join(registry: Registry, request_id: str = "ana", **changes: object) -> str:
    command = commands.JoinNetwork(request_id=request_id, actor=EDITOR, person=details(**changes))
    return str(registry.bus.handle(command).id)


def test_a_joined_person_is_read_back_with_expertise_and_goals(registry: Registry) -> None:
    person_id = join(registry)
    registry.bus.handle(
        commands.DeclareExpertise(
            actor=EDITOR,
            person_id=person_id,
            expertise=commands.ExpertiseInput(topic="matching", level="expert"),
        )
    )
    registry.bus.handle(
        commands.DeclareLearningGoal(
            actor=EDITOR,
            person_id=person_id,
            learning_goal=commands.LearningGoalInput(topic="evaluation", description="RCTs"),
        )
    )

    found = registry.bus.handle(queries.GetPerson(person_id=person_id))

    assert found.display_name == "Ana Silva"
    assert [(e.topic, e.level) for e in found.expertise] == [("matching", "expert")]
    assert [g.topic for g in found.learning_goals] == ["evaluation"]
    assert found.version == 3


def test_joining_twice_with_one_request_id_makes_one_person(registry: Registry) -> None:
    assert join(registry, "same") == join(registry, "same")


def test_a_member_joins_as_their_token_subject(registry: Registry) -> None:
    member = Actor(subject="m-42", roles=frozenset({"member"}))

    made = registry.bus.handle(commands.JoinNetwork(actor=member, person=details()))

    assert made.id == "m-42"


def test_unlisted_people_are_hidden_from_the_public_but_not_from_themself(
    registry: Registry,
) -> None:
    person_id = join(registry, listed_in_directory=False)

    with pytest.raises(PersonNotFound):
        registry.bus.handle(queries.GetPerson(person_id=person_id))
    themself = Actor(subject=person_id, roles=frozenset({"member"}))
    assert registry.bus.handle(queries.GetPerson(person_id=person_id, actor=themself))
    public = registry.bus.handle(queries.ListPeople())
    assert public.total_size == 0


def test_a_stale_expected_version_is_a_conflict(registry: Registry) -> None:
    person_id = join(registry)
    changes = commands.PersonChanges(country="BE")

    with pytest.raises(Conflict):
        registry.bus.handle(
            commands.UpdatePerson(
                actor=EDITOR, person_id=person_id, expected_version=7, person=changes
            )
        )


def test_an_update_changes_only_the_given_fields(registry: Registry) -> None:
    person_id = join(registry)
    update = commands.UpdatePerson(
        actor=EDITOR, person_id=person_id, person=commands.PersonChanges(country="BE")
    )

    updated = registry.bus.handle(update)

    assert (updated.country, updated.display_name, updated.version) == ("BE", "Ana Silva", 2)


def test_someone_else_may_not_update_a_person(registry: Registry) -> None:
    person_id = join(registry)
    other = Actor(subject="someone-else", roles=frozenset({"member"}))

    with pytest.raises(PermissionDenied):
        registry.bus.handle(
            commands.UpdatePerson(
                actor=other, person_id=person_id, person=commands.PersonChanges(country="BE")
            )
        )


def test_people_are_filtered_by_expertise_and_paged_by_name(registry: Registry) -> None:
    for name in ("Zoe", "Bea", "Al"):
        person_id = join(registry, name, display_name=name)
        registry.bus.handle(
            commands.DeclareExpertise(
                actor=EDITOR,
                person_id=person_id,
                expertise=commands.ExpertiseInput(topic="funding", level="aware"),
            )
        )
    join(registry, "no-expertise", display_name="Carl")
    query = queries.ListPeople(page_size=2, order_by="display_name", expertise_topic="funding")

    first = registry.bus.handle(query)
    second = registry.bus.handle(query.model_copy(update={"after": first.next_after}))

    assert [p.display_name for p in first.people + second.people] == ["Al", "Bea", "Zoe"]
    assert first.total_size == 3 and second.next_after is None


def test_membership_is_approved_once_and_published(registry: Registry) -> None:
    person_id = join(registry)
    member = Actor(subject=person_id, roles=frozenset({"member"}))
    registry.bus.handle(commands.ApplyForMembership(actor=member, person_id=person_id))

    approved = registry.bus.handle(commands.ApproveMembership(actor=EDITOR, person_id=person_id))

    assert approved.status == "approved"
    with pytest.raises(RuleViolation):
        registry.bus.handle(commands.ApproveMembership(actor=EDITOR, person_id=person_id))
    with registry.engine.connect() as connection:
        keys = connection.execute(select(outbox.c.routing_key, outbox.c.body)).all()
    approved_bodies = [json.loads(body) for key, body in keys if key == "MembershipApproved"]
    assert [b["person_id"] for b in approved_bodies] == [person_id]


def test_a_member_cannot_approve_their_own_membership(registry: Registry) -> None:
    person_id = join(registry)
    member = Actor(subject=person_id, roles=frozenset({"member"}))
    registry.bus.handle(commands.ApplyForMembership(actor=member, person_id=person_id))

    with pytest.raises(PermissionDenied):
        registry.bus.handle(commands.ApproveMembership(actor=member, person_id=person_id))


def test_a_person_exports_everything_held_about_them(registry: Registry) -> None:
    person_id = join(registry)
    themself = Actor(subject=person_id, roles=frozenset({"member"}))
    registry.bus.handle(
        commands.ApplyForMembership(actor=themself, person_id=person_id, motivation="I mentor")
    )

    exported = json.loads(
        registry.bus.handle(queries.ExportPerson(actor=themself, person_id=person_id))
    )

    assert exported["person"]["email"] == "ana@example.org"
    assert exported["membership"]["motivation"] == "I mentor"
    assert [h["type"] for h in exported["history"]] == ["PersonJoined", "MembershipApplied"]
    assert exported["history"][0]["data"]["profile"]["display_name"] == "Ana Silva"
