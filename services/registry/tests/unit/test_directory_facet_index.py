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
    rows: list[IndexedRow] = [(10 * (i + 1), *row) for i, row in enumerate(fields)]  # type: ignore[misc]
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
        (1, "active", "BE", "youth", "", "", "none", "none"),
        (2, "paused", "BE NL", "youth women", "", "", "none", "level-1"),
    ]
    index = FacetIndex.of(rows)

    active = index.counts(index.statuses["active"], {"countries": ("NL",)})
    paused = index.counts(index.statuses["paused"], {})

    assert active["countries"] == {"BE": 1} and active["target_groups"] == {}
    assert paused["target_groups"] == {"youth": 1, "women": 1}
    assert paused["quality_levels"] == {"level-1": 1}
