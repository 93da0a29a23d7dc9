"""Updating and withdrawing programmes, updating organisations, through the bus on both DBs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.bootstrap import Registry
from ecbm_registry.domain.programme import ProgrammeIsWithdrawn
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.eventstore import VersionConflict

Published = Callable[[str], list[dict[str, object]]]
CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def update(programme_id: str, version: int = 1, **changes: object) -> commands.UpdateProgramme:
    return commands.UpdateProgramme.model_validate(
        {
            "actor": CENTER_EDITOR,
            "programme_id": programme_id,
            "expected_version": version,
            "programme": changes,
        }
    )


def test_an_update_changes_the_read_model_and_publishes_the_changed_fields(
    registry: Registry, programme_id: str, published: Published
) -> None:

    registry.bus.handle(update(programme_id, countries=("NL",), city="Utrecht"))

    found = registry.bus.handle(queries.GetProgramme(programme_id=programme_id))
    assert found.version == 2 and found.countries == ("NL",)
    assert found.location_matched.startswith("Utrecht, NL")
    in_nl = registry.bus.handle(queries.ListProgrammes(country="NL"))
    assert [p.id for p in in_nl.programmes] == [programme_id]
    [body] = published("ProgrammeUpdated")
    assert body["updated_fields"] == ["city", "countries", "location"]


def test_an_update_with_a_stale_version_is_a_conflict(
    registry: Registry, programme_id: str
) -> None:
    registry.bus.handle(update(programme_id, display_name="Buddy Up Ghent"))

    with pytest.raises(VersionConflict):
        registry.bus.handle(update(programme_id, version=1, display_name="Stale"))


def test_withdrawing_twice_is_a_rule_violation(
    registry: Registry, programme_id: str, published: Published
) -> None:
    withdrawn = registry.bus.handle(
        commands.WithdrawProgramme(actor=CENTER_EDITOR, programme_id=programme_id)
    )

    assert withdrawn.status == "withdrawn"
    with pytest.raises(ProgrammeIsWithdrawn):
        registry.bus.handle(
            commands.WithdrawProgramme(actor=CENTER_EDITOR, programme_id=programme_id)
        )
    assert len(published("ProgrammeWithdrawn")) == 1


def test_an_organisation_update_is_read_back_and_published(
    registry: Registry, organisation_id: str, published: Published
) -> None:

    registry.bus.handle(
        commands.UpdateOrganisation.model_validate(
            {
                "actor": CENTER_EDITOR,
                "organisation_id": organisation_id,
                "expected_version": 1,
                "organisation": {"display_name": "Mentoring Lab Ghent", "city": "Ghent"},
            }
        )
    )

    found = registry.bus.handle(queries.GetOrganisation(organisation_id=organisation_id))
    assert (found.display_name, found.city, found.version) == ("Mentoring Lab Ghent", "Ghent", 2)
    [body] = published("OrganisationUpdated")
    assert body["display_name"] == "Mentoring Lab Ghent"


def test_a_member_who_is_no_editor_of_the_organisation_is_denied(
    registry: Registry, programme_id: str
) -> None:
    stranger = Actor(subject="bram", roles=frozenset({"member"}))

    with pytest.raises(PermissionDenied):
        registry.bus.handle(commands.WithdrawProgramme(actor=stranger, programme_id=programme_id))
