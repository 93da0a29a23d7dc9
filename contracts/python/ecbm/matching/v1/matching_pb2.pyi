import datetime

from ecbm.access.v1 import access_pb2 as _access_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RequestKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REQUEST_KIND_UNSPECIFIED: _ClassVar[RequestKind]
    REQUEST_KIND_KNOWLEDGE_EXCHANGE: _ClassVar[RequestKind]
    REQUEST_KIND_PARTNER_SEARCH: _ClassVar[RequestKind]
    REQUEST_KIND_VISITING_PROFESSOR: _ClassVar[RequestKind]
    REQUEST_KIND_INTERNSHIP: _ClassVar[RequestKind]
    REQUEST_KIND_PEER_REVIEW: _ClassVar[RequestKind]

class RequestState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REQUEST_STATE_UNSPECIFIED: _ClassVar[RequestState]
    REQUEST_STATE_OPEN: _ClassVar[RequestState]
    REQUEST_STATE_PAUSED: _ClassVar[RequestState]
    REQUEST_STATE_MATCHED: _ClassVar[RequestState]
    REQUEST_STATE_CLOSED: _ClassVar[RequestState]
    REQUEST_STATE_EXPIRED: _ClassVar[RequestState]
REQUEST_KIND_UNSPECIFIED: RequestKind
REQUEST_KIND_KNOWLEDGE_EXCHANGE: RequestKind
REQUEST_KIND_PARTNER_SEARCH: RequestKind
REQUEST_KIND_VISITING_PROFESSOR: RequestKind
REQUEST_KIND_INTERNSHIP: RequestKind
REQUEST_KIND_PEER_REVIEW: RequestKind
REQUEST_STATE_UNSPECIFIED: RequestState
REQUEST_STATE_OPEN: RequestState
REQUEST_STATE_PAUSED: RequestState
REQUEST_STATE_MATCHED: RequestState
REQUEST_STATE_CLOSED: RequestState
REQUEST_STATE_EXPIRED: RequestState

class Output(_message.Message):
    __slots__ = ("title", "contributions")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    title: str
    contributions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, title: _Optional[str] = ..., contributions: _Optional[_Iterable[str]] = ...) -> None: ...

class Request(_message.Message):
    __slots__ = ("name", "kind", "side", "state", "title", "description", "topics", "languages", "country", "country_preference", "exclude_same_organisation", "organisation", "owner", "outputs", "funding_call", "period_start", "period_end", "student_level", "reviewed_item", "capacity", "deadline", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_PREFERENCE_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_SAME_ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    FUNDING_CALL_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    STUDENT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_ITEM_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: RequestKind
    side: str
    state: RequestState
    title: str
    description: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    languages: _containers.RepeatedScalarFieldContainer[str]
    country: str
    country_preference: str
    exclude_same_organisation: bool
    organisation: str
    owner: str
    outputs: _containers.RepeatedCompositeFieldContainer[Output]
    funding_call: str
    period_start: str
    period_end: str
    student_level: str
    reviewed_item: str
    capacity: int
    deadline: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[RequestKind, str]] = ..., side: _Optional[str] = ..., state: _Optional[_Union[RequestState, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., languages: _Optional[_Iterable[str]] = ..., country: _Optional[str] = ..., country_preference: _Optional[str] = ..., exclude_same_organisation: _Optional[bool] = ..., organisation: _Optional[str] = ..., owner: _Optional[str] = ..., outputs: _Optional[_Iterable[_Union[Output, _Mapping]]] = ..., funding_call: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., student_level: _Optional[str] = ..., reviewed_item: _Optional[str] = ..., capacity: _Optional[int] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateRequestRequest(_message.Message):
    __slots__ = ("request", "request_id")
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request: Request
    request_id: str
    def __init__(self, request: _Optional[_Union[Request, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetRequestRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListRequestsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "topic", "country", "deadline_before", "text", "mine")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_BEFORE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MINE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: RequestKind
    topic: str
    country: str
    deadline_before: _timestamp_pb2.Timestamp
    text: str
    mine: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[RequestKind, str]] = ..., topic: _Optional[str] = ..., country: _Optional[str] = ..., deadline_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., text: _Optional[str] = ..., mine: _Optional[bool] = ...) -> None: ...

class FacetCount(_message.Message):
    __slots__ = ("value", "count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    value: str
    count: int
    def __init__(self, value: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class Facet(_message.Message):
    __slots__ = ("field", "counts")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    field: str
    counts: _containers.RepeatedCompositeFieldContainer[FacetCount]
    def __init__(self, field: _Optional[str] = ..., counts: _Optional[_Iterable[_Union[FacetCount, _Mapping]]] = ...) -> None: ...

class ListRequestsResponse(_message.Message):
    __slots__ = ("requests", "next_page_token", "total_size", "facets")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    FACETS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[Request]
    next_page_token: str
    total_size: int
    facets: _containers.RepeatedCompositeFieldContainer[Facet]
    def __init__(self, requests: _Optional[_Iterable[_Union[Request, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., facets: _Optional[_Iterable[_Union[Facet, _Mapping]]] = ...) -> None: ...

class UpdateRequestRequest(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: Request
    def __init__(self, request: _Optional[_Union[Request, _Mapping]] = ...) -> None: ...

class ChangeRequestStateRequest(_message.Message):
    __slots__ = ("name", "action", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    action: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., action: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class Recommendation(_message.Message):
    __slots__ = ("candidate", "score", "factors", "explanation")
    class FactorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    FACTORS_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    candidate: str
    score: float
    factors: _containers.ScalarMap[str, float]
    explanation: str
    def __init__(self, candidate: _Optional[str] = ..., score: _Optional[float] = ..., factors: _Optional[_Mapping[str, float]] = ..., explanation: _Optional[str] = ...) -> None: ...

class ListRecommendationsRequest(_message.Message):
    __slots__ = ("parent", "page_size")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListRecommendationsResponse(_message.Message):
    __slots__ = ("recommendations",)
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    recommendations: _containers.RepeatedCompositeFieldContainer[Recommendation]
    def __init__(self, recommendations: _Optional[_Iterable[_Union[Recommendation, _Mapping]]] = ...) -> None: ...

class MarkCandidateRequest(_message.Message):
    __slots__ = ("parent", "candidate", "mark")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    MARK_FIELD_NUMBER: _ClassVar[int]
    parent: str
    candidate: str
    mark: str
    def __init__(self, parent: _Optional[str] = ..., candidate: _Optional[str] = ..., mark: _Optional[str] = ...) -> None: ...

class MarkCandidateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Weights(_message.Message):
    __slots__ = ("name", "topics", "text", "languages", "country", "evidence", "capacity", "feedback", "note", "set_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    SET_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    topics: float
    text: float
    languages: float
    country: float
    evidence: float
    capacity: float
    feedback: float
    note: str
    set_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., topics: _Optional[float] = ..., text: _Optional[float] = ..., languages: _Optional[float] = ..., country: _Optional[float] = ..., evidence: _Optional[float] = ..., capacity: _Optional[float] = ..., feedback: _Optional[float] = ..., note: _Optional[str] = ..., set_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UpdateWeightsRequest(_message.Message):
    __slots__ = ("weights",)
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    weights: Weights
    def __init__(self, weights: _Optional[_Union[Weights, _Mapping]] = ...) -> None: ...

class ListWeightHistoryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListWeightHistoryResponse(_message.Message):
    __slots__ = ("weights",)
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    weights: _containers.RepeatedCompositeFieldContainer[Weights]
    def __init__(self, weights: _Optional[_Iterable[_Union[Weights, _Mapping]]] = ...) -> None: ...

class Pair(_message.Message):
    __slots__ = ("request", "requester", "candidate", "score", "explanation")
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    request: str
    requester: str
    candidate: str
    score: float
    explanation: str
    def __init__(self, request: _Optional[str] = ..., requester: _Optional[str] = ..., candidate: _Optional[str] = ..., score: _Optional[float] = ..., explanation: _Optional[str] = ...) -> None: ...

class Round(_message.Message):
    __slots__ = ("name", "kind", "state", "pairs", "assign_total", "greedy_total", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_TOTAL_FIELD_NUMBER: _ClassVar[int]
    GREEDY_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: RequestKind
    state: str
    pairs: _containers.RepeatedCompositeFieldContainer[Pair]
    assign_total: float
    greedy_total: float
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[RequestKind, str]] = ..., state: _Optional[str] = ..., pairs: _Optional[_Iterable[_Union[Pair, _Mapping]]] = ..., assign_total: _Optional[float] = ..., greedy_total: _Optional[float] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateRoundRequest(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: RequestKind
    def __init__(self, kind: _Optional[_Union[RequestKind, str]] = ...) -> None: ...

class GetRoundRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PublishRoundRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Introduction(_message.Message):
    __slots__ = ("name", "round", "request", "request_title", "requester", "candidate", "score", "explanation", "state", "accepted_by", "requester_rating", "candidate_rating", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TITLE_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_RATING_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_RATING_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    round: str
    request: str
    request_title: str
    requester: str
    candidate: str
    score: float
    explanation: str
    state: str
    accepted_by: _containers.RepeatedScalarFieldContainer[str]
    requester_rating: int
    candidate_rating: int
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., round: _Optional[str] = ..., request: _Optional[str] = ..., request_title: _Optional[str] = ..., requester: _Optional[str] = ..., candidate: _Optional[str] = ..., score: _Optional[float] = ..., explanation: _Optional[str] = ..., state: _Optional[str] = ..., accepted_by: _Optional[_Iterable[str]] = ..., requester_rating: _Optional[int] = ..., candidate_rating: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListIntroductionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListIntroductionsResponse(_message.Message):
    __slots__ = ("introductions",)
    INTRODUCTIONS_FIELD_NUMBER: _ClassVar[int]
    introductions: _containers.RepeatedCompositeFieldContainer[Introduction]
    def __init__(self, introductions: _Optional[_Iterable[_Union[Introduction, _Mapping]]] = ...) -> None: ...

class AnswerIntroductionRequest(_message.Message):
    __slots__ = ("name", "accept", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    accept: bool
    reason: str
    def __init__(self, name: _Optional[str] = ..., accept: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class RecordMeetingRequest(_message.Message):
    __slots__ = ("name", "held")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HELD_FIELD_NUMBER: _ClassVar[int]
    name: str
    held: bool
    def __init__(self, name: _Optional[str] = ..., held: _Optional[bool] = ...) -> None: ...

class GiveFeedbackRequest(_message.Message):
    __slots__ = ("name", "rating", "outcome", "text")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    name: str
    rating: int
    outcome: str
    text: str
    def __init__(self, name: _Optional[str] = ..., rating: _Optional[int] = ..., outcome: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class ThreadMessage(_message.Message):
    __slots__ = ("author", "body", "send_time")
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    author: str
    body: str
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, author: _Optional[str] = ..., body: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Thread(_message.Message):
    __slots__ = ("name", "subject", "starter", "recipient", "request", "messages", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    STARTER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    subject: str
    starter: str
    recipient: str
    request: str
    messages: _containers.RepeatedCompositeFieldContainer[ThreadMessage]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., subject: _Optional[str] = ..., starter: _Optional[str] = ..., recipient: _Optional[str] = ..., request: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ThreadMessage, _Mapping]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("to", "thread", "subject", "body")
    TO_FIELD_NUMBER: _ClassVar[int]
    THREAD_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    to: str
    thread: str
    subject: str
    body: str
    def __init__(self, to: _Optional[str] = ..., thread: _Optional[str] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class ListThreadsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListThreadsResponse(_message.Message):
    __slots__ = ("threads",)
    THREADS_FIELD_NUMBER: _ClassVar[int]
    threads: _containers.RepeatedCompositeFieldContainer[Thread]
    def __init__(self, threads: _Optional[_Iterable[_Union[Thread, _Mapping]]] = ...) -> None: ...

class GetThreadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class BlockSenderRequest(_message.Message):
    __slots__ = ("sender", "blocked")
    SENDER_FIELD_NUMBER: _ClassVar[int]
    BLOCKED_FIELD_NUMBER: _ClassVar[int]
    sender: str
    blocked: bool
    def __init__(self, sender: _Optional[str] = ..., blocked: _Optional[bool] = ...) -> None: ...

class BlockSenderResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Slot(_message.Message):
    __slots__ = ("start_time", "end_time")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MeetAndMatch(_message.Message):
    __slots__ = ("name", "title", "slots", "tables", "state", "placed", "bound", "buildings", "travel", "version", "withdrawn_slots", "withdrawn_tables", "participants", "start_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PLACED_FIELD_NUMBER: _ClassVar[int]
    BOUND_FIELD_NUMBER: _ClassVar[int]
    BUILDINGS_FIELD_NUMBER: _ClassVar[int]
    TRAVEL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_SLOTS_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_TABLES_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    slots: _containers.RepeatedCompositeFieldContainer[Slot]
    tables: _containers.RepeatedScalarFieldContainer[str]
    state: str
    placed: int
    bound: float
    buildings: _containers.RepeatedScalarFieldContainer[str]
    travel: _containers.RepeatedCompositeFieldContainer[Travel]
    version: int
    withdrawn_slots: _containers.RepeatedScalarFieldContainer[int]
    withdrawn_tables: _containers.RepeatedScalarFieldContainer[int]
    participants: int
    start_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., slots: _Optional[_Iterable[_Union[Slot, _Mapping]]] = ..., tables: _Optional[_Iterable[str]] = ..., state: _Optional[str] = ..., placed: _Optional[int] = ..., bound: _Optional[float] = ..., buildings: _Optional[_Iterable[str]] = ..., travel: _Optional[_Iterable[_Union[Travel, _Mapping]]] = ..., version: _Optional[int] = ..., withdrawn_slots: _Optional[_Iterable[int]] = ..., withdrawn_tables: _Optional[_Iterable[int]] = ..., participants: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ConfigureMeetAndMatchRequest(_message.Message):
    __slots__ = ("name", "slots", "tables", "buildings", "travel")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    BUILDINGS_FIELD_NUMBER: _ClassVar[int]
    TRAVEL_FIELD_NUMBER: _ClassVar[int]
    name: str
    slots: _containers.RepeatedCompositeFieldContainer[Slot]
    tables: _containers.RepeatedScalarFieldContainer[str]
    buildings: _containers.RepeatedScalarFieldContainer[str]
    travel: _containers.RepeatedCompositeFieldContainer[Travel]
    def __init__(self, name: _Optional[str] = ..., slots: _Optional[_Iterable[_Union[Slot, _Mapping]]] = ..., tables: _Optional[_Iterable[str]] = ..., buildings: _Optional[_Iterable[str]] = ..., travel: _Optional[_Iterable[_Union[Travel, _Mapping]]] = ...) -> None: ...

class GetMeetAndMatchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SetAvailabilityRequest(_message.Message):
    __slots__ = ("name", "unavailable_slots")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_SLOTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    unavailable_slots: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, name: _Optional[str] = ..., unavailable_slots: _Optional[_Iterable[int]] = ...) -> None: ...

class Meeting(_message.Message):
    __slots__ = ("name", "requester", "recipient", "message", "state", "slot", "table", "visit")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    VISIT_FIELD_NUMBER: _ClassVar[int]
    name: str
    requester: str
    recipient: str
    message: str
    state: str
    slot: int
    table: str
    visit: bool
    def __init__(self, name: _Optional[str] = ..., requester: _Optional[str] = ..., recipient: _Optional[str] = ..., message: _Optional[str] = ..., state: _Optional[str] = ..., slot: _Optional[int] = ..., table: _Optional[str] = ..., visit: _Optional[bool] = ...) -> None: ...

class RequestMeetingRequest(_message.Message):
    __slots__ = ("parent", "recipient", "message")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    recipient: str
    message: str
    def __init__(self, parent: _Optional[str] = ..., recipient: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class AnswerMeetingRequest(_message.Message):
    __slots__ = ("name", "accept")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_FIELD_NUMBER: _ClassVar[int]
    name: str
    accept: bool
    def __init__(self, name: _Optional[str] = ..., accept: _Optional[bool] = ...) -> None: ...

class ScheduleMeetAndMatchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PublishScheduleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAgendaRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Agenda(_message.Message):
    __slots__ = ("meetings", "icalendar")
    MEETINGS_FIELD_NUMBER: _ClassVar[int]
    ICALENDAR_FIELD_NUMBER: _ClassVar[int]
    meetings: _containers.RepeatedCompositeFieldContainer[Meeting]
    icalendar: str
    def __init__(self, meetings: _Optional[_Iterable[_Union[Meeting, _Mapping]]] = ..., icalendar: _Optional[str] = ...) -> None: ...

class DeclareConflictRequest(_message.Message):
    __slots__ = ("other", "declared")
    OTHER_FIELD_NUMBER: _ClassVar[int]
    DECLARED_FIELD_NUMBER: _ClassVar[int]
    other: str
    declared: bool
    def __init__(self, other: _Optional[str] = ..., declared: _Optional[bool] = ...) -> None: ...

class DeclareConflictResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Travel(_message.Message):
    __slots__ = ("here", "there", "minutes")
    HERE_FIELD_NUMBER: _ClassVar[int]
    THERE_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    here: str
    there: str
    minutes: float
    def __init__(self, here: _Optional[str] = ..., there: _Optional[str] = ..., minutes: _Optional[float] = ...) -> None: ...

class ReplanScheduleRequest(_message.Message):
    __slots__ = ("name", "withdrawn_slots", "withdrawn_tables")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_SLOTS_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_TABLES_FIELD_NUMBER: _ClassVar[int]
    name: str
    withdrawn_slots: _containers.RepeatedScalarFieldContainer[int]
    withdrawn_tables: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, name: _Optional[str] = ..., withdrawn_slots: _Optional[_Iterable[int]] = ..., withdrawn_tables: _Optional[_Iterable[int]] = ...) -> None: ...

class ReplanScheduleResponse(_message.Message):
    __slots__ = ("meet_and_match", "kept", "moved", "added", "dropped", "told")
    MEET_AND_MATCH_FIELD_NUMBER: _ClassVar[int]
    KEPT_FIELD_NUMBER: _ClassVar[int]
    MOVED_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    TOLD_FIELD_NUMBER: _ClassVar[int]
    meet_and_match: MeetAndMatch
    kept: int
    moved: int
    added: int
    dropped: int
    told: int
    def __init__(self, meet_and_match: _Optional[_Union[MeetAndMatch, _Mapping]] = ..., kept: _Optional[int] = ..., moved: _Optional[int] = ..., added: _Optional[int] = ..., dropped: _Optional[int] = ..., told: _Optional[int] = ...) -> None: ...

class CancelMeetingRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Delegation(_message.Message):
    __slots__ = ("name", "display_name", "country", "topics", "committees", "members")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    COMMITTEES_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    country: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    committees: _containers.RepeatedScalarFieldContainer[str]
    members: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., country: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., committees: _Optional[_Iterable[str]] = ..., members: _Optional[_Iterable[str]] = ...) -> None: ...

class DefineDelegationRequest(_message.Message):
    __slots__ = ("delegation",)
    DELEGATION_FIELD_NUMBER: _ClassVar[int]
    delegation: Delegation
    def __init__(self, delegation: _Optional[_Union[Delegation, _Mapping]] = ...) -> None: ...

class ListDelegationsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "country")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    country: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., country: _Optional[str] = ...) -> None: ...

class ListDelegationsResponse(_message.Message):
    __slots__ = ("delegations", "next_page_token", "total_size")
    DELEGATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    delegations: _containers.RepeatedCompositeFieldContainer[Delegation]
    next_page_token: str
    total_size: int
    def __init__(self, delegations: _Optional[_Iterable[_Union[Delegation, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class SetContactWindowsRequest(_message.Message):
    __slots__ = ("parent", "contact", "windows")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    parent: str
    contact: str
    windows: _containers.RepeatedCompositeFieldContainer[Slot]
    def __init__(self, parent: _Optional[str] = ..., contact: _Optional[str] = ..., windows: _Optional[_Iterable[_Union[Slot, _Mapping]]] = ...) -> None: ...

class SetContactWindowsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BookVisitRequest(_message.Message):
    __slots__ = ("delegation", "contact")
    DELEGATION_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    delegation: str
    contact: str
    def __init__(self, delegation: _Optional[str] = ..., contact: _Optional[str] = ...) -> None: ...

class ListMeetAndMatchesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMeetAndMatchesResponse(_message.Message):
    __slots__ = ("meet_and_matches",)
    MEET_AND_MATCHES_FIELD_NUMBER: _ClassVar[int]
    meet_and_matches: _containers.RepeatedCompositeFieldContainer[MeetAndMatch]
    def __init__(self, meet_and_matches: _Optional[_Iterable[_Union[MeetAndMatch, _Mapping]]] = ...) -> None: ...

class SuggestContactsRequest(_message.Message):
    __slots__ = ("delegation", "page_size")
    DELEGATION_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    delegation: str
    page_size: int
    def __init__(self, delegation: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ContactSuggestion(_message.Message):
    __slots__ = ("contact", "score", "explanation")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    contact: str
    score: float
    explanation: str
    def __init__(self, contact: _Optional[str] = ..., score: _Optional[float] = ..., explanation: _Optional[str] = ...) -> None: ...

class SuggestContactsResponse(_message.Message):
    __slots__ = ("suggestions",)
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[ContactSuggestion]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[ContactSuggestion, _Mapping]]] = ...) -> None: ...
