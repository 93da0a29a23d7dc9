"""Controlled vocabularies of the registry: stable term ids with labels in four languages.

Frontends never hard-code these; they read them through the TaxonomyService. A term id never
changes meaning; a term is retired by a new taxonomy version, not by reuse of its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

TAXONOMY_VERSION = "2026.1"
LANGUAGES = ("en", "fr", "de", "nl")


@dataclass(frozen=True)
class Term:
    id: str
    labels: Mapping[str, str]  # language -> label

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class Vocabulary:
    id: str
    labels: Mapping[str, str]
    terms: tuple[Term, ...]

    def term(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)


def _terms(rows: list[tuple[str, str, str, str, str]]) -> tuple[Term, ...]:
    return tuple(Term(id, dict(zip(LANGUAGES, labels, strict=True))) for id, *labels in rows)


TARGET_GROUPS = Vocabulary(
    "target-groups",
    {"en": "Target groups", "fr": "Publics cibles", "de": "Zielgruppen", "nl": "Doelgroepen"},
    _terms(
        [
            ("youth", "Young people", "Jeunes", "Jugendliche", "Jongeren"),
            ("students", "Students", "Étudiants", "Studierende", "Studenten"),
            (
                "migrants-refugees",
                "Migrants and refugees",
                "Migrants et réfugiés",
                "Migrant:innen und Geflüchtete",
                "Migranten en vluchtelingen",
            ),
            (
                "job-seekers",
                "Job seekers",
                "Demandeurs d'emploi",
                "Arbeitsuchende",
                "Werkzoekenden",
            ),
            (
                "people-in-work",
                "People in work",
                "Personnes en emploi",
                "Erwerbstätige",
                "Werkenden",
            ),
            ("entrepreneurs", "Entrepreneurs", "Entrepreneurs", "Unternehmer:innen", "Ondernemers"),
            ("older-people", "Older people", "Personnes âgées", "Ältere Menschen", "Ouderen"),
            ("women", "Women", "Femmes", "Frauen", "Vrouwen"),
            (
                "people-with-disabilities",
                "People with disabilities",
                "Personnes handicapées",
                "Menschen mit Behinderungen",
                "Mensen met een beperking",
            ),
            ("children", "Children", "Enfants", "Kinder", "Kinderen"),
        ]
    ),
)

FORMATS = Vocabulary(
    "formats",
    {"en": "Formats", "fr": "Formats", "de": "Formate", "nl": "Vormen"},
    _terms(
        [
            ("one-to-one", "One-to-one", "Individuel", "Eins-zu-eins", "Eén-op-één"),
            ("group", "Group", "En groupe", "Gruppe", "Groep"),
            ("peer", "Peer", "Entre pairs", "Peer", "Peer"),
            ("e-mentoring", "E-mentoring", "E-mentorat", "E-Mentoring", "E-mentoring"),
            ("hybrid", "Hybrid", "Hybride", "Hybrid", "Hybride"),
        ]
    ),
)

FOCUS_AREAS = Vocabulary(
    "focus-areas",
    {"en": "Focus areas", "fr": "Domaines d'action", "de": "Schwerpunkte", "nl": "Focusgebieden"},
    _terms(
        [
            ("education", "Education", "Éducation", "Bildung", "Onderwijs"),
            (
                "labour-market-integration",
                "Labour-market integration",
                "Insertion professionnelle",
                "Arbeitsmarktintegration",
                "Arbeidsmarktintegratie",
            ),
            (
                "social-inclusion",
                "Social inclusion",
                "Inclusion sociale",
                "Soziale Inklusion",
                "Sociale inclusie",
            ),
            (
                "entrepreneurship",
                "Entrepreneurship",
                "Entrepreneuriat",
                "Unternehmertum",
                "Ondernemerschap",
            ),
            (
                "health",
                "Health and well-being",
                "Santé et bien-être",
                "Gesundheit und Wohlbefinden",
                "Gezondheid en welzijn",
            ),
            (
                "digital-skills",
                "Digital skills",
                "Compétences numériques",
                "Digitale Kompetenzen",
                "Digitale vaardigheden",
            ),
            (
                "career-development",
                "Career development",
                "Développement de carrière",
                "Karriereentwicklung",
                "Loopbaanontwikkeling",
            ),
            (
                "civic-participation",
                "Civic participation",
                "Participation citoyenne",
                "Bürgerbeteiligung",
                "Burgerparticipatie",
            ),
        ]
    ),
)

EXPERTISE_TOPICS = Vocabulary(
    "expertise-topics",
    {
        "en": "Topics of expertise",
        "fr": "Domaines d'expertise",
        "de": "Fachgebiete",
        "nl": "Expertisegebieden",
    },
    _terms(
        [
            (
                "programme-design",
                "Programme design",
                "Conception de programmes",
                "Programmgestaltung",
                "Programmaontwerp",
            ),
            (
                "mentor-recruitment",
                "Recruiting mentors",
                "Recrutement de mentors",
                "Gewinnung von Mentor:innen",
                "Werving van mentoren",
            ),
            (
                "mentor-training",
                "Training mentors",
                "Formation des mentors",
                "Schulung von Mentor:innen",
                "Training van mentoren",
            ),
            ("matching", "Matching mentors and mentees", "Appariement", "Matching", "Matching"),
            (
                "monitoring-support",
                "Monitoring and support",
                "Suivi et accompagnement",
                "Begleitung und Unterstützung",
                "Opvolging en ondersteuning",
            ),
            (
                "closure",
                "Closing relationships",
                "Clôture des relations",
                "Abschluss von Beziehungen",
                "Afsluiten van relaties",
            ),
            (
                "evaluation",
                "Evaluation and impact",
                "Évaluation et impact",
                "Evaluation und Wirkung",
                "Evaluatie en impact",
            ),
            (
                "safeguarding",
                "Safeguarding",
                "Protection des personnes",
                "Schutzkonzepte",
                "Veiligheid en bescherming",
            ),
            (
                "digital-mentoring",
                "Digital mentoring",
                "Mentorat numérique",
                "Digitales Mentoring",
                "Digitale mentoring",
            ),
            (
                "funding",
                "Funding and sustainability",
                "Financement et pérennité",
                "Finanzierung und Nachhaltigkeit",
                "Financiering en duurzaamheid",
            ),
            (
                "policy-advocacy",
                "Policy and advocacy",
                "Politique et plaidoyer",
                "Politik und Interessenvertretung",
                "Beleid en belangenbehartiging",
            ),
            (
                "migrant-integration",
                "Integration of migrants",
                "Intégration des migrants",
                "Integration von Migrant:innen",
                "Integratie van migranten",
            ),
            (
                "employment-services",
                "Employment services",
                "Services de l'emploi",
                "Arbeitsvermittlung",
                "Arbeidsbemiddeling",
            ),
            (
                "higher-education",
                "Higher education",
                "Enseignement supérieur",
                "Hochschulbildung",
                "Hoger onderwijs",
            ),
        ]
    ),
)

VOCABULARIES: dict[str, Vocabulary] = {
    v.id: v for v in (TARGET_GROUPS, FORMATS, FOCUS_AREAS, EXPERTISE_TOPICS)
}


def term_of(vocabulary: Vocabulary) -> AfterValidator:
    """A validator accepting only term ids of ``vocabulary`` and naming the allowed ones."""

    def check(value: str) -> str:
        if vocabulary.term(value) is None:
            allowed = ", ".join(t.id for t in vocabulary.terms)
            raise ValueError(f"{value!r} is not a term of {vocabulary.id}; allowed: {allowed}")
        return value

    return AfterValidator(check)


TargetGroup = Annotated[str, term_of(TARGET_GROUPS)]
Format = Annotated[str, term_of(FORMATS)]
FocusArea = Annotated[str, term_of(FOCUS_AREAS)]
ExpertiseTopic = Annotated[str, term_of(EXPERTISE_TOPICS)]
