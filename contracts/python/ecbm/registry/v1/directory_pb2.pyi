from ecbm.access.v1 import access_pb2 as _access_pb2
from ecbm.registry.v1 import registry_pb2 as _registry_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DirectoryFilter(_message.Message):
    __slots__ = ("countries", "target_groups", "formats", "focus_areas", "evidence_levels", "quality_levels", "status")
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUPS_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_AREAS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_LEVELS_FIELD_NUMBER: _ClassVar[int]
    QUALITY_LEVELS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    countries: _containers.RepeatedScalarFieldContainer[str]
    target_groups: _containers.RepeatedScalarFieldContainer[str]
    formats: _containers.RepeatedScalarFieldContainer[str]
    focus_areas: _containers.RepeatedScalarFieldContainer[str]
    evidence_levels: _containers.RepeatedScalarFieldContainer[str]
    quality_levels: _containers.RepeatedScalarFieldContainer[str]
    status: _registry_pb2.ProgrammeStatus
    def __init__(self, countries: _Optional[_Iterable[str]] = ..., target_groups: _Optional[_Iterable[str]] = ..., formats: _Optional[_Iterable[str]] = ..., focus_areas: _Optional[_Iterable[str]] = ..., evidence_levels: _Optional[_Iterable[str]] = ..., quality_levels: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[_registry_pb2.ProgrammeStatus, str]] = ...) -> None: ...

class SearchProgrammesRequest(_message.Message):
    __slots__ = ("query", "filter", "page_size", "page_token", "language")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    query: str
    filter: DirectoryFilter
    page_size: int
    page_token: str
    language: str
    def __init__(self, query: _Optional[str] = ..., filter: _Optional[_Union[DirectoryFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., language: _Optional[str] = ...) -> None: ...

class ProgrammeHit(_message.Message):
    __slots__ = ("name", "display_name", "organisation", "organisation_display_name", "countries", "city", "snippet", "score", "quality_level", "evidence_level", "target_groups", "formats", "focus_areas", "location", "status")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    SNIPPET_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUPS_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_AREAS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    organisation: str
    organisation_display_name: str
    countries: _containers.RepeatedScalarFieldContainer[str]
    city: str
    snippet: str
    score: float
    quality_level: str
    evidence_level: str
    target_groups: _containers.RepeatedScalarFieldContainer[str]
    formats: _containers.RepeatedScalarFieldContainer[str]
    focus_areas: _containers.RepeatedScalarFieldContainer[str]
    location: _registry_pb2.Location
    status: _registry_pb2.ProgrammeStatus
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., organisation: _Optional[str] = ..., organisation_display_name: _Optional[str] = ..., countries: _Optional[_Iterable[str]] = ..., city: _Optional[str] = ..., snippet: _Optional[str] = ..., score: _Optional[float] = ..., quality_level: _Optional[str] = ..., evidence_level: _Optional[str] = ..., target_groups: _Optional[_Iterable[str]] = ..., formats: _Optional[_Iterable[str]] = ..., focus_areas: _Optional[_Iterable[str]] = ..., location: _Optional[_Union[_registry_pb2.Location, _Mapping]] = ..., status: _Optional[_Union[_registry_pb2.ProgrammeStatus, str]] = ...) -> None: ...

class FacetValue(_message.Message):
    __slots__ = ("value", "label", "count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    value: str
    label: str
    count: int
    def __init__(self, value: _Optional[str] = ..., label: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class Facet(_message.Message):
    __slots__ = ("field", "label", "values")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    field: str
    label: str
    values: _containers.RepeatedCompositeFieldContainer[FacetValue]
    def __init__(self, field: _Optional[str] = ..., label: _Optional[str] = ..., values: _Optional[_Iterable[_Union[FacetValue, _Mapping]]] = ...) -> None: ...

class SearchProgrammesResponse(_message.Message):
    __slots__ = ("results", "next_page_token", "total_size", "facets", "did_you_mean")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    FACETS_FIELD_NUMBER: _ClassVar[int]
    DID_YOU_MEAN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ProgrammeHit]
    next_page_token: str
    total_size: int
    facets: _containers.RepeatedCompositeFieldContainer[Facet]
    did_you_mean: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, results: _Optional[_Iterable[_Union[ProgrammeHit, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., facets: _Optional[_Iterable[_Union[Facet, _Mapping]]] = ..., did_you_mean: _Optional[_Iterable[str]] = ...) -> None: ...

class GetMapRequest(_message.Message):
    __slots__ = ("query", "filter")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    query: str
    filter: DirectoryFilter
    def __init__(self, query: _Optional[str] = ..., filter: _Optional[_Union[DirectoryFilter, _Mapping]] = ...) -> None: ...

class CountryAggregate(_message.Message):
    __slots__ = ("country", "count", "target_groups", "formats", "evidence_levels")
    class TargetGroupsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class FormatsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class EvidenceLevelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TARGET_GROUPS_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_LEVELS_FIELD_NUMBER: _ClassVar[int]
    country: str
    count: int
    target_groups: _containers.ScalarMap[str, int]
    formats: _containers.ScalarMap[str, int]
    evidence_levels: _containers.ScalarMap[str, int]
    def __init__(self, country: _Optional[str] = ..., count: _Optional[int] = ..., target_groups: _Optional[_Mapping[str, int]] = ..., formats: _Optional[_Mapping[str, int]] = ..., evidence_levels: _Optional[_Mapping[str, int]] = ...) -> None: ...

class GetMapResponse(_message.Message):
    __slots__ = ("geojson", "countries", "total_size")
    GEOJSON_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    geojson: str
    countries: _containers.RepeatedCompositeFieldContainer[CountryAggregate]
    total_size: int
    def __init__(self, geojson: _Optional[str] = ..., countries: _Optional[_Iterable[_Union[CountryAggregate, _Mapping]]] = ..., total_size: _Optional[int] = ...) -> None: ...
