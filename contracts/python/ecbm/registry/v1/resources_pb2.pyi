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

class ResourceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_KIND_UNSPECIFIED: _ClassVar[ResourceKind]
    RESOURCE_KIND_RESEARCH_RESULT: _ClassVar[ResourceKind]
    RESOURCE_KIND_PUBLICATION: _ClassVar[ResourceKind]
    RESOURCE_KIND_MANUAL: _ClassVar[ResourceKind]
    RESOURCE_KIND_STORY: _ClassVar[ResourceKind]

class ResourceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_STATUS_UNSPECIFIED: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_DRAFT: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_SUBMITTED: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_RETURNED: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_PUBLISHED: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_ARCHIVED: _ClassVar[ResourceStatus]
RESOURCE_KIND_UNSPECIFIED: ResourceKind
RESOURCE_KIND_RESEARCH_RESULT: ResourceKind
RESOURCE_KIND_PUBLICATION: ResourceKind
RESOURCE_KIND_MANUAL: ResourceKind
RESOURCE_KIND_STORY: ResourceKind
RESOURCE_STATUS_UNSPECIFIED: ResourceStatus
RESOURCE_STATUS_DRAFT: ResourceStatus
RESOURCE_STATUS_SUBMITTED: ResourceStatus
RESOURCE_STATUS_RETURNED: ResourceStatus
RESOURCE_STATUS_PUBLISHED: ResourceStatus
RESOURCE_STATUS_ARCHIVED: ResourceStatus

class Resource(_message.Message):
    __slots__ = ("name", "kind", "title", "summary", "body", "link", "language", "countries", "topics", "author", "author_display_name", "status", "review_comments", "version", "create_time", "update_time", "publish_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REVIEW_COMMENTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: ResourceKind
    title: str
    summary: str
    body: str
    link: str
    language: str
    countries: _containers.RepeatedScalarFieldContainer[str]
    topics: _containers.RepeatedScalarFieldContainer[str]
    author: str
    author_display_name: str
    status: ResourceStatus
    review_comments: str
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[ResourceKind, str]] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., body: _Optional[str] = ..., link: _Optional[str] = ..., language: _Optional[str] = ..., countries: _Optional[_Iterable[str]] = ..., topics: _Optional[_Iterable[str]] = ..., author: _Optional[str] = ..., author_display_name: _Optional[str] = ..., status: _Optional[_Union[ResourceStatus, str]] = ..., review_comments: _Optional[str] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StoryFeed(_message.Message):
    __slots__ = ("content_type", "data")
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    data: bytes
    def __init__(self, content_type: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class CreateResourceRequest(_message.Message):
    __slots__ = ("request_id", "resource")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    resource: Resource
    def __init__(self, request_id: _Optional[str] = ..., resource: _Optional[_Union[Resource, _Mapping]] = ...) -> None: ...

class GetResourceRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateResourceRequest(_message.Message):
    __slots__ = ("resource", "update_mask")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ArchiveResourceRequest(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ListResourcesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "status", "author", "language", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: ResourceKind
    status: ResourceStatus
    author: str
    language: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[ResourceKind, str]] = ..., status: _Optional[_Union[ResourceStatus, str]] = ..., author: _Optional[str] = ..., language: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListResourcesResponse(_message.Message):
    __slots__ = ("resources", "next_page_token", "total_size")
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    resources: _containers.RepeatedCompositeFieldContainer[Resource]
    next_page_token: str
    total_size: int
    def __init__(self, resources: _Optional[_Iterable[_Union[Resource, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class SubmitResourceRequest(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class PublishResourceRequest(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ReturnResourceRequest(_message.Message):
    __slots__ = ("name", "comments", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    comments: str
    version: int
    def __init__(self, name: _Optional[str] = ..., comments: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetStoryFeedRequest(_message.Message):
    __slots__ = ("max_entries", "language")
    MAX_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    max_entries: int
    language: str
    def __init__(self, max_entries: _Optional[int] = ..., language: _Optional[str] = ...) -> None: ...
