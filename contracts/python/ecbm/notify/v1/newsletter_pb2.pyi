import datetime

from ecbm.access.v1 import access_pb2 as _access_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CampaignState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAMPAIGN_STATE_UNSPECIFIED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_DRAFT: _ClassVar[CampaignState]
    CAMPAIGN_STATE_SCHEDULED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_SENDING: _ClassVar[CampaignState]
    CAMPAIGN_STATE_PAUSED: _ClassVar[CampaignState]
    CAMPAIGN_STATE_SENT: _ClassVar[CampaignState]
    CAMPAIGN_STATE_CANCELLED: _ClassVar[CampaignState]
CAMPAIGN_STATE_UNSPECIFIED: CampaignState
CAMPAIGN_STATE_DRAFT: CampaignState
CAMPAIGN_STATE_SCHEDULED: CampaignState
CAMPAIGN_STATE_SENDING: CampaignState
CAMPAIGN_STATE_PAUSED: CampaignState
CAMPAIGN_STATE_SENT: CampaignState
CAMPAIGN_STATE_CANCELLED: CampaignState

class ContentBlock(_message.Message):
    __slots__ = ("kind", "text", "url")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[ContentBlock.Kind]
        KIND_HEADING: _ClassVar[ContentBlock.Kind]
        KIND_PARAGRAPH: _ClassVar[ContentBlock.Kind]
        KIND_LINK: _ClassVar[ContentBlock.Kind]
    KIND_UNSPECIFIED: ContentBlock.Kind
    KIND_HEADING: ContentBlock.Kind
    KIND_PARAGRAPH: ContentBlock.Kind
    KIND_LINK: ContentBlock.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    kind: ContentBlock.Kind
    text: str
    url: str
    def __init__(self, kind: _Optional[_Union[ContentBlock.Kind, str]] = ..., text: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class Audience(_message.Message):
    __slots__ = ("countries", "roles", "topics", "exclude_members", "exclude_subscribers")
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    countries: _containers.RepeatedScalarFieldContainer[str]
    roles: _containers.RepeatedScalarFieldContainer[str]
    topics: _containers.RepeatedScalarFieldContainer[str]
    exclude_members: bool
    exclude_subscribers: bool
    def __init__(self, countries: _Optional[_Iterable[str]] = ..., roles: _Optional[_Iterable[str]] = ..., topics: _Optional[_Iterable[str]] = ..., exclude_members: _Optional[bool] = ..., exclude_subscribers: _Optional[bool] = ...) -> None: ...

class CampaignCounts(_message.Message):
    __slots__ = ("queued", "sent", "failed", "skipped", "unsubscribed")
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    UNSUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    queued: int
    sent: int
    failed: int
    skipped: int
    unsubscribed: int
    def __init__(self, queued: _Optional[int] = ..., sent: _Optional[int] = ..., failed: _Optional[int] = ..., skipped: _Optional[int] = ..., unsubscribed: _Optional[int] = ...) -> None: ...

class Campaign(_message.Message):
    __slots__ = ("name", "title", "subject", "language", "template", "blocks", "audience", "state", "send_time", "audience_size", "counts", "created_by", "version", "create_time", "update_time", "complete_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_SIZE_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    subject: str
    language: str
    template: str
    blocks: _containers.RepeatedCompositeFieldContainer[ContentBlock]
    audience: Audience
    state: CampaignState
    send_time: _timestamp_pb2.Timestamp
    audience_size: int
    counts: CampaignCounts
    created_by: str
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., subject: _Optional[str] = ..., language: _Optional[str] = ..., template: _Optional[str] = ..., blocks: _Optional[_Iterable[_Union[ContentBlock, _Mapping]]] = ..., audience: _Optional[_Union[Audience, _Mapping]] = ..., state: _Optional[_Union[CampaignState, str]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., audience_size: _Optional[int] = ..., counts: _Optional[_Union[CampaignCounts, _Mapping]] = ..., created_by: _Optional[str] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCampaignRequest(_message.Message):
    __slots__ = ("request_id", "campaign")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    campaign: Campaign
    def __init__(self, request_id: _Optional[str] = ..., campaign: _Optional[_Union[Campaign, _Mapping]] = ...) -> None: ...

class UpdateCampaignRequest(_message.Message):
    __slots__ = ("campaign", "update_mask")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    campaign: Campaign
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, campaign: _Optional[_Union[Campaign, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetCampaignRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListCampaignsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "state")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    state: CampaignState
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[CampaignState, str]] = ...) -> None: ...

class ListCampaignsResponse(_message.Message):
    __slots__ = ("campaigns", "next_page_token", "total_size")
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    campaigns: _containers.RepeatedCompositeFieldContainer[Campaign]
    next_page_token: str
    total_size: int
    def __init__(self, campaigns: _Optional[_Iterable[_Union[Campaign, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class PreviewCampaignRequest(_message.Message):
    __slots__ = ("name", "recipient_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    recipient_name: str
    def __init__(self, name: _Optional[str] = ..., recipient_name: _Optional[str] = ...) -> None: ...

class PreviewCampaignResponse(_message.Message):
    __slots__ = ("subject", "text", "html")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    subject: str
    text: str
    html: str
    def __init__(self, subject: _Optional[str] = ..., text: _Optional[str] = ..., html: _Optional[str] = ...) -> None: ...

class ScheduleCampaignRequest(_message.Message):
    __slots__ = ("name", "send_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SendCampaignRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PauseCampaignRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ResumeCampaignRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CancelCampaignRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Subscriber(_message.Message):
    __slots__ = ("name", "email", "display_name", "language", "country", "topics", "state", "create_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Subscriber.State]
        STATE_PENDING: _ClassVar[Subscriber.State]
        STATE_CONFIRMED: _ClassVar[Subscriber.State]
        STATE_UNSUBSCRIBED: _ClassVar[Subscriber.State]
    STATE_UNSPECIFIED: Subscriber.State
    STATE_PENDING: Subscriber.State
    STATE_CONFIRMED: Subscriber.State
    STATE_UNSUBSCRIBED: Subscriber.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    email: str
    display_name: str
    language: str
    country: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    state: Subscriber.State
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., language: _Optional[str] = ..., country: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[Subscriber.State, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("subscriber",)
    SUBSCRIBER_FIELD_NUMBER: _ClassVar[int]
    subscriber: Subscriber
    def __init__(self, subscriber: _Optional[_Union[Subscriber, _Mapping]] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ("confirmation_sent",)
    CONFIRMATION_SENT_FIELD_NUMBER: _ClassVar[int]
    confirmation_sent: bool
    def __init__(self, confirmation_sent: _Optional[bool] = ...) -> None: ...

class ConfirmSubscriptionRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class ListSubscribersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "state")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    state: Subscriber.State
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[Subscriber.State, str]] = ...) -> None: ...

class ListSubscribersResponse(_message.Message):
    __slots__ = ("subscribers", "next_page_token", "total_size")
    SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    subscribers: _containers.RepeatedCompositeFieldContainer[Subscriber]
    next_page_token: str
    total_size: int
    def __init__(self, subscribers: _Optional[_Iterable[_Union[Subscriber, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
