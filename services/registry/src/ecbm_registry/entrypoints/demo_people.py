"""Deterministic demo members, loaded through PeopleService (never into tables).

520 people across 32 countries, each with expertise and learning goals; a third apply for
membership and most of those are approved. Stable request_ids, and a look before each
membership step, make seeding twice change nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import grpc

from ecbm.registry.v1 import people_pb2 as pb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm_registry.domain.taxonomy import EXPERTISE_TOPICS

PEOPLE = 520
# (country, language) across Europe: 32 countries.
COUNTRIES = [
    ("AT", "de"), ("BE", "fr"), ("BE", "nl"), ("BG", "bg"), ("CH", "de"), ("CY", "el"),
    ("CZ", "cs"), ("DE", "de"), ("DK", "da"), ("EE", "et"), ("ES", "es"), ("FI", "fi"),
    ("FR", "fr"), ("GB", "en"), ("GR", "el"), ("HR", "hr"), ("HU", "hu"), ("IE", "en"),
    ("IS", "is"), ("IT", "it"), ("LT", "lt"), ("LU", "fr"), ("LV", "lv"), ("MT", "mt"),
    ("NL", "nl"), ("NO", "no"), ("PL", "pl"), ("PT", "pt"), ("RO", "ro"), ("SE", "sv"),
    ("SI", "sl"), ("SK", "sk"), ("UA", "uk"),
]  # fmt: skip
FIRST_NAMES = [
    "Ana", "Jonas", "Marie", "Luca", "Sofia", "Mateusz", "Eva", "Jan", "Ingrid", "Pieter",
    "Elena", "Mikko", "Chiara", "Tomás", "Aoife", "Lars", "Katarina", "Nikos", "Zsófia",
    "Andrei", "Lena", "Marek", "Inês", "Henrik", "Petra", "Dimitra", "Oskar", "Ruta",
]  # fmt: skip
SURNAMES = [
    "Silva", "Peeters", "Müller", "Rossi", "García", "Nowak", "Novák", "Jansen", "Dubois",
    "Nielsen", "Virtanen", "Papadopoulos", "Horvat", "Kovács", "Popescu", "Murphy",
    "Andersson", "Kask", "Bērziņš", "Kazlauskas", "Borg", "Schmit", "Ivanova", "Hansen",
]  # fmt: skip
ROLES = [
    pb.PERSON_ROLE_PRACTITIONER,
    pb.PERSON_ROLE_PROGRAMME_COORDINATOR,
    pb.PERSON_ROLE_RESEARCHER,
    pb.PERSON_ROLE_POLICY_MAKER,
    pb.PERSON_ROLE_STUDENT,
]
LEVELS = [pb.EXPERTISE_LEVEL_AWARE, pb.EXPERTISE_LEVEL_PRACTISING, pb.EXPERTISE_LEVEL_EXPERT]
TOPICS = [term.id for term in EXPERTISE_TOPICS.terms]
Metadata = tuple[tuple[str, str], ...]


def person(rng: random.Random, index: int) -> pb.CreatePersonRequest:
    country, language = COUNTRIES[index % len(COUNTRIES)]
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    return pb.CreatePersonRequest(
        request_id=f"demo-person-{index}",
        person=pb.Person(
            display_name=f"{first} {last}",
            email=f"{first}.{last}.{index}@example.org".lower(),
            bio=f"Works on mentoring in {country}.",
            roles=sorted(set(rng.sample(ROLES, k=rng.choice([1, 1, 2])))),
            country=country,
            languages=sorted({language, "en"}),
            preferred_language=language if language in {"en", "fr", "de", "nl"} else "en",
            open_to_visiting_professorship=rng.random() < 0.15,
            open_to_hosting_interns=rng.random() < 0.25,
            open_to_peer_review=rng.random() < 0.4,
            listed_in_directory=rng.random() < 0.85,
            contact_by_email=rng.random() < 0.9,
        ),
    )


def expertise(rng: random.Random, name: str) -> Iterator[pb.DeclareExpertiseRequest]:
    for topic in rng.sample(TOPICS, k=rng.randint(1, 3)):
        level = rng.choice(LEVELS)
        described = pb.Expertise(topic=topic, level=level, description=f"Experience in {topic}.")
        yield pb.DeclareExpertiseRequest(name=name, expertise=described)


def learning_goals(rng: random.Random, name: str) -> Iterator[pb.DeclareLearningGoalRequest]:
    for topic in rng.sample(TOPICS, k=rng.randint(1, 2)):
        goal = pb.LearningGoal(topic=topic, description=f"Wants to learn more about {topic}.")
        yield pb.DeclareLearningGoalRequest(name=name, learning_goal=goal)


def membership(
    stub: people_pb2_grpc.PeopleServiceStub, name: str, approve: bool, metadata: Metadata
) -> None:
    """Apply, then approve, unless an earlier seeding got there already."""
    resource = f"{name}/membership"
    try:
        current = stub.GetMembership(pb.GetMembershipRequest(name=resource), metadata=metadata)
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
        current = stub.ApplyForMembership(
            pb.ApplyForMembershipRequest(name=resource, motivation="I run a programme."),
            metadata=metadata,
        )
    if approve and current.status == pb.MEMBERSHIP_STATUS_APPLIED:
        stub.ApproveMembership(pb.ApproveMembershipRequest(name=resource), metadata=metadata)


def seed(channel: grpc.Channel, token: str, people: int = PEOPLE) -> None:
    rng = random.Random(2027)
    metadata = (("authorization", f"Bearer {token}"),)
    stub = people_pb2_grpc.PeopleServiceStub(channel)
    for index in range(people):
        made = stub.CreatePerson(person(rng, index), metadata=metadata, timeout=10)
        for declared in expertise(rng, made.name):
            stub.DeclareExpertise(declared, metadata=metadata, timeout=10)
        for goal in learning_goals(rng, made.name):
            stub.DeclareLearningGoal(goal, metadata=metadata, timeout=10)
        if index % 3 == 0:
            membership(stub, made.name, approve=index % 9 != 0, metadata=metadata)
