"""Commands and queries of matching's requests and recommendations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from ecbm_matching.domain.request import Details, RequestKind, Side
from ecbm_matching.domain.thread import MAX_MESSAGE
from ecbm_runtime.actor import Actor

EntityId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
TopicId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
Country = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2})?$")]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RequestTerms(_Message):
    title: Title
    description: str = Field(default="", max_length=5000)
    topics: tuple[TopicId, ...] = Field(default=(), max_length=20)
    languages: tuple[Language, ...] = Field(default=(), max_length=10)
    country: Country = ""
    country_preference: Literal["any", "near", "cross"] = "any"
    exclude_same_organisation: bool = False
    details: Details = Details()
    deadline: AwareDatetime | None = None


class OpenRequest(_Message):
    actor: Actor
    kind: RequestKind
    side: Side = Side.SEEKING
    organisation_id: str = Field(default="", max_length=64)
    terms: RequestTerms
    request_id: str = Field(default="", max_length=64)


class RequestCommand(_Message):
    actor: Actor
    id: EntityId


class EditRequest(RequestCommand):
    terms: RequestTerms


class ChangeState(RequestCommand):
    action: Literal["pause", "resume", "close"]
    reason: str = Field(default="", max_length=2000)


class GetRequest(RequestCommand):
    pass


class BrowseRequests(_Message):
    actor: Actor
    kind: RequestKind | None = None
    topic: str = Field(default="", max_length=64)
    country: Country = ""
    deadline_before: datetime | None = None
    text: str = Field(default="", max_length=200)
    mine: bool = False
    page_size: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class Recommend(RequestCommand):
    limit: int = Field(default=20, ge=1, le=100)


class MarkCandidate(RequestCommand):
    candidate_id: EntityId
    mark: Literal["favourite", "dismissed", ""]


class FactorWeights(_Message):
    topics: float = Field(ge=0, le=100)
    text: float = Field(ge=0, le=100)
    languages: float = Field(ge=0, le=100)
    country: float = Field(ge=0, le=100)
    evidence: float = Field(ge=0, le=100)
    capacity: float = Field(ge=0, le=100)
    feedback: float = Field(ge=0, le=100)


class SetWeights(_Message):
    actor: Actor
    kind: RequestKind
    weights: FactorWeights
    note: str = Field(default="", max_length=2000)


class WeightHistory(_Message):
    actor: Actor
    kind: RequestKind


class ExpireRequests(_Message):
    """Timer: requests past their deadline expire."""

    limit: int = 200


class ProposeRound(_Message):
    """Admins: the whole-pool assignment of every open request of ``kind``."""

    actor: Actor
    kind: RequestKind


class PublishRound(_Message):
    actor: Actor
    id: EntityId


class GetRound(_Message):
    actor: Actor
    id: EntityId


class IntroductionCommand(_Message):
    actor: Actor
    id: EntityId


class RespondToIntroduction(IntroductionCommand):
    accept: bool
    reason: str = Field(default="", max_length=2000)


class RecordMeeting(IntroductionCommand):
    held: bool


class GiveFeedback(IntroductionCommand):
    rating: int = Field(ge=1, le=5)
    outcome: Literal["useful", "somewhat", "not_useful"]
    text: str = Field(default="", max_length=5000)


class GetIntroduction(IntroductionCommand):
    pass


class ListMyIntroductions(_Message):
    actor: Actor


class SendMessage(_Message):
    """To a person (``to_person``), to the owner of a request (``about_request``) or to a
    programme's contacts (``to_programme``); into ``thread_id`` to reply."""

    actor: Actor
    to_person: str = Field(default="", max_length=64)
    to_programme: str = Field(default="", max_length=64)
    about_request: str = Field(default="", max_length=64)
    thread_id: str = Field(default="", max_length=64)
    subject: str = Field(default="", max_length=200)
    body: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE)
    ]


class GetThread(_Message):
    actor: Actor
    id: EntityId


class ListThreads(_Message):
    actor: Actor


class BlockSender(_Message):
    actor: Actor
    sender_id: EntityId
    blocked: bool = True


class SlotInput(_Message):
    starts_at: AwareDatetime
    ends_at: AwareDatetime


Building = Annotated[str, StringConstraints(max_length=100)]


class TravelInput(_Message):
    here: Building
    there: Building
    minutes: float = Field(ge=0, le=240)


class ConfigureMeetAndMatch(_Message):
    """Organisers: the time slots and the tables (or online rooms), optionally each table's
    building and the walking minutes between buildings."""

    actor: Actor
    event_id: EntityId
    # None given: the current ones (the events service's timetable), if any.
    slots: tuple[SlotInput, ...] = Field(default=(), max_length=48)
    tables: tuple[Annotated[str, StringConstraints(min_length=1, max_length=100)], ...] = Field(
        min_length=1, max_length=500
    )
    buildings: tuple[Building, ...] = Field(default=(), max_length=500)
    travel: tuple[TravelInput, ...] = Field(default=(), max_length=200)


class SetAvailability(_Message):
    actor: Actor
    event_id: EntityId
    unavailable: tuple[int, ...] = Field(default=(), max_length=48)


class RequestMeeting(_Message):
    actor: Actor
    event_id: EntityId
    to_person: EntityId
    message: str = Field(default="", max_length=1000)


class AnswerMeeting(_Message):
    actor: Actor
    event_id: EntityId
    meeting_id: EntityId
    accept: bool


class ScheduleMeetAndMatch(_Message):
    actor: Actor
    event_id: EntityId
    seconds: float = Field(default=4.0, gt=0, le=30)


class PublishSchedule(_Message):
    actor: Actor
    event_id: EntityId


class ReplanSchedule(_Message):
    """Organisers: re-plan a published schedule after changes, withdrawing slots or tables."""

    actor: Actor
    event_id: EntityId
    withdrawn_slots: tuple[int, ...] = Field(default=(), max_length=48)
    withdrawn_tables: tuple[int, ...] = Field(default=(), max_length=500)
    seconds: float = Field(default=4.0, gt=0, le=30)


class CancelMeeting(_Message):
    """Either side of a meeting (organisers for a delegation's visit)."""

    actor: Actor
    event_id: EntityId
    meeting_id: EntityId


class DefineDelegation(_Message):
    """Organisers: a national delegation (registered participants) and its topics."""

    actor: Actor
    event_id: EntityId
    delegation_id: EntityId
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    topics: tuple[Annotated[str, StringConstraints(min_length=1, max_length=64)], ...] = Field(
        default=(), max_length=20
    )
    # Parliament committees or Commission directorates-general handling them, e.g. EMPL.
    committees: tuple[Annotated[str, StringConstraints(min_length=1, max_length=200)], ...] = Field(
        default=(), max_length=10
    )
    members: tuple[EntityId, ...] = Field(min_length=1, max_length=30)


class SetContactWindows(_Message):
    """Organisers: when a policy contact receives visits (none given: any slot)."""

    actor: Actor
    event_id: EntityId
    contact_id: EntityId
    windows: tuple[SlotInput, ...] = Field(default=(), max_length=20)


class BookVisit(_Message):
    """Organisers: a delegation visits a policy contact (agreed with the contact's office)."""

    actor: Actor
    event_id: EntityId
    delegation_id: EntityId
    contact_id: EntityId


class ListMeetAndMatches(_Message):
    actor: Actor


class ListDelegations(_Message):
    """A Meet & Match's delegations: organisers all, a participant their own."""

    actor: Actor
    event_id: EntityId
    country: Country = ""
    page_size: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class SuggestContacts(_Message):
    """Which policy contacts a delegation should ask for: its members and organisers."""

    actor: Actor
    event_id: EntityId
    delegation_id: EntityId
    limit: int = Field(default=10, ge=1, le=50)


class GetAgenda(_Message):
    """The caller's meetings with their slots and tables, and an iCalendar of them."""

    actor: Actor
    event_id: EntityId


class GetMeetAndMatch(_Message):
    actor: Actor
    event_id: EntityId


class GetMeeting(_Message):
    """Its two people and organisers."""

    actor: Actor
    event_id: EntityId
    meeting_id: EntityId


class DeclareConflict(_Message):
    """A conflict of interest with a person or organisation's programme (``other_id``)."""

    actor: Actor
    other_id: EntityId
    declared: bool = True
