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

class MaterialKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATERIAL_KIND_UNSPECIFIED: _ClassVar[MaterialKind]
    MATERIAL_KIND_RECORDING: _ClassVar[MaterialKind]
    MATERIAL_KIND_SLIDES: _ClassVar[MaterialKind]
    MATERIAL_KIND_DOCUMENT: _ClassVar[MaterialKind]
    MATERIAL_KIND_LINK: _ClassVar[MaterialKind]

class EventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_KIND_UNSPECIFIED: _ClassVar[EventKind]
    EVENT_KIND_WEBINAR: _ClassVar[EventKind]
    EVENT_KIND_SEMINAR: _ClassVar[EventKind]
    EVENT_KIND_SHORT_COURSE: _ClassVar[EventKind]
    EVENT_KIND_SUMMIT: _ClassVar[EventKind]
    EVENT_KIND_MEET_AND_MATCH: _ClassVar[EventKind]

class EventState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_STATE_UNSPECIFIED: _ClassVar[EventState]
    EVENT_STATE_DRAFT: _ClassVar[EventState]
    EVENT_STATE_PUBLISHED: _ClassVar[EventState]

class ParticipationMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PARTICIPATION_MODE_UNSPECIFIED: _ClassVar[ParticipationMode]
    PARTICIPATION_MODE_ON_SITE: _ClassVar[ParticipationMode]
    PARTICIPATION_MODE_ONLINE: _ClassVar[ParticipationMode]

class RegistrationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGISTRATION_STATE_UNSPECIFIED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_PENDING: _ClassVar[RegistrationState]
    REGISTRATION_STATE_CONFIRMED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_WAITLISTED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_OFFERED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_CANCELLED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_DECLINED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_ATTENDED: _ClassVar[RegistrationState]
    REGISTRATION_STATE_NO_SHOW: _ClassVar[RegistrationState]

class ContributionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTRIBUTION_STATE_UNSPECIFIED: _ClassVar[ContributionState]
    CONTRIBUTION_STATE_PROPOSED: _ClassVar[ContributionState]
    CONTRIBUTION_STATE_CHANGES_REQUESTED: _ClassVar[ContributionState]
    CONTRIBUTION_STATE_ACCEPTED: _ClassVar[ContributionState]
    CONTRIBUTION_STATE_REJECTED: _ClassVar[ContributionState]

class ReviewDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_DECISION_UNSPECIFIED: _ClassVar[ReviewDecision]
    REVIEW_DECISION_ACCEPT: _ClassVar[ReviewDecision]
    REVIEW_DECISION_REJECT: _ClassVar[ReviewDecision]
    REVIEW_DECISION_REQUEST_CHANGES: _ClassVar[ReviewDecision]
MATERIAL_KIND_UNSPECIFIED: MaterialKind
MATERIAL_KIND_RECORDING: MaterialKind
MATERIAL_KIND_SLIDES: MaterialKind
MATERIAL_KIND_DOCUMENT: MaterialKind
MATERIAL_KIND_LINK: MaterialKind
EVENT_KIND_UNSPECIFIED: EventKind
EVENT_KIND_WEBINAR: EventKind
EVENT_KIND_SEMINAR: EventKind
EVENT_KIND_SHORT_COURSE: EventKind
EVENT_KIND_SUMMIT: EventKind
EVENT_KIND_MEET_AND_MATCH: EventKind
EVENT_STATE_UNSPECIFIED: EventState
EVENT_STATE_DRAFT: EventState
EVENT_STATE_PUBLISHED: EventState
PARTICIPATION_MODE_UNSPECIFIED: ParticipationMode
PARTICIPATION_MODE_ON_SITE: ParticipationMode
PARTICIPATION_MODE_ONLINE: ParticipationMode
REGISTRATION_STATE_UNSPECIFIED: RegistrationState
REGISTRATION_STATE_PENDING: RegistrationState
REGISTRATION_STATE_CONFIRMED: RegistrationState
REGISTRATION_STATE_WAITLISTED: RegistrationState
REGISTRATION_STATE_OFFERED: RegistrationState
REGISTRATION_STATE_CANCELLED: RegistrationState
REGISTRATION_STATE_DECLINED: RegistrationState
REGISTRATION_STATE_ATTENDED: RegistrationState
REGISTRATION_STATE_NO_SHOW: RegistrationState
CONTRIBUTION_STATE_UNSPECIFIED: ContributionState
CONTRIBUTION_STATE_PROPOSED: ContributionState
CONTRIBUTION_STATE_CHANGES_REQUESTED: ContributionState
CONTRIBUTION_STATE_ACCEPTED: ContributionState
CONTRIBUTION_STATE_REJECTED: ContributionState
REVIEW_DECISION_UNSPECIFIED: ReviewDecision
REVIEW_DECISION_ACCEPT: ReviewDecision
REVIEW_DECISION_REJECT: ReviewDecision
REVIEW_DECISION_REQUEST_CHANGES: ReviewDecision

class Material(_message.Message):
    __slots__ = ("name", "title", "url", "kind", "session_id", "file_name", "media_type", "size_bytes", "publish_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    url: str
    kind: MaterialKind
    session_id: str
    file_name: str
    media_type: str
    size_bytes: int
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., url: _Optional[str] = ..., kind: _Optional[_Union[MaterialKind, str]] = ..., session_id: _Optional[str] = ..., file_name: _Optional[str] = ..., media_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PublishMaterialRequest(_message.Message):
    __slots__ = ("parent", "material", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    material: Material
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., material: _Optional[_Union[Material, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChangePlacesRequest(_message.Message):
    __slots__ = ("name", "on_site_places", "online_places", "quotas")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ON_SITE_PLACES_FIELD_NUMBER: _ClassVar[int]
    ONLINE_PLACES_FIELD_NUMBER: _ClassVar[int]
    QUOTAS_FIELD_NUMBER: _ClassVar[int]
    name: str
    on_site_places: int
    online_places: int
    quotas: _containers.RepeatedCompositeFieldContainer[QuotaPlaces]
    def __init__(self, name: _Optional[str] = ..., on_site_places: _Optional[int] = ..., online_places: _Optional[int] = ..., quotas: _Optional[_Iterable[_Union[QuotaPlaces, _Mapping]]] = ...) -> None: ...

class QuotaPlaces(_message.Message):
    __slots__ = ("name", "places")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACES_FIELD_NUMBER: _ClassVar[int]
    name: str
    places: int
    def __init__(self, name: _Optional[str] = ..., places: _Optional[int] = ...) -> None: ...

class ListMaterialsRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListMaterialsResponse(_message.Message):
    __slots__ = ("materials",)
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    materials: _containers.RepeatedCompositeFieldContainer[Material]
    def __init__(self, materials: _Optional[_Iterable[_Union[Material, _Mapping]]] = ...) -> None: ...

class Session(_message.Message):
    __slots__ = ("id", "title", "start_time", "end_time", "room", "online", "speakers", "abstract")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    ONLINE_FIELD_NUMBER: _ClassVar[int]
    SPEAKERS_FIELD_NUMBER: _ClassVar[int]
    ABSTRACT_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    start_time: str
    end_time: str
    room: str
    online: bool
    speakers: _containers.RepeatedScalarFieldContainer[str]
    abstract: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., room: _Optional[str] = ..., online: _Optional[bool] = ..., speakers: _Optional[_Iterable[str]] = ..., abstract: _Optional[str] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("name", "kind", "title", "description", "time_zone", "start_time", "end_time", "venue", "on_site_places", "online_places", "waiting_list", "moderated", "registration_close_time", "series", "stream_url", "state", "sessions", "on_site_taken", "online_taken", "waiting", "version", "create_time", "update_time", "ticket_types", "quotas", "series_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    ON_SITE_PLACES_FIELD_NUMBER: _ClassVar[int]
    ONLINE_PLACES_FIELD_NUMBER: _ClassVar[int]
    WAITING_LIST_FIELD_NUMBER: _ClassVar[int]
    MODERATED_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    STREAM_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    ON_SITE_TAKEN_FIELD_NUMBER: _ClassVar[int]
    ONLINE_TAKEN_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TICKET_TYPES_FIELD_NUMBER: _ClassVar[int]
    QUOTAS_FIELD_NUMBER: _ClassVar[int]
    SERIES_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: EventKind
    title: str
    description: str
    time_zone: str
    start_time: str
    end_time: str
    venue: str
    on_site_places: int
    online_places: int
    waiting_list: bool
    moderated: bool
    registration_close_time: str
    series: str
    stream_url: str
    state: EventState
    sessions: _containers.RepeatedCompositeFieldContainer[Session]
    on_site_taken: int
    online_taken: int
    waiting: int
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    ticket_types: _containers.RepeatedScalarFieldContainer[str]
    quotas: _containers.RepeatedCompositeFieldContainer[Quota]
    series_name: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[EventKind, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., time_zone: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., venue: _Optional[str] = ..., on_site_places: _Optional[int] = ..., online_places: _Optional[int] = ..., waiting_list: _Optional[bool] = ..., moderated: _Optional[bool] = ..., registration_close_time: _Optional[str] = ..., series: _Optional[str] = ..., stream_url: _Optional[str] = ..., state: _Optional[_Union[EventState, str]] = ..., sessions: _Optional[_Iterable[_Union[Session, _Mapping]]] = ..., on_site_taken: _Optional[int] = ..., online_taken: _Optional[int] = ..., waiting: _Optional[int] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ticket_types: _Optional[_Iterable[str]] = ..., quotas: _Optional[_Iterable[_Union[Quota, _Mapping]]] = ..., series_name: _Optional[str] = ...) -> None: ...

class Quota(_message.Message):
    __slots__ = ("name", "places", "mode", "ticket_types", "countries", "roles", "taken")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACES_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    TICKET_TYPES_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    TAKEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    places: int
    mode: ParticipationMode
    ticket_types: _containers.RepeatedScalarFieldContainer[str]
    countries: _containers.RepeatedScalarFieldContainer[str]
    roles: _containers.RepeatedScalarFieldContainer[str]
    taken: int
    def __init__(self, name: _Optional[str] = ..., places: _Optional[int] = ..., mode: _Optional[_Union[ParticipationMode, str]] = ..., ticket_types: _Optional[_Iterable[str]] = ..., countries: _Optional[_Iterable[str]] = ..., roles: _Optional[_Iterable[str]] = ..., taken: _Optional[int] = ...) -> None: ...

class Registration(_message.Message):
    __slots__ = ("name", "event", "person", "mode", "state", "answers", "waitlist_position", "offer_expire_time", "reason", "attended_sessions", "version", "create_time", "update_time", "ticket_type", "country", "role", "quotas")
    class AnswersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    WAITLIST_POSITION_FIELD_NUMBER: _ClassVar[int]
    OFFER_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ATTENDED_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TICKET_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    QUOTAS_FIELD_NUMBER: _ClassVar[int]
    name: str
    event: str
    person: str
    mode: ParticipationMode
    state: RegistrationState
    answers: _containers.ScalarMap[str, str]
    waitlist_position: int
    offer_expire_time: _timestamp_pb2.Timestamp
    reason: str
    attended_sessions: _containers.RepeatedScalarFieldContainer[str]
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    ticket_type: str
    country: str
    role: str
    quotas: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., event: _Optional[str] = ..., person: _Optional[str] = ..., mode: _Optional[_Union[ParticipationMode, str]] = ..., state: _Optional[_Union[RegistrationState, str]] = ..., answers: _Optional[_Mapping[str, str]] = ..., waitlist_position: _Optional[int] = ..., offer_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., attended_sessions: _Optional[_Iterable[str]] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ticket_type: _Optional[str] = ..., country: _Optional[str] = ..., role: _Optional[str] = ..., quotas: _Optional[_Iterable[str]] = ...) -> None: ...

class Contribution(_message.Message):
    __slots__ = ("name", "proposer", "title", "abstract", "state", "review_note", "session_id", "version", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ABSTRACT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REVIEW_NOTE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    proposer: str
    title: str
    abstract: str
    state: ContributionState
    review_note: str
    session_id: str
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., proposer: _Optional[str] = ..., title: _Optional[str] = ..., abstract: _Optional[str] = ..., state: _Optional[_Union[ContributionState, str]] = ..., review_note: _Optional[str] = ..., session_id: _Optional[str] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Ticket(_message.Message):
    __slots__ = ("check_in_token", "join_token", "expire_time")
    CHECK_IN_TOKEN_FIELD_NUMBER: _ClassVar[int]
    JOIN_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    check_in_token: str
    join_token: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, check_in_token: _Optional[str] = ..., join_token: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Certificate(_message.Message):
    __slots__ = ("verification_code", "holder_name", "event", "event_title", "start_time", "end_time", "issue_time", "pdf")
    VERIFICATION_CODE_FIELD_NUMBER: _ClassVar[int]
    HOLDER_NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    EVENT_TITLE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    PDF_FIELD_NUMBER: _ClassVar[int]
    verification_code: str
    holder_name: str
    event: str
    event_title: str
    start_time: str
    end_time: str
    issue_time: _timestamp_pb2.Timestamp
    pdf: bytes
    def __init__(self, verification_code: _Optional[str] = ..., holder_name: _Optional[str] = ..., event: _Optional[str] = ..., event_title: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pdf: _Optional[bytes] = ...) -> None: ...

class Calendar(_message.Message):
    __slots__ = ("ics", "content_type", "feed_url")
    ICS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FEED_URL_FIELD_NUMBER: _ClassVar[int]
    ics: str
    content_type: str
    feed_url: str
    def __init__(self, ics: _Optional[str] = ..., content_type: _Optional[str] = ..., feed_url: _Optional[str] = ...) -> None: ...

class CreateEventRequest(_message.Message):
    __slots__ = ("event", "request_id")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    event: Event
    request_id: str
    def __init__(self, event: _Optional[_Union[Event, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetEventRequest(_message.Message):
    __slots__ = ("name", "display_time_zone")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_time_zone: str
    def __init__(self, name: _Optional[str] = ..., display_time_zone: _Optional[str] = ...) -> None: ...

class ListEventsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "series", "display_time_zone", "series_name")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    SERIES_NAME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: EventKind
    series: str
    display_time_zone: str
    series_name: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[EventKind, str]] = ..., series: _Optional[str] = ..., display_time_zone: _Optional[str] = ..., series_name: _Optional[str] = ...) -> None: ...

class ListEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token", "total_size")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[Event]
    next_page_token: str
    total_size: int
    def __init__(self, events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class PublishEventRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AddSessionRequest(_message.Message):
    __slots__ = ("event", "session")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    event: str
    session: Session
    def __init__(self, event: _Optional[str] = ..., session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class RegisterForEventRequest(_message.Message):
    __slots__ = ("event", "registration", "request_id")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    event: str
    registration: Registration
    request_id: str
    def __init__(self, event: _Optional[str] = ..., registration: _Optional[_Union[Registration, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetRegistrationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListRegistrationsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "state")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    state: RegistrationState
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[RegistrationState, str]] = ...) -> None: ...

class ListRegistrationsResponse(_message.Message):
    __slots__ = ("registrations", "next_page_token", "total_size")
    REGISTRATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    registrations: _containers.RepeatedCompositeFieldContainer[Registration]
    next_page_token: str
    total_size: int
    def __init__(self, registrations: _Optional[_Iterable[_Union[Registration, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ApproveRegistrationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeclineRegistrationRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelRegistrationRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AcceptPlaceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class IssueTicketRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CheckInRequest(_message.Message):
    __slots__ = ("token", "session_id")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    token: str
    session_id: str
    def __init__(self, token: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class RecordNoShowRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class IssueCertificateRequest(_message.Message):
    __slots__ = ("name", "holder_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOLDER_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    holder_name: str
    def __init__(self, name: _Optional[str] = ..., holder_name: _Optional[str] = ...) -> None: ...

class VerifyCertificateRequest(_message.Message):
    __slots__ = ("verification_code",)
    VERIFICATION_CODE_FIELD_NUMBER: _ClassVar[int]
    verification_code: str
    def __init__(self, verification_code: _Optional[str] = ...) -> None: ...

class JoinOnlineRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class JoinOnlineResponse(_message.Message):
    __slots__ = ("event", "stream_url")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    STREAM_URL_FIELD_NUMBER: _ClassVar[int]
    event: str
    stream_url: str
    def __init__(self, event: _Optional[str] = ..., stream_url: _Optional[str] = ...) -> None: ...

class ProposeContributionRequest(_message.Message):
    __slots__ = ("parent", "contribution", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    contribution: Contribution
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., contribution: _Optional[_Union[Contribution, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetContributionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListContributionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListContributionsResponse(_message.Message):
    __slots__ = ("contributions", "next_page_token", "total_size")
    CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    contributions: _containers.RepeatedCompositeFieldContainer[Contribution]
    next_page_token: str
    total_size: int
    def __init__(self, contributions: _Optional[_Iterable[_Union[Contribution, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ReviewContributionRequest(_message.Message):
    __slots__ = ("name", "decision", "note", "session")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    decision: ReviewDecision
    note: str
    session: Session
    def __init__(self, name: _Optional[str] = ..., decision: _Optional[_Union[ReviewDecision, str]] = ..., note: _Optional[str] = ..., session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class ReviseContributionRequest(_message.Message):
    __slots__ = ("name", "contribution")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    contribution: Contribution
    def __init__(self, name: _Optional[str] = ..., contribution: _Optional[_Union[Contribution, _Mapping]] = ...) -> None: ...

class GetEventCalendarRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetMyCalendarRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Series(_message.Message):
    __slots__ = ("name", "title", "description", "kind", "published", "version", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    description: str
    kind: EventKind
    published: bool
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., kind: _Optional[_Union[EventKind, str]] = ..., published: _Optional[bool] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSeriesRequest(_message.Message):
    __slots__ = ("series", "request_id")
    SERIES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    series: Series
    request_id: str
    def __init__(self, series: _Optional[_Union[Series, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateSeriesRequest(_message.Message):
    __slots__ = ("series",)
    SERIES_FIELD_NUMBER: _ClassVar[int]
    series: Series
    def __init__(self, series: _Optional[_Union[Series, _Mapping]] = ...) -> None: ...

class GetSeriesRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListSeriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: EventKind
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[EventKind, str]] = ...) -> None: ...

class ListSeriesResponse(_message.Message):
    __slots__ = ("series", "next_page_token", "total_size")
    SERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    series: _containers.RepeatedCompositeFieldContainer[Series]
    next_page_token: str
    total_size: int
    def __init__(self, series: _Optional[_Iterable[_Union[Series, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class SetEventSeriesRequest(_message.Message):
    __slots__ = ("name", "series_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SERIES_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    series_name: str
    def __init__(self, name: _Optional[str] = ..., series_name: _Optional[str] = ...) -> None: ...
