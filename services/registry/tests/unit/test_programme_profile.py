"""Programme profile: taxonomy terms, ages, yearly numbers, place; validation and old events."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ecbm_registry.adapters.places import locate
from ecbm_registry.application.programmes.commands import RegisterProgramme
from ecbm_registry.domain.programme import Programme, ProgrammeRegistered


def command(**changes: object) -> RegisterProgramme:
    fields: dict[str, object] = {
        "organisation_id": "org-1",
        "display_name": "Buddy Up",
        "languages": ("nl",),
        "countries": ("BE",),
    }
    return RegisterProgramme.model_validate({**fields, **changes})


def errors_of(**changes: object) -> list[tuple[tuple[object, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        command(**changes)
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


def test_unknown_target_group_is_rejected_listing_the_allowed_ids() -> None:
    [(loc, message)] = errors_of(target_groups=("youth", "pensioners"))

    assert loc == ("target_groups", 1)
    assert "allowed: youth, students" in message


def test_unknown_format_and_focus_area_name_their_fields() -> None:
    found = errors_of(formats=("telepathy",), focus_areas=("cooking",))

    assert [loc for loc, _ in found] == [("formats", 0), ("focus_areas", 0)]


def test_age_max_below_age_min_is_rejected_on_age_max() -> None:
    [(loc, message)] = errors_of(age_min=18, age_max=12)

    assert loc == ("age_max",) and "at least age_min (18)" in message


def test_latitude_without_longitude_is_rejected() -> None:
    [(loc, _)] = errors_of(latitude=51.0)

    assert loc == ("longitude",)


def test_negative_yearly_numbers_and_implausible_start_year_are_rejected() -> None:
    found = errors_of(mentors_per_year=-1, start_year=1200)

    assert {loc for loc, _ in found} == {("mentors_per_year",), ("start_year",)}


def test_a_city_is_located_within_the_programmes_countries_and_says_what_matched() -> None:
    location = locate("Ghent", ["BE"])

    assert location is not None
    assert round(location.latitude, 1) == 51.0 and round(location.longitude, 1) == 3.7
    assert location.matched.startswith("Gent, BE")


def test_a_city_outside_the_programmes_countries_is_not_located() -> None:
    assert locate("Ghent", ["NL"]) is None
    assert locate("Nowhere-on-Sea", ["BE"]) is None


def test_an_event_stored_before_the_profile_existed_still_rebuilds_the_programme() -> None:
    old = ProgrammeRegistered.model_validate(
        {
            "organisation_id": "org-1",
            "display_name": "Buddy Up",
            "description": "",
            "languages": ["nl"],
            "countries": ["BE"],
            "status": "active",
        }
    )

    programme = Programme.rebuild("p-1", [old])

    assert programme.version == 1 and old.target_groups == () and old.location is None


def test_a_programme_cannot_be_registered_withdrawn() -> None:
    [(loc, _)] = errors_of(status="withdrawn")

    assert loc == ("status",)
