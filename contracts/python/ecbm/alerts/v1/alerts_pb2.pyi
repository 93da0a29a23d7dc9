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

class SourceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SOURCE_KIND_UNSPECIFIED: _ClassVar[SourceKind]
    SOURCE_KIND_FEED: _ClassVar[SourceKind]
    SOURCE_KIND_EURLEX: _ClassVar[SourceKind]
    SOURCE_KIND_OEIL: _ClassVar[SourceKind]
    SOURCE_KIND_FUNDING: _ClassVar[SourceKind]

class ItemKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ITEM_KIND_UNSPECIFIED: _ClassVar[ItemKind]
    ITEM_KIND_POLICY_DOCUMENT: _ClassVar[ItemKind]
    ITEM_KIND_PROCEDURE: _ClassVar[ItemKind]
    ITEM_KIND_NETWORK: _ClassVar[ItemKind]
    ITEM_KIND_EVENT: _ClassVar[ItemKind]
    ITEM_KIND_FUNDING_CALL: _ClassVar[ItemKind]

class Rhythm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RHYTHM_UNSPECIFIED: _ClassVar[Rhythm]
    RHYTHM_IMMEDIATELY: _ClassVar[Rhythm]
    RHYTHM_DAILY: _ClassVar[Rhythm]
    RHYTHM_WEEKLY: _ClassVar[Rhythm]
SOURCE_KIND_UNSPECIFIED: SourceKind
SOURCE_KIND_FEED: SourceKind
SOURCE_KIND_EURLEX: SourceKind
SOURCE_KIND_OEIL: SourceKind
SOURCE_KIND_FUNDING: SourceKind
ITEM_KIND_UNSPECIFIED: ItemKind
ITEM_KIND_POLICY_DOCUMENT: ItemKind
ITEM_KIND_PROCEDURE: ItemKind
ITEM_KIND_NETWORK: ItemKind
ITEM_KIND_EVENT: ItemKind
ITEM_KIND_FUNDING_CALL: ItemKind
RHYTHM_UNSPECIFIED: Rhythm
RHYTHM_IMMEDIATELY: Rhythm
RHYTHM_DAILY: Rhythm
RHYTHM_WEEKLY: Rhythm

class Source(_message.Message):
    __slots__ = ("name", "display_name", "kind", "url", "item_kind", "query", "interval_minutes", "state", "health", "failures", "last_error", "last_success_time", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    ITEM_KIND_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_MINUTES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_SUCCESS_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    kind: SourceKind
    url: str
    item_kind: ItemKind
    query: str
    interval_minutes: int
    state: str
    health: str
    failures: int
    last_error: str
    last_success_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[SourceKind, str]] = ..., url: _Optional[str] = ..., item_kind: _Optional[_Union[ItemKind, str]] = ..., query: _Optional[str] = ..., interval_minutes: _Optional[int] = ..., state: _Optional[str] = ..., health: _Optional[str] = ..., failures: _Optional[int] = ..., last_error: _Optional[str] = ..., last_success_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSourceRequest(_message.Message):
    __slots__ = ("source", "request_id")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    source: Source
    request_id: str
    def __init__(self, source: _Optional[_Union[Source, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListSourcesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSourcesResponse(_message.Message):
    __slots__ = ("sources",)
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[Source]
    def __init__(self, sources: _Optional[_Iterable[_Union[Source, _Mapping]]] = ...) -> None: ...

class PauseSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ResumeSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteSourceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PollSourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PollSourceResponse(_message.Message):
    __slots__ = ("source", "new_items", "merged_items")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    NEW_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MERGED_ITEMS_FIELD_NUMBER: _ClassVar[int]
    source: Source
    new_items: int
    merged_items: int
    def __init__(self, source: _Optional[_Union[Source, _Mapping]] = ..., new_items: _Optional[int] = ..., merged_items: _Optional[int] = ...) -> None: ...

class Rapporteur(_message.Message):
    __slots__ = ("name", "role", "group", "policy_contact")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    POLICY_CONTACT_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: str
    group: str
    policy_contact: str
    def __init__(self, name: _Optional[str] = ..., role: _Optional[str] = ..., group: _Optional[str] = ..., policy_contact: _Optional[str] = ...) -> None: ...

class Item(_message.Message):
    __slots__ = ("name", "kind", "identifier", "title", "url", "summary", "language", "publish_time", "programme", "status", "opening_date", "deadlines", "budget_eur", "keywords", "oj_series", "stage", "committee", "rapporteurs", "countries", "relevance", "topics", "pinned", "hidden", "note", "picked_for_newsletter", "sources", "changes", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OPENING_DATE_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    BUDGET_EUR_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    OJ_SERIES_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COMMITTEE_FIELD_NUMBER: _ClassVar[int]
    RAPPORTEURS_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    RELEVANCE_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PICKED_FOR_NEWSLETTER_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: ItemKind
    identifier: str
    title: str
    url: str
    summary: str
    language: str
    publish_time: _timestamp_pb2.Timestamp
    programme: str
    status: str
    opening_date: str
    deadlines: _containers.RepeatedScalarFieldContainer[str]
    budget_eur: int
    keywords: _containers.RepeatedScalarFieldContainer[str]
    oj_series: str
    stage: str
    committee: str
    rapporteurs: _containers.RepeatedCompositeFieldContainer[Rapporteur]
    countries: _containers.RepeatedScalarFieldContainer[str]
    relevance: float
    topics: _containers.RepeatedScalarFieldContainer[str]
    pinned: bool
    hidden: bool
    note: str
    picked_for_newsletter: bool
    sources: _containers.RepeatedScalarFieldContainer[str]
    changes: _containers.RepeatedCompositeFieldContainer[ItemChange]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[ItemKind, str]] = ..., identifier: _Optional[str] = ..., title: _Optional[str] = ..., url: _Optional[str] = ..., summary: _Optional[str] = ..., language: _Optional[str] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., programme: _Optional[str] = ..., status: _Optional[str] = ..., opening_date: _Optional[str] = ..., deadlines: _Optional[_Iterable[str]] = ..., budget_eur: _Optional[int] = ..., keywords: _Optional[_Iterable[str]] = ..., oj_series: _Optional[str] = ..., stage: _Optional[str] = ..., committee: _Optional[str] = ..., rapporteurs: _Optional[_Iterable[_Union[Rapporteur, _Mapping]]] = ..., countries: _Optional[_Iterable[str]] = ..., relevance: _Optional[float] = ..., topics: _Optional[_Iterable[str]] = ..., pinned: _Optional[bool] = ..., hidden: _Optional[bool] = ..., note: _Optional[str] = ..., picked_for_newsletter: _Optional[bool] = ..., sources: _Optional[_Iterable[str]] = ..., changes: _Optional[_Iterable[_Union[ItemChange, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ItemChange(_message.Message):
    __slots__ = ("time", "changes")
    TIME_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    changes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changes: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateItemRequest(_message.Message):
    __slots__ = ("item",)
    ITEM_FIELD_NUMBER: _ClassVar[int]
    item: Item
    def __init__(self, item: _Optional[_Union[Item, _Mapping]] = ...) -> None: ...

class GetItemRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListItemsRequest(_message.Message):
    __slots__ = ("query", "kinds", "topic", "best_only", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    BEST_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    kinds: _containers.RepeatedScalarFieldContainer[ItemKind]
    topic: str
    best_only: bool
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[ItemKind, str]]] = ..., topic: _Optional[str] = ..., best_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListItemsResponse(_message.Message):
    __slots__ = ("items", "next_page_token", "total_size")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Item]
    next_page_token: str
    total_size: int
    def __init__(self, items: _Optional[_Iterable[_Union[Item, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class CurateItemRequest(_message.Message):
    __slots__ = ("name", "pinned", "hidden", "note")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    name: str
    pinned: bool
    hidden: bool
    note: str
    def __init__(self, name: _Optional[str] = ..., pinned: _Optional[bool] = ..., hidden: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class PickItemForNewsletterRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class FindPartnersRequest(_message.Message):
    __slots__ = ("name", "message")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    message: str
    def __init__(self, name: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class FindPartnersResponse(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class Subscription(_message.Message):
    __slots__ = ("name", "display_name", "query", "kinds", "topics", "countries", "rhythm", "best_only", "create_time", "update_time", "organisation")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    RHYTHM_FIELD_NUMBER: _ClassVar[int]
    BEST_ONLY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    query: str
    kinds: _containers.RepeatedScalarFieldContainer[ItemKind]
    topics: _containers.RepeatedScalarFieldContainer[str]
    countries: _containers.RepeatedScalarFieldContainer[str]
    rhythm: Rhythm
    best_only: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    organisation: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., query: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[ItemKind, str]]] = ..., topics: _Optional[_Iterable[str]] = ..., countries: _Optional[_Iterable[str]] = ..., rhythm: _Optional[_Union[Rhythm, str]] = ..., best_only: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., organisation: _Optional[str] = ...) -> None: ...

class CreateSubscriptionRequest(_message.Message):
    __slots__ = ("subscription", "request_id")
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    request_id: str
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSubscriptionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListSubscriptionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSubscriptionsResponse(_message.Message):
    __slots__ = ("subscriptions",)
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    def __init__(self, subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ...) -> None: ...

class UpdateSubscriptionRequest(_message.Message):
    __slots__ = ("subscription",)
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class DeleteSubscriptionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteSubscriptionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
