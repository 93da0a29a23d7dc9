"""The levels the directory ranks and filters by, with their labels in the taxonomy languages.

Quality levels are the quality service's three steps (see ``ecbm_integration.quality``:
affiliated, accredited, accredited with distinction); "none" is the directory's word for a
programme without a label. Evidence levels are the registry's evaluation designs, weakest first.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecbm_integration.quality import QualityStep
from ecbm_registry.domain.programme import EvaluationDesign

NO_LABEL = "none"
# Lowest first: a level's index is its rank (labelled programmes rank first, highest first).
QUALITY_LEVELS: tuple[str, ...] = (NO_LABEL, *(step.value for step in QualityStep))
EVIDENCE_LEVELS: tuple[str, ...] = tuple(design.value for design in EvaluationDesign)


def quality_rank(level: str) -> int:
    return QUALITY_LEVELS.index(level)


def evidence_rank(level: str) -> int:
    return EVIDENCE_LEVELS.index(level)


_QUALITY_LABELS: Mapping[str, Mapping[str, str]] = {
    NO_LABEL: {"en": "No label", "fr": "Sans label", "de": "Ohne Label", "nl": "Geen label"},
    "affiliated": {"en": "Affiliated", "fr": "Affilié", "de": "Angeschlossen", "nl": "Aangesloten"},
    "accredited": {
        "en": "Accredited",
        "fr": "Accrédité",
        "de": "Akkreditiert",
        "nl": "Geaccrediteerd",
    },
    "distinction": {
        "en": "Accredited with distinction",
        "fr": "Accrédité avec distinction",
        "de": "Akkreditiert mit Auszeichnung",
        "nl": "Geaccrediteerd met onderscheiding",
    },
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
