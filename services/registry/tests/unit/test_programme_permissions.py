"""Organisation editors: who may change an organisation, without I/O."""

from __future__ import annotations

from ecbm_registry.domain.organisation import (
    Organisation,
    OrganisationEditorAdded,
    OrganisationKind,
    OrganisationRegistered,
)


def organisation(*editors: str) -> Organisation:
    registered = OrganisationRegistered(
        display_name="Lab", kind=OrganisationKind.FUNDER, country="BE", city="", website="",
        contact_name="An", contact_email="an@example.org", description="", editors=editors,
    )  # fmt: skip
    return Organisation.rebuild("o-1", [registered])


def test_only_listed_editors_may_change_it() -> None:
    subject = organisation("ana")

    assert subject.may_be_changed_by("ana")
    assert not subject.may_be_changed_by("bram") and not subject.may_be_changed_by("")


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
