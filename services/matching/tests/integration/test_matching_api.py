"""The matching api over gRPC (the real servicer and interceptors) on each database."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from matching_feeds import NOW, deliver, expert

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1.matching_pb2_grpc import MatchingServiceStub
from ecbm_integration import registry
from ecbm_matching.bootstrap import SERVICE, bootstrap
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer, violations

ANA = bearer("member", subject="ana")
BEN = bearer("member", subject="ben")
ADMIN = bearer("admin", subject="root")


@pytest.fixture
def stub(database_url: str) -> Iterator[MatchingServiceStub]:
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(database_url=database_url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield MatchingServiceStub(channel)


def test_requests_over_grpc_with_object_checks_errors_and_browse(stub: MatchingServiceStub) -> None:
    partners = pb.Request(
        kind=pb.REQUEST_KIND_PARTNER_SEARCH,
        title="ESF project on mentoring migrants",
        topics=["labour-market"],
        country="BE",
        outputs=[pb.Output(title="Toolkit", contributions=["co_creation", "peer_review"])],
    )
    created = stub.CreateRequest(pb.CreateRequestRequest(request=partners), metadata=ANA)
    assert created.state == pb.REQUEST_STATE_OPEN and created.owner == "people/ana"
    assert list(created.outputs[0].contributions) == ["co_creation", "peer_review"]

    with pytest.raises(grpc.RpcError) as empty:
        stub.CreateRequest(
            pb.CreateRequestRequest(request=pb.Request(kind=pb.REQUEST_KIND_INTERNSHIP, title="x")),
            metadata=ANA,
        )
    assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"terms.topics", "terms.details.student_level"} <= violations(empty.value).keys()

    close = pb.ChangeRequestStateRequest(name=created.name, action="close")
    with pytest.raises(grpc.RpcError) as other:
        stub.ChangeRequestState(close, metadata=BEN)
    assert other.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as anonymous:
        stub.ChangeRequestState(close, metadata=())
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED

    page = stub.ListRequests(pb.ListRequestsRequest(topic="labour-market"))
    assert [r.name for r in page.requests] == [created.name]
    assert {f.field: [(x.value, x.count) for x in f.counts] for f in page.facets}["country"] == [
        ("BE", 1)
    ]
    recommendations = stub.ListRecommendations(
        pb.ListRecommendationsRequest(parent=created.name), metadata=ANA
    )
    assert list(recommendations.recommendations) == []

    assert stub.ChangeRequestState(close, metadata=ANA).state == pb.REQUEST_STATE_CLOSED
    assert stub.ChangeRequestState(close, metadata=ANA).state == pb.REQUEST_STATE_CLOSED
    resume = pb.ChangeRequestStateRequest(name=created.name, action="resume")
    with pytest.raises(grpc.RpcError) as closed:
        stub.ChangeRequestState(resume, metadata=ANA)
    assert closed.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as hidden:
        stub.GetRequest(pb.GetRequestRequest(name=created.name))
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND


def test_weights_only_for_admins_with_history(stub: MatchingServiceStub) -> None:
    weights = pb.Weights(name="weights/internship", topics=2, languages=1, note="more topics")
    with pytest.raises(grpc.RpcError) as member:
        stub.UpdateWeights(pb.UpdateWeightsRequest(weights=weights), metadata=ANA)
    assert member.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert stub.UpdateWeights(pb.UpdateWeightsRequest(weights=weights), metadata=ADMIN).topics == 2
    history = stub.ListWeightHistory(
        pb.ListWeightHistoryRequest(name="weights/internship"), metadata=ADMIN
    )
    assert [w.note for w in history.weights] == ["more topics"]


def test_a_round_over_grpc_and_introductions_answered_by_their_sides(
    stub: MatchingServiceStub, database_url: str
) -> None:
    worker = bootstrap(SERVICE.load_settings(database_url=database_url))
    try:
        expert(worker, "eva", "youth")
    finally:
        worker.close()
    request = pb.Request(kind=pb.REQUEST_KIND_KNOWLEDGE_EXCHANGE, title="Youth", topics=["youth"])
    stub.CreateRequest(pb.CreateRequestRequest(request=request), metadata=ANA)
    kind = pb.CreateRoundRequest(kind=pb.REQUEST_KIND_KNOWLEDGE_EXCHANGE)
    with pytest.raises(grpc.RpcError) as member:
        stub.CreateRound(kind, metadata=ANA)
    assert member.value.code() == grpc.StatusCode.PERMISSION_DENIED
    proposed = stub.CreateRound(kind, metadata=ADMIN)
    assert proposed.state == "proposed" and proposed.assign_total >= proposed.greedy_total
    assert [(p.requester, p.candidate) for p in proposed.pairs] == [("people/ana", "eva")]
    stub.PublishRound(pb.PublishRoundRequest(name=proposed.name), metadata=ADMIN)

    (intro,) = stub.ListIntroductions(pb.ListIntroductionsRequest(), metadata=ANA).introductions
    accept = pb.AnswerIntroductionRequest(name=intro.name, accept=True)
    with pytest.raises(grpc.RpcError) as other:
        stub.AnswerIntroduction(accept, metadata=BEN)
    assert other.value.code() == grpc.StatusCode.NOT_FOUND
    first = stub.AnswerIntroduction(accept, metadata=ANA)
    again = stub.AnswerIntroduction(accept, metadata=ANA)
    assert list(first.accepted_by) == list(again.accepted_by) == ["requester"]
    meeting = pb.RecordMeetingRequest(name=intro.name, held=True)
    with pytest.raises(grpc.RpcError) as early:
        stub.RecordMeeting(meeting, metadata=ANA)
    assert early.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_messages_over_grpc_size_limit_and_blocked_sender(
    stub: MatchingServiceStub, database_url: str
) -> None:
    worker = bootstrap(SERVICE.load_settings(database_url=database_url))
    try:
        expert(worker, "ana", "youth")
        deliver(
            worker,
            registry.OrganisationEditorAdded(
                organisation_id="org1", person_id="people/ana", occurred_at=NOW
            ),
        )
        deliver(
            worker,
            registry.ProgrammeRegistered(
                programme_id="prog1",
                organisation_id="org1",
                display_name="Mentor Migrants",
                countries=["BE"],
                languages=["nl"],
                occurred_at=NOW,
            ),
        )
    finally:
        worker.close()  # fmt: skip
    to_programme = pb.SendMessageRequest(to="programmes/prog1", subject="Visit", body="Hello")
    thread = stub.SendMessage(to_programme, metadata=BEN)
    assert (thread.starter, thread.recipient) == ("people/ben", "programmes/prog1")
    assert stub.GetThread(pb.GetThreadRequest(name=thread.name), metadata=ANA).subject == "Visit"
    with pytest.raises(grpc.RpcError) as unknown:
        stub.SendMessage(pb.SendMessageRequest(to="programmes/nope", body="Hi"), metadata=BEN)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    send = pb.SendMessageRequest(to="people/ana", subject="Hi", body="Hello Ana")
    thread = stub.SendMessage(send, metadata=BEN)
    assert [m.author for m in thread.messages] == ["people/ben"]
    with pytest.raises(grpc.RpcError) as other:
        stub.GetThread(pb.GetThreadRequest(name=thread.name), metadata=ADMIN)
    assert other.value.code() == grpc.StatusCode.NOT_FOUND
    too_long = pb.SendMessageRequest(thread=thread.name, body="x" * 5001)
    with pytest.raises(grpc.RpcError) as big:
        stub.SendMessage(too_long, metadata=BEN)
    assert big.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "body" in violations(big.value)
    stub.BlockSender(pb.BlockSenderRequest(sender="people/ben", blocked=True), metadata=ANA)
    with pytest.raises(grpc.RpcError) as blocked:
        stub.SendMessage(pb.SendMessageRequest(thread=thread.name, body="again"), metadata=BEN)
    assert blocked.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert len(stub.GetThread(pb.GetThreadRequest(name=thread.name), metadata=ANA).messages) == 1


def test_meet_and_match_over_grpc(stub: MatchingServiceStub, database_url: str) -> None:
    from test_matching_meet_and_match import EVENT, registered

    worker = bootstrap(SERVICE.load_settings(database_url=database_url))
    try:
        for person in ("ana", "ben"):
            registered(worker, person)
    finally:
        worker.close()
    name = f"meetAndMatches/{EVENT}"
    start = Timestamp(seconds=1_900_000_000)
    slot = pb.Slot(start_time=start, end_time=Timestamp(seconds=start.seconds + 900))
    configure = pb.ConfigureMeetAndMatchRequest(name=name, slots=[slot], tables=["T1"])
    with pytest.raises(grpc.RpcError) as member:
        stub.ConfigureMeetAndMatch(configure, metadata=ANA)
    assert member.value.code() == grpc.StatusCode.PERMISSION_DENIED
    stub.ConfigureMeetAndMatch(configure, metadata=ADMIN)
    asked = stub.RequestMeeting(
        pb.RequestMeetingRequest(parent=name, recipient="people/ben", message="Coffee?"),
        metadata=ANA,
    )
    answer = pb.AnswerMeetingRequest(name=asked.name, accept=True)
    with pytest.raises(grpc.RpcError) as requester:
        stub.AnswerMeeting(answer, metadata=ANA)
    assert requester.value.code() == grpc.StatusCode.NOT_FOUND
    assert stub.AnswerMeeting(answer, metadata=BEN).state == "accepted"
    scheduled = stub.ScheduleMeetAndMatch(pb.ScheduleMeetAndMatchRequest(name=name), metadata=ADMIN)
    assert (scheduled.state, scheduled.placed) == ("scheduled", 1)
    stub.PublishSchedule(pb.PublishScheduleRequest(name=name), metadata=ADMIN)
    with pytest.raises(grpc.RpcError) as locked:
        stub.ScheduleMeetAndMatch(pb.ScheduleMeetAndMatchRequest(name=name), metadata=ADMIN)
    assert locked.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    agenda = stub.GetAgenda(pb.GetAgendaRequest(name=name), metadata=BEN)
    assert [(m.table, m.slot) for m in agenda.meetings] == [("T1", 0)]
    assert "BEGIN:VEVENT" in agenda.icalendar and "CONFIRMED" in agenda.icalendar
