"""Never overbooked: many members race for the last places through the real api on PostgreSQL
(of the event, or of a quota within it)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

import grpc
import pytest
from events_serving import serve
from prometheus_client import REGISTRY

from ecbm.events.v1 import events_pb2 as pb
from ecbm.events.v1.events_pb2_grpc import EventsServiceStub
from ecbm_runtime.testing import bearer

CONTENDERS = 60
PLACES = 5
START = datetime.now(UTC) + timedelta(days=10)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("waiting_list", "quota"),
    [(False, False), (True, False), (False, True)],
    ids=["no-waiting-list", "waiting-list", "quota"],
)
def test_concurrent_registrations_never_overbook(
    postgres_url: str, waiting_list: bool, quota: bool
) -> None:
    with serve(postgres_url) as (channel, _server, _wiring):
        stub = EventsServiceStub(channel)
        editor = bearer("editor", subject="ed")
        event = pb.Event(
            kind=pb.EVENT_KIND_SUMMIT,
            title="European Mentoring Summit",
            start_time=START.isoformat(),
            end_time=(START + timedelta(days=1)).isoformat(),
            on_site_places=PLACES * 4 if quota else PLACES,
            waiting_list=waiting_list,
            ticket_types=["standard", "student"],
            quotas=[pb.Quota(name="Students", places=PLACES, ticket_types=["student"])],
        )
        name = stub.CreateEvent(pb.CreateEventRequest(event=event), metadata=editor).name
        stub.PublishEvent(pb.PublishEventRequest(name=name), metadata=editor)
        start = Barrier(CONTENDERS)
        groups_before = _group_commits()

        def race(person: int) -> str:
            ticket = "student" if quota else "standard"
            registration = pb.Registration(mode=pb.PARTICIPATION_MODE_ON_SITE, ticket_type=ticket)
            request = pb.RegisterForEventRequest(event=name, registration=registration)
            start.wait()
            try:
                made = stub.RegisterForEvent(
                    request, metadata=bearer("member", subject=f"p{person}")
                )
            except grpc.RpcError as refused:
                return str(refused.code().name)
            return str(pb.RegistrationState.Name(made.state))

        with ThreadPoolExecutor(CONTENDERS) as pool:
            outcomes = Counter(pool.map(race, range(CONTENDERS)))
        groups, grouped = (
            after - before for after, before in zip(_group_commits(), groups_before, strict=True)
        )

        shown = stub.GetEvent(pb.GetEventRequest(name=name))
        listed = stub.ListRegistrations(
            pb.ListRegistrationsRequest(parent=name, state=pb.REGISTRATION_STATE_CONFIRMED),
            metadata=editor,
        )
    others = "REGISTRATION_STATE_WAITLISTED" if waiting_list else "FAILED_PRECONDITION"
    assert outcomes == {"REGISTRATION_STATE_CONFIRMED": PLACES, others: CONTENDERS - PLACES}
    assert shown.on_site_taken == PLACES == listed.total_size
    assert shown.quotas[0].taken == (PLACES if quota else 0)
    # The api's desk saved registrations that arrived together as groups (group commit).
    assert grouped == CONTENDERS and groups < CONTENDERS


def _group_commits() -> tuple[float, float]:
    """Groups the registrations desk saved so far in this process, and their commands."""
    labels = {"group": "registrations"}
    count = REGISTRY.get_sample_value("ecbm_group_commit_size_count", labels) or 0.0
    return count, REGISTRY.get_sample_value("ecbm_group_commit_size_sum", labels) or 0.0


@pytest.mark.postgres
@pytest.mark.parametrize("new_places", [4, 16], ids=["lowered", "raised"])
def test_a_change_of_places_racing_registrations_never_overbooks(
    postgres_url: str, new_places: int
) -> None:
    with serve(postgres_url) as (channel, _server, _wiring):
        stub = EventsServiceStub(channel)
        editor = bearer("editor", subject="ed")
        event = pb.Event(
            kind=pb.EVENT_KIND_SEMINAR,
            title="Mentoring refugees",
            start_time=START.isoformat(),
            end_time=(START + timedelta(hours=3)).isoformat(),
            on_site_places=8,
            waiting_list=True,
        )
        name = stub.CreateEvent(pb.CreateEventRequest(event=event), metadata=editor).name
        stub.PublishEvent(pb.PublishEventRequest(name=name), metadata=editor)
        start = Barrier(CONTENDERS // 2 + 1)

        def race(person: int) -> str:
            start.wait()
            if person < 0:
                change = pb.ChangePlacesRequest(name=name, on_site_places=new_places)
                try:
                    stub.ChangePlaces(change, metadata=editor)
                except grpc.RpcError as refused:  # lowered below what was taken by then
                    return str(refused.code().name)
                return "changed"
            registration = pb.Registration(mode=pb.PARTICIPATION_MODE_ON_SITE)
            request = pb.RegisterForEventRequest(event=name, registration=registration)
            made = stub.RegisterForEvent(request, metadata=bearer("member", subject=f"p{person}"))
            return str(pb.RegistrationState.Name(made.state))

        with ThreadPoolExecutor(CONTENDERS // 2 + 1) as pool:
            outcomes = Counter(pool.map(race, range(-1, CONTENDERS // 2)))
        shown = stub.GetEvent(pb.GetEventRequest(name=name))
        holding = sum(
            stub.ListRegistrations(
                pb.ListRegistrationsRequest(parent=name, state=state), metadata=editor
            ).total_size
            for state in (pb.REGISTRATION_STATE_CONFIRMED, pb.REGISTRATION_STATE_OFFERED)
        )
    assert outcomes["changed"] + outcomes["FAILED_PRECONDITION"] == 1
    assert shown.on_site_places == (new_places if outcomes["changed"] else 8)
    # More contenders than places: every place is taken (nobody waits beside a free
    # place, also when decided just before a raise), none twice.
    assert holding == shown.on_site_taken == shown.on_site_places
