"""Demo matching data, loaded through the gRPC API (never into tables), for ``ecbm up --demo``.

Open requests of every kind by demo members (``demo-member-NN``, development tokens of their
own), admin weights for knowledge exchange, and, once registry's demo people have reached
matching through its worker, a published round with introductions in every state. Creates
are idempotent on their ``request_id`` and the round is made once (when the first demo
member has no introduction yet), so seeding twice changes nothing.

The Meet & Match is the events service's demo event (this seed runs after the events seed:
``seed_after``); once its participants have reached matching, organisers' slots and tables in
two buildings, meeting requests in every state, a Belgian delegation visiting the policy
contacts matching suggests (registry's demo network), a published schedule, then a change
after publishing (a meeting cancelled, one added) and its re-planned version 2.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1.matching_pb2_grpc import MatchingServiceStub
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

Metadata = tuple[tuple[str, str], ...]
# How long the seed waits for registry's demo people (and the events service's Meet & Match
# participants) to reach matching.
PROFILES_WAIT_SECONDS = 30.0
MEET_AND_MATCH = "Meet & Match Brussels"
# The events demo's confirmed participants: member 40 and the practitioners 60-67.
PARTICIPANTS = (40, *range(60, 68))
PARLIAMENT = "Parliament (Altiero Spinelli)"


def seed(target: str, token: str) -> None:
    with grpc.insecure_channel(target) as channel:
        seed_on(channel, token)


def seed_on(channel: grpc.Channel, token: str, wait_seconds: float = PROFILES_WAIT_SECONDS) -> None:
    Demo(MatchingServiceStub(channel), (("authorization", f"Bearer {token}"),)).run(wait_seconds)


def person(subject: str) -> Metadata:
    """A development token of ``subject`` (development mode only)."""
    minted = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, ["member"], 3600)
    return (("authorization", f"Bearer {minted}"),)


def member(number: int) -> Metadata:
    return person(f"demo-member-{number:02d}")


KNOWLEDGE = pb.REQUEST_KIND_KNOWLEDGE_EXCHANGE
REQUESTS = [
    (1, pb.Request(
        kind=KNOWLEDGE, title="Mentoring migrants into their first job",
        description="Our programme matches newcomers with employers; how do others train mentors?",
        topics=["migrant-integration", "mentor-training"], languages=["fr", "en"], country="BE",
        country_preference="cross",
    )),
    (2, pb.Request(
        kind=KNOWLEDGE, title="Evaluating a school mentoring programme",
        description="We want a pre/post evaluation design for mentoring in secondary schools.",
        topics=["evaluation"], languages=["nl", "en"], country="NL",
    )),
    (3, pb.Request(
        kind=KNOWLEDGE, title="Keeping volunteer mentors",
        description="Mentor recruitment and retention of volunteers after the first year.",
        topics=["mentor-recruitment"], languages=["de", "en"], country="DE",
    )),
    (4, pb.Request(
        kind=pb.REQUEST_KIND_PARTNER_SEARCH, title="ESF+ project: mentoring migrant women",
        description="A university seeks partners for a four-output project on mentoring migrants.",
        topics=["migrant-integration"], languages=["en"], country="BE",
        funding_call="ESF+ social innovation", outputs=[
            pb.Output(title="Mentor training curriculum", contributions=["co_creation"]),
            pb.Output(title="Matching toolkit", contributions=["information_exchange"]),
            pb.Output(title="Evaluation framework", contributions=["peer_review"]),
            pb.Output(title="Policy brief", contributions=["co_creation", "peer_review"]),
        ],
    )),
    (5, pb.Request(
        kind=pb.REQUEST_KIND_VISITING_PROFESSOR, title="Visiting professor on youth mentoring",
        description="A host university offers a semester for research on mentoring evaluation.",
        topics=["evaluation", "higher-education"], languages=["en"], country="PT",
        period_start="2027-02-01", period_end="2027-06-30", side="offering",
    )),
    (6, pb.Request(
        kind=pb.REQUEST_KIND_INTERNSHIP, title="Master's internship in digital mentoring",
        description="A master student seeks a host programme for a thesis on e-mentoring.",
        topics=["digital-mentoring"], languages=["en", "es"], country="ES", student_level="master",
        period_start="2027-03-01", period_end="2027-07-31",
    )),
    (7, pb.Request(
        kind=pb.REQUEST_KIND_PEER_REVIEW, title="Peer review of our safeguarding manual",
        description="Two reviewers wanted for a safeguarding manual for youth mentoring.",
        topics=["safeguarding"], languages=["en"], reviewed_item="Safeguarding manual v2",
    )),
]  # fmt: skip


class Demo:
    def __init__(self, stub: MatchingServiceStub, admin: Metadata) -> None:
        self.stub, self.admin = stub, admin

    def run(self, wait_seconds: float) -> None:
        for number, request in REQUESTS:
            made = pb.CreateRequestRequest(request=request, request_id=f"demo-{number}")
            self.stub.CreateRequest(made, metadata=member(number), timeout=10)
        self.weights()
        self.meet_and_match(wait_seconds)
        first = member(1)
        if self.stub.ListIntroductions(pb.ListIntroductionsRequest(), metadata=first).introductions:
            return  # seeded before
        if self.profiles_arrived(wait_seconds):
            self.round()

    def weights(self) -> None:
        name = "weights/knowledge_exchange"
        history = self.stub.ListWeightHistory(
            pb.ListWeightHistoryRequest(name=name), metadata=self.admin
        )
        if history.weights[0].note == "default":
            weights = pb.Weights(
                name=name, topics=3, text=2, languages=1.5, country=0.5, evidence=1,
                capacity=0.5, feedback=1, note="demo: languages count more",
            )  # fmt: skip
            self.stub.UpdateWeights(pb.UpdateWeightsRequest(weights=weights), metadata=self.admin)

    def profiles_arrived(self, wait_seconds: float) -> bool:
        """Whether registry's demo people reached matching (its worker relays them)."""
        parent = f"requests/{self.first_request()}"
        deadline = time.monotonic() + wait_seconds
        while True:
            found = self.stub.ListRecommendations(
                pb.ListRecommendationsRequest(parent=parent, page_size=1), metadata=member(1)
            )
            if found.recommendations or time.monotonic() >= deadline:
                return bool(found.recommendations)
            time.sleep(1.0)

    def first_request(self) -> str:
        mine = self.stub.ListRequests(pb.ListRequestsRequest(mine=True), metadata=member(1))
        name: str = mine.requests[0].name
        return name.removeprefix("requests/")

    def round(self) -> None:
        """A published round, then introductions in every state."""
        made = self.stub.CreateRound(pb.CreateRoundRequest(kind=KNOWLEDGE), metadata=self.admin)
        self.stub.PublishRound(pb.PublishRoundRequest(name=made.name), metadata=self.admin)
        moves = [self.met, self.declined, self.half_accepted]
        for number, move in zip((1, 2, 3), moves, strict=True):
            mine = self.stub.ListIntroductions(
                pb.ListIntroductionsRequest(), metadata=member(number)
            ).introductions
            if mine:
                move(mine[0], member(number), person(mine[0].candidate))

    def met(self, intro: pb.Introduction, requester: Metadata, candidate: Metadata) -> None:
        accept = pb.AnswerIntroductionRequest(name=intro.name, accept=True)
        self.stub.AnswerIntroduction(accept, metadata=requester)
        self.stub.AnswerIntroduction(accept, metadata=candidate)
        self.stub.RecordMeeting(
            pb.RecordMeetingRequest(name=intro.name, held=True), metadata=requester
        )
        feedback = pb.GiveFeedbackRequest(
            name=intro.name, rating=5, outcome="useful", text="Very concrete advice."
        )
        self.stub.GiveFeedback(feedback, metadata=requester)

    def declined(self, intro: pb.Introduction, requester: Metadata, candidate: Metadata) -> None:
        decline = pb.AnswerIntroductionRequest(name=intro.name, accept=False, reason="no time")
        self.stub.AnswerIntroduction(decline, metadata=candidate)

    def half_accepted(
        self, intro: pb.Introduction, requester: Metadata, candidate: Metadata
    ) -> None:
        accept = pb.AnswerIntroductionRequest(name=intro.name, accept=True)
        self.stub.AnswerIntroduction(accept, metadata=requester)

    def meet_and_match(self, wait_seconds: float) -> None:
        """The events demo's Meet & Match with a published (and re-planned) schedule; once."""
        found = self.demo_meet_and_match(wait_seconds)
        if found is None or found.state == "published":
            return  # not there (events not seeded) or seeded before
        name = found.name
        start = found.start_time.ToDatetime()
        slots = [
            pb.Slot(start_time=_at(start + timedelta(minutes=30 * i)),
                    end_time=_at(start + timedelta(minutes=30 * i + 20)))
            for i in range(6)
        ]  # fmt: skip
        configure = pb.ConfigureMeetAndMatchRequest(
            name=name, slots=slots,
            tables=["Table 1", "Table 2", "Table 3", "Table 4", "ASP 5G305"],
            buildings=["Berlaymont"] * 4 + [PARLIAMENT],
            travel=[pb.Travel(here="Berlaymont", there=PARLIAMENT, minutes=15)],
        )  # fmt: skip
        self.stub.ConfigureMeetAndMatch(configure, metadata=self.admin)
        self.stub.SetAvailability(
            pb.SetAvailabilityRequest(name=name, unavailable_slots=[0]), metadata=member(63)
        )
        asked = {
            (a, b): self.ask(name, a, b)
            for a, b in [(60, 61), (61, 60), (62, 63), (64, 65), (66, 67), (60, 62), (63, 64),
                         (65, 66), (67, 40), (40, 61), (62, 67), (64, 60)]
        }  # fmt: skip
        for (a, b), meeting in asked.items():
            if (a, b) == (64, 60):
                continue  # left unanswered
            answer = pb.AnswerMeetingRequest(name=meeting.name, accept=(a, b) != (62, 67))
            self.stub.AnswerMeeting(answer, metadata=member(b))
        self.delegation(name)
        self.stub.ScheduleMeetAndMatch(
            pb.ScheduleMeetAndMatchRequest(name=name), metadata=self.admin
        )
        self.stub.PublishSchedule(pb.PublishScheduleRequest(name=name), metadata=self.admin)
        # after publishing: 66 cancels with 67, 63 and 66 agree to meet; version 2
        cancel = pb.CancelMeetingRequest(name=asked[66, 67].name)
        self.stub.CancelMeeting(cancel, metadata=member(66))
        added = self.ask(name, 63, 66)
        accept = pb.AnswerMeetingRequest(name=added.name, accept=True)
        self.stub.AnswerMeeting(accept, metadata=member(66))
        self.stub.ReplanSchedule(pb.ReplanScheduleRequest(name=name), metadata=self.admin)

    def demo_meet_and_match(self, wait_seconds: float) -> pb.MeetAndMatch | None:
        """The events demo's Meet & Match once all its participants reached matching."""
        deadline = time.monotonic() + wait_seconds
        while True:
            listed = self.stub.ListMeetAndMatches(
                pb.ListMeetAndMatchesRequest(), metadata=self.admin
            ).meet_and_matches
            found = next((m for m in listed if m.title == MEET_AND_MATCH), None)
            ready = found is not None and found.participants >= len(PARTICIPANTS)
            if ready or time.monotonic() >= deadline:
                return found if ready else None
            time.sleep(1.0)

    def ask(self, name: str, a: int, b: int) -> pb.Meeting:
        request = pb.RequestMeetingRequest(
            parent=name, recipient=f"people/demo-member-{b:02d}",
            message=f"Hello from demo member {a}: shall we compare our mentoring programmes?",
        )  # fmt: skip
        meeting: pb.Meeting = self.stub.RequestMeeting(request, metadata=member(a))
        return meeting

    def delegation(self, name: str) -> None:
        """A Belgian delegation (members 60-62) visits the two contacts matching suggests;
        the first receives in the afternoon only."""
        delegation = pb.Delegation(
            name=f"{name}/delegations/be", display_name="Belgian delegation", country="BE",
            topics=["labour-market-integration", "social-inclusion"], committees=["EMPL"],
            members=[f"people/demo-member-{n}" for n in (60, 61, 62)],
        )  # fmt: skip
        self.stub.DefineDelegation(
            pb.DefineDelegationRequest(delegation=delegation), metadata=self.admin
        )
        suggested = self.stub.SuggestContacts(
            pb.SuggestContactsRequest(delegation=delegation.name, page_size=2), metadata=self.admin
        ).suggestions
        for i, suggestion in enumerate(suggested):
            if i == 0:
                meet = self.stub.GetMeetAndMatch(
                    pb.GetMeetAndMatchRequest(name=name), metadata=self.admin
                )
                afternoon = pb.Slot(
                    start_time=meet.slots[3].start_time, end_time=meet.slots[-1].end_time
                )
                self.stub.SetContactWindows(
                    pb.SetContactWindowsRequest(
                        parent=name, contact=suggestion.contact, windows=[afternoon]
                    ),
                    metadata=self.admin,
                )
            book = pb.BookVisitRequest(delegation=delegation.name, contact=suggestion.contact)
            self.stub.BookVisit(book, metadata=self.admin)


def _at(when: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(when)
    return stamp
