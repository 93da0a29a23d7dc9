"""Shape checks of people commands, at the edge, before any use case runs."""

from __future__ import annotations

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ecbm_registry.application.people.commands import ExpertiseInput, PersonChanges, PersonDetails
from ecbm_registry.domain.taxonomy import EXPERTISE_TOPICS

COUNTRIES = sorted(c.alpha_2 for c in pycountry.countries)
TOPICS = [t.id for t in EXPERTISE_TOPICS.terms]


def details(**changes: object) -> PersonDetails:
    fields: dict[str, object] = {"display_name": "Ana", "email": "ana@example.org", "country": "PT"}
    return PersonDetails(**{**fields, **changes})


@given(st.sampled_from(COUNTRIES))
def test_every_iso_country_is_accepted_in_any_case(code: str) -> None:
    assert details(country=code.lower()).country == code


@given(st.text(min_size=0, max_size=4).filter(lambda s: s.strip().upper() not in COUNTRIES))
def test_anything_else_is_not_a_country(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        details(country=text)
    assert caught.value.errors()[0]["loc"] == ("country",)


@given(st.text(max_size=30).filter(lambda s: s not in TOPICS))
def test_only_expertise_topics_are_topics(text: str) -> None:
    with pytest.raises(ValidationError):
        ExpertiseInput(topic=text, level="aware")


def test_roles_and_languages_lose_their_duplicates() -> None:
    person = details(roles=("student", "student"), languages=("en", "EN", "fr"))

    assert person.roles == ("student",)
    assert person.languages == ("en", "fr")


def test_an_update_knows_which_fields_it_sets() -> None:
    changes = PersonChanges(country="be")

    assert changes.model_dump(exclude_unset=True) == {"country": "BE"}
    with pytest.raises(ValidationError):
        PersonChanges(display_name="")
