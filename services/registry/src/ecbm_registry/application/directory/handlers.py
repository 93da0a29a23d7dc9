"""Directory use cases: search and map (read-only), quality labels in (from the worker)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection

from ecbm_integration import quality
from ecbm_registry.adapters import directory_projections, directory_search
from ecbm_registry.application.directory import facets, levels, mapping, suggestions, text
from ecbm_registry.application.directory.queries import GetMap, SearchProgrammes
from ecbm_registry.application.directory.results import DirectoryHit, MapResult, SearchResult
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.uow import UnitOfWork

ReadConnection = Callable[[], AbstractContextManager[Connection]]
UnitOfWorkFactory = Callable[..., UnitOfWork]


def search_programmes(query: SearchProgrammes, read: ReadConnection) -> SearchResult:
    key = query.key()
    if query.page_key is not None and query.page_key != key:
        violation = FieldViolation(
            "page_token", "belongs to another query or filter; start again without a token"
        )
        raise InvalidArgument(violation)
    words = text.query_words(query.query)
    selections = query.filter.selections()
    with read() as connection:
        criteria = directory_search.Criteria(
            connection, query.filter.status.value, words, selections
        )
        rows, total = directory_search.page(criteria, connection, query.page_size, query.offset)
        counts = directory_search.facet_counts(criteria, connection)
        suggested: list[str] = []
        if words and total < suggestions.FEW_HITS:
            found = {row.display_name for row in rows}
            names = directory_search.names(connection, query.filter.status.value)
            suggested = suggestions.did_you_mean(query.query, set(names) - found)
    end = query.offset + len(rows)
    return SearchResult(
        hits=tuple(_hit(row, words) for row in rows),
        total_size=total,
        facets=tuple(
            facets.facet(field, counts[field], selections[field], query.language)
            for field in facets.FACET_FIELDS
        ),
        did_you_mean=tuple(suggested),
        next_offset=end if end < total else None,
        key=key,
    )


def get_map(query: GetMap, read: ReadConnection) -> MapResult:
    words = text.query_words(query.query)
    with read() as connection:
        criteria = directory_search.Criteria(
            connection, query.filter.status.value, words, query.filter.selections()
        )
        rows = directory_search.map_rows(criteria, connection)
    programmes = [
        mapping.MappedProgramme(
            programme_id=row.programme_id,
            display_name=row.display_name,
            organisation_name=row.organisation_name,
            countries=tuple(row.countries.split()),
            target_groups=tuple(row.target_groups.split()),
            formats=tuple(row.formats.split()),
            city=row.city,
            latitude=row.latitude,
            longitude=row.longitude,
            evidence_level=row.evidence_level,
            quality_level=row.quality_level,
        )
        for row in rows
    ]
    return MapResult(
        geojson=mapping.feature_collection(programmes),
        countries=mapping.country_aggregates(programmes),
        total_size=len(programmes),
    )


def on_quality_label_awarded(event: quality.QualityLabelAwarded, uow: UnitOfWorkFactory) -> None:
    with uow() as work:
        directory_projections.record_quality_level(
            work.connection, event.programme_id, event.level.value, event.occurred_at
        )
        work.commit()


def on_quality_label_withdrawn(
    event: quality.QualityLabelWithdrawn, uow: UnitOfWorkFactory
) -> None:
    with uow() as work:
        directory_projections.record_quality_level(
            work.connection, event.programme_id, levels.NO_LABEL, event.occurred_at
        )
        work.commit()


def _hit(row: Any, words: tuple[str, ...]) -> DirectoryHit:
    return DirectoryHit(
        programme_id=row.programme_id,
        display_name=row.display_name,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        countries=tuple(row.countries.split()),
        city=row.city,
        snippet=text.snippet(row.description, words),
        score=float(row.score or 0.0),
        quality_level=row.quality_level,
        evidence_level=row.evidence_level,
        target_groups=tuple(row.target_groups.split()),
        formats=tuple(row.formats.split()),
        focus_areas=tuple(row.focus_areas.split()),
        latitude=row.latitude,
        longitude=row.longitude,
        status=row.status,
    )
