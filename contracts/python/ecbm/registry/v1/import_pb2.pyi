from ecbm.access.v1 import access_pb2 as _access_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ImportProgrammesRequest(_message.Message):
    __slots__ = ("header", "rows")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    header: ImportHeader
    rows: ProgrammeRows
    def __init__(self, header: _Optional[_Union[ImportHeader, _Mapping]] = ..., rows: _Optional[_Union[ProgrammeRows, _Mapping]] = ...) -> None: ...

class ImportHeader(_message.Message):
    __slots__ = ("dry_run", "source", "total_rows")
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ROWS_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    source: str
    total_rows: int
    def __init__(self, dry_run: _Optional[bool] = ..., source: _Optional[str] = ..., total_rows: _Optional[int] = ...) -> None: ...

class ProgrammeRows(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[ProgrammeRow]
    def __init__(self, rows: _Optional[_Iterable[_Union[ProgrammeRow, _Mapping]]] = ...) -> None: ...

class ProgrammeRow(_message.Message):
    __slots__ = ("row", "external_id", "organisation", "organisation_name", "organisation_country", "organisation_kind", "organisation_city", "organisation_website", "contact_name", "contact_email", "display_name", "description", "languages", "countries", "status", "target_groups", "formats", "focus_areas", "age_min", "age_max", "mentors_per_year", "mentees_per_year", "matches_per_year", "start_year", "regions", "city", "latitude", "longitude", "learning_goals", "evaluations")
    ROW_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_NAME_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_KIND_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_CITY_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_WEBSITE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUPS_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_AREAS_FIELD_NUMBER: _ClassVar[int]
    AGE_MIN_FIELD_NUMBER: _ClassVar[int]
    AGE_MAX_FIELD_NUMBER: _ClassVar[int]
    MENTORS_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    MENTEES_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    MATCHES_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    START_YEAR_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    LEARNING_GOALS_FIELD_NUMBER: _ClassVar[int]
    EVALUATIONS_FIELD_NUMBER: _ClassVar[int]
    row: int
    external_id: str
    organisation: str
    organisation_name: str
    organisation_country: str
    organisation_kind: str
    organisation_city: str
    organisation_website: str
    contact_name: str
    contact_email: str
    display_name: str
    description: str
    languages: _containers.RepeatedScalarFieldContainer[str]
    countries: _containers.RepeatedScalarFieldContainer[str]
    status: str
    target_groups: _containers.RepeatedScalarFieldContainer[str]
    formats: _containers.RepeatedScalarFieldContainer[str]
    focus_areas: _containers.RepeatedScalarFieldContainer[str]
    age_min: int
    age_max: int
    mentors_per_year: int
    mentees_per_year: int
    matches_per_year: int
    start_year: int
    regions: _containers.RepeatedScalarFieldContainer[str]
    city: str
    latitude: float
    longitude: float
    learning_goals: _containers.RepeatedScalarFieldContainer[str]
    evaluations: _containers.RepeatedCompositeFieldContainer[ImportedEvaluation]
    def __init__(self, row: _Optional[int] = ..., external_id: _Optional[str] = ..., organisation: _Optional[str] = ..., organisation_name: _Optional[str] = ..., organisation_country: _Optional[str] = ..., organisation_kind: _Optional[str] = ..., organisation_city: _Optional[str] = ..., organisation_website: _Optional[str] = ..., contact_name: _Optional[str] = ..., contact_email: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., languages: _Optional[_Iterable[str]] = ..., countries: _Optional[_Iterable[str]] = ..., status: _Optional[str] = ..., target_groups: _Optional[_Iterable[str]] = ..., formats: _Optional[_Iterable[str]] = ..., focus_areas: _Optional[_Iterable[str]] = ..., age_min: _Optional[int] = ..., age_max: _Optional[int] = ..., mentors_per_year: _Optional[int] = ..., mentees_per_year: _Optional[int] = ..., matches_per_year: _Optional[int] = ..., start_year: _Optional[int] = ..., regions: _Optional[_Iterable[str]] = ..., city: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., learning_goals: _Optional[_Iterable[str]] = ..., evaluations: _Optional[_Iterable[_Union[ImportedEvaluation, _Mapping]]] = ...) -> None: ...

class ImportedEvaluation(_message.Message):
    __slots__ = ("design", "year", "link")
    DESIGN_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    design: str
    year: int
    link: str
    def __init__(self, design: _Optional[str] = ..., year: _Optional[int] = ..., link: _Optional[str] = ...) -> None: ...

class ImportProgrammesResponse(_message.Message):
    __slots__ = ("outcomes", "progress", "summary")
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    outcomes: RowOutcomes
    progress: ImportProgress
    summary: ImportSummary
    def __init__(self, outcomes: _Optional[_Union[RowOutcomes, _Mapping]] = ..., progress: _Optional[_Union[ImportProgress, _Mapping]] = ..., summary: _Optional[_Union[ImportSummary, _Mapping]] = ...) -> None: ...

class RowOutcomes(_message.Message):
    __slots__ = ("outcomes",)
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[RowOutcome]
    def __init__(self, outcomes: _Optional[_Iterable[_Union[RowOutcome, _Mapping]]] = ...) -> None: ...

class RowOutcome(_message.Message):
    __slots__ = ("row", "external_id", "outcome", "programme", "errors")
    class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OUTCOME_UNSPECIFIED: _ClassVar[RowOutcome.Outcome]
        OUTCOME_CREATED: _ClassVar[RowOutcome.Outcome]
        OUTCOME_UPDATED: _ClassVar[RowOutcome.Outcome]
        OUTCOME_UNCHANGED: _ClassVar[RowOutcome.Outcome]
        OUTCOME_INVALID: _ClassVar[RowOutcome.Outcome]
    OUTCOME_UNSPECIFIED: RowOutcome.Outcome
    OUTCOME_CREATED: RowOutcome.Outcome
    OUTCOME_UPDATED: RowOutcome.Outcome
    OUTCOME_UNCHANGED: RowOutcome.Outcome
    OUTCOME_INVALID: RowOutcome.Outcome
    ROW_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    row: int
    external_id: str
    outcome: RowOutcome.Outcome
    programme: str
    errors: _containers.RepeatedCompositeFieldContainer[FieldError]
    def __init__(self, row: _Optional[int] = ..., external_id: _Optional[str] = ..., outcome: _Optional[_Union[RowOutcome.Outcome, str]] = ..., programme: _Optional[str] = ..., errors: _Optional[_Iterable[_Union[FieldError, _Mapping]]] = ...) -> None: ...

class FieldError(_message.Message):
    __slots__ = ("field", "description")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    field: str
    description: str
    def __init__(self, field: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class ImportProgress(_message.Message):
    __slots__ = ("rows_done", "total_rows")
    ROWS_DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ROWS_FIELD_NUMBER: _ClassVar[int]
    rows_done: int
    total_rows: int
    def __init__(self, rows_done: _Optional[int] = ..., total_rows: _Optional[int] = ...) -> None: ...

class ImportSummary(_message.Message):
    __slots__ = ("created", "updated", "unchanged", "invalid", "organisations_created", "dry_run", "seconds")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    INVALID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATIONS_CREATED_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    created: int
    updated: int
    unchanged: int
    invalid: int
    organisations_created: int
    dry_run: bool
    seconds: float
    def __init__(self, created: _Optional[int] = ..., updated: _Optional[int] = ..., unchanged: _Optional[int] = ..., invalid: _Optional[int] = ..., organisations_created: _Optional[int] = ..., dry_run: _Optional[bool] = ..., seconds: _Optional[float] = ...) -> None: ...
