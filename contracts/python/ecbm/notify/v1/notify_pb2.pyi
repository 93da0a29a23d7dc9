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

class Frequency(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FREQUENCY_UNSPECIFIED: _ClassVar[Frequency]
    FREQUENCY_OFF: _ClassVar[Frequency]
    FREQUENCY_IMMEDIATELY: _ClassVar[Frequency]
    FREQUENCY_DAILY_DIGEST: _ClassVar[Frequency]
    FREQUENCY_WEEKLY_DIGEST: _ClassVar[Frequency]
FREQUENCY_UNSPECIFIED: Frequency
FREQUENCY_OFF: Frequency
FREQUENCY_IMMEDIATELY: Frequency
FREQUENCY_DAILY_DIGEST: Frequency
FREQUENCY_WEEKLY_DIGEST: Frequency

class Preference(_message.Message):
    __slots__ = ("topic", "channel", "frequency", "is_default")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    topic: str
    channel: str
    frequency: Frequency
    is_default: bool
    def __init__(self, topic: _Optional[str] = ..., channel: _Optional[str] = ..., frequency: _Optional[_Union[Frequency, str]] = ..., is_default: _Optional[bool] = ...) -> None: ...

class Preferences(_message.Message):
    __slots__ = ("name", "preferences")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    name: str
    preferences: _containers.RepeatedCompositeFieldContainer[Preference]
    def __init__(self, name: _Optional[str] = ..., preferences: _Optional[_Iterable[_Union[Preference, _Mapping]]] = ...) -> None: ...

class GetPreferencesRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdatePreferencesRequest(_message.Message):
    __slots__ = ("preferences",)
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    preferences: Preferences
    def __init__(self, preferences: _Optional[_Union[Preferences, _Mapping]] = ...) -> None: ...

class DeliveryEvent(_message.Message):
    __slots__ = ("status", "reason", "time")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    status: str
    reason: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, status: _Optional[str] = ..., reason: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("name", "recipient", "channel", "notification_type", "topic", "status", "attempts", "last_error", "create_time", "update_time", "send_time", "next_attempt_time", "history")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_TYPE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    name: str
    recipient: str
    channel: str
    notification_type: str
    topic: str
    status: str
    attempts: int
    last_error: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    send_time: _timestamp_pb2.Timestamp
    next_attempt_time: _timestamp_pb2.Timestamp
    history: _containers.RepeatedCompositeFieldContainer[DeliveryEvent]
    def __init__(self, name: _Optional[str] = ..., recipient: _Optional[str] = ..., channel: _Optional[str] = ..., notification_type: _Optional[str] = ..., topic: _Optional[str] = ..., status: _Optional[str] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., history: _Optional[_Iterable[_Union[DeliveryEvent, _Mapping]]] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("recipient", "notification_type", "status", "page_size", "page_token", "channel")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    notification_type: str
    status: str
    page_size: int
    page_token: str
    channel: str
    def __init__(self, recipient: _Optional[str] = ..., notification_type: _Optional[str] = ..., status: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., channel: _Optional[str] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token", "total_size")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    next_page_token: str
    total_size: int
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class Recipient(_message.Message):
    __slots__ = ("name", "display_name", "email")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    email: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("name", "topic", "title", "body", "link", "source_event_type", "read", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    topic: str
    title: str
    body: str
    link: str
    source_event_type: str
    read: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., topic: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., link: _Optional[str] = ..., source_event_type: _Optional[str] = ..., read: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "unread_only")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    unread_only: bool
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., unread_only: _Optional[bool] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token", "total_size")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_page_token: str
    total_size: int
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class LookupRecipientRequest(_message.Message):
    __slots__ = ("email",)
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    email: str
    def __init__(self, email: _Optional[str] = ...) -> None: ...

class MarkReadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class MarkAllReadRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class MarkAllReadResponse(_message.Message):
    __slots__ = ("marked_count",)
    MARKED_COUNT_FIELD_NUMBER: _ClassVar[int]
    marked_count: int
    def __init__(self, marked_count: _Optional[int] = ...) -> None: ...

class UnreadCountRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class UnreadCountResponse(_message.Message):
    __slots__ = ("unread_count",)
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    unread_count: int
    def __init__(self, unread_count: _Optional[int] = ...) -> None: ...

class WatchNotificationsRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class WatchNotificationsResponse(_message.Message):
    __slots__ = ("change", "notification", "unread_count")
    class Change(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CHANGE_UNSPECIFIED: _ClassVar[WatchNotificationsResponse.Change]
        CHANGE_UNREAD_COUNT: _ClassVar[WatchNotificationsResponse.Change]
        CHANGE_CREATED: _ClassVar[WatchNotificationsResponse.Change]
        CHANGE_READ: _ClassVar[WatchNotificationsResponse.Change]
        CHANGE_RESYNC: _ClassVar[WatchNotificationsResponse.Change]
    CHANGE_UNSPECIFIED: WatchNotificationsResponse.Change
    CHANGE_UNREAD_COUNT: WatchNotificationsResponse.Change
    CHANGE_CREATED: WatchNotificationsResponse.Change
    CHANGE_READ: WatchNotificationsResponse.Change
    CHANGE_RESYNC: WatchNotificationsResponse.Change
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    change: WatchNotificationsResponse.Change
    notification: Notification
    unread_count: int
    def __init__(self, change: _Optional[_Union[WatchNotificationsResponse.Change, str]] = ..., notification: _Optional[_Union[Notification, _Mapping]] = ..., unread_count: _Optional[int] = ...) -> None: ...
