"""The levels the directory ranks and filters by, with their labels in the taxonomy languages.

Quality levels follow the quality service's three-step model (see
``ecbm_integration.quality``); "none" is the directory's word for a programme without a
label. Evidence levels are the registry's evaluation designs, weakest first.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecbm_integration.quality import QualityLevel
from ecbm_registry.domain.programme import EvaluationDesign

NO_LABEL = "none"
# Lowest first: a level's index is its rank (labelled programmes rank first, highest first).
QUALITY_LEVELS: tuple[str, ...] = (NO_LABEL, *(level.value for level in QualityLevel))
EVIDENCE_LEVELS: tuple[str, ...] = tuple(design.value for design in EvaluationDesign)


def quality_rank(level: str) -> int:
    return QUALITY_LEVELS.index(level)


def evidence_rank(level: str) -> int:
    return EVIDENCE_LEVELS.index(level)


_QUALITY_LABELS: Mapping[str, Mapping[str, str]] = {
    NO_LABEL: {"en": "No label", "fr": "Sans label", "de": "Ohne Label", "nl": "Geen label"},
    "affiliated": {"en": "Affiliated", "fr": "Affilié", "de": "Angeschlossen", "nl": "Aangesloten"},
    "level-1": {"en": "Level 1", "fr": "Niveau 1", "de": "Stufe 1", "nl": "Niveau 1"},
    "level-2": {"en": "Level 2", "fr": "Niveau 2", "de": "Stufe 2", "nl": "Niveau 2"},
    "level-3": {"en": "Level 3", "fr": "Niveau 3", "de": "Stufe 3", "nl": "Niveau 3"},
}
_EVIDENCE_LABELS: Mapping[str, Mapping[str, str]] = {
    "none": {
        "en": "No evaluation",
        "fr": "Pas d'évaluation",
        "de": "Keine Evaluation",
        "nl": "Geen evaluatie",
    },
    "descriptive": {
        "en": "Descriptive",
        "fr": "Descriptive",
        "de": "Deskriptiv",
        "nl": "Beschrijvend",
    },
    "pre_post": {"en": "Pre/post", "fr": "Avant/après", "de": "Vorher/nachher", "nl": "Voor/na"},
    "quasi_experimental": {
        "en": "Quasi-experimental",
        "fr": "Quasi expérimentale",
        "de": "Quasi-experimentell",
        "nl": "Quasi-experimenteel",
    },
    "randomised": {
        "en": "Randomised",
        "fr": "Randomisée",
        "de": "Randomisiert",
        "nl": "Gerandomiseerd",
    },
}


def quality_label(level: str, language: str) -> str:
    labels = _QUALITY_LABELS[level]
    return labels.get(language, labels["en"])


def evidence_label(level: str, language: str) -> str:
    labels = _EVIDENCE_LABELS[level]
    return labels.get(language, labels["en"])
