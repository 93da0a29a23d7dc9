"""``ecbm up --demo``'s Meet & Match: the events demo's event and participants, a delegation
visiting suggested contacts, a published schedule re-planned once; seeding twice is once."""

from __future__ import annotations

from pathlib import Path

from matching_feeds import NOW, deliver

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1.matching_pb2_grpc import MatchingServiceStub
from ecbm_integration import events, registry
from ecbm_matching.bootstrap import SERVICE, bootstrap
from ecbm_matching.entrypoints.demo import MEET_AND_MATCH, PARTICIPANTS, member, seed_on
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer


def test_the_demo_meet_and_match_is_published_and_replanned_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'matching.db'}"
    upgrade(SERVICE.migrations, url)
    worker = bootstrap(SERVICE.load_settings(database_url=url))
    try:  # the events demo and registry's network, as the worker would have relayed them
        for n in PARTICIPANTS:
            deliver(
                worker,
                events.RegistrationConfirmed(
                    registration_id=f"reg-{n}",
                    event_id="mm",
                    person_id=f"demo-member-{n:02d}",
                    kind="meet_and_match",
                    title=MEET_AND_MATCH,
                    mode="on_site",
                    starts_at=NOW,
                    occurred_at=NOW,
                ),
            )
        for contact, kind in (("mep-be", "MEP"), ("dg-empl", "COMMISSION_STAFF")):
            deliver(
                worker,
                registry.PolicyContactAdded(
                    policy_contact_id=contact,
                    kind=kind,
                    country="BE",
                    stance="OPEN",
                    topics=["social-inclusion"],
                    committee="EMPL",
                    occurred_at=NOW,
                ),
            )
    finally:
        worker.close()
    admin = bearer("admin", subject="ecbm-seed")
    token = admin[0][1].removeprefix("Bearer ")
    settings = SERVICE.load_settings(database_url=url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        stub = MatchingServiceStub(channel)
        seed_on(channel, token, wait_seconds=0)
        first = stub.GetMeetAndMatch(
            pb.GetMeetAndMatchRequest(name="meetAndMatches/mm"), metadata=admin
        )
        seed_on(channel, token, wait_seconds=0)
        again = stub.GetMeetAndMatch(
            pb.GetMeetAndMatchRequest(name="meetAndMatches/mm"), metadata=admin
        )
        agenda = stub.GetAgenda(pb.GetAgendaRequest(name="meetAndMatches/mm"), metadata=member(60))
    assert first == again
    assert (first.state, first.version, first.participants) == ("published", 2, len(PARTICIPANTS))
    assert first.placed >= 10 and len(first.tables) == len(first.buildings) == 5
    visits = [m for m in agenda.meetings if m.visit]
    assert len(visits) == 2 and "Delegation visit" in agenda.icalendar
