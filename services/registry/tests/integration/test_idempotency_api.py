"""Idempotency keys over gRPC, for every create that takes a request_id (SQLite and PostgreSQL).

A request_id belongs to its caller and pins the request it first came with: the same
request again (even at the same instant) answers with the first result and stores nothing
more; a different request under the key is INVALID_ARGUMENT on ``request_id``; another
caller's same key makes that caller's own resource.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import grpc
import pytest
from sqlalchemy import func, select

from ecbm.registry.v1 import network_pb2 as npb
from ecbm.registry.v1 import (
    network_pb2_grpc,
    people_pb2_grpc,
    registry_pb2_grpc,
    resources_pb2_grpc,
)
from ecbm.registry.v1 import people_pb2 as ppb
from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import resources_pb2 as rpb
from ecbm_runtime.db import make_engine
from ecbm_runtime.tables import events, outbox
from ecbm_runtime.testing import bearer, violations

Metadata = tuple[tuple[str, str]]
EDITOR = bearer("editor", subject="editor-1")
OTHER_EDITOR = bearer("editor", subject="editor-2")
ANA = bearer("member", subject="ana")
BRAM = bearer("member", subject="bram")

# (channel, caller, request_id, variant) -> the new resource's name; ``variant`` changes
# the payload (a display name or title), so two variants are two different requests.
Call = Callable[[grpc.Channel, Metadata, str, str], str]


def register_organisation(channel: grpc.Channel, caller: Metadata, key: str, variant: str) -> str:
    organisation = pb.Organisation(
        display_name=f"Lab {variant}", kind=pb.ORGANISATION_KIND_FUNDER, country="BE",
        contact=pb.Contact(display_name="An", email="an@example.org"),
    )  # fmt: skip
    request = pb.RegisterOrganisationRequest(request_id=key, organisation=organisation)
    made = registry_pb2_grpc.RegistryServiceStub(channel).RegisterOrganisation(
        request, metadata=caller
    )
    return str(made.name)


def register_programme(channel: grpc.Channel, caller: Metadata, key: str, variant: str) -> str:
    stub = registry_pb2_grpc.RegistryServiceStub(channel)
    organisation = stub.ListOrganisations(pb.ListOrganisationsRequest()).organisations[0].name
    programme = pb.Programme(
        organisation=organisation, display_name=f"Buddy Up {variant}",
        languages=["nl"], countries=["BE"],
    )  # fmt: skip
    request = pb.RegisterProgrammeRequest(request_id=key, programme=programme)
    return str(stub.RegisterProgramme(request, metadata=caller).name)


def create_person(channel: grpc.Channel, caller: Metadata, key: str, variant: str) -> str:
    person = ppb.Person(
        display_name=f"Ana {variant}", email=f"ana-{variant}@example.org", country="PT",
        roles=[ppb.PERSON_ROLE_RESEARCHER],
    )  # fmt: skip
    request = ppb.CreatePersonRequest(request_id=key, person=person)
    made = people_pb2_grpc.PeopleServiceStub(channel).CreatePerson(request, metadata=caller)
    return str(made.name)


def create_resource(channel: grpc.Channel, caller: Metadata, key: str, variant: str) -> str:
    story = rpb.Resource(
        kind=rpb.RESOURCE_KIND_STORY, title=f"Mentors in Porto {variant}", summary="How",
        author_display_name="Rita Sousa", countries=["PT"],
    )  # fmt: skip
    request = rpb.CreateResourceRequest(request_id=key, resource=story)
    made = resources_pb2_grpc.ResourcesServiceStub(channel).CreateResource(request, metadata=caller)
    return str(made.name)


def _contact(variant: str) -> npb.PolicyContact:
    return npb.PolicyContact(
        display_name=f"Maria {variant}", kind=npb.POLICY_CONTACT_KIND_MEP, country="PT",
        institution="European Parliament", committee="EMPL", topics=["education"],
    )  # fmt: skip


def create_policy_contact(channel: grpc.Channel, caller: Metadata, key: str, variant: str) -> str:
    request = npb.CreatePolicyContactRequest(request_id=key, policy_contact=_contact(variant))
    made = network_pb2_grpc.NetworkServiceStub(channel).CreatePolicyContact(
        request, metadata=caller
    )
    return str(made.name)


def log_interaction(channel: grpc.Channel, caller: Metadata, key: str, variant: str) -> str:
    stub = network_pb2_grpc.NetworkServiceStub(channel)
    contacts = stub.ListPolicyContacts(npb.ListPolicyContactsRequest(), metadata=EDITOR)
    visit = npb.Interaction(
        kind=npb.INTERACTION_KIND_ADVOCACY_VISIT, occurred_on="2026-03-04",
        participants=["people/person-7"], outcome=f"will ask {variant}",
    )  # fmt: skip
    request = npb.LogInteractionRequest(
        parent=contacts.policy_contacts[0].name, request_id=key, interaction=visit
    )
    return str(stub.LogInteraction(request, metadata=caller).name)


def no_setup(channel: grpc.Channel) -> None:
    """The create needs nothing to exist first."""


def an_organisation(channel: grpc.Channel) -> None:
    register_organisation(channel, EDITOR, "", "Setup")


def a_policy_contact(channel: grpc.Channel) -> None:
    create_policy_contact(channel, EDITOR, "", "Setup")


@dataclass(frozen=True)
class Create:
    """One create RPC, two callers allowed to use it, and what one create stores."""

    call: Call
    stream_prefix: str
    published: int  # outbox rows one create writes
    first: Metadata = EDITOR
    other: Metadata = OTHER_EDITOR
    setup: Callable[[grpc.Channel], None] = no_setup


CREATES = {
    "RegisterOrganisation": Create(register_organisation, "organisation", 1, ANA, BRAM),
    "RegisterProgramme": Create(register_programme, "programme", 1, setup=an_organisation),
    "CreatePerson": Create(create_person, "person", 1),
    "CreateResource": Create(create_resource, "resource", 0, ANA, BRAM),
    "CreatePolicyContact": Create(create_policy_contact, "policycontact", 1),
    "LogInteraction": Create(log_interaction, "interaction", 1, setup=a_policy_contact),
}


@pytest.fixture(params=sorted(CREATES))
def create(request: pytest.FixtureRequest, registry_channel: grpc.Channel) -> Create:
    chosen = CREATES[request.param]
    chosen.setup(registry_channel)
    return chosen


def stored(database_url: str, stream_prefix: str, resource_name: str) -> tuple[int, int, int]:
    """(streams of this kind, events of the resource's stream, outbox rows naming it)."""
    resource_id = resource_name.rsplit("/", 1)[1]
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            streams = connection.execute(
                select(func.count(func.distinct(events.c.stream_id))).where(
                    events.c.stream_id.like(f"{stream_prefix}-%")
                )
            ).scalar_one()
            versions = connection.execute(
                select(func.count()).where(events.c.stream_id == f"{stream_prefix}-{resource_id}")
            ).scalar_one()
            rows = connection.execute(
                select(func.count()).where(outbox.c.body.contains(resource_id))
            ).scalar_one()
    finally:
        engine.dispose()
    return int(streams), int(versions), int(rows)


def test_two_identical_requests_at_the_same_instant_make_one_resource(
    registry_channel: grpc.Channel, create: Create, database_url: str
) -> None:
    start = threading.Barrier(2)

    def send() -> str:
        start.wait(timeout=30)
        return create.call(registry_channel, create.first, "retry-1", "A")

    with ThreadPoolExecutor(2) as pool:
        names = [future.result() for future in [pool.submit(send), pool.submit(send)]]

    assert names[0] == names[1]
    assert stored(database_url, create.stream_prefix, names[0]) == (1, 1, create.published)


def test_the_same_key_with_a_different_request_is_invalid_argument_on_request_id(
    registry_channel: grpc.Channel, create: Create, database_url: str
) -> None:
    first = create.call(registry_channel, create.first, "key-1", "A")

    with pytest.raises(grpc.RpcError) as refused:
        create.call(registry_channel, create.first, "key-1", "B")

    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(refused.value)) == ["request_id"]
    assert stored(database_url, create.stream_prefix, first) == (1, 1, create.published)


def test_another_caller_with_the_same_key_gets_a_resource_of_its_own(
    registry_channel: grpc.Channel, create: Create, database_url: str
) -> None:
    first = create.call(registry_channel, create.first, "key-1", "A")

    other = create.call(registry_channel, create.other, "key-1", "B")

    assert other != first
    assert stored(database_url, create.stream_prefix, other) == (2, 1, create.published)
