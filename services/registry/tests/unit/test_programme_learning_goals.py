"""Learning goals of a programme: the aggregate's rules, without I/O."""

from __future__ import annotations

import pytest

from ecbm_registry.domain.programme import (
    Programme,
    ProgrammeIsWithdrawn,
    ProgrammeLearningGoalDeclared,
    ProgrammeRegistered,
    ProgrammeStatus,
    ProgrammeWithdrawn,
)


def programme(*later: object) -> Programme:
    registered = ProgrammeRegistered(
        organisation_id="org-1", display_name="Buddy Up", description="", languages=("nl",),
        countries=("BE",), status=ProgrammeStatus.ACTIVE,
    )  # fmt: skip
    return Programme.rebuild("p-1", [registered, *later])  # type: ignore[list-item]


def test_declaring_the_same_goal_again_records_nothing() -> None:
    subject = programme(ProgrammeLearningGoalDeclared(topic="matching", description="online"))

    subject.declare_learning_goal("matching", "online")

    assert not subject.has_new_events and subject.learning_goals == {"matching": "online"}


def test_a_withdrawn_programme_declares_no_goals() -> None:
    with pytest.raises(ProgrammeIsWithdrawn):
        programme(ProgrammeWithdrawn()).declare_learning_goal("matching", "")
