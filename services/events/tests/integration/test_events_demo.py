"""``ecbm up --demo``'s events: every kind, registrations in every state, seeding twice is once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from events_serving import serve

from ecbm.events.v1 import events_pb2 as pb
from ecbm.events.v1.events_pb2_grpc import EventsServiceStub
from ecbm_events.entrypoints.demo import seed_on
from ecbm_runtime.testing import bearer


def test_the_demo_has_every_kind_and_every_registration_state_once(tmp_path: Path) -> None:
    admin = bearer("admin", subject="ecbm-seed")
    token = admin[0][1].removeprefix("Bearer ")
    with serve(f"sqlite:///{tmp_path / 'events.db'}") as (channel, _server, _wiring):
        stub = EventsServiceStub(channel)

        def census() -> tuple[list[pb.Event], Counter[int]]:
            events = list(stub.ListEvents(pb.ListEventsRequest(page_size=100)).events)
            states: Counter[int] = Counter()
            for event in events:
                request = pb.ListRegistrationsRequest(parent=event.name, page_size=500)
                page = stub.ListRegistrations(request, metadata=admin)
                states.update(r.state for r in page.registrations)
            return events, states

        seed_on(channel, token)
        first = census()
        seed_on(channel, token)
        events, states = census()
        summit_name = next(e.name for e in events if e.kind == pb.EVENT_KIND_SUMMIT)
        listed = stub.ListContributions(
            pb.ListContributionsRequest(parent=summit_name), metadata=admin
        )
        called = {c.state for c in listed.contributions}
        materials = stub.ListMaterials(pb.ListMaterialsRequest(parent=summit_name), metadata=admin)
        series = list(stub.ListSeries(pb.ListSeriesRequest()).series)

    assert (events, states) == first
    assert [s.title for s in series] == ["Mentoring Webinars"]  # once, however often seeded
    webinars = [e for e in events if e.kind == pb.EVENT_KIND_WEBINAR]
    assert {(e.series_name, e.series) for e in webinars} == {(series[0].name, series[0].title)}
    kinds = {e.kind for e in events}
    assert kinds == set(pb.EventKind.values()) - {pb.EVENT_KIND_UNSPECIFIED}
    assert len(events) == 7  # 3 webinars, a seminar, the short course, summit, Meet & Match
    assert set(states) == set(pb.RegistrationState.values()) - {pb.REGISTRATION_STATE_UNSPECIFIED}
    summit = next(e for e in events if e.kind == pb.EVENT_KIND_SUMMIT)
    assert len(summit.sessions) == 5  # four planned, one accepted from the call
    assert [m.session_id for m in materials.materials] == ["s1"]
    meet = next(e for e in events if e.kind == pb.EVENT_KIND_MEET_AND_MATCH)
    assert [(q.name, q.taken) for q in meet.quotas] == [("EU staff", 1)]  # one approved
    assert called == {
        pb.CONTRIBUTION_STATE_ACCEPTED,
        pb.CONTRIBUTION_STATE_CHANGES_REQUESTED,
        pb.CONTRIBUTION_STATE_PROPOSED,
    }
