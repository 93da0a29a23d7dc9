"""``ecbm up --demo``'s matching: every kind of request, a published round, introductions in
every state; seeding twice is once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from matching_feeds import expert

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1.matching_pb2_grpc import MatchingServiceStub
from ecbm_matching.bootstrap import SERVICE, bootstrap
from ecbm_matching.entrypoints.demo import member, seed_on
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer


def test_the_demo_has_every_kind_and_every_introduction_state_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'matching.db'}"
    upgrade(SERVICE.migrations, url)
    worker = bootstrap(SERVICE.load_settings(database_url=url))
    try:  # registry's demo people, as the worker would have relayed them
        for i, topic in enumerate(["migrant-integration", "evaluation", "mentor-recruitment"]):
            expert(worker, f"expert-{i}", topic)
    finally:
        worker.close()
    admin = bearer("admin", subject="ecbm-seed")
    token = admin[0][1].removeprefix("Bearer ")
    settings = SERVICE.load_settings(database_url=url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        stub = MatchingServiceStub(channel)

        def census() -> tuple[Counter[int], Counter[str]]:
            kinds = Counter(r.kind for r in stub.ListRequests(pb.ListRequestsRequest()).requests)
            states: Counter[str] = Counter()
            for number in (1, 2, 3):
                found = stub.ListIntroductions(
                    pb.ListIntroductionsRequest(), metadata=member(number)
                )
                states.update(f"{i.state}:{','.join(i.accepted_by)}" for i in found.introductions)
            return kinds, states

        seed_on(channel, token, wait_seconds=0)
        first = census()
        seed_on(channel, token, wait_seconds=0)
        kinds, states = census()
    assert (kinds, states) == first
    assert set(kinds) == set(pb.RequestKind.values()) - {pb.REQUEST_KIND_UNSPECIFIED}
    assert states == Counter(
        {"met:candidate,requester": 1, "declined:": 1, "proposed:requester": 1}
    )
