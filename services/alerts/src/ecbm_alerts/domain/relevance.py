"""Relevance: how much an item is about mentoring, about which focus areas, and whom it
addresses (kinds of organisation).

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

# Whom an item addresses, by registry's organisation kinds (OrganisationRegistered.kind):
# a call "for universities and research organisations", a consultation "of local
# authorities". A subscriber's kind weighs in their own relevance (subscription.py).
AUDIENCES: Mapping[str, tuple[str, ...]] = {
    "MENTORING_ORGANISATION": (
        "ngo", "non-profit", "nonprofit", "civil society", "charit", "social enterprise",
        "youth organisation", "ong", "association", "societe civile", "verein",
        "gemeinnutzig", "zivilgesellschaft", "vereniging", "stichting", "maatschappelijk",
    ),
    "RESEARCH_INSTITUTION": (
        "universit", "research", "higher education", "academi", "recherche",
        "enseignement superieur", "hochschul", "forschung", "universiteit", "hogeschool",
        "onderzoek",
    ),
    "PUBLIC_BODY": (
        "public authorit", "public bod", "municipal", "local authorit", "ministr",
        "autorites publiques", "collectivites", "municipalit", "behorde", "kommune",
        "gemeinde", "gemeente", "overheid", "provincie",
    ),
    "FUNDER": ("foundation", "philanthrop", "donor", "fondation", "stiftung", "filantrop"),
    "NETWORK": (
        "network", "umbrella", "federation", "reseau", "netzwerk", "dachverband", "netwerk",
        "koepel",
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
    audiences: tuple[str, ...] = ()  # organisation kinds addressed

    @property
    def noise(self) -> bool:
        return self.score < NOISE

    @property
    def best(self) -> bool:
        return self.score >= BEST


def plain(text: str) -> str:
    """Lower case without accents: keywords are written so."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _stems(stems: Iterable[str]) -> list[str]:
    return sorted({plain(s) for s in stems}, key=len, reverse=True)


# One pass over the text: every stem of the core, of each topic and of each audience in
# one alternation; a match is looked up in _MEANING (a stem may mean several topics).
_MEANING: dict[str, set[str]] = {}
for _stem in _stems(CORE):
    _MEANING.setdefault(_stem, set()).add("")
for _topic, _topic_stems in (*TOPICS.items(), *AUDIENCES.items()):
    for _stem in _stems(_topic_stems):
        _MEANING.setdefault(_stem, set()).add(_topic)
_ANY = re.compile(
    rf"\b(?:{'|'.join(re.escape(s) for s in sorted(_MEANING, key=len, reverse=True))})"
)


def relevance(text: str) -> Relevance:
    """Mentoring words weigh most (0.5 for the first, 0.1 for each further, up to 0.7);
    each focus area found adds 0.15 (up to 0.45). Deterministic, bounded in [0, 1]."""
    core, found = 0, set()
    for stem in _ANY.findall(plain(text)):
        meaning = _MEANING[stem]
        core += "" in meaning
        found |= meaning
    topics = tuple(topic for topic in TOPICS if topic in found)
    audiences = tuple(kind for kind in AUDIENCES if kind in found)
    score = (min(0.5 + 0.1 * (core - 1), 0.7) if core else 0.0) + min(0.15 * len(topics), 0.45)
    return Relevance(round(min(score, 1.0), 3), topics, audiences)
