import datetime

from ecbm.access.v1 import access_pb2 as _access_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PersonRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERSON_ROLE_UNSPECIFIED: _ClassVar[PersonRole]
    PERSON_ROLE_PRACTITIONER: _ClassVar[PersonRole]
    PERSON_ROLE_PROGRAMME_COORDINATOR: _ClassVar[PersonRole]
    PERSON_ROLE_RESEARCHER: _ClassVar[PersonRole]
    PERSON_ROLE_POLICY_MAKER: _ClassVar[PersonRole]
    PERSON_ROLE_STUDENT: _ClassVar[PersonRole]

class ExpertiseLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPERTISE_LEVEL_UNSPECIFIED: _ClassVar[ExpertiseLevel]
    EXPERTISE_LEVEL_AWARE: _ClassVar[ExpertiseLevel]
    EXPERTISE_LEVEL_PRACTISING: _ClassVar[ExpertiseLevel]
    EXPERTISE_LEVEL_EXPERT: _ClassVar[ExpertiseLevel]

class MembershipStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MEMBERSHIP_STATUS_UNSPECIFIED: _ClassVar[MembershipStatus]
    MEMBERSHIP_STATUS_APPLIED: _ClassVar[MembershipStatus]
    MEMBERSHIP_STATUS_APPROVED: _ClassVar[MembershipStatus]
    MEMBERSHIP_STATUS_DECLINED: _ClassVar[MembershipStatus]
    MEMBERSHIP_STATUS_LAPSED: _ClassVar[MembershipStatus]
    MEMBERSHIP_STATUS_ENDED: _ClassVar[MembershipStatus]
PERSON_ROLE_UNSPECIFIED: PersonRole
PERSON_ROLE_PRACTITIONER: PersonRole
PERSON_ROLE_PROGRAMME_COORDINATOR: PersonRole
PERSON_ROLE_RESEARCHER: PersonRole
PERSON_ROLE_POLICY_MAKER: PersonRole
PERSON_ROLE_STUDENT: PersonRole
EXPERTISE_LEVEL_UNSPECIFIED: ExpertiseLevel
EXPERTISE_LEVEL_AWARE: ExpertiseLevel
EXPERTISE_LEVEL_PRACTISING: ExpertiseLevel
EXPERTISE_LEVEL_EXPERT: ExpertiseLevel
MEMBERSHIP_STATUS_UNSPECIFIED: MembershipStatus
MEMBERSHIP_STATUS_APPLIED: MembershipStatus
MEMBERSHIP_STATUS_APPROVED: MembershipStatus
MEMBERSHIP_STATUS_DECLINED: MembershipStatus
MEMBERSHIP_STATUS_LAPSED: MembershipStatus
MEMBERSHIP_STATUS_ENDED: MembershipStatus

class Expertise(_message.Message):
    __slots__ = ("topic", "level", "description")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    topic: str
    level: ExpertiseLevel
    description: str
    def __init__(self, topic: _Optional[str] = ..., level: _Optional[_Union[ExpertiseLevel, str]] = ..., description: _Optional[str] = ...) -> None: ...

class LearningGoal(_message.Message):
    __slots__ = ("topic", "description")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    topic: str
    description: str
    def __init__(self, topic: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Person(_message.Message):
    __slots__ = ("name", "display_name", "email", "bio", "roles", "affiliation", "country", "languages", "preferred_language", "open_to_visiting_professorship", "open_to_hosting_interns", "open_to_peer_review", "listed_in_directory", "contact_by_email", "expertise", "learning_goals", "version", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    BIO_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    AFFILIATION_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_VISITING_PROFESSORSHIP_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_HOSTING_INTERNS_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_PEER_REVIEW_FIELD_NUMBER: _ClassVar[int]
    LISTED_IN_DIRECTORY_FIELD_NUMBER: _ClassVar[int]
    CONTACT_BY_EMAIL_FIELD_NUMBER: _ClassVar[int]
    EXPERTISE_FIELD_NUMBER: _ClassVar[int]
    LEARNING_GOALS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    email: str
    bio: str
    roles: _containers.RepeatedScalarFieldContainer[PersonRole]
    affiliation: str
    country: str
    languages: _containers.RepeatedScalarFieldContainer[str]
    preferred_language: str
    open_to_visiting_professorship: bool
    open_to_hosting_interns: bool
    open_to_peer_review: bool
    listed_in_directory: bool
    contact_by_email: bool
    expertise: _containers.RepeatedCompositeFieldContainer[Expertise]
    learning_goals: _containers.RepeatedCompositeFieldContainer[LearningGoal]
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., bio: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[PersonRole, str]]] = ..., affiliation: _Optional[str] = ..., country: _Optional[str] = ..., languages: _Optional[_Iterable[str]] = ..., preferred_language: _Optional[str] = ..., open_to_visiting_professorship: _Optional[bool] = ..., open_to_hosting_interns: _Optional[bool] = ..., open_to_peer_review: _Optional[bool] = ..., listed_in_directory: _Optional[bool] = ..., contact_by_email: _Optional[bool] = ..., expertise: _Optional[_Iterable[_Union[Expertise, _Mapping]]] = ..., learning_goals: _Optional[_Iterable[_Union[LearningGoal, _Mapping]]] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Membership(_message.Message):
    __slots__ = ("name", "person", "status", "motivation", "reason", "decided_by", "version", "apply_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MOTIVATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    APPLY_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    status: MembershipStatus
    motivation: str
    reason: str
    decided_by: str
    version: int
    apply_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., status: _Optional[_Union[MembershipStatus, str]] = ..., motivation: _Optional[str] = ..., reason: _Optional[str] = ..., decided_by: _Optional[str] = ..., version: _Optional[int] = ..., apply_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePersonRequest(_message.Message):
    __slots__ = ("request_id", "person")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    person: Person
    def __init__(self, request_id: _Optional[str] = ..., person: _Optional[_Union[Person, _Mapping]] = ...) -> None: ...

class GetPersonRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdatePersonRequest(_message.Message):
    __slots__ = ("person", "update_mask")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    person: Person
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ListPeopleRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "country", "role", "expertise_topic", "learning_goal_topic", "open_to_visiting_professorship", "open_to_hosting_interns", "open_to_peer_review", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    EXPERTISE_TOPIC_FIELD_NUMBER: _ClassVar[int]
    LEARNING_GOAL_TOPIC_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_VISITING_PROFESSORSHIP_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_HOSTING_INTERNS_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_PEER_REVIEW_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    country: str
    role: PersonRole
    expertise_topic: str
    learning_goal_topic: str
    open_to_visiting_professorship: bool
    open_to_hosting_interns: bool
    open_to_peer_review: bool
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., country: _Optional[str] = ..., role: _Optional[_Union[PersonRole, str]] = ..., expertise_topic: _Optional[str] = ..., learning_goal_topic: _Optional[str] = ..., open_to_visiting_professorship: _Optional[bool] = ..., open_to_hosting_interns: _Optional[bool] = ..., open_to_peer_review: _Optional[bool] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListPeopleResponse(_message.Message):
    __slots__ = ("people", "next_page_token", "total_size")
    PEOPLE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    people: _containers.RepeatedCompositeFieldContainer[Person]
    next_page_token: str
    total_size: int
    def __init__(self, people: _Optional[_Iterable[_Union[Person, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class DeclareExpertiseRequest(_message.Message):
    __slots__ = ("name", "expertise")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXPERTISE_FIELD_NUMBER: _ClassVar[int]
    name: str
    expertise: Expertise
    def __init__(self, name: _Optional[str] = ..., expertise: _Optional[_Union[Expertise, _Mapping]] = ...) -> None: ...

class WithdrawExpertiseRequest(_message.Message):
    __slots__ = ("name", "topic")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    name: str
    topic: str
    def __init__(self, name: _Optional[str] = ..., topic: _Optional[str] = ...) -> None: ...

class DeclareLearningGoalRequest(_message.Message):
    __slots__ = ("name", "learning_goal")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEARNING_GOAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    learning_goal: LearningGoal
    def __init__(self, name: _Optional[str] = ..., learning_goal: _Optional[_Union[LearningGoal, _Mapping]] = ...) -> None: ...

class WithdrawLearningGoalRequest(_message.Message):
    __slots__ = ("name", "topic")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    name: str
    topic: str
    def __init__(self, name: _Optional[str] = ..., topic: _Optional[str] = ...) -> None: ...

class ForgetPersonRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ExportPersonRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ExportPersonResponse(_message.Message):
    __slots__ = ("json",)
    JSON_FIELD_NUMBER: _ClassVar[int]
    json: str
    def __init__(self, json: _Optional[str] = ...) -> None: ...

class ApplyForMembershipRequest(_message.Message):
    __slots__ = ("name", "motivation")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MOTIVATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    motivation: str
    def __init__(self, name: _Optional[str] = ..., motivation: _Optional[str] = ...) -> None: ...

class ApproveMembershipRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeclineMembershipRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class EndMembershipRequest(_message.Message):
    __slots__ = ("name", "reason", "lapsed")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LAPSED_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    lapsed: bool
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., lapsed: _Optional[bool] = ...) -> None: ...

class GetMembershipRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListMembershipsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: MembershipStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[MembershipStatus, str]] = ...) -> None: ...

class ListMembershipsResponse(_message.Message):
    __slots__ = ("memberships", "next_page_token", "total_size")
    MEMBERSHIPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    memberships: _containers.RepeatedCompositeFieldContainer[Membership]
    next_page_token: str
    total_size: int
    def __init__(self, memberships: _Optional[_Iterable[_Union[Membership, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
