"""Facet counts from an in-memory index of the directory: one bitset per facet value.

Counting six facets in SQL repeats the intersection of the selections in every branch;
here each value's programmes are one Python int used as a bitset, so a facet value's count
is ``(value_bits & others).bit_count()``: microseconds for 10,000 programmes, whatever the
selections. The index is built from one read of the directory and kept per directory
version (see cache.py), so it is rebuilt only after a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ecbm_registry.application.directory.facets import FACET_FIELDS, Selections, selections_for

# (position, status, then the six facet fields in FACET_FIELDS order as space-separated ids)
IndexedRow = tuple[int, str, str, str, str, str, str, str]


@dataclass(frozen=True)
class FacetIndex:
    bit_of: Mapping[int, int]  # position of a programme -> its bit
    statuses: Mapping[str, int]  # status -> programmes with it
    values: Mapping[str, Mapping[str, int]]  # facet field -> value -> programmes with it

    @classmethod
    def of(cls, rows: Iterable[IndexedRow]) -> FacetIndex:
        bit_of: dict[int, int] = {}
        statuses: dict[str, int] = {}
        values: dict[str, dict[str, int]] = {field: {} for field in FACET_FIELDS}
        for bit, (position, status, *fields) in enumerate(rows):
            mask = 1 << bit
            bit_of[position] = bit
            statuses[status] = statuses.get(status, 0) | mask
            for field, ids in zip(FACET_FIELDS, fields, strict=True):
                by_value = values[field]
                for value in ids.split():
                    by_value[value] = by_value.get(value, 0) | mask
        return cls(bit_of, statuses, values)

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
