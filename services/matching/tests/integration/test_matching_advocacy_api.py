"""Re-planning and the advocacy programme over gRPC (the real servicer and interceptors):
who may call what, resource names, field errors."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from matching_feeds import NOW, deliver
from test_matching_replan import EVENT, registered

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1.matching_pb2_grpc import MatchingServiceStub
from ecbm_integration import registry
from ecbm_matching.bootstrap import SERVICE, bootstrap
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer, violations

ANA = bearer("member", subject="ana")
CY = bearer("member", subject="cy")
ADMIN = bearer("admin", subject="root")


@pytest.fixture
def stub(database_url: str) -> Iterator[MatchingServiceStub]:
    upgrade(SERVICE.migrations, database_url)
    worker = bootstrap(SERVICE.load_settings(database_url=database_url))
    try:
        registered(worker, "ana", "ben", "cy")
        deliver(
            worker,
            registry.PolicyContactAdded(
                policy_contact_id="mep-be",
                kind="MEP",
                country="BE",
                stance="CHAMPION",
                topics=[],
                occurred_at=NOW,
            ),
        )
    finally:
        worker.close()
    settings = SERVICE.load_settings(database_url=database_url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield MatchingServiceStub(channel)


def code(call: object, *args: object, **kwargs: object) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as failed:
        call(*args, **kwargs)  # type: ignore[operator]
    return failed.value.code()  # type: ignore[no-any-return]


def test_advocacy_and_replanning_over_grpc(stub: MatchingServiceStub) -> None:
    name = f"meetAndMatches/{EVENT}"
    start = Timestamp(seconds=1_900_000_000)
    slot = pb.Slot(start_time=start, end_time=Timestamp(seconds=start.seconds + 900))
    stub.ConfigureMeetAndMatch(
        pb.ConfigureMeetAndMatchRequest(
            name=name,
            slots=[slot],
            tables=["Room A"],
            buildings=["Parliament"],
            travel=[pb.Travel(here="Parliament", there="Berlaymont", minutes=15)],
        ),
        metadata=ADMIN,
    )
    delegation = pb.Delegation(
        name=f"{name}/delegations/be",
        display_name="Belgium",
        country="be",
        members=["people/ana", "people/ben"],
    )
    with pytest.raises(grpc.RpcError) as bad:
        stub.DefineDelegation(pb.DefineDelegationRequest(delegation=delegation), metadata=ADMIN)
    assert "delegation.country" in violations(bad.value)
    delegation.country = "BE"
    request = pb.DefineDelegationRequest(delegation=delegation)
    assert code(stub.DefineDelegation, request, metadata=ANA) == grpc.StatusCode.PERMISSION_DENIED
    stub.DefineDelegation(request, metadata=ADMIN)

    suggest = pb.SuggestContactsRequest(delegation=delegation.name)
    (first,) = stub.SuggestContacts(suggest, metadata=ANA).suggestions
    assert (first.contact, first.explanation) == (
        "policyContacts/mep-be",
        "an MEP from BE; already a champion of mentoring",
    )
    assert code(stub.SuggestContacts, suggest, metadata=CY) == grpc.StatusCode.NOT_FOUND

    visit = stub.BookVisit(
        pb.BookVisitRequest(delegation=delegation.name, contact="policyContacts/mep-be"),
        metadata=ADMIN,
    )
    assert (visit.requester, visit.recipient, visit.visit, visit.state) == (
        delegation.name,
        "policyContacts/mep-be",
        True,
        "accepted",
    )
    stub.ScheduleMeetAndMatch(pb.ScheduleMeetAndMatchRequest(name=name), metadata=ADMIN)
    stub.PublishSchedule(pb.PublishScheduleRequest(name=name), metadata=ADMIN)
    agenda = stub.GetAgenda(pb.GetAgendaRequest(name=name), metadata=ANA)
    assert [(m.name, m.table) for m in agenda.meetings] == [(visit.name, "Room A")]
    assert "LOCATION:Room A\\, Parliament" in agenda.icalendar

    cancel = pb.CancelMeetingRequest(name=visit.name)
    assert code(stub.CancelMeeting, cancel, metadata=ANA) == grpc.StatusCode.NOT_FOUND
    replan = pb.ReplanScheduleRequest(name=name, withdrawn_tables=[0])
    assert code(stub.ReplanSchedule, replan, metadata=ANA) == grpc.StatusCode.PERMISSION_DENIED
    done = stub.ReplanSchedule(replan, metadata=ADMIN)
    assert (done.meet_and_match.version, done.dropped, done.told) == (2, 1, 2)
    assert list(done.meet_and_match.withdrawn_tables) == [0]
    assert stub.GetAgenda(pb.GetAgendaRequest(name=name), metadata=ANA).meetings == []


def test_delegations_are_listed_to_organisers_and_to_their_own_members(
    stub: MatchingServiceStub,
) -> None:
    name = f"meetAndMatches/{EVENT}"
    for code_, members in (("be", ["ana"]), ("fr", ["cy"]), ("nl", ["ben"])):
        delegation = pb.Delegation(
            name=f"{name}/delegations/{code_}",
            display_name=code_.upper(),
            country=code_.upper(),
            members=[f"people/{m}" for m in members],
        )
        stub.DefineDelegation(pb.DefineDelegationRequest(delegation=delegation), metadata=ADMIN)

    def listed(
        token: tuple[tuple[str, str]], country: str = "", page_size: int = 0, page_token: str = ""
    ) -> list[str]:
        request = pb.ListDelegationsRequest(
            parent=name, country=country, page_size=page_size, page_token=page_token
        )
        found = stub.ListDelegations(request, metadata=token)
        return [d.name.rsplit("/", 1)[1] for d in found.delegations]

    first = stub.ListDelegations(
        pb.ListDelegationsRequest(parent=name, page_size=2), metadata=ADMIN
    )
    assert ([d.display_name for d in first.delegations], first.total_size) == (["BE", "FR"], 3)
    assert list(first.delegations[0].members) == ["people/ana"]
    assert listed(ADMIN, page_size=2, page_token=first.next_page_token) == ["nl"]
    assert listed(ADMIN, country="FR") == ["fr"]
    # a member sees their own delegation only; someone in none sees an empty list
    assert (listed(ANA), listed(CY), listed(ANA, country="FR")) == (["be"], ["fr"], [])
    assert listed(bearer("member", subject="zoe")) == []

    assert "country" in violations(
        _failed(stub.ListDelegations, pb.ListDelegationsRequest(parent=name, country="fr"))
    )
    assert "page_token" in violations(
        _failed(stub.ListDelegations, pb.ListDelegationsRequest(parent=name, page_token="x"))
    )
    unknown = pb.ListDelegationsRequest(parent="meetAndMatches/nowhere")
    assert code(stub.ListDelegations, unknown, metadata=ANA) == grpc.StatusCode.NOT_FOUND


def _failed(call: object, request: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as failed:
        call(request, metadata=ADMIN)  # type: ignore[operator]
    assert failed.value.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    return failed.value
