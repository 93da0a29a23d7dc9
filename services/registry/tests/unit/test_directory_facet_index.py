"""The in-memory facet index counts exactly what filtering the programmes one by one does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.application.directory.facet_index import FacetIndex, IndexedRow
from ecbm_registry.application.directory.facets import FACET_FIELDS, selections_for

VALUES = ("a", "b", "c", "d")
IDS = st.lists(st.sampled_from(VALUES), max_size=3, unique=True).map(" ".join)
ROW_FIELDS = st.tuples(st.sampled_from(("active", "paused")), *([IDS] * len(FACET_FIELDS)))
SELECTIONS = st.fixed_dictionaries(
    {f: st.lists(st.sampled_from(VALUES), max_size=2, unique=True).map(tuple) for f in FACET_FIELDS}
)


def naive(
    rows: list[IndexedRow], base: set[int], field: str, selections: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """Count ``field``'s values over rows in ``base`` passing every other selection."""
    others = selections_for(field, selections)
    column = FACET_FIELDS.index(field) + 2
    counts: dict[str, int] = {}
    for row in rows:
        if row[0] not in base:
            continue
        if all(set(row[FACET_FIELDS.index(f) + 2].split()) & set(v) for f, v in others.items()):
            for value in row[column].split():
                counts[value] = counts.get(value, 0) + 1
    return counts


@given(st.lists(ROW_FIELDS, max_size=30), SELECTIONS, st.data())
def test_counts_equal_filtering_one_by_one(
    fields: list[tuple[str, ...]], selections: dict[str, tuple[str, ...]], data: st.DataObject
) -> None:
    rows: list[IndexedRow] = [
        (10 * (i + 1), *row, f"P{i}", None)  # type: ignore[misc]
        for i, row in enumerate(fields)
    ]
    positions = [row[0] for row in rows]
    chosen = set(
        data.draw(st.lists(st.sampled_from(positions), unique=True) if positions else st.just([]))
    )
    index = FacetIndex.of(rows)

    counts = index.counts(index.bits(chosen), selections)

    for field in FACET_FIELDS:
        assert counts[field] == naive(rows, chosen, field, selections)


def test_status_sets_split_the_programmes() -> None:
    rows: list[IndexedRow] = [
        (1, "active", "BE", "youth", "", "", "none", "none", "Buddy", None),
        (2, "paused", "BE NL", "youth women", "", "", "none", "level-1", "Jobs", None),
    ]
    index = FacetIndex.of(rows)

    active = index.counts(index.statuses["active"], {"countries": ("NL",)})
    paused = index.counts(index.statuses["paused"], {})

    assert active["countries"] == {"BE": 1} and active["target_groups"] == {}
    assert paused["target_groups"] == {"youth": 1, "women": 1}
    assert paused["quality_levels"] == {"level-1": 1}


def row(position: int, countries: str, groups: str, formats: str, level: str) -> IndexedRow:
    feature = f'{{"id":{position}}}' if position % 2 else None
    return (
        position,
        "active",
        countries,
        groups,
        formats,
        "",
        level,
        "none",
        f"P{position}",
        feature,
    )


def test_the_map_counts_a_programme_in_each_of_its_countries_and_groups() -> None:
    index = FacetIndex.of(
        [
            row(1, "BE NL", "youth women", "group", "none"),
            row(2, "BE", "youth women", "group", "none"),
            row(3, "BE", "youth", "", "randomised"),
            row(4, "AT", "children", "", "none"),
        ]
    )
    mask = index.selected(index.statuses["active"], {"countries": ("BE", "NL")})

    aggregates = index.country_aggregates(mask)

    assert [(a.country, a.count) for a in aggregates] == [("BE", 3), ("NL", 1)]
    assert aggregates[0].target_groups == {"youth": 3, "women": 2}
    assert aggregates[0].formats == {"group": 2}
    assert aggregates[0].evidence_levels == {"none": 2, "randomised": 1}
    assert aggregates[1].target_groups == {"youth": 1, "women": 1}
    assert index.features_in(mask) == ['{"id":1}', '{"id":3}']  # in order; 2 has no place
    assert index.names_in(mask) == {"P1", "P2", "P3"}


@given(st.lists(st.booleans(), max_size=200))
def test_features_in_a_mask_are_those_of_its_bits_in_order(members: list[bool]) -> None:
    rows = [row(i, "BE", "", "", "none") for i in range(len(members))]
    index = FacetIndex.of([(*r[:-1], f"f{i}") for i, r in enumerate(rows)])  # type: ignore[misc]
    mask = index.bits(i for i, member in enumerate(members) if member)

    assert index.features_in(mask) == [f"f{i}" for i, member in enumerate(members) if member]
