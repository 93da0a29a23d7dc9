"""Relevance: how much an item is about mentoring, and about which focus areas.

Topic ids are the registry's ``focus-areas`` vocabulary (the same ids subscribers pick and
policy contacts carry); keywords are in the four languages of the network (en, fr, de, nl).
A word stem matches at the start of a word ("mentor" matches "mentoring", "Mentorinnen").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Mentoring itself, in every language: without one of these an item is noise unless it
# is strongly about a focus area.
CORE = (
    "mentor", "mentee", "mentorat", "tutorat", "tutor", "parrainage", "marrainage",
    "coaching", "peer support", "buddy", "patenschaft", "begleitung", "maatje",
    "begeleiding", "peer learning",
)  # fmt: skip

TOPICS: Mapping[str, tuple[str, ...]] = {
    "education": (
        "education", "school", "early school leaving", "pupil", "student", "erasmus",
        "education", "ecole", "eleve", "decrochage", "bildung", "schule", "schuler",
        "onderwijs", "school", "leerling", "schooluitval",
    ),
    "labour-market-integration": (
        "employment", "labour market", "jobseeker", "unemploy", "youth guarantee",
        "emploi", "insertion professionnelle", "chomage", "arbeitsmarkt", "beschaftigung",
        "arbeitslos", "arbeidsmarkt", "werkgelegenheid", "werkloos",
    ),
    "social-inclusion": (
        "inclusion", "migrant", "refugee", "integration", "disadvantaged", "poverty",
        "inclusion sociale", "refugie", "pauvrete", "inklusion", "gefluchtete", "armut",
        "inclusie", "vluchteling", "armoede", "integratie",
    ),
    "entrepreneurship": (
        "entrepreneur", "start-up", "startup", "sme", "business", "entreprise",
        "unternehm", "grunder", "ondernem",
    ),
    "health": (
        "health", "well-being", "wellbeing", "mental health", "sante", "bien-etre",
        "gesundheit", "wohlbefinden", "gezondheid", "welzijn",
    ),
    "digital-skills": (
        "digital", "skills", "ict", "numerique", "competences", "digital", "kompetenz",
        "digitale", "vaardigheden",
    ),
    "career-development": (
        "career", "professional development", "carriere", "karriere", "loopbaan",
        "beruflich", "apprenticeship", "apprentissage", "ausbildung", "stage",
    ),
    "civic-participation": (
        "volunteer", "civic", "citizen", "democra", "benevol", "citoyen", "ehrenamt",
        "burger", "vrijwillig", "participation", "beteiligung",
    ),
}  # fmt: skip

# An item at or above this score is "best"; below NOISE it is filtered out of listings
# unless an editor pins it. Measured on the fixture feeds: policy noise scores 0.0-0.2.
BEST = 0.6
NOISE = 0.25


@dataclass(frozen=True)
class Relevance:
    score: float  # 0.0 - 1.0
    topics: tuple[str, ...]

    @property
    def noise(self) -> bool:
        return self.score < NOISE

    @property
    def best(self) -> bool:
        return self.score >= BEST


def plain(text: str) -> str:
    """Lower case without accents: keywords are written so."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _pattern(stems: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted({re.escape(plain(s)) for s in stems}, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})")


_CORE = _pattern(CORE)
_TOPICS = {topic: _pattern(stems) for topic, stems in TOPICS.items()}


def relevance(text: str) -> Relevance:
    """Mentoring words weigh most (0.5 for the first, 0.1 for each further, up to 0.7);
    each focus area found adds 0.15 (up to 0.45). Deterministic, bounded in [0, 1]."""
    lowered = plain(text)
    core = len(_CORE.findall(lowered))
    topics = tuple(topic for topic, pattern in _TOPICS.items() if pattern.search(lowered))
    score = (min(0.5 + 0.1 * (core - 1), 0.7) if core else 0.0) + min(0.15 * len(topics), 0.45)
    return Relevance(round(min(score, 1.0), 3), topics)
