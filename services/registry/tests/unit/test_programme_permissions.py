"""Organisation editors: who may change an organisation, without I/O."""

from __future__ import annotations

import pytest

from ecbm_registry.domain.organisation import (
    Organisation,
    OrganisationEditorAdded,
    OrganisationKind,
    OrganisationRegistered,
)
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import PermissionDenied, Unauthenticated


def organisation(*editors: str) -> Organisation:
    registered = OrganisationRegistered(
        display_name="Lab", kind=OrganisationKind.FUNDER, country="BE", city="", website="",
        contact_name="An", contact_email="an@example.org", description="", editors=editors,
    )  # fmt: skip
    return Organisation.rebuild("o-1", [registered])


def test_only_listed_editors_and_center_editors_may_change_it() -> None:
    editors = organisation("ana").editors

    Actor(subject="ana", roles=frozenset({"member"})).require_organisation_editor("o-1", editors)
    Actor(subject="ed", roles=frozenset({"editor"})).require_organisation_editor("o-1", editors)
    with pytest.raises(PermissionDenied):
        Actor(subject="bram", roles=frozenset({"member"})).require_organisation_editor(
            "o-1", editors
        )
    with pytest.raises(Unauthenticated):
        Actor().require_organisation_editor("o-1", editors)


def test_adding_an_editor_twice_records_one_event() -> None:
    subject = organisation("ana")

    subject.add_editor("bram")
    subject.add_editor("bram")

    assert subject.editors == ("ana", "bram")
    assert [type(e) for e in subject.collect_new_events()] == [OrganisationEditorAdded]


def test_an_organisation_stored_before_editors_existed_has_none() -> None:
    old = OrganisationRegistered.model_validate(
        {"display_name": "Lab", "kind": "funder", "country": "BE", "city": "", "website": "",
         "contact_name": "An", "contact_email": "an@example.org", "description": ""}
    )  # fmt: skip

    assert Organisation.rebuild("o-1", [old]).editors == ()
