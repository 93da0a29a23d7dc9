"""Directory use cases: search and map (read-only), quality labels in (from the worker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecbm_integration import quality
from ecbm_registry.adapters.directory.views import DirectoryViews
from ecbm_registry.application.directory import facets, levels, mapping, suggestions, text
from ecbm_registry.application.directory.cache import AnswerCache
from ecbm_registry.application.directory.facet_index import FacetIndex, IndexedRow
from ecbm_registry.application.directory.queries import GetMap, SearchProgrammes
from ecbm_registry.application.directory.results import DirectoryHit, MapResult, SearchResult
from ecbm_runtime.errors import FieldViolation, InvalidArgument

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies


# One per process: keys carry the database's epoch, so several databases can share them.
ANSWERS = AnswerCache("answer")
INDEXES = AnswerCache("facet_index", size=4)


def search_programmes(query: SearchProgrammes, deps: RegistryDependencies) -> SearchResult:
    key = query.key()
    if query.page_key is not None and query.page_key != key:
        violation = FieldViolation(
            "page_token", "belongs to another query or filter; start again without a token"
        )
        raise InvalidArgument(violation)
    with deps.read() as read:
        directory = read.directory
        state = directory.state()
        cache_key = (state, query.model_dump_json())
        kept = ANSWERS.get(cache_key)
        if isinstance(kept, SearchResult):
            return kept
        result = _search(query, key, directory, _facet_index(state, directory))
    ANSWERS.put(cache_key, result)
    return result


def _facet_index(state: tuple[str, int], directory: DirectoryViews) -> FacetIndex:
    """The index of this version of the directory, built on first use."""
    kept = INDEXES.get(state)
    if isinstance(kept, FacetIndex):
        return kept
    index = FacetIndex.of(IndexedRow(*row) for row in directory.indexed_rows())
    INDEXES.put(state, index)
    return index


def _matching(
    index: FacetIndex, directory: DirectoryViews, status: str, words: tuple[str, ...]
) -> tuple[int, dict[int, float] | None]:
    """The programmes with ``status`` matching the words, and their relevance by bit."""
    base = index.statuses.get(status, 0)
    if not words:
        return base, None
    scores = {
        bit: score
        for position, score in directory.text_matches(words)
        if (bit := index.bit_of.get(position)) is not None
    }
    return base & index.bits(index.positions[bit] for bit in scores), scores


def _search(
    query: SearchProgrammes, key: str, directory: DirectoryViews, index: FacetIndex
) -> SearchResult:
    words = text.query_words(query.query)
    selections = query.filter.selections()
    status = query.filter.status.value
    base, scores = _matching(index, directory, status, words)
    selected = index.selected(base, selections)
    total = selected.bit_count()
    bits = index.page(selected, query.offset, query.page_size, scores)
    rows = directory.rows_at([index.positions[bit] for bit in bits])
    hits = tuple(
        _hit(rows[index.positions[bit]], words, (scores or {}).get(bit, 0.0))
        for bit in bits
        if index.positions[bit] in rows
    )
    counts = index.counts(base, selections)
    suggested: list[str] = []
    if words and total < suggestions.FEW_HITS:
        found = {hit.display_name for hit in hits}
        names = index.names_in(index.statuses.get(status, 0))
        suggested = suggestions.did_you_mean(query.query, names - found)
    end = query.offset + len(bits)
    return SearchResult(
        hits=hits,
        total_size=total,
        facets=tuple(
            facets.facet(field, counts[field], selections[field], query.language)
            for field in facets.FACET_FIELDS
        ),
        did_you_mean=tuple(suggested),
        next_offset=end if end < total else None,
        key=key,
    )


def get_map(query: GetMap, deps: RegistryDependencies) -> MapResult:
    with deps.read() as read:
        directory = read.directory
        state = directory.state()
        cache_key = (state, "map", query.model_dump_json())
        kept = ANSWERS.get(cache_key)
        if isinstance(kept, MapResult):
            return kept
        index = _facet_index(state, directory)
        words = text.query_words(query.query)
        base, _scores = _matching(index, directory, query.filter.status.value, words)
    mask = index.selected(base, query.filter.selections())
    result = MapResult(
        geojson=mapping.feature_collection(index.features_in(mask)),
        countries=index.country_aggregates(mask),
        total_size=mask.bit_count(),
    )
    ANSWERS.put(cache_key, result)
    return result


def on_quality_label_awarded(
    event: quality.QualityLabelAwarded, deps: RegistryDependencies
) -> None:
    """The quality service's decision, held in the directory (the delivery claimed once)."""
    with deps.uow() as work:
        work.views.directory.record_quality_level(
            event.programme_id, event.step.value, event.occurred_at
        )
        work.commit()


def on_quality_label_withdrawn(
    event: quality.QualityLabelWithdrawn, deps: RegistryDependencies
) -> None:
    with deps.uow() as work:
        work.views.directory.record_quality_level(
            event.programme_id, levels.NO_LABEL, event.occurred_at
        )
        work.commit()


HANDLERS: dict[type, Callable[[Any, RegistryDependencies], Any]] = {
    quality.QualityLabelAwarded: on_quality_label_awarded,
    quality.QualityLabelWithdrawn: on_quality_label_withdrawn,
    SearchProgrammes: search_programmes,
    GetMap: get_map,
}


def _hit(row: Any, words: tuple[str, ...], score: float) -> DirectoryHit:
    return DirectoryHit(
        programme_id=row.programme_id,
        display_name=row.display_name,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        countries=tuple(row.countries.split()),
        city=row.city,
        snippet=text.snippet(row.description, words),
        score=score,
        quality_level=row.quality_level,
        evidence_level=row.evidence_level,
        target_groups=tuple(row.target_groups.split()),
        formats=tuple(row.formats.split()),
        focus_areas=tuple(row.focus_areas.split()),
        latitude=row.latitude,
        longitude=row.longitude,
        status=row.status,
    )
