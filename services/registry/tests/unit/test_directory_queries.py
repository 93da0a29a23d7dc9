"""Directory queries: filter values are checked against the vocabularies, naming the field."""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.application.directory import levels
from ecbm_registry.application.directory.queries import DirectoryFilter, SearchProgrammes
from ecbm_registry.domain.taxonomy import FORMATS, TARGET_GROUPS

TERMS = {
    "target_groups": [t.id for t in TARGET_GROUPS.terms],
    "formats": [t.id for t in FORMATS.terms],
    "quality_levels": list(levels.QUALITY_LEVELS),
    "evidence_levels": list(levels.EVIDENCE_LEVELS),
}


@given(
    st.sampled_from(sorted(TERMS)).flatmap(
        lambda f: st.tuples(st.just(f), st.lists(st.sampled_from(TERMS[f]), max_size=8))
    )
)
def test_known_values_are_accepted_once_each(chosen: tuple[str, list[str]]) -> None:
    field, values = chosen
    selected = DirectoryFilter.model_validate({field: values}).selections()[field]
    assert selected == tuple(dict.fromkeys(values))


@given(
    st.sampled_from(sorted(TERMS)),
    st.text(min_size=1, max_size=20).filter(lambda v: all(v not in t for t in TERMS.values())),
)
def test_an_unknown_value_is_refused_naming_its_field_and_the_allowed_ones(
    field: str, value: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        DirectoryFilter.model_validate({field: [value]})
    [error] = raised.value.errors()
    assert error["loc"] == (field, 0)
    assert TERMS[field][-1] in error["msg"]


def test_countries_are_upper_cased_and_checked() -> None:
    assert DirectoryFilter(countries=("be", "BE", "nl")).countries == ("BE", "NL")
    with pytest.raises(pydantic.ValidationError, match="ISO 3166-1"):
        DirectoryFilter(countries=("XX",))


def test_the_status_defaults_to_active_and_withdrawn_is_refused() -> None:
    assert DirectoryFilter().status == "active"
    with pytest.raises(pydantic.ValidationError, match="never in the directory"):
        DirectoryFilter.model_validate({"status": "withdrawn"})


def test_a_search_key_depends_on_query_and_filter_but_not_on_the_page() -> None:
    first = SearchProgrammes(query="buddy", filter=DirectoryFilter(countries=("BE",)))
    assert first.key() == first.model_copy(update={"offset": 40, "page_size": 5}).key()
    assert first.key() != SearchProgrammes(query="buddy").key()
    assert first.key() != first.model_copy(update={"query": "buddies"}).key()
