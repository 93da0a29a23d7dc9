"""Deterministic demo network, loaded through the gRPC API (never into tables).

Stable request_ids make it idempotent: seeding twice changes nothing.
"""

from __future__ import annotations

import random

import grpc

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_registry.entrypoints import demo_network, demo_people

# (country, city, language) for real places across Europe.
PLACES = [
    ("BE", "Brussels", "fr"),
    ("BE", "Ghent", "nl"),
    ("NL", "Amsterdam", "nl"),
    ("NL", "Utrecht", "nl"),
    ("DE", "Berlin", "de"),
    ("DE", "Cologne", "de"),
    ("FR", "Lyon", "fr"),
    ("FR", "Paris", "fr"),
    ("ES", "Barcelona", "es"),
    ("ES", "Seville", "es"),
    ("PT", "Porto", "pt"),
    ("IT", "Bologna", "it"),
    ("IT", "Milan", "it"),
    ("AT", "Vienna", "de"),
    ("CH", "Zurich", "de"),
    ("IE", "Dublin", "en"),
    ("GB", "Manchester", "en"),
    ("DK", "Aarhus", "da"),
    ("SE", "Malmö", "sv"),
    ("NO", "Bergen", "no"),
    ("FI", "Tampere", "fi"),
    ("EE", "Tartu", "et"),
    ("LV", "Riga", "lv"),
    ("LT", "Vilnius", "lt"),
    ("PL", "Kraków", "pl"),
    ("CZ", "Brno", "cs"),
    ("SK", "Bratislava", "sk"),
    ("HU", "Budapest", "hu"),
    ("SI", "Ljubljana", "sl"),
    ("HR", "Zagreb", "hr"),
    ("RO", "Cluj-Napoca", "ro"),
    ("BG", "Sofia", "bg"),
    ("GR", "Thessaloniki", "el"),
    ("CY", "Nicosia", "el"),
    ("MT", "Valletta", "mt"),
    ("LU", "Luxembourg", "fr"),
]
KINDS = [
    pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
    pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
    pb.ORGANISATION_KIND_RESEARCH_INSTITUTION,
    pb.ORGANISATION_KIND_PUBLIC_BODY,
    pb.ORGANISATION_KIND_FUNDER,
    pb.ORGANISATION_KIND_NETWORK,
]
FOCUS = [
    "Newcomers",
    "First Generation Students",
    "Young Entrepreneurs",
    "Job Starters",
    "Women in Tech",
    "Refugee Youth",
    "School Buddies",
    "Senior Mentors",
    "Peer Learning",
]
SUFFIXES = ["Network", "Foundation", "Lab", "Alliance"]
PROGRAMMES_PER_ORGANISATION = 3


def organisations(rng: random.Random) -> list[pb.RegisterOrganisationRequest]:
    requests = []
    for index, (country, city, _) in enumerate(PLACES):
        kind = KINDS[index % len(KINDS)]
        requests.append(
            pb.RegisterOrganisationRequest(
                request_id=f"demo-organisation-{index}",
                organisation=pb.Organisation(
                    display_name=f"{city} Mentoring {rng.choice(SUFFIXES)}",
                    kind=kind,
                    country=country,
                    city=city,
                    website=f"https://mentoring-{index}.example.org",
                    contact=pb.Contact(
                        display_name=f"Contact {index}", email=f"contact{index}@example.org"
                    ),
                    description=f"Mentoring in and around {city}.",
                ),
            )
        )
    return requests


def programme(
    rng: random.Random, organisation: pb.Organisation, language: str, number: int
) -> pb.RegisterProgrammeRequest:
    neighbours = rng.sample(
        [p[0] for p in PLACES if p[0] != organisation.country], k=rng.choice([0, 0, 1, 2])
    )
    return pb.RegisterProgrammeRequest(
        request_id=f"demo-programme-{organisation.name}-{number}",
        programme=pb.Programme(
            organisation=organisation.name,
            display_name=f"{rng.choice(FOCUS)} {organisation.city} {number + 1}",
            description="One-to-one and group mentoring with trained volunteer mentors.",
            languages=sorted({language, "en"}),
            countries=[organisation.country, *neighbours],
            status=rng.choice([pb.PROGRAMME_STATUS_ACTIVE] * 5 + [pb.PROGRAMME_STATUS_PAUSED]),
        ),
    )


def seed(target: str, token: str) -> None:
    rng = random.Random(2026)
    metadata = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(target) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for request, (_, _, language) in zip(organisations(rng), PLACES, strict=True):
            organisation = stub.RegisterOrganisation(request, metadata=metadata, timeout=10)
            for number in range(PROGRAMMES_PER_ORGANISATION):
                stub.RegisterProgramme(
                    programme(rng, organisation, language, number), metadata=metadata, timeout=10
                )
        demo_people.seed(channel, token)
        demo_network.seed(channel, token)
