"""The registry's domain and command validation, without I/O."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ecbm_registry.application.programmes.commands import RegisterOrganisation, RegisterProgramme
from ecbm_registry.domain.organisation import normalised_name
from ecbm_registry.domain.programme import Programme, ProgrammeRegistered, ProgrammeStatus


def registered(**changes: object) -> ProgrammeRegistered:
    fields: dict[str, object] = {
        "organisation_id": "org-1",
        "display_name": "Mentors for Newcomers",
        "description": "",
        "languages": ("nl",),
        "countries": ("BE",),
        "status": ProgrammeStatus.ACTIVE,
    }
    return ProgrammeRegistered(**{**fields, **changes})


def test_registering_a_programme_records_one_event_and_sets_its_state() -> None:
    programme = Programme.register("p-1", registered())

    assert programme.version == 1
    assert programme.organisation_id == "org-1"
    assert [type(e) for e in programme.collect_new_events()] == [ProgrammeRegistered]


def test_a_programme_rebuilt_from_history_equals_the_one_that_made_it() -> None:
    rebuilt = Programme.rebuild("p-1", [registered(countries=("BE", "NL"))])

    assert rebuilt.countries == ("BE", "NL")
    assert rebuilt.version == 1
    assert not rebuilt.has_new_events


def test_unknown_country_is_rejected_naming_the_field_and_the_allowed_form() -> None:
    with pytest.raises(ValidationError) as caught:
        RegisterProgramme(
            organisation_id="o", display_name="X", languages=("en",), countries=("BE", "XX")
        )

    error = caught.value.errors()[0]
    assert error["loc"] == ("countries", 1)
    assert "ISO 3166-1 alpha-2" in error["msg"]


def test_country_codes_are_normalised_to_upper_case() -> None:
    command = RegisterProgramme(
        organisation_id="o", display_name="X", languages=("EN",), countries=("be",)
    )

    assert command.countries == ("BE",)
    assert command.languages == ("en",)


def test_an_organisation_needs_a_valid_contact_email() -> None:
    with pytest.raises(ValidationError) as caught:
        RegisterOrganisation(
            display_name="A", kind="network", country="FR", contact_name="C", contact_email="nope"
        )

    assert caught.value.errors()[0]["loc"] == ("contact_email",)


@given(st.text(min_size=1, max_size=60))
def test_normalised_names_ignore_case_and_spacing(name: str) -> None:
    shouted = "  " + "  ".join(name.upper().split()) + " "

    assert normalised_name(shouted) == normalised_name(name.upper())
    assert normalised_name(normalised_name(name)) == normalised_name(name)
