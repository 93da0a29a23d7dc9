"""What the registry publishes about evidence, learning goals, editors and profile changes."""

from __future__ import annotations

from collections.abc import Callable

from ecbm_integration import registry as contract
from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import Registry
from ecbm_runtime.actor import Actor

Published = Callable[[str], list[dict[str, object]]]
CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def test_a_stronger_evaluation_publishes_the_evaluation_and_the_new_evidence_level(
    registry: Registry, programme_id: str, published: Published
) -> None:
    for design, year in (("pre_post", 2019), ("descriptive", 2021)):
        registry.bus.handle(
            commands.AddEvaluation.model_validate(
                {
                    "actor": CENTER_EDITOR,
                    "programme_id": programme_id,
                    "evaluation": {"design": design, "year": year, "link": "https://x.org/r"},
                }
            )
        )

    evaluations = published("ProgrammeEvaluationAdded")
    assert [(e["design"], e["year"]) for e in evaluations] == [
        ("PRE_POST", 2019),
        ("DESCRIPTIVE", 2021),
    ]
    # The weaker second evaluation leaves the level where the first one put it.
    [change] = published("ProgrammeEvidenceLevelChanged")
    assert (change["programme_id"], change["previous"], change["level"]) == (
        programme_id,
        "NONE",
        "PRE_POST",
    )
    contract.ProgrammeEvidenceLevelChanged.model_validate(change)


def test_a_programme_learning_goal_is_published_for_matching(
    registry: Registry, programme_id: str, published: Published
) -> None:
    registry.bus.handle(
        commands.DeclareProgrammeLearningGoal.model_validate(
            {
                "actor": CENTER_EDITOR,
                "programme_id": programme_id,
                "learning_goal": {"topic": "mentor-training", "description": "online"},
            }
        )
    )

    [goal] = published("ProgrammeLearningGoalDeclared")
    assert (goal["programme_id"], goal["topic"], goal["description"]) == (
        programme_id,
        "mentor-training",
        "online",
    )


def test_a_new_editor_is_published(
    registry: Registry, organisation_id: str, published: Published
) -> None:
    registry.bus.handle(
        commands.AddOrganisationEditor(
            actor=CENTER_EDITOR, organisation_id=organisation_id, person_id="bram"
        )
    )

    [added] = published("OrganisationEditorAdded")
    assert (added["organisation_id"], added["person_id"]) == (organisation_id, "bram")


def test_a_profile_update_publishes_the_changed_profile_fields_and_nothing_else(
    registry: Registry, programme_id: str, published: Published
) -> None:
    registry.bus.handle(
        commands.UpdateProgramme.model_validate(
            {
                "actor": CENTER_EDITOR,
                "programme_id": programme_id,
                "expected_version": 1,
                "programme": {"target_groups": ("youth",), "age_min": 12, "city": "Ghent"},
            }
        )
    )

    [body] = published("ProgrammeUpdated")
    assert body["target_groups"] == ["youth"] and body["age_min"] == 12
    assert isinstance(body["latitude"], float) and isinstance(body["longitude"], float)
    # Unchanged fields stay null: consumers must not read them as "emptied".
    assert body["formats"] is None and body["countries"] is None and body["display_name"] is None
