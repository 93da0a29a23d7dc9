"""Facets of the directory and their semantics.

Standard faceted search: the counts of a facet apply every *other* facet's selection but
not its own, so selecting "youth" still shows how many programmes each other target group
would add. Values within a facet are alternatives (OR), facets combine with AND. A selected
value stays in its facet even when no programme has it (count 0), so a frontend can always
show and undo the selection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError

from ecbm_registry.application.directory import levels
from ecbm_registry.domain.taxonomy import FOCUS_AREAS, FORMATS, TARGET_GROUPS, Vocabulary

FACET_FIELDS = (
    "countries",
    "target_groups",
    "formats",
    "focus_areas",
    "evidence_levels",
    "quality_levels",
)
# Multi-valued facets live in the term table; the others are a column of the row.
TERM_FACETS = frozenset({"countries", "target_groups", "formats", "focus_areas"})
COLUMN_OF = {"evidence_levels": "evidence_level", "quality_levels": "quality_level"}

Selections = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    field: str
    label: str
    values: tuple[FacetValue, ...]


def selections_for(field: str, selections: Selections) -> dict[str, tuple[str, ...]]:
    """The selections that apply to ``field``'s counts: every non-empty one but its own."""
    return {other: values for other, values in selections.items() if other != field and values}


def facet(field: str, counts: Mapping[str, int], selected: tuple[str, ...], language: str) -> Facet:
    """A facet's values, most frequent first, with the selected ones always present."""
    merged = {**dict.fromkeys(selected, 0), **{v: n for v, n in counts.items() if n > 0}}
    ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    values = tuple(FacetValue(v, value_label(field, v, language), n) for v, n in ordered)
    return Facet(field, facet_label(field, language), values)


_VOCABULARIES: dict[str, Vocabulary] = {
    "target_groups": TARGET_GROUPS,
    "formats": FORMATS,
    "focus_areas": FOCUS_AREAS,
}
_FACET_LABELS: dict[str, dict[str, str]] = {
    "countries": {"en": "Countries", "fr": "Pays", "de": "Länder", "nl": "Landen"},
    "evidence_levels": {"en": "Evidence", "fr": "Preuves", "de": "Evidenz", "nl": "Bewijs"},
    "quality_levels": {
        "en": "Quality label",
        "fr": "Label qualité",
        "de": "Qualitätslabel",
        "nl": "Kwaliteitslabel",
    },
}


def facet_label(field: str, language: str) -> str:
    labels = _VOCABULARIES[field].labels if field in _VOCABULARIES else _FACET_LABELS[field]
    return labels.get(language) or labels["en"]


def value_label(field: str, value: str, language: str) -> str:
    if field == "countries":
        return country_name(value, language)
    if field == "evidence_levels":
        return levels.evidence_label(value, language)
    if field == "quality_levels":
        return levels.quality_label(value, language)
    term = _VOCABULARIES[field].term(value)
    return term.label(language) if term else value


@cache
def _territories(language: str) -> Mapping[str, str]:
    try:
        return Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en").territories


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (CLDR), English when unknown, else the code."""
    return _territories(language).get(code) or _territories("en").get(code) or code
