import datetime

from ecbm.access.v1 import access_pb2 as _access_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrganisationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORGANISATION_KIND_UNSPECIFIED: _ClassVar[OrganisationKind]
    ORGANISATION_KIND_MENTORING_ORGANISATION: _ClassVar[OrganisationKind]
    ORGANISATION_KIND_RESEARCH_INSTITUTION: _ClassVar[OrganisationKind]
    ORGANISATION_KIND_PUBLIC_BODY: _ClassVar[OrganisationKind]
    ORGANISATION_KIND_FUNDER: _ClassVar[OrganisationKind]
    ORGANISATION_KIND_NETWORK: _ClassVar[OrganisationKind]
    ORGANISATION_KIND_OTHER: _ClassVar[OrganisationKind]

class OrganisationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORGANISATION_STATUS_UNSPECIFIED: _ClassVar[OrganisationStatus]
    ORGANISATION_STATUS_ACTIVE: _ClassVar[OrganisationStatus]
    ORGANISATION_STATUS_WITHDRAWN: _ClassVar[OrganisationStatus]

class ProgrammeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROGRAMME_STATUS_UNSPECIFIED: _ClassVar[ProgrammeStatus]
    PROGRAMME_STATUS_ACTIVE: _ClassVar[ProgrammeStatus]
    PROGRAMME_STATUS_PAUSED: _ClassVar[ProgrammeStatus]
    PROGRAMME_STATUS_ENDED: _ClassVar[ProgrammeStatus]
    PROGRAMME_STATUS_WITHDRAWN: _ClassVar[ProgrammeStatus]

class EvaluationDesign(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVALUATION_DESIGN_UNSPECIFIED: _ClassVar[EvaluationDesign]
    EVALUATION_DESIGN_NONE: _ClassVar[EvaluationDesign]
    EVALUATION_DESIGN_DESCRIPTIVE: _ClassVar[EvaluationDesign]
    EVALUATION_DESIGN_PRE_POST: _ClassVar[EvaluationDesign]
    EVALUATION_DESIGN_QUASI_EXPERIMENTAL: _ClassVar[EvaluationDesign]
    EVALUATION_DESIGN_RANDOMISED: _ClassVar[EvaluationDesign]
ORGANISATION_KIND_UNSPECIFIED: OrganisationKind
ORGANISATION_KIND_MENTORING_ORGANISATION: OrganisationKind
ORGANISATION_KIND_RESEARCH_INSTITUTION: OrganisationKind
ORGANISATION_KIND_PUBLIC_BODY: OrganisationKind
ORGANISATION_KIND_FUNDER: OrganisationKind
ORGANISATION_KIND_NETWORK: OrganisationKind
ORGANISATION_KIND_OTHER: OrganisationKind
ORGANISATION_STATUS_UNSPECIFIED: OrganisationStatus
ORGANISATION_STATUS_ACTIVE: OrganisationStatus
ORGANISATION_STATUS_WITHDRAWN: OrganisationStatus
PROGRAMME_STATUS_UNSPECIFIED: ProgrammeStatus
PROGRAMME_STATUS_ACTIVE: ProgrammeStatus
PROGRAMME_STATUS_PAUSED: ProgrammeStatus
PROGRAMME_STATUS_ENDED: ProgrammeStatus
PROGRAMME_STATUS_WITHDRAWN: ProgrammeStatus
EVALUATION_DESIGN_UNSPECIFIED: EvaluationDesign
EVALUATION_DESIGN_NONE: EvaluationDesign
EVALUATION_DESIGN_DESCRIPTIVE: EvaluationDesign
EVALUATION_DESIGN_PRE_POST: EvaluationDesign
EVALUATION_DESIGN_QUASI_EXPERIMENTAL: EvaluationDesign
EVALUATION_DESIGN_RANDOMISED: EvaluationDesign

class Contact(_message.Message):
    __slots__ = ("display_name", "email")
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    email: str
    def __init__(self, display_name: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class Organisation(_message.Message):
    __slots__ = ("name", "display_name", "kind", "country", "city", "website", "contact", "description", "version", "create_time", "update_time", "editors", "status")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EDITORS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    kind: OrganisationKind
    country: str
    city: str
    website: str
    contact: Contact
    description: str
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    editors: _containers.RepeatedScalarFieldContainer[str]
    status: OrganisationStatus
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[OrganisationKind, str]] = ..., country: _Optional[str] = ..., city: _Optional[str] = ..., website: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., description: _Optional[str] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., editors: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[OrganisationStatus, str]] = ...) -> None: ...

class Programme(_message.Message):
    __slots__ = ("name", "organisation", "display_name", "description", "languages", "countries", "status", "version", "create_time", "update_time", "target_groups", "formats", "focus_areas", "ages", "yearly_numbers", "start_year", "regions", "city", "location", "evidence_level", "evaluations", "learning_goals", "external_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUPS_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_AREAS_FIELD_NUMBER: _ClassVar[int]
    AGES_FIELD_NUMBER: _ClassVar[int]
    YEARLY_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    START_YEAR_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    EVALUATIONS_FIELD_NUMBER: _ClassVar[int]
    LEARNING_GOALS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    organisation: str
    display_name: str
    description: str
    languages: _containers.RepeatedScalarFieldContainer[str]
    countries: _containers.RepeatedScalarFieldContainer[str]
    status: ProgrammeStatus
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    target_groups: _containers.RepeatedScalarFieldContainer[str]
    formats: _containers.RepeatedScalarFieldContainer[str]
    focus_areas: _containers.RepeatedScalarFieldContainer[str]
    ages: AgeRange
    yearly_numbers: YearlyNumbers
    start_year: int
    regions: _containers.RepeatedScalarFieldContainer[str]
    city: str
    location: Location
    evidence_level: EvaluationDesign
    evaluations: _containers.RepeatedCompositeFieldContainer[Evaluation]
    learning_goals: _containers.RepeatedCompositeFieldContainer[ProgrammeLearningGoal]
    external_id: str
    def __init__(self, name: _Optional[str] = ..., organisation: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., languages: _Optional[_Iterable[str]] = ..., countries: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[ProgrammeStatus, str]] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., target_groups: _Optional[_Iterable[str]] = ..., formats: _Optional[_Iterable[str]] = ..., focus_areas: _Optional[_Iterable[str]] = ..., ages: _Optional[_Union[AgeRange, _Mapping]] = ..., yearly_numbers: _Optional[_Union[YearlyNumbers, _Mapping]] = ..., start_year: _Optional[int] = ..., regions: _Optional[_Iterable[str]] = ..., city: _Optional[str] = ..., location: _Optional[_Union[Location, _Mapping]] = ..., evidence_level: _Optional[_Union[EvaluationDesign, str]] = ..., evaluations: _Optional[_Iterable[_Union[Evaluation, _Mapping]]] = ..., learning_goals: _Optional[_Iterable[_Union[ProgrammeLearningGoal, _Mapping]]] = ..., external_id: _Optional[str] = ...) -> None: ...

class ProgrammeLearningGoal(_message.Message):
    __slots__ = ("topic", "description")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    topic: str
    description: str
    def __init__(self, topic: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class DeclareProgrammeLearningGoalRequest(_message.Message):
    __slots__ = ("name", "learning_goal")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEARNING_GOAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    learning_goal: ProgrammeLearningGoal
    def __init__(self, name: _Optional[str] = ..., learning_goal: _Optional[_Union[ProgrammeLearningGoal, _Mapping]] = ...) -> None: ...

class Evaluation(_message.Message):
    __slots__ = ("design", "year", "link")
    DESIGN_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    design: EvaluationDesign
    year: int
    link: str
    def __init__(self, design: _Optional[_Union[EvaluationDesign, str]] = ..., year: _Optional[int] = ..., link: _Optional[str] = ...) -> None: ...

class AddEvaluationRequest(_message.Message):
    __slots__ = ("name", "evaluation")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EVALUATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    evaluation: Evaluation
    def __init__(self, name: _Optional[str] = ..., evaluation: _Optional[_Union[Evaluation, _Mapping]] = ...) -> None: ...

class AgeRange(_message.Message):
    __slots__ = ("min", "max")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    min: int
    max: int
    def __init__(self, min: _Optional[int] = ..., max: _Optional[int] = ...) -> None: ...

class YearlyNumbers(_message.Message):
    __slots__ = ("mentors", "mentees", "matches")
    MENTORS_FIELD_NUMBER: _ClassVar[int]
    MENTEES_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    mentors: int
    mentees: int
    matches: int
    def __init__(self, mentors: _Optional[int] = ..., mentees: _Optional[int] = ..., matches: _Optional[int] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ("latitude", "longitude", "matched")
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    latitude: float
    longitude: float
    matched: str
    def __init__(self, latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., matched: _Optional[str] = ...) -> None: ...

class RegisterOrganisationRequest(_message.Message):
    __slots__ = ("request_id", "organisation")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    organisation: Organisation
    def __init__(self, request_id: _Optional[str] = ..., organisation: _Optional[_Union[Organisation, _Mapping]] = ...) -> None: ...

class GetOrganisationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RegisterProgrammeRequest(_message.Message):
    __slots__ = ("request_id", "programme")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    programme: Programme
    def __init__(self, request_id: _Optional[str] = ..., programme: _Optional[_Union[Programme, _Mapping]] = ...) -> None: ...

class GetProgrammeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListOrganisationsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "country", "kind", "status", "show_withdrawn", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SHOW_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    country: str
    kind: OrganisationKind
    status: OrganisationStatus
    show_withdrawn: bool
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., country: _Optional[str] = ..., kind: _Optional[_Union[OrganisationKind, str]] = ..., status: _Optional[_Union[OrganisationStatus, str]] = ..., show_withdrawn: _Optional[bool] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListOrganisationsResponse(_message.Message):
    __slots__ = ("organisations", "next_page_token", "total_size")
    ORGANISATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    organisations: _containers.RepeatedCompositeFieldContainer[Organisation]
    next_page_token: str
    total_size: int
    def __init__(self, organisations: _Optional[_Iterable[_Union[Organisation, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class WithdrawOrganisationRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListProgrammesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "organisation", "country", "status", "min_evidence_level", "external_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MIN_EVIDENCE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    organisation: str
    country: str
    status: ProgrammeStatus
    min_evidence_level: EvaluationDesign
    external_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., organisation: _Optional[str] = ..., country: _Optional[str] = ..., status: _Optional[_Union[ProgrammeStatus, str]] = ..., min_evidence_level: _Optional[_Union[EvaluationDesign, str]] = ..., external_id: _Optional[str] = ...) -> None: ...

class ListProgrammesResponse(_message.Message):
    __slots__ = ("programmes", "next_page_token", "total_size")
    PROGRAMMES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    programmes: _containers.RepeatedCompositeFieldContainer[Programme]
    next_page_token: str
    total_size: int
    def __init__(self, programmes: _Optional[_Iterable[_Union[Programme, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateProgrammeRequest(_message.Message):
    __slots__ = ("programme", "update_mask")
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    programme: Programme
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, programme: _Optional[_Union[Programme, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class WithdrawProgrammeRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UpdateOrganisationRequest(_message.Message):
    __slots__ = ("organisation", "update_mask")
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    organisation: Organisation
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, organisation: _Optional[_Union[Organisation, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class AddOrganisationEditorRequest(_message.Message):
    __slots__ = ("name", "editor")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EDITOR_FIELD_NUMBER: _ClassVar[int]
    name: str
    editor: str
    def __init__(self, name: _Optional[str] = ..., editor: _Optional[str] = ...) -> None: ...

class GetProgrammeHistoryRequest(_message.Message):
    __slots__ = ("name", "page_size", "page_token")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    page_size: int
    page_token: str
    def __init__(self, name: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ProgrammeChange(_message.Message):
    __slots__ = ("version", "type", "actor", "record_time", "details")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    version: int
    type: str
    actor: str
    record_time: _timestamp_pb2.Timestamp
    details: _struct_pb2.Struct
    def __init__(self, version: _Optional[int] = ..., type: _Optional[str] = ..., actor: _Optional[str] = ..., record_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class GetProgrammeHistoryResponse(_message.Message):
    __slots__ = ("changes", "next_page_token")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[ProgrammeChange]
    next_page_token: str
    def __init__(self, changes: _Optional[_Iterable[_Union[ProgrammeChange, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
