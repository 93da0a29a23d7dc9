"""The Person aggregate: given events → call → new events, and the rules it guards."""

from __future__ import annotations

import pytest

from ecbm_registry.domain.person import (
    MAX_EXPERTISE,
    ExpertiseDeclared,
    ExpertiseLevel,
    ExpertiseWithdrawn,
    LearningGoalDeclared,
    Person,
    PersonForgotten,
    PersonJoined,
    PersonProfileChanged,
    Profile,
)
from ecbm_registry.domain.taxonomy import EXPERTISE_TOPICS
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.errors import RuleViolation


def profile(**changes: object) -> Profile:
    fields: dict[str, object] = {
        "display_name": "Ana Silva",
        "email": "ana@example.org",
        "country": "PT",
        "roles": ("researcher",),
    }
    return Profile(**{**fields, **changes})


def joined(*later: DomainEvent) -> Person:
    return Person.rebuild("p1", [PersonJoined(person_id="p1", profile=profile()), *later])


def test_joining_records_one_event_with_the_profile() -> None:
    person = Person.join("p1", profile())

    assert person.collect_new_events() == [PersonJoined(person_id="p1", profile=profile())]
    assert person.version == 1


def test_a_profile_change_names_the_fields_that_changed() -> None:
    person = joined()

    person.change_profile(profile(country="BE", open_to_peer_review=True))

    [event] = person.collect_new_events()
    assert isinstance(event, PersonProfileChanged)
    assert event.changed == ("country", "open_to_peer_review")


def test_an_unchanged_profile_records_nothing() -> None:
    person = joined()

    person.change_profile(profile())

    assert not person.has_new_events


def test_declaring_the_same_expertise_twice_records_it_once() -> None:
    declared = ExpertiseDeclared(
        person_id="p1", topic="matching", level=ExpertiseLevel.EXPERT, description="10 years"
    )
    person = joined(declared)

    person.declare_expertise("matching", ExpertiseLevel.EXPERT, "10 years")

    assert not person.has_new_events


def test_a_new_level_on_a_declared_topic_replaces_it() -> None:
    person = joined(
        ExpertiseDeclared(person_id="p1", topic="matching", level="aware", description="")
    )

    person.declare_expertise("matching", ExpertiseLevel.EXPERT, "")

    assert person.expertise["matching"].level is ExpertiseLevel.EXPERT
    assert len(person.expertise) == 1


def test_withdrawing_expertise_never_declared_is_refused() -> None:
    with pytest.raises(RuleViolation, match="no expertise declared"):
        joined().withdraw_expertise("matching")


def test_withdrawn_expertise_is_gone() -> None:
    person = joined(
        ExpertiseDeclared(person_id="p1", topic="matching", level="aware", description="")
    )

    person.withdraw_expertise("matching")

    assert person.collect_new_events() == [ExpertiseWithdrawn(person_id="p1", topic="matching")]
    assert person.expertise == {}


def test_expertise_is_capped_per_person() -> None:
    topics = [t.id for t in EXPERTISE_TOPICS.terms]
    history = [
        ExpertiseDeclared(person_id="p1", topic=f"topic-{i}", level="aware", description="")
        for i in range(MAX_EXPERTISE)
    ]
    person = joined(*history)

    with pytest.raises(RuleViolation, match="at most"):
        person.declare_expertise(topics[0], ExpertiseLevel.AWARE, "")


def test_a_learning_goal_is_recorded_once_per_topic() -> None:
    person = joined(LearningGoalDeclared(person_id="p1", topic="evaluation", description="how"))

    person.declare_learning_goal("evaluation", "how")
    person.declare_learning_goal("funding", "where")

    assert [e.topic for e in person.collect_new_events()] == ["funding"]  # type: ignore[attr-defined]


def test_a_forgotten_person_changes_no_more() -> None:
    person = joined(PersonForgotten(person_id="p1"))

    with pytest.raises(RuleViolation, match="forgotten"):
        person.change_profile(profile(country="BE"))
    with pytest.raises(RuleViolation, match="forgotten"):
        person.forget()


def test_forgetting_drops_expertise_and_goals_from_state() -> None:
    person = joined(
        ExpertiseDeclared(person_id="p1", topic="matching", level="aware", description="x"),
        LearningGoalDeclared(person_id="p1", topic="evaluation", description="y"),
    )

    person.forget()

    assert person.collect_new_events() == [PersonForgotten(person_id="p1")]
    assert person.forgotten and not person.expertise and not person.learning_goals
