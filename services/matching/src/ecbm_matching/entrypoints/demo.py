"""Demo matching data, loaded through the gRPC API (never into tables), for ``ecbm up --demo``.

Open requests of every kind by demo members (``demo-member-NN``, development tokens of their
own), admin weights for knowledge exchange, and, once registry's demo people have reached
matching through its worker, a published round with introductions in every state. Creates
are idempotent on their ``request_id`` and the round is made once (when the first demo
member has no introduction yet), so seeding twice changes nothing.

Not seeded: the Meet & Match (its event and participants come from the events service's demo
after this seed runs; organisers configure and schedule it through the API).
"""

from __future__ import annotations

import time

import grpc

from ecbm.matching.v1 import matching_pb2 as pb
from ecbm.matching.v1.matching_pb2_grpc import MatchingServiceStub
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

Metadata = tuple[tuple[str, str], ...]
# How long the seed waits for registry's demo people to reach matching.
PROFILES_WAIT_SECONDS = 30.0


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
