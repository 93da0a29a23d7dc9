"""What the directory's queries return (plain values; the servicer makes protos of them)."""

from __future__ import annotations

from dataclasses import dataclass

from ecbm_registry.application.directory.facets import Facet


@dataclass(frozen=True)
class DirectoryHit:
    programme_id: str
    display_name: str
    organisation_id: str
    organisation_name: str
    countries: tuple[str, ...]
    city: str
    snippet: str
    score: float
    quality_level: str
    evidence_level: str
    target_groups: tuple[str, ...]
    formats: tuple[str, ...]
    focus_areas: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    status: str


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[DirectoryHit, ...]
    total_size: int
    facets: tuple[Facet, ...]
    did_you_mean: tuple[str, ...]
    next_offset: int | None  # None on the last page
    key: str  # what the next page's token must carry


@dataclass(frozen=True)
class CountryAggregate:
    country: str
    count: int
    target_groups: dict[str, int]
    formats: dict[str, int]
    evidence_levels: dict[str, int]


@dataclass(frozen=True)
class MapResult:
    geojson: str
    countries: tuple[CountryAggregate, ...]
    total_size: int
