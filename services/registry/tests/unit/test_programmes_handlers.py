"""Organisation and programme command handlers on in-memory records and fake views."""

from __future__ import annotations

import pytest
from fakes import InMemoryRegistry

from ecbm_registry.application.programmes import commands
from ecbm_registry.domain.errors import (
    ExternalIdTaken,
    OrganisationAlreadyRegistered,
    OrganisationNotFound,
    ProgrammeNotFound,
)
from ecbm_registry.domain.organisation import OrganisationHasProgrammes, OrganisationIsWithdrawn
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import PermissionDenied, Unauthenticated
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.idempotency import RequestIdReused

EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))
ANA = Actor(subject="ana", roles=frozenset({"member"}))
BEN = Actor(subject="ben", roles=frozenset({"member"}))


def register_organisation(registry: InMemoryRegistry, actor: Actor = ANA) -> str:
    """Register "Mentoring Lab" (BE) as ``actor`` and show it in the fake views."""
    command = commands.RegisterOrganisation(
        actor=actor, display_name="Mentoring Lab", kind="mentoring_organisation",
        country="BE", contact_name="An Peeters", contact_email="an@example.org",
    )  # fmt: skip
    organisation_id = str(registry.handle(command))
    registry.views.programmes.add_organisation(organisation_id)
    return organisation_id


def register_programme(
    registry: InMemoryRegistry, organisation_id: str, actor: Actor = ANA, **more: str
) -> str:
    """Register "Buddy Up" for ``organisation_id`` as ``actor`` (by default its editor)."""
    command = commands.RegisterProgramme(
        actor=actor, organisation_id=organisation_id, display_name="Buddy Up",
        languages=("nl",), countries=("BE",), **more,
    )  # fmt: skip
    return str(registry.handle(command))


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry()


@pytest.fixture
def organisation_id(registry: InMemoryRegistry) -> str:
    return register_organisation(registry)


@pytest.fixture
def programme_id(registry: InMemoryRegistry, organisation_id: str) -> str:
    return register_programme(registry, organisation_id)


def test_registering_an_organisation_stores_it_and_publishes_it(
    registry: InMemoryRegistry,
) -> None:
    organisation_id = register_organisation(registry)

    assert registry.event_types(f"organisation-{organisation_id}") == ["OrganisationRegistered"]
    (published,) = registry.published("OrganisationRegistered")
    assert organisation_id in published.body
    assert registry.stored(f"organisation-{organisation_id}")[0].data["editors"] == ["ana"]


def test_an_organisation_of_the_same_name_and_country_is_refused(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    with pytest.raises(OrganisationAlreadyRegistered):
        register_organisation(registry, BEN)

    assert len(registry.published("OrganisationRegistered")) == 1


def test_registering_a_programme_stores_and_publishes_it(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    programme_id = register_programme(registry, organisation_id, external_id="ext-1")

    assert registry.event_types(f"programme-{programme_id}") == ["ProgrammeRegistered"]
    assert len(registry.published("ProgrammeRegistered")) == 1


def test_a_programme_of_an_unknown_or_withdrawn_organisation_is_refused(
    registry: InMemoryRegistry,
) -> None:
    with pytest.raises(OrganisationNotFound):
        register_programme(registry, "nope", EDITOR)
    registry.views.programmes.add_organisation("gone", status="withdrawn")
    with pytest.raises(OrganisationIsWithdrawn):
        register_programme(registry, "gone", EDITOR)

    assert registry.records.events == []


def test_an_external_id_imported_already_is_refused(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    registry.views.imports.external_ids["ext-1"] = "p-1"

    with pytest.raises(ExternalIdTaken):
        register_programme(registry, organisation_id, external_id="ext-1")


def test_an_organisation_editor_updates_a_programme(
    registry: InMemoryRegistry, programme_id: str
) -> None:
    command = commands.UpdateProgramme(
        actor=ANA, programme_id=programme_id, expected_version=1,
        programme=commands.ProgrammeChanges(display_name="Buddy Up Brussels"),
    )  # fmt: skip

    assert registry.handle(command) == programme_id
    assert registry.event_types(f"programme-{programme_id}")[-1] == "ProgrammeUpdated"
    assert len(registry.published("ProgrammeUpdated")) == 1


def test_an_update_from_a_stale_version_or_a_stranger_is_refused(
    registry: InMemoryRegistry, programme_id: str
) -> None:
    changes = commands.ProgrammeChanges(display_name="Renamed")
    with pytest.raises(VersionConflict):
        registry.handle(
            commands.UpdateProgramme(
                actor=ANA, programme_id=programme_id, expected_version=2, programme=changes
            )
        )
    with pytest.raises(PermissionDenied):
        registry.handle(
            commands.UpdateProgramme(
                actor=BEN, programme_id=programme_id, expected_version=1, programme=changes
            )
        )

    assert registry.event_types(f"programme-{programme_id}") == ["ProgrammeRegistered"]


def test_adding_an_evaluation_raises_the_evidence_level(
    registry: InMemoryRegistry, programme_id: str
) -> None:
    evaluation = commands.EvaluationInput(design="pre_post", year=2024)

    registry.handle(
        commands.AddEvaluation(actor=EDITOR, programme_id=programme_id, evaluation=evaluation)
    )

    assert registry.event_types(f"programme-{programme_id}")[1:] == [
        "EvaluationAdded",
        "EvidenceLevelChanged",
    ]
    assert len(registry.published("ProgrammeEvidenceLevelChanged")) == 1
    with pytest.raises(ProgrammeNotFound):
        registry.handle(
            commands.AddEvaluation(actor=EDITOR, programme_id="nope", evaluation=evaluation)
        )


def test_declaring_a_learning_goal_needs_an_editor_of_the_organisation(
    registry: InMemoryRegistry, programme_id: str
) -> None:
    goal = commands.ProgrammeLearningGoalInput(topic="mentor-training")

    with pytest.raises(PermissionDenied):
        registry.handle(
            commands.DeclareProgrammeLearningGoal(
                actor=BEN, programme_id=programme_id, learning_goal=goal
            )
        )
    registry.handle(
        commands.DeclareProgrammeLearningGoal(
            actor=ANA, programme_id=programme_id, learning_goal=goal
        )
    )

    assert registry.event_types(f"programme-{programme_id}")[-1] == "ProgrammeLearningGoalDeclared"
    assert len(registry.published("ProgrammeLearningGoalDeclared")) == 1


def test_withdrawing_a_programme_needs_an_editor_of_the_organisation(
    registry: InMemoryRegistry, programme_id: str
) -> None:
    with pytest.raises(PermissionDenied):
        registry.handle(commands.WithdrawProgramme(actor=BEN, programme_id=programme_id))
    registry.handle(commands.WithdrawProgramme(actor=ANA, programme_id=programme_id, reason="x"))

    assert registry.event_types(f"programme-{programme_id}")[-1] == "ProgrammeWithdrawn"
    assert len(registry.published("ProgrammeWithdrawn")) == 1


def test_updating_an_organisation_publishes_the_changed_fields(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    command = commands.UpdateOrganisation(
        actor=ANA, organisation_id=organisation_id, expected_version=1,
        organisation=commands.OrganisationChanges(contact_name="Bea Janssens"),
    )  # fmt: skip

    assert registry.handle(command) == organisation_id
    (published,) = registry.published("OrganisationUpdated")
    assert "Bea Janssens" in published.body


def test_renaming_an_organisation_to_a_taken_name_is_refused(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    registry.views.programmes.add_organisation("other", display_name="Buddy Net")
    command = commands.UpdateOrganisation(
        actor=ANA, organisation_id=organisation_id, expected_version=1,
        organisation=commands.OrganisationChanges(display_name="buddy  net"),
    )  # fmt: skip

    with pytest.raises(OrganisationAlreadyRegistered):
        registry.handle(command)

    assert registry.published("OrganisationUpdated") == []


def test_an_editor_of_an_organisation_adds_another(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    add_ben = commands.AddOrganisationEditor(
        actor=ANA, organisation_id=organisation_id, person_id="ben"
    )
    registry.handle(add_ben)

    assert registry.event_types(f"organisation-{organisation_id}")[-1] == "OrganisationEditorAdded"
    assert len(registry.published("OrganisationEditorAdded")) == 1
    with pytest.raises(PermissionDenied):
        registry.handle(
            commands.AddOrganisationEditor(
                actor=Actor(subject="cleo"), organisation_id=organisation_id, person_id="cleo"
            )
        )


def test_an_organisation_with_active_programmes_is_not_withdrawn(
    registry: InMemoryRegistry, organisation_id: str
) -> None:
    withdraw = commands.WithdrawOrganisation(actor=ANA, organisation_id=organisation_id)
    registry.views.programmes.active_programmes[organisation_id] = 2

    with pytest.raises(OrganisationHasProgrammes):
        registry.handle(withdraw)
    registry.views.programmes.active_programmes[organisation_id] = 0
    registry.handle(withdraw)

    assert registry.event_types(f"organisation-{organisation_id}")[-1] == "OrganisationWithdrawn"
    assert len(registry.published("OrganisationWithdrawn")) == 1


class TestRegisterProgrammeIntoAnOrganisation:
    """Only the organisation's editors (and Center editors) add programmes to it."""

    def test_a_member_who_does_not_edit_it_is_refused(
        self, registry: InMemoryRegistry, organisation_id: str
    ) -> None:
        with pytest.raises(PermissionDenied):
            register_programme(registry, organisation_id, BEN)

        assert registry.published("ProgrammeRegistered") == []
        assert not [e for e in registry.records.events if e.type == "ProgrammeRegistered"]

    def test_a_caller_without_a_token_is_unauthenticated(
        self, registry: InMemoryRegistry, organisation_id: str
    ) -> None:
        with pytest.raises(Unauthenticated):
            register_programme(registry, organisation_id, Actor())

        assert registry.published("ProgrammeRegistered") == []

    def test_its_editor_and_a_center_editor_may(
        self, registry: InMemoryRegistry, organisation_id: str
    ) -> None:
        by_ana = register_programme(registry, organisation_id, ANA)
        by_editor = register_programme(registry, organisation_id, EDITOR)

        assert by_ana != by_editor
        assert len(registry.published("ProgrammeRegistered")) == 2

    def test_an_added_editor_may(self, registry: InMemoryRegistry, organisation_id: str) -> None:
        registry.handle(
            commands.AddOrganisationEditor(
                actor=ANA, organisation_id=organisation_id, person_id="ben"
            )
        )

        programme_id = register_programme(registry, organisation_id, BEN)

        assert registry.event_types(f"programme-{programme_id}") == ["ProgrammeRegistered"]


class TestIdempotentRegistration:
    """A request_id is the caller's own: same request → first result; different → refused."""

    @staticmethod
    def programme(actor: Actor, organisation_id: str, name: str = "Buddy Up") -> object:
        return commands.RegisterProgramme(
            actor=actor, request_id="r-1", organisation_id=organisation_id,
            display_name=name, languages=("nl",), countries=("BE",),
        )  # fmt: skip

    def test_a_retry_returns_the_first_programme_and_writes_nothing(
        self, registry: InMemoryRegistry, organisation_id: str
    ) -> None:
        first = registry.handle(self.programme(ANA, organisation_id))
        again = registry.handle(self.programme(ANA, organisation_id))

        assert again == first
        assert registry.event_types(f"programme-{first}") == ["ProgrammeRegistered"]
        assert len(registry.published("ProgrammeRegistered")) == 1

    def test_the_same_key_with_a_different_request_is_refused_on_request_id(
        self, registry: InMemoryRegistry, organisation_id: str
    ) -> None:
        registry.handle(self.programme(ANA, organisation_id))

        with pytest.raises(RequestIdReused) as refused:
            registry.handle(self.programme(ANA, organisation_id, name="Other"))

        assert [v.field for v in refused.value.violations] == ["request_id"]
        assert len(registry.published("ProgrammeRegistered")) == 1

    def test_another_caller_with_the_same_key_gets_its_own_programme(
        self, registry: InMemoryRegistry, organisation_id: str
    ) -> None:
        first = registry.handle(self.programme(ANA, organisation_id))
        other = registry.handle(self.programme(EDITOR, organisation_id))

        assert other != first
        assert len(registry.published("ProgrammeRegistered")) == 2

    def test_organisations_are_keyed_per_caller_too(self, registry: InMemoryRegistry) -> None:
        def organisation(actor: Actor, name: str) -> object:
            return commands.RegisterOrganisation(
                actor=actor, request_id="r-1", display_name=name, kind="funder",
                country="BE", contact_name="An", contact_email="an@example.org",
            )  # fmt: skip

        first = registry.handle(organisation(ANA, "Lab A"))
        assert registry.handle(organisation(ANA, "Lab A")) == first
        assert registry.handle(organisation(BEN, "Lab B")) != first
        with pytest.raises(RequestIdReused):
            registry.handle(organisation(ANA, "Lab C"))
        assert len(registry.published("OrganisationRegistered")) == 2
