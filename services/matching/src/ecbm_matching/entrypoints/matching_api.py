"""The matching servicer: proto request -> message -> bus -> proto (who may call: the proto)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import grpc

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1 import matching_pb2_grpc
from ecbm_matching.adapters.introductions import IntroductionView, RoundView
from ecbm_matching.adapters.meet_and_match import MeetAndMatchView, MeetingView
from ecbm_matching.adapters.requests import RequestView
from ecbm_matching.adapters.threads import ThreadView
from ecbm_matching.adapters.weights import WeightChange
from ecbm_matching.application import commands as c
from ecbm_runtime.actor import current_actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    timestamp,
)
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

Context = grpc.ServicerContext
_KIND = "REQUEST_KIND_"


def _kind_in(value: int) -> str | None:
    if value == 0:
        return None
    try:
        name: str = pb.RequestKind.Name(value)  # type: ignore[arg-type]
        return name.removeprefix(_KIND).lower()
    except ValueError:
        return f"unknown value {value}"


def timestamp_in(message: Any, field: str, path: str = "") -> datetime | None:
    """The aware datetime of a Timestamp field, None when it is not set; INVALID_ARGUMENT
    naming ``path`` (or ``field``) when it is out of range."""
    if not message.HasField(field):
        return None
    try:
        value: datetime = getattr(message, field).ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        raise InvalidArgument(FieldViolation(path or field, "not a valid time")) from None
    return value


def _terms(request: pb.Request) -> dict[str, Any]:
    return {
        "title": request.title,
        "description": request.description,
        "topics": tuple(request.topics),
        "languages": tuple(request.languages),
        "country": request.country,
        "country_preference": request.country_preference or "any",
        "exclude_same_organisation": request.exclude_same_organisation,
        "details": {
            "outputs": [
                {"title": o.title, "contributions": tuple(o.contributions)} for o in request.outputs
            ],
            "funding_call": request.funding_call,
            "period_start": request.period_start,
            "period_end": request.period_end,
            "student_level": request.student_level,
            "reviewed_item": request.reviewed_item,
            "capacity": request.capacity or 1,
        },
        "deadline": timestamp_in(request, "deadline", "request.deadline"),
    }


def request_proto(view: RequestView) -> pb.Request:
    details = view.details
    return pb.Request(
        name=f"requests/{view.id}",
        kind=pb.RequestKind.Value(_KIND + view.kind.value.upper()),  # type: ignore[arg-type]
        side=view.side.value,
        state=pb.RequestState.Value("REQUEST_STATE_" + view.state.value.upper()),  # type: ignore[arg-type]
        title=view.title,
        description=view.description,
        topics=view.topics,
        languages=view.languages,
        country=view.country,
        country_preference=view.country_preference,
        exclude_same_organisation=view.exclude_same_organisation,
        organisation=f"organisations/{view.organisation_id}" if view.organisation_id else "",
        owner=f"people/{view.owner_id}" if view.owner_id else "",
        outputs=[
            pb.Output(title=o["title"], contributions=o["contributions"])
            for o in details.get("outputs", [])
        ],
        funding_call=details.get("funding_call", ""),
        period_start=details.get("period_start", ""),
        period_end=details.get("period_end", ""),
        student_level=details.get("student_level", ""),
        reviewed_item=details.get("reviewed_item", ""),
        capacity=details.get("capacity", 1),
        deadline=timestamp(view.deadline),
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
    )


def _weights_proto(change: WeightChange) -> pb.Weights:
    w = change.weights
    return pb.Weights(
        name=f"weights/{change.kind}",
        topics=w.topics,
        text=w.text,
        languages=w.languages,
        country=w.country,
        evidence=w.evidence,
        capacity=w.capacity,
        feedback=w.feedback,
        note=change.note,
        set_time=timestamp(change.set_time),
    )


def _person(person_id: str) -> str:
    return f"people/{person_id}" if person_id else ""


def round_proto(view: RoundView) -> pb.Round:
    return pb.Round(
        name=f"rounds/{view.id}",
        kind=pb.RequestKind.Value(_KIND + view.kind.upper()),  # type: ignore[arg-type]
        state=view.state,
        pairs=[
            pb.Pair(
                request=f"requests/{p['request_id']}",
                requester=_person(p["requester_id"]),
                candidate=p["candidate_id"],
                score=p["score"],
                explanation=p["explanation"],
            )
            for p in view.pairs
        ],
        assign_total=view.assign_total,
        greedy_total=view.greedy_total,
        create_time=timestamp(view.create_time),
    )


def introduction_proto(view: IntroductionView) -> pb.Introduction:
    return pb.Introduction(
        name=f"introductions/{view.id}",
        round=f"rounds/{view.round_id}",
        request=f"requests/{view.request_id}",
        request_title=view.request_title,
        requester=_person(view.requester_id),
        candidate=view.candidate_id,
        score=view.score,
        explanation=view.explanation,
        state=view.state,
        accepted_by=view.accepted,
        requester_rating=view.requester_rating or 0,
        candidate_rating=view.candidate_rating or 0,
        update_time=timestamp(view.update_time),
    )


PROGRAMMES = "programmes/"


def thread_proto(view: ThreadView) -> pb.Thread:
    return pb.Thread(
        name=f"threads/{view.id}",
        subject=view.subject,
        starter=_person(view.starter_id),
        recipient=f"{PROGRAMMES}{view.recipient_id}"
        if view.to_programme and view.recipient_id
        else _person(view.recipient_id),
        request=f"requests/{view.about_request}" if view.about_request else "",
        messages=[
            pb.ThreadMessage(
                author=_person(m.author_id), body=m.body, send_time=timestamp(m.send_time)
            )
            for m in view.messages
        ],
        update_time=timestamp(view.update_time),
    )


MEET_AND_MATCHES = "meetAndMatches"


def _meeting_name(name: str, collection: str = "meetings", field: str = "name") -> tuple[str, str]:
    """(event id, meeting id) of ``meetAndMatches/{event}/meetings/{meeting}`` (or another
    ``collection`` of the event)."""
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != MEET_AND_MATCHES or parts[2] != collection or not all(parts):
        raise InvalidArgument(
            FieldViolation(
                field, f"expected 'meetAndMatches/{{event}}/{collection}/{{id}}', got {name!r}"
            )
        )
    return parts[1], parts[3]


def meeting_proto(view: MeetingView, tables: list[str]) -> pb.Meeting:
    visit = f"{MEET_AND_MATCHES}/{view.event_id}/delegations/{view.from_id}"
    return pb.Meeting(
        name=f"{MEET_AND_MATCHES}/{view.event_id}/meetings/{view.id}",
        requester=visit if view.visit else _person(view.from_id),
        recipient=f"policyContacts/{view.to_id}" if view.visit else _person(view.to_id),
        message=view.message,
        state=view.state,
        slot=view.slot if view.slot is not None else -1,
        table=tables[view.table] if view.table is not None else "",
        visit=view.visit,
    )


def _mm_proto(found: MeetAndMatchView) -> pb.MeetAndMatch:
    return pb.MeetAndMatch(
        name=f"{MEET_AND_MATCHES}/{found.id}",
        title=found.title,
        slots=[_slot(s["starts_at"], s["ends_at"]) for s in found.slots],
        tables=found.tables,
        state=found.state,
        placed=found.placed,
        bound=found.bound,
        buildings=found.buildings,
        travel=[pb.Travel(**t) for t in found.travel],
        version=found.version,
        withdrawn_slots=found.withdrawn_slots,
        withdrawn_tables=found.withdrawn_tables,
        participants=found.participants,
    )


def _slot(starts_at: str, ends_at: str) -> pb.Slot:
    return pb.Slot(
        start_time=timestamp(datetime.fromisoformat(starts_at)),
        end_time=timestamp(datetime.fromisoformat(ends_at)),
    )


def _slots_in(slots: Any, field: str) -> list[dict[str, datetime | None]]:
    return [
        {
            "starts_at": timestamp_in(slot, "start_time", f"{field}[{i}].start_time"),
            "ends_at": timestamp_in(slot, "end_time", f"{field}[{i}].end_time"),
        }
        for i, slot in enumerate(slots)
    ]


class MatchingServicer(matching_pb2_grpc.MatchingServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def CreateRequest(self, request: pb.CreateRequestRequest, context: Context) -> pb.Request:
        fields = {
            "actor": current_actor(),
            "kind": _kind_in(request.request.kind),
            "side": request.request.side or "seeking",
            "organisation_id": request.request.organisation.removeprefix("organisations/"),
            "terms": _terms(request.request),
            "request_id": request.request_id,
        }
        renamed = {"terms.details": "request", "terms": "request", "": "request"}
        command = validated(c.OpenRequest, fields, {**renamed, "request_id": "request_id"})
        return self._request(self.bus.handle(command))

    def GetRequest(self, request: pb.GetRequestRequest, context: Context) -> pb.Request:
        return self._request(resource_id(request.name, "requests", "name"))

    def ListRequests(
        self, request: pb.ListRequestsRequest, context: Context
    ) -> pb.ListRequestsResponse:
        fields = {
            "actor": current_actor(),
            "kind": _kind_in(request.kind),
            "topic": request.topic,
            "country": request.country,
            "deadline_before": timestamp_in(request, "deadline_before"),
            "text": request.text,
            "mine": request.mine,
            "page_size": clamp_page_size(request.page_size, default=20, maximum=100),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(c.BrowseRequests, fields, {}))
        return pb.ListRequestsResponse(
            requests=[request_proto(r) for r in page.requests],
            next_page_token=encode_page_token({"offset": page.next_offset})
            if page.next_offset is not None
            else "",
            total_size=page.total_size,
            facets=[
                pb.Facet(
                    field=name, counts=[pb.FacetCount(value=f.value, count=f.count) for f in facets]
                )
                for name, facets in page.facets.items()
            ],
        )

    def UpdateRequest(self, request: pb.UpdateRequestRequest, context: Context) -> pb.Request:
        request_id = resource_id(request.request.name, "requests", "request.name")
        fields = {"actor": current_actor(), "id": request_id, "terms": _terms(request.request)}
        renamed = {"terms.details": "request", "terms": "request"}
        self.bus.handle(validated(c.EditRequest, fields, renamed))
        return self._request(request_id)

    def ChangeRequestState(
        self, request: pb.ChangeRequestStateRequest, context: Context
    ) -> pb.Request:
        request_id = resource_id(request.name, "requests", "name")
        fields = {
            "actor": current_actor(),
            "id": request_id,
            "action": request.action,
            "reason": request.reason,
        }
        self.bus.handle(validated(c.ChangeState, fields, {}))
        return self._request(request_id)

    def ListRecommendations(
        self, request: pb.ListRecommendationsRequest, context: Context
    ) -> pb.ListRecommendationsResponse:
        fields = {
            "actor": current_actor(),
            "id": resource_id(request.parent, "requests", "parent"),
            "limit": clamp_page_size(request.page_size, default=20, maximum=100),
        }
        ranked = self.bus.handle(validated(c.Recommend, fields, {}))
        return pb.ListRecommendationsResponse(
            recommendations=[
                pb.Recommendation(
                    candidate=f"{ranked.collection}/{r.candidate_id}",
                    score=r.score,
                    factors=r.factors,
                    explanation=r.explanation,
                )
                for r in ranked.items
            ]
        )

    def MarkCandidate(
        self, request: pb.MarkCandidateRequest, context: Context
    ) -> pb.MarkCandidateResponse:
        fields = {
            "actor": current_actor(),
            "id": resource_id(request.parent, "requests", "parent"),
            "candidate_id": request.candidate.split("/")[-1],
            "mark": request.mark,
        }
        self.bus.handle(validated(c.MarkCandidate, fields, {"candidate_id": "candidate"}))
        return pb.MarkCandidateResponse()

    def DeclareConflict(
        self, request: pb.DeclareConflictRequest, context: Context
    ) -> pb.DeclareConflictResponse:
        fields = {
            "actor": current_actor(),
            "other_id": request.other.split("/")[-1],
            "declared": request.declared,
        }
        self.bus.handle(validated(c.DeclareConflict, fields, {"other_id": "other"}))
        return pb.DeclareConflictResponse()

    def UpdateWeights(self, request: pb.UpdateWeightsRequest, context: Context) -> pb.Weights:
        w = request.weights
        fields = {
            "actor": current_actor(),
            "kind": w.name.removeprefix("weights/"),
            "weights": {
                name: getattr(w, name)
                for name in (
                    "topics",
                    "text",
                    "languages",
                    "country",
                    "evidence",
                    "capacity",
                    "feedback",
                )
            },
            "note": w.note,
        }
        self.bus.handle(validated(c.SetWeights, fields, {"kind": "weights.name", "": "weights"}))
        history = self.bus.handle(c.WeightHistory(actor=fields["actor"], kind=fields["kind"]))
        return _weights_proto(history[0])

    def ListWeightHistory(
        self, request: pb.ListWeightHistoryRequest, context: Context
    ) -> pb.ListWeightHistoryResponse:
        fields = {"actor": current_actor(), "kind": request.name.removeprefix("weights/")}
        history = self.bus.handle(validated(c.WeightHistory, fields, {"kind": "name"}))
        return pb.ListWeightHistoryResponse(weights=[_weights_proto(h) for h in history])

    def CreateRound(self, request: pb.CreateRoundRequest, context: Context) -> pb.Round:
        fields = {"actor": current_actor(), "kind": _kind_in(request.kind)}
        proposal = self.bus.handle(validated(c.ProposeRound, fields, {}))
        return self._round(proposal.round_id)

    def GetRound(self, request: pb.GetRoundRequest, context: Context) -> pb.Round:
        return self._round(resource_id(request.name, "rounds", "name"))

    def PublishRound(self, request: pb.PublishRoundRequest, context: Context) -> pb.Round:
        round_id = resource_id(request.name, "rounds", "name")
        self.bus.handle(c.PublishRound(actor=current_actor(), id=round_id))
        return self._round(round_id)

    def ListIntroductions(
        self, request: pb.ListIntroductionsRequest, context: Context
    ) -> pb.ListIntroductionsResponse:
        found = self.bus.handle(c.ListMyIntroductions(actor=current_actor()))
        return pb.ListIntroductionsResponse(introductions=[introduction_proto(i) for i in found])

    def AnswerIntroduction(
        self, request: pb.AnswerIntroductionRequest, context: Context
    ) -> pb.Introduction:
        fields = {
            "actor": current_actor(),
            "id": resource_id(request.name, "introductions", "name"),
            "accept": request.accept,
            "reason": request.reason,
        }
        return self._introduction(self.bus.handle(validated(c.RespondToIntroduction, fields, {})))

    def RecordMeeting(self, request: pb.RecordMeetingRequest, context: Context) -> pb.Introduction:
        fields = {
            "actor": current_actor(),
            "id": resource_id(request.name, "introductions", "name"),
            "held": request.held,
        }
        return self._introduction(self.bus.handle(validated(c.RecordMeeting, fields, {})))

    def GiveFeedback(self, request: pb.GiveFeedbackRequest, context: Context) -> pb.Introduction:
        fields = {
            "actor": current_actor(),
            "id": resource_id(request.name, "introductions", "name"),
            "rating": request.rating,
            "outcome": request.outcome,
            "text": request.text,
        }
        return self._introduction(self.bus.handle(validated(c.GiveFeedback, fields, {})))

    def SendMessage(self, request: pb.SendMessageRequest, context: Context) -> pb.Thread:
        to = request.to
        fields = {
            "actor": current_actor(),
            "to_person": to.removeprefix("people/") if to.startswith("people/") else "",
            "about_request": to.removeprefix("requests/") if to.startswith("requests/") else "",
            "to_programme": to.removeprefix(PROGRAMMES) if to.startswith(PROGRAMMES) else "",
            "thread_id": request.thread.removeprefix("threads/"),
            "subject": request.subject,
            "body": request.body,
        }
        renamed = {
            "to_person": "to",
            "about_request": "to",
            "to_programme": "to",
            "thread_id": "thread",
        }
        thread_id = self.bus.handle(validated(c.SendMessage, fields, renamed))
        return self._thread(thread_id)

    def ListThreads(
        self, request: pb.ListThreadsRequest, context: Context
    ) -> pb.ListThreadsResponse:
        found = self.bus.handle(c.ListThreads(actor=current_actor()))
        return pb.ListThreadsResponse(threads=[thread_proto(t) for t in found])

    def GetThread(self, request: pb.GetThreadRequest, context: Context) -> pb.Thread:
        return self._thread(resource_id(request.name, "threads", "name"))

    def BlockSender(
        self, request: pb.BlockSenderRequest, context: Context
    ) -> pb.BlockSenderResponse:
        fields = {
            "actor": current_actor(),
            "sender_id": resource_id(request.sender, "people", "sender"),
            "blocked": request.blocked,
        }
        self.bus.handle(validated(c.BlockSender, fields, {"sender_id": "sender"}))
        return pb.BlockSenderResponse()

    def ConfigureMeetAndMatch(
        self, request: pb.ConfigureMeetAndMatchRequest, context: Context
    ) -> pb.MeetAndMatch:
        event_id = resource_id(request.name, MEET_AND_MATCHES, "name")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "slots": _slots_in(request.slots, "slots"),
            "tables": tuple(request.tables),
            "buildings": tuple(request.buildings),
            "travel": [
                {"here": t.here, "there": t.there, "minutes": t.minutes} for t in request.travel
            ],
        }
        self.bus.handle(validated(c.ConfigureMeetAndMatch, fields, {}))
        return self._meet_and_match(event_id)

    def GetMeetAndMatch(
        self, request: pb.GetMeetAndMatchRequest, context: Context
    ) -> pb.MeetAndMatch:
        return self._meet_and_match(resource_id(request.name, MEET_AND_MATCHES, "name"))

    def SetAvailability(
        self, request: pb.SetAvailabilityRequest, context: Context
    ) -> pb.MeetAndMatch:
        event_id = resource_id(request.name, MEET_AND_MATCHES, "name")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "unavailable": tuple(request.unavailable_slots),
        }
        self.bus.handle(validated(c.SetAvailability, fields, {"unavailable": "unavailable_slots"}))
        return self._meet_and_match(event_id)

    def RequestMeeting(self, request: pb.RequestMeetingRequest, context: Context) -> pb.Meeting:
        event_id = resource_id(request.parent, MEET_AND_MATCHES, "parent")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "to_person": resource_id(request.recipient, "people", "recipient"),
            "message": request.message,
        }
        meeting_id = self.bus.handle(
            validated(c.RequestMeeting, fields, {"to_person": "recipient"})
        )
        return self._meeting(event_id, meeting_id)

    def AnswerMeeting(self, request: pb.AnswerMeetingRequest, context: Context) -> pb.Meeting:
        event_id, meeting_id = _meeting_name(request.name)
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "meeting_id": meeting_id,
            "accept": request.accept,
        }
        self.bus.handle(validated(c.AnswerMeeting, fields, {}))
        return self._meeting(event_id, meeting_id)

    def ScheduleMeetAndMatch(
        self, request: pb.ScheduleMeetAndMatchRequest, context: Context
    ) -> pb.MeetAndMatch:
        event_id = resource_id(request.name, MEET_AND_MATCHES, "name")
        self.bus.handle(
            validated(c.ScheduleMeetAndMatch, {"actor": current_actor(), "event_id": event_id}, {})
        )
        return self._meet_and_match(event_id)

    def PublishSchedule(
        self, request: pb.PublishScheduleRequest, context: Context
    ) -> pb.MeetAndMatch:
        event_id = resource_id(request.name, MEET_AND_MATCHES, "name")
        self.bus.handle(c.PublishSchedule(actor=current_actor(), event_id=event_id))
        return self._meet_and_match(event_id)

    def GetAgenda(self, request: pb.GetAgendaRequest, context: Context) -> pb.Agenda:
        event_id = resource_id(request.name, MEET_AND_MATCHES, "name")
        found = self.bus.handle(
            validated(c.GetAgenda, {"actor": current_actor(), "event_id": event_id}, {})
        )
        event = self.bus.handle(c.GetMeetAndMatch(actor=current_actor(), event_id=event_id))
        return pb.Agenda(
            meetings=[meeting_proto(m, event.tables) for m in found.meetings],
            icalendar=found.calendar,
        )

    def ReplanSchedule(
        self, request: pb.ReplanScheduleRequest, context: Context
    ) -> pb.ReplanScheduleResponse:
        event_id = resource_id(request.name, MEET_AND_MATCHES, "name")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "withdrawn_slots": tuple(request.withdrawn_slots),
            "withdrawn_tables": tuple(request.withdrawn_tables),
        }
        done = self.bus.handle(validated(c.ReplanSchedule, fields, {}))
        return pb.ReplanScheduleResponse(
            meet_and_match=self._meet_and_match(event_id),
            kept=done.kept,
            moved=done.moved,
            added=done.added,
            dropped=done.dropped,
            told=done.told,
        )

    def CancelMeeting(self, request: pb.CancelMeetingRequest, context: Context) -> pb.Meeting:
        event_id, meeting_id = _meeting_name(request.name)
        fields = {"actor": current_actor(), "event_id": event_id, "meeting_id": meeting_id}
        self.bus.handle(validated(c.CancelMeeting, fields, {}))
        return self._meeting(event_id, meeting_id)

    def DefineDelegation(
        self, request: pb.DefineDelegationRequest, context: Context
    ) -> pb.Delegation:
        given = request.delegation
        event_id, delegation_id = _meeting_name(given.name, "delegations", "delegation.name")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "delegation_id": delegation_id,
            "name": given.display_name,
            "country": given.country,
            "topics": tuple(given.topics),
            "committees": tuple(given.committees),
            "members": tuple(
                resource_id(m, "people", f"delegation.members[{i}]")
                for i, m in enumerate(given.members)
            ),
        }
        renamed = {
            "name": "delegation.display_name",
            **{f: f"delegation.{f}" for f in ("country", "topics", "committees", "members")},
        }
        self.bus.handle(validated(c.DefineDelegation, fields, renamed))
        return pb.Delegation(
            name=given.name,
            display_name=given.display_name,
            country=given.country,
            topics=list(given.topics),
            committees=list(given.committees),
            members=list(dict.fromkeys(given.members)),
        )

    def SetContactWindows(
        self, request: pb.SetContactWindowsRequest, context: Context
    ) -> pb.SetContactWindowsResponse:
        fields = {
            "actor": current_actor(),
            "event_id": resource_id(request.parent, MEET_AND_MATCHES, "parent"),
            "contact_id": resource_id(request.contact, "policyContacts", "contact"),
            "windows": _slots_in(request.windows, "windows"),
        }
        self.bus.handle(validated(c.SetContactWindows, fields, {"contact_id": "contact"}))
        return pb.SetContactWindowsResponse()

    def BookVisit(self, request: pb.BookVisitRequest, context: Context) -> pb.Meeting:
        event_id, delegation_id = _meeting_name(request.delegation, "delegations", "delegation")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "delegation_id": delegation_id,
            "contact_id": resource_id(request.contact, "policyContacts", "contact"),
        }
        meeting_id = self.bus.handle(
            validated(c.BookVisit, fields, {"delegation_id": "delegation", "contact_id": "contact"})
        )
        return self._meeting(event_id, meeting_id)

    def SuggestContacts(
        self, request: pb.SuggestContactsRequest, context: Context
    ) -> pb.SuggestContactsResponse:
        event_id, delegation_id = _meeting_name(request.delegation, "delegations", "delegation")
        fields = {
            "actor": current_actor(),
            "event_id": event_id,
            "delegation_id": delegation_id,
            "limit": request.page_size or 10,
        }
        found = self.bus.handle(
            validated(
                c.SuggestContacts, fields, {"delegation_id": "delegation", "limit": "page_size"}
            )
        )
        return pb.SuggestContactsResponse(
            suggestions=[
                pb.ContactSuggestion(
                    contact=f"policyContacts/{s.contact_id}",
                    score=s.score,
                    explanation=s.explanation,
                )
                for s in found
            ]
        )

    def ListDelegations(
        self, request: pb.ListDelegationsRequest, context: Context
    ) -> pb.ListDelegationsResponse:
        fields = {
            "actor": current_actor(),
            "event_id": resource_id(request.parent, MEET_AND_MATCHES, "parent"),
            "country": request.country,
            "page_size": clamp_page_size(request.page_size, default=20, maximum=100),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(c.ListDelegations, fields, {"offset": "page_token"}))
        return pb.ListDelegationsResponse(
            delegations=[
                pb.Delegation(
                    name=f"{MEET_AND_MATCHES}/{d.event_id}/delegations/{d.id}",
                    display_name=d.name,
                    country=d.country,
                    topics=d.topics,
                    committees=d.committees,
                    members=[_person(m) for m in d.members],
                )
                for d in page.delegations
            ],
            next_page_token=encode_page_token({"offset": page.next_offset})
            if page.next_offset is not None
            else "",
            total_size=page.total_size,
        )

    def ListMeetAndMatches(
        self, request: pb.ListMeetAndMatchesRequest, context: Context
    ) -> pb.ListMeetAndMatchesResponse:
        found = self.bus.handle(c.ListMeetAndMatches(actor=current_actor()))
        return pb.ListMeetAndMatchesResponse(meet_and_matches=[_mm_proto(f) for f in found])

    def _meet_and_match(self, event_id: str) -> pb.MeetAndMatch:
        found = self.bus.handle(c.GetMeetAndMatch(actor=current_actor(), event_id=event_id))
        return _mm_proto(found)

    def _meeting(self, event_id: str, meeting_id: str) -> pb.Meeting:
        query = c.GetMeeting(actor=current_actor(), event_id=event_id, meeting_id=meeting_id)
        found = self.bus.handle(query)
        event = self.bus.handle(c.GetMeetAndMatch(actor=current_actor(), event_id=event_id))
        return meeting_proto(found, event.tables)

    def _thread(self, thread_id: str) -> pb.Thread:
        return thread_proto(self.bus.handle(c.GetThread(actor=current_actor(), id=thread_id)))

    def _round(self, round_id: str) -> pb.Round:
        return round_proto(self.bus.handle(c.GetRound(actor=current_actor(), id=round_id)))

    def _introduction(self, introduction_id: str) -> pb.Introduction:
        found = self.bus.handle(c.GetIntroduction(actor=current_actor(), id=introduction_id))
        return introduction_proto(found)

    def _request(self, request_id: str) -> pb.Request:
        return request_proto(self.bus.handle(c.GetRequest(actor=current_actor(), id=request_id)))
