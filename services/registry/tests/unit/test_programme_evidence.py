"""Evidence: evaluations raise a programme's evidence level to their strongest design."""

from __future__ import annotations

from ecbm_registry.domain.programme import (
    EvaluationAdded,
    EvaluationDesign,
    EvidenceLevelChanged,
    Programme,
    ProgrammeRegistered,
    ProgrammeStatus,
)


def programme() -> Programme:
    registered = ProgrammeRegistered(
        organisation_id="org-1", display_name="Buddy Up", description="", languages=("nl",),
        countries=("BE",), status=ProgrammeStatus.ACTIVE,
    )  # fmt: skip
    return Programme.rebuild("p-1", [registered])


def test_a_stronger_design_raises_the_level_and_records_the_change() -> None:
    subject = programme()

    subject.add_evaluation(EvaluationDesign.PRE_POST, 2022, "")

    events = subject.collect_new_events()
    assert [type(e) for e in events] == [EvaluationAdded, EvidenceLevelChanged]
    assert subject.evidence_level is EvaluationDesign.PRE_POST


def test_a_weaker_design_keeps_the_level() -> None:
    subject = programme()
    subject.add_evaluation(EvaluationDesign.RANDOMISED, 2021, "")
    subject.collect_new_events()

    subject.add_evaluation(EvaluationDesign.DESCRIPTIVE, 2023, "")

    assert [type(e) for e in subject.collect_new_events()] == [EvaluationAdded]
    assert subject.evidence_level is EvaluationDesign.RANDOMISED
