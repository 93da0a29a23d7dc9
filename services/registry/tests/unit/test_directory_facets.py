"""Facet semantics, labels, 'did you mean' and the map's aggregates: the pure parts."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.application.directory import facets as facets
from ecbm_registry.application.directory import mapping as mapping
from ecbm_registry.application.directory import suggestions as suggestions

FIELDS = st.sampled_from(facets.FACET_FIELDS)
SELECTIONS = st.dictionaries(FIELDS, st.lists(st.text(min_size=1), max_size=3).map(tuple))


@given(FIELDS, SELECTIONS)
def test_a_facet_counts_under_every_other_selection_and_not_its_own(
    field: str, selections: dict[str, tuple[str, ...]]
) -> None:
    applied = facets.selections_for(field, selections)
    assert field not in applied
    assert applied == {f: v for f, v in selections.items() if f != field and v}


def test_values_come_most_frequent_first_and_selected_ones_stay() -> None:
    facet = facets.facet(
        "target_groups", {"youth": 2, "women": 5, "children": 2}, ("students",), "de"
    )

    assert [(v.value, v.count) for v in facet.values] == [
        ("women", 5), ("children", 2), ("youth", 2), ("students", 0),
    ]  # fmt: skip
    assert facet.label == "Zielgruppen" and facet.values[0].label == "Frauen"


def test_labels_fall_back_to_english_for_other_languages() -> None:
    assert facets.value_label("countries", "BE", "xx") == "Belgium"
    assert facets.value_label("countries", "BE", "nl") == "België"
    assert facets.value_label("quality_levels", "distinction", "fr") == "Accrédité avec distinction"
    assert facets.value_label("evidence_levels", "randomised", "pt") == "Randomised"
    assert facets.facet_label("quality_levels", "pt") == "Quality label"


def test_did_you_mean_tolerates_typos_and_skips_the_exact_name() -> None:
    names = ["Buddy Up Gent", "Mentoring Lab Antwerp", "Jugendförderung Wien"]

    assert suggestions.did_you_mean("budy up gnt", names)[0] == "Buddy Up Gent"
    assert suggestions.did_you_mean("Buddy Up Gent", names) == []
    assert suggestions.did_you_mean("zzzz", names) == []
    assert suggestions.did_you_mean("  ", names) == []


@given(st.text(max_size=50), st.lists(st.text(max_size=30), max_size=20))
def test_did_you_mean_returns_at_most_three_of_the_names_given(
    query: str, names: list[str]
) -> None:
    found = suggestions.did_you_mean(query, names)
    assert len(found) <= suggestions.MAX_SUGGESTIONS and set(found) <= set(names)


def located(id: str, latitude: float | None = 50.0) -> mapping.MappedProgramme:
    return mapping.MappedProgramme(
        programme_id=id, display_name=f"P {id}", organisation_name="Lab", countries=("BE",),
        city="", latitude=latitude, longitude=4.0 if latitude is not None else None,
        evidence_level="none", quality_level="accredited",
    )  # fmt: skip


def test_a_feature_is_a_geojson_point_of_a_programme_with_a_place() -> None:
    rendered = mapping.feature(located("a"))

    assert rendered is not None and mapping.feature(located("b", None)) is None
    feature = json.loads(rendered)
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.0, 50.0]}
    assert feature["properties"]["name"] == "programmes/a"
    assert feature["properties"]["quality_level"] == "accredited"


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=5))
def test_a_collection_holds_the_features_it_is_given(ids: list[str]) -> None:
    features = [mapping.feature(located(id)) or "" for id in ids]

    collection = json.loads(mapping.feature_collection(features))

    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == ids
