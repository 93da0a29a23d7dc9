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

class PolicyContactKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POLICY_CONTACT_KIND_UNSPECIFIED: _ClassVar[PolicyContactKind]
    POLICY_CONTACT_KIND_MEP: _ClassVar[PolicyContactKind]
    POLICY_CONTACT_KIND_COMMISSION_STAFF: _ClassVar[PolicyContactKind]
    POLICY_CONTACT_KIND_NATIONAL_LIAISON_OFFICE: _ClassVar[PolicyContactKind]
    POLICY_CONTACT_KIND_SUPPORTING_ORGANISATION: _ClassVar[PolicyContactKind]
    POLICY_CONTACT_KIND_LOBBYIST: _ClassVar[PolicyContactKind]

class Stance(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STANCE_UNSPECIFIED: _ClassVar[Stance]
    STANCE_CHAMPION: _ClassVar[Stance]
    STANCE_OPEN: _ClassVar[Stance]
    STANCE_UNKNOWN: _ClassVar[Stance]
    STANCE_SCEPTICAL: _ClassVar[Stance]

class InteractionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTERACTION_KIND_UNSPECIFIED: _ClassVar[InteractionKind]
    INTERACTION_KIND_MEETING: _ClassVar[InteractionKind]
    INTERACTION_KIND_ADVOCACY_VISIT: _ClassVar[InteractionKind]
    INTERACTION_KIND_LETTER: _ClassVar[InteractionKind]
    INTERACTION_KIND_PETITION: _ClassVar[InteractionKind]
POLICY_CONTACT_KIND_UNSPECIFIED: PolicyContactKind
POLICY_CONTACT_KIND_MEP: PolicyContactKind
POLICY_CONTACT_KIND_COMMISSION_STAFF: PolicyContactKind
POLICY_CONTACT_KIND_NATIONAL_LIAISON_OFFICE: PolicyContactKind
POLICY_CONTACT_KIND_SUPPORTING_ORGANISATION: PolicyContactKind
POLICY_CONTACT_KIND_LOBBYIST: PolicyContactKind
STANCE_UNSPECIFIED: Stance
STANCE_CHAMPION: Stance
STANCE_OPEN: Stance
STANCE_UNKNOWN: Stance
STANCE_SCEPTICAL: Stance
INTERACTION_KIND_UNSPECIFIED: InteractionKind
INTERACTION_KIND_MEETING: InteractionKind
INTERACTION_KIND_ADVOCACY_VISIT: InteractionKind
INTERACTION_KIND_LETTER: InteractionKind
INTERACTION_KIND_PETITION: InteractionKind

class PolicyContact(_message.Message):
    __slots__ = ("name", "display_name", "kind", "country", "institution", "committee", "directorate_general", "unit", "topics", "email", "stance", "withdrawn", "version", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_FIELD_NUMBER: _ClassVar[int]
    COMMITTEE_FIELD_NUMBER: _ClassVar[int]
    DIRECTORATE_GENERAL_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    STANCE_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    kind: PolicyContactKind
    country: str
    institution: str
    committee: str
    directorate_general: str
    unit: str
    topics: _containers.RepeatedScalarFieldContainer[str]
    email: str
    stance: Stance
    withdrawn: bool
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[PolicyContactKind, str]] = ..., country: _Optional[str] = ..., institution: _Optional[str] = ..., committee: _Optional[str] = ..., directorate_general: _Optional[str] = ..., unit: _Optional[str] = ..., topics: _Optional[_Iterable[str]] = ..., email: _Optional[str] = ..., stance: _Optional[_Union[Stance, str]] = ..., withdrawn: _Optional[bool] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StanceChange(_message.Message):
    __slots__ = ("stance", "previous_stance", "reason", "changed_by", "change_time")
    STANCE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STANCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    stance: Stance
    previous_stance: Stance
    reason: str
    changed_by: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, stance: _Optional[_Union[Stance, str]] = ..., previous_stance: _Optional[_Union[Stance, str]] = ..., reason: _Optional[str] = ..., changed_by: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Interaction(_message.Message):
    __slots__ = ("name", "kind", "occurred_on", "participants", "outcome", "logged_by", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_ON_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    LOGGED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: InteractionKind
    occurred_on: str
    participants: _containers.RepeatedScalarFieldContainer[str]
    outcome: str
    logged_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[InteractionKind, str]] = ..., occurred_on: _Optional[str] = ..., participants: _Optional[_Iterable[str]] = ..., outcome: _Optional[str] = ..., logged_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CountrySupport(_message.Message):
    __slots__ = ("country", "champion_count", "open_count", "unknown_count", "sceptical_count", "total_count")
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    CHAMPION_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_COUNT_FIELD_NUMBER: _ClassVar[int]
    SCEPTICAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    country: str
    champion_count: int
    open_count: int
    unknown_count: int
    sceptical_count: int
    total_count: int
    def __init__(self, country: _Optional[str] = ..., champion_count: _Optional[int] = ..., open_count: _Optional[int] = ..., unknown_count: _Optional[int] = ..., sceptical_count: _Optional[int] = ..., total_count: _Optional[int] = ...) -> None: ...

class CreatePolicyContactRequest(_message.Message):
    __slots__ = ("request_id", "policy_contact")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_CONTACT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    policy_contact: PolicyContact
    def __init__(self, request_id: _Optional[str] = ..., policy_contact: _Optional[_Union[PolicyContact, _Mapping]] = ...) -> None: ...

class GetPolicyContactRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdatePolicyContactRequest(_message.Message):
    __slots__ = ("policy_contact", "update_mask")
    POLICY_CONTACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy_contact: PolicyContact
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy_contact: _Optional[_Union[PolicyContact, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class WithdrawPolicyContactRequest(_message.Message):
    __slots__ = ("name", "reason", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    version: int
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ListPolicyContactsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "country", "kind", "stances", "topic", "show_withdrawn", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STANCES_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    SHOW_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    country: str
    kind: PolicyContactKind
    stances: _containers.RepeatedScalarFieldContainer[Stance]
    topic: str
    show_withdrawn: bool
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., country: _Optional[str] = ..., kind: _Optional[_Union[PolicyContactKind, str]] = ..., stances: _Optional[_Iterable[_Union[Stance, str]]] = ..., topic: _Optional[str] = ..., show_withdrawn: _Optional[bool] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListPolicyContactsResponse(_message.Message):
    __slots__ = ("policy_contacts", "next_page_token", "total_size")
    POLICY_CONTACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    policy_contacts: _containers.RepeatedCompositeFieldContainer[PolicyContact]
    next_page_token: str
    total_size: int
    def __init__(self, policy_contacts: _Optional[_Iterable[_Union[PolicyContact, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ChangeStanceRequest(_message.Message):
    __slots__ = ("name", "stance", "reason", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STANCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    stance: Stance
    reason: str
    version: int
    def __init__(self, name: _Optional[str] = ..., stance: _Optional[_Union[Stance, str]] = ..., reason: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetStanceHistoryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetStanceHistoryResponse(_message.Message):
    __slots__ = ("stance_changes",)
    STANCE_CHANGES_FIELD_NUMBER: _ClassVar[int]
    stance_changes: _containers.RepeatedCompositeFieldContainer[StanceChange]
    def __init__(self, stance_changes: _Optional[_Iterable[_Union[StanceChange, _Mapping]]] = ...) -> None: ...

class LogInteractionRequest(_message.Message):
    __slots__ = ("parent", "request_id", "interaction")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    interaction: Interaction
    def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ..., interaction: _Optional[_Union[Interaction, _Mapping]] = ...) -> None: ...

class ListInteractionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "participant", "kind", "start_date", "end_date")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    participant: str
    kind: InteractionKind
    start_date: str
    end_date: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., participant: _Optional[str] = ..., kind: _Optional[_Union[InteractionKind, str]] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class ListInteractionsResponse(_message.Message):
    __slots__ = ("interactions", "next_page_token", "total_size")
    INTERACTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    interactions: _containers.RepeatedCompositeFieldContainer[Interaction]
    next_page_token: str
    total_size: int
    def __init__(self, interactions: _Optional[_Iterable[_Union[Interaction, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class SummariseSupportRequest(_message.Message):
    __slots__ = ("kind", "country")
    KIND_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    kind: PolicyContactKind
    country: str
    def __init__(self, kind: _Optional[_Union[PolicyContactKind, str]] = ..., country: _Optional[str] = ...) -> None: ...

class SummariseSupportResponse(_message.Message):
    __slots__ = ("countries",)
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    countries: _containers.RepeatedCompositeFieldContainer[CountrySupport]
    def __init__(self, countries: _Optional[_Iterable[_Union[CountrySupport, _Mapping]]] = ...) -> None: ...
