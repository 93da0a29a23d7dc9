"""The demo members: enough of them, spread out, and seeded idempotently."""

from __future__ import annotations

import random

import grpc

from ecbm.registry.v1 import people_pb2 as pb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm_registry.entrypoints import demo_people
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET


def test_the_demo_has_over_500_people_in_over_30_countries() -> None:
    rng = random.Random(2027)
    people = [demo_people.person(rng, index).person for index in range(demo_people.PEOPLE)]

    assert len(people) >= 500
    assert len({p.country for p in people}) >= 30


def test_seeding_twice_changes_nothing(registry_channel: grpc.Channel) -> None:
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "demo", ["admin"], 600)
    metadata = (("authorization", f"Bearer {token}"),)
    stub = people_pb2_grpc.PeopleServiceStub(registry_channel)

    demo_people.seed(registry_channel, token, people=20)
    first = stub.ListPeople(pb.ListPeopleRequest(page_size=100), metadata=metadata)
    demo_people.seed(registry_channel, token, people=20)
    second = stub.ListPeople(pb.ListPeopleRequest(page_size=100), metadata=metadata)

    assert first.total_size == 20
    assert second == first
    assert all(p.expertise and p.learning_goals for p in second.people)
    approved = stub.ListMemberships(
        pb.ListMembershipsRequest(status=pb.MEMBERSHIP_STATUS_APPROVED), metadata=metadata
    )
    assert approved.total_size > 0
