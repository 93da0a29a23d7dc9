"""Demo events, loaded through the gRPC API (never into tables), for ``ecbm up --demo``.

A webinar series, the short course with online places, the summit with its timetable and
a moderated Meet & Match, with registrations in every state. Creates are idempotent on
their ``request_id`` and registering again returns the open registration, so seeding twice
changes nothing. Members act with development tokens of their own (demo people
``demo-member-NN``): registering is something only a person does for themself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import grpc

from ecbm.events.v1 import events_pb2 as pb
from ecbm.events.v1.events_pb2_grpc import EventsServiceStub
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

Metadata = tuple[tuple[str, str], ...]
ON_SITE, ONLINE = pb.PARTICIPATION_MODE_ON_SITE, pb.PARTICIPATION_MODE_ONLINE


def seed(target: str, token: str) -> None:
    with grpc.insecure_channel(target) as channel:
        seed_on(channel, token)


def seed_on(channel: grpc.Channel, token: str) -> None:
    Demo(EventsServiceStub(channel), (("authorization", f"Bearer {token}"),)).run()


def member(number: int) -> Metadata:
    """A development token of demo member ``number`` (development mode only)."""
    subject = f"demo-member-{number:02d}"
    minted = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, ["member"], 3600)
    return (("authorization", f"Bearer {minted}"),)


class Demo:
    def __init__(self, stub: EventsServiceStub, editor: Metadata) -> None:
        self.stub, self.editor = stub, editor
        monday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.base = monday + timedelta(days=14 - monday.weekday())

    def run(self) -> None:
        self.webinars()
        self.seminar()
        self.short_course()
        self.summit()
        self.meet_and_match()

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        """Local Brussels wall time ``hour`` on day ``days`` (winter or summer offset)."""
        from zoneinfo import ZoneInfo

        day = (self.base + timedelta(days=days)).date()
        return datetime(
            day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Brussels")
        )

    def session(
        self, title: str, room: str, day: int, start: tuple[int, int], end: tuple[int, int]
    ) -> pb.Session:
        """A session in ``room`` on day ``day``, streamed online too."""
        return pb.Session(
            title=title,
            room=room,
            online=True,
            start_time=self.at(day, *start).isoformat(),
            end_time=self.at(day, *end).isoformat(),
        )

    def create(self, key: str, event: pb.Event, sessions: Sequence[pb.Session] = ()) -> str:
        """The event, created and published; "" when an earlier seeding made it already."""
        event.sessions.extend(sessions)
        request = pb.CreateEventRequest(event=event, request_id=f"demo-{key}")
        made = self.stub.CreateEvent(request, metadata=self.editor, timeout=10)
        if made.state == pb.EVENT_STATE_PUBLISHED:
            return ""  # seeded before: its registrations are there too
        self.stub.PublishEvent(pb.PublishEventRequest(name=made.name), metadata=self.editor)
        return str(made.name)

    def register(
        self, event: str, number: int, mode: int = ON_SITE, role: str = ""
    ) -> pb.Registration:
        registration = pb.Registration(
            mode=mode, answers={"organisation": f"Demo organisation {number}"}, role=role
        )
        request = pb.RegisterForEventRequest(event=event, registration=registration)
        return self.stub.RegisterForEvent(request, metadata=member(number), timeout=10)

    def webinars(self) -> None:
        topics = ["Matching mentors and mentees", "Measuring outcomes", "Mentoring newcomers"]
        series = pb.Series(
            kind=pb.EVENT_KIND_WEBINAR, title="Mentoring Webinars", published=True,
            description="Monthly online talks on mentoring practice and its evidence.",
        )  # fmt: skip
        request = pb.CreateSeriesRequest(series=series, request_id="demo-webinar-series")
        series_name = self.stub.CreateSeries(request, metadata=self.editor, timeout=10).name
        for month, topic in enumerate(topics):
            start = self.at(28 * month, 14)
            name = self.create(
                f"webinar-{month}",
                pb.Event(
                    kind=pb.EVENT_KIND_WEBINAR, title=topic, series_name=series_name,
                    start_time=start.isoformat(), end_time=(start + timedelta(hours=1)).isoformat(),
                    online_places=200, stream_url="https://stream.example.org/ecbm",
                ),
            )  # fmt: skip
            for number in range(1, 6 if name else 1):
                self.register(name, number + month, ONLINE)

    def seminar(self) -> None:
        start = self.at(21, 13)
        name = self.create(
            "seminar",
            pb.Event(
                kind=pb.EVENT_KIND_SEMINAR, title="Mentoring and mental health",
                start_time=start.isoformat(), end_time=(start + timedelta(hours=3)).isoformat(),
                venue="Rue Royale 2, Brussels", on_site_places=25, online_places=50,
                stream_url="https://stream.example.org/seminar",
            ),
        )  # fmt: skip
        if not name:
            return
        for number in range(50, 54):
            self.register(name, number, ON_SITE if number % 2 else ONLINE)

    def short_course(self) -> None:
        start = self.at(35, 9)
        sessions = [
            self.session(f"Day {day + 1}: {theme}", "Room Jacqmotte", 35 + day, (9, 0), (17, 0))
            for day, theme in enumerate(["Evidence", "Programme design", "Evaluation"])
        ]
        name = self.create(
            "short-course",
            pb.Event(
                kind=pb.EVENT_KIND_SHORT_COURSE, title="Evidence-Based Mentoring Short Course",
                start_time=start.isoformat(), end_time=self.at(37, 17).isoformat(),
                venue="Rue Royale 2, Brussels", on_site_places=4, online_places=40,
                waiting_list=True, stream_url="https://stream.example.org/short-course",
            ),
            sessions,
        )  # fmt: skip
        if not name:
            return
        made = [self.register(name, number) for number in range(10, 17)]  # 4 places, 3 waiting
        for number in range(20, 25):
            self.register(name, number, ONLINE)
        first = made[0]
        if first.state == pb.REGISTRATION_STATE_CONFIRMED:  # frees a place: offered to made[4]
            self.stub.CancelRegistration(
                pb.CancelRegistrationRequest(name=first.name, reason="Cannot travel"),
                metadata=member(10),
            )

    def summit(self) -> None:
        start = self.at(63, 9)
        sessions = [
            self.session("Opening plenary", "Auditorium", 63, (9, 0), (10, 30)),
            self.session("Mentoring in schools", "Room A", 63, (11, 0), (12, 30)),
            self.session("Mentoring refugees", "Room B", 63, (11, 0), (12, 30)),
            self.session("Closing plenary", "Auditorium", 64, (15, 0), (16, 0)),
        ]
        name = self.create(
            "summit",
            pb.Event(
                kind=pb.EVENT_KIND_SUMMIT, title="European Mentoring Summit",
                description="Two days of research and practice. Call for contributions open.",
                start_time=start.isoformat(), end_time=self.at(64, 16).isoformat(),
                venue="The Square, Brussels", on_site_places=300, online_places=500,
                waiting_list=True,
            ),
            sessions,
        )  # fmt: skip
        if not name:
            return
        made = [self.register(name, number) for number in range(30, 36)]
        self.contributions(name)
        ticket = self.stub.IssueTicket(
            pb.IssueTicketRequest(name=made[0].name), metadata=member(30)
        )
        self.stub.CheckIn(
            pb.CheckInRequest(token=ticket.check_in_token, session_id="s1"), metadata=self.editor
        )
        certificate = pb.IssueCertificateRequest(name=made[0].name, holder_name="Demo Member 30")
        self.stub.IssueCertificate(certificate, metadata=member(30))
        slides = pb.Material(
            title="Opening plenary: slides", url="https://ecbm.example/summit/opening.pdf",
            kind=pb.MATERIAL_KIND_SLIDES, session_id="s1", file_name="opening.pdf",
            media_type="application/pdf", size_bytes=2_400_000,
        )  # fmt: skip
        request = pb.PublishMaterialRequest(parent=name, material=slides)
        self.stub.PublishMaterial(request, metadata=self.editor)
        if made[1].state == pb.REGISTRATION_STATE_CONFIRMED:
            self.stub.RecordNoShow(pb.RecordNoShowRequest(name=made[1].name), metadata=self.editor)

    def contributions(self, summit: str) -> None:
        """The summit's call for contributions: one accepted, one awaiting changes, one new."""
        made = []
        for number, title in (
            (37, "Mentoring young carers"),
            (38, "E-mentoring across borders"),
            (39, "What mentors learn"),
        ):
            proposal = pb.Contribution(title=title, abstract=f"A talk by demo member {number}.")
            request = pb.ProposeContributionRequest(parent=summit, contribution=proposal)
            made.append(self.stub.ProposeContribution(request, metadata=member(number)))
        slot = self.session("-", "Room A", 64, (9, 0), (10, 0))
        accept = pb.ReviewContributionRequest(
            name=made[0].name, decision=pb.REVIEW_DECISION_ACCEPT, session=slot, note="Welcome"
        )
        self.stub.ReviewContribution(accept, metadata=self.editor)
        changes = pb.ReviewContributionRequest(
            name=made[1].name, decision=pb.REVIEW_DECISION_REQUEST_CHANGES, note="Add evidence"
        )
        self.stub.ReviewContribution(changes, metadata=self.editor)

    def meet_and_match(self) -> None:
        start = self.at(91, 10)
        name = self.create(
            "meet-and-match",
            pb.Event(
                kind=pb.EVENT_KIND_MEET_AND_MATCH, title="Meet & Match Brussels",
                start_time=start.isoformat(), end_time=self.at(91, 17).isoformat(),
                venue="Berlaymont area, Brussels", on_site_places=60, moderated=True,
                quotas=[pb.Quota(name="EU staff", places=20, roles=["eu_staff"])],
            ),
        )  # fmt: skip
        if not name:
            return
        roles = ("eu_staff", "practitioner")
        made = [self.register(name, n, role=roles[n % 2]) for n in range(40, 44)]
        if made[0].state == pb.REGISTRATION_STATE_PENDING:
            self.stub.ApproveRegistration(
                pb.ApproveRegistrationRequest(name=made[0].name), metadata=self.editor
            )
        if made[1].state == pb.REGISTRATION_STATE_PENDING:
            decline = pb.DeclineRegistrationRequest(
                name=made[1].name, reason="Places are for EU staff first"
            )
            self.stub.DeclineRegistration(decline, metadata=self.editor)
        for n in range(60, 68):  # practitioners matching's demo schedules meetings for
            joined = self.register(name, n, role="practitioner")
            if joined.state == pb.REGISTRATION_STATE_PENDING:
                approve = pb.ApproveRegistrationRequest(name=joined.name)
                self.stub.ApproveRegistration(approve, metadata=self.editor)
