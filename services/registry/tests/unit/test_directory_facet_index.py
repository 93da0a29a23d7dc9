"""The in-memory index counts, ranks and pages exactly what going through the programmes
one by one does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.application.directory.facet_index import FacetIndex, IndexedRow
from ecbm_registry.application.directory.facets import FACET_FIELDS, selections_for

VALUES = ("a", "b", "c", "d")
IDS = st.lists(st.sampled_from(VALUES), max_size=3, unique=True).map(" ".join)
SELECTIONS = st.fixed_dictionaries(
    {f: st.lists(st.sampled_from(VALUES), max_size=2, unique=True).map(tuple) for f in FACET_FIELDS}
)


def make(
    position: int, *facet_ids: str, status: str = "active", name: str = "", quality: int = 0,
    evidence: int = 0, feature: str | None = None,
) -> IndexedRow:  # fmt: skip
    ids = dict(zip(FACET_FIELDS, facet_ids + ("",) * (6 - len(facet_ids)), strict=True))
    return IndexedRow(
        position=position, status=status, **ids, display_name=name or f"P{position}",
        feature=feature, programme_id=f"p{position}", quality_rank=quality,
        evidence_rank=evidence,
    )  # fmt: skip


ROWS = st.lists(
    st.tuples(st.sampled_from(("active", "paused")), *([IDS] * 6), st.integers(0, 2)),
    max_size=30,
).map(
    lambda drawn: [
        make(10 * (i + 1), *ids, status=status, quality=quality, name=f"P{i % 4}")
        for i, (status, *ids, quality) in enumerate(drawn)
    ]
)


def naive(
    rows: list[IndexedRow], base: set[int], field: str, selections: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """Count ``field``'s values over rows in ``base`` passing every other selection."""
    others = selections_for(field, selections)
    counts: dict[str, int] = {}
    for row in rows:
        if row.position in base and all(
            set(getattr(row, f).split()) & set(v) for f, v in others.items()
        ):
            for value in getattr(row, field).split():
                counts[value] = counts.get(value, 0) + 1
    return counts


@given(ROWS, SELECTIONS, st.data())
def test_counts_equal_filtering_one_by_one(
    rows: list[IndexedRow], selections: dict[str, tuple[str, ...]], data: st.DataObject
) -> None:
    positions = [row.position for row in rows]
    some = st.lists(st.sampled_from(positions), unique=True) if positions else st.just([])
    chosen = set(data.draw(some))
    index = FacetIndex.of(rows)

    counts = index.counts(index.bits(chosen), selections)

    for field in FACET_FIELDS:
        assert counts[field] == naive(rows, chosen, field, selections)


@given(ROWS, SELECTIONS, st.integers(0, 10), st.integers(1, 7), st.booleans())
def test_pages_are_the_slices_of_the_selection_sorted_best_first(
    rows: list[IndexedRow], selections: dict[str, tuple[str, ...]], offset: int, size: int,
    with_scores: bool,
) -> None:  # fmt: skip
    index = FacetIndex.of(rows)
    selected = index.selected(index.statuses.get("active", 0), selections)
    scores = {bit: float(bit % 3) for bit in range(len(rows))} if with_scores else None

    page = index.page(selected, offset, size, scores)

    passing = [
        bit for bit, row in enumerate(rows)
        if row.status == "active"
        and all(set(getattr(row, f).split()) & set(v) for f, v in selections.items() if v)
    ]  # fmt: skip
    expected = sorted(
        passing,
        key=lambda b: (
            -rows[b].quality_rank, -(scores or {}).get(b, 0.0), -rows[b].evidence_rank,
            rows[b].display_name, rows[b].programme_id,
        ),
    )  # fmt: skip
    assert page == expected[offset : offset + size]
    assert selected.bit_count() == len(passing)


def test_status_sets_split_the_programmes() -> None:
    index = FacetIndex.of(
        [
            make(1, "BE", "youth"),
            make(2, "BE NL", "youth women", "", "", "none", "accredited", status="paused"),
        ]
    )

    active = index.counts(index.statuses["active"], {"countries": ("NL",)})
    paused = index.counts(index.statuses["paused"], {})

    assert active["countries"] == {"BE": 1} and active["target_groups"] == {}
    assert paused["target_groups"] == {"youth": 1, "women": 1}
    assert paused["quality_levels"] == {"accredited": 1}


def test_the_map_counts_a_programme_in_each_of_its_countries_and_groups() -> None:
    index = FacetIndex.of(
        [
            make(1, "BE NL", "youth women", "group", "", "none", feature='{"id":1}'),
            make(2, "BE", "youth women", "group", "", "none"),
            make(3, "BE", "youth", "", "", "randomised", feature='{"id":3}'),
            make(4, "AT", "children", "", "", "none", feature='{"id":4}'),
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
    index = FacetIndex.of([make(i, "BE", feature=f"f{i}") for i in range(len(members))])
    mask = index.bits(i for i, member in enumerate(members) if member)

    assert index.features_in(mask) == [f"f{i}" for i, member in enumerate(members) if member]
