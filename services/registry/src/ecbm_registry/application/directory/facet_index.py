"""An in-memory index of the directory: one bitset per facet value, names, map features.

Counting six facets in SQL repeats the intersection of the selections in every branch;
here each value's programmes are one Python int used as a bitset, so a facet value's count
is ``(value_bits & others).bit_count()``: microseconds for 10,000 programmes, whatever the
selections. The map's country counts are the same operation, its features a list aligned
with the bits, "did you mean" reads the names from here. The index is built from one read
of the directory and kept per directory version (see cache.py): rebuilt only after a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from ecbm_registry.application.directory.facets import FACET_FIELDS, Selections, selections_for
from ecbm_registry.application.directory.results import CountryAggregate


class IndexedRow(NamedTuple):
    """What the index holds of a programme; facet fields as space-separated ids."""

    position: int
    status: str
    countries: str
    target_groups: str
    formats: str
    focus_areas: str
    evidence_levels: str  # the one level
    quality_levels: str  # the one level
    display_name: str
    feature: str | None
    programme_id: str
    quality_rank: int
    evidence_rank: int


@dataclass(frozen=True)
class FacetIndex:
    bit_of: Mapping[int, int]  # position of a programme -> its bit
    statuses: Mapping[str, int]  # status -> programmes with it
    values: Mapping[str, Mapping[str, int]]  # facet field -> value -> programmes with it
    names: tuple[str, ...]  # by bit
    features: tuple[str | None, ...]  # by bit
    positions: tuple[int, ...]  # by bit
    # Bits best first without a query: labelled first (highest level), evidence, name, id.
    ranked: tuple[int, ...]
    # Per bit: what ranks programmes with equal relevance (see ``page``).
    ties: tuple[tuple[int, int, str, str], ...]

    @classmethod
    def of(cls, rows: Iterable[IndexedRow]) -> FacetIndex:
        bit_of: dict[int, int] = {}
        statuses: dict[str, int] = {}
        values: dict[str, dict[str, int]] = {field: {} for field in FACET_FIELDS}
        names: list[str] = []
        features: list[str | None] = []
        positions: list[int] = []
        ties: list[tuple[int, int, str, str]] = []
        for bit, row in enumerate(rows):
            mask = 1 << bit
            bit_of[row.position] = bit
            statuses[row.status] = statuses.get(row.status, 0) | mask
            for field in FACET_FIELDS:
                by_value = values[field]
                for value in getattr(row, field).split():
                    by_value[value] = by_value.get(value, 0) | mask
            names.append(row.display_name)
            features.append(row.feature)
            positions.append(row.position)
            ties.append((-row.quality_rank, -row.evidence_rank, row.display_name, row.programme_id))
        ranked = tuple(sorted(range(len(ties)), key=ties.__getitem__))
        return cls(
            bit_of, statuses, values, tuple(names), tuple(features), tuple(positions), ranked,
            tuple(ties),
        )  # fmt: skip

    def bits(self, positions: Iterable[int]) -> int:
        """The bitset of the programmes at ``positions`` (unknown ones are left out)."""
        mask = 0
        for position in positions:
            bit = self.bit_of.get(position)
            if bit is not None:
                mask |= 1 << bit
        return mask

    def matching(self, field: str, selected: tuple[str, ...]) -> int:
        """Programmes with any of ``selected`` in ``field``."""
        by_value = self.values[field]
        mask = 0
        for value in selected:
            mask |= by_value.get(value, 0)
        return mask

    def selected(self, base: int, selections: Selections) -> int:
        """The programmes within ``base`` passing every selection."""
        for field, values in selections.items():
            if values:
                base &= self.matching(field, values)
        return base

    def page(
        self, mask: int, offset: int, size: int, scores: Mapping[int, float] | None = None
    ) -> list[int]:
        """The bits of one page of ``mask``, best first.

        Labelled programmes first (highest level first), then relevance (``scores``, bit →
        higher is better; none without a query), then evidence level, name and id.
        """
        digits = bin(mask)[:1:-1]  # digits[bit] == "1" for the bits of mask
        inside = len(digits)
        if scores is None:
            chosen: Iterable[int] = (b for b in self.ranked if b < inside and digits[b] == "1")
        else:
            ties = self.ties

            def key(bit: int) -> tuple[int, float, int, str, str]:
                quality, evidence, name, id = ties[bit]
                return quality, -scores[bit], evidence, name, id

            chosen = sorted((b for b in scores if b < inside and digits[b] == "1"), key=key)
        return list(islice(chosen, offset, offset + size))

    def _members(self, mask: int) -> Iterable[int]:
        """The bits set in ``mask``, lowest first (one pass over its binary digits)."""
        return (bit for bit, digit in enumerate(reversed(bin(mask)[2:])) if digit == "1")

    def names_in(self, mask: int) -> set[str]:
        return {self.names[bit] for bit in self._members(mask)}

    def features_in(self, mask: int) -> list[str]:
        """The rendered features of the programmes in ``mask`` that have a place, by position."""
        features = self.features
        return [f for bit in self._members(mask) if (f := features[bit]) is not None]

    def country_aggregates(self, mask: int) -> tuple[CountryAggregate, ...]:
        """Per country: programmes of ``mask`` running there, by target group, format and
        evidence level. A programme in two countries counts in both; one with two target
        groups counts once under each (a country's group counts may add up to more)."""

        def within(field: str, inside: int) -> dict[str, int]:
            by_value = self.values[field].items()
            return {value: n for value, bits in by_value if (n := (bits & inside).bit_count())}

        aggregates = []
        for country, bits in sorted(self.values["countries"].items()):
            inside = bits & mask
            if inside:
                aggregates.append(
                    CountryAggregate(
                        country=country,
                        count=inside.bit_count(),
                        target_groups=within("target_groups", inside),
                        formats=within("formats", inside),
                        evidence_levels=within("evidence_levels", inside),
                    )
                )
        return tuple(aggregates)

    def counts(self, base: int, selections: Selections) -> dict[str, dict[str, int]]:
        """Every facet's value counts within ``base``, each under the other selections."""
        chosen = {f: self.matching(f, v) for f, v in selections.items() if v}
        counts: dict[str, dict[str, int]] = {}
        for field in FACET_FIELDS:
            within = base
            for other in selections_for(field, selections):
                within &= chosen[other]
            counts[field] = {
                value: n
                for value, bits in self.values[field].items()
                if (n := (bits & within).bit_count())
            }
        return counts
