"""The directory's SQL: the version, the index's rows, text matches, a page's rows.

Selections, facet counts, ranking and paging happen in the in-memory index
(application/directory/facet_index.py), so the statements here are few and simple enough
that no plan can go wrong: a primary-key read of the version, the words' matches through
the GIN index (PostgreSQL) or FTS5 (SQLite), and the rows of one page by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Float, func, literal_column, select, text

from ecbm_registry.adapters.directory.projections import record_quality_level
from ecbm_registry.adapters.directory.read_models import (
    DIRECTORY_VERSION,
    FTS_TABLE,
    directory_state,
    programme_directory,
)
from ecbm_registry.application.directory.text import postgresql_tsquery, sqlite_match
from ecbm_runtime.db import among, is_postgresql

d = programme_directory

HIT_COLUMNS = (
    d.c.position,
    d.c.programme_id,
    d.c.organisation_id,
    d.c.organisation_name,
    d.c.display_name,
    d.c.description,
    d.c.status,
    d.c.countries,
    d.c.target_groups,
    d.c.formats,
    d.c.focus_areas,
    d.c.city,
    d.c.latitude,
    d.c.longitude,
    d.c.evidence_level,
    d.c.quality_level,
)
INDEXED_COLUMNS = (
    d.c.position,
    d.c.status,
    d.c.countries,
    d.c.target_groups,
    d.c.formats,
    d.c.focus_areas,
    d.c.evidence_level,
    d.c.quality_level,
    d.c.display_name,
    d.c.feature,
    d.c.programme_id,
    d.c.quality_rank,
    d.c.evidence_rank,
)


class DirectoryViews:
    """The directory's version, index rows, text matches and page rows, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def state(self) -> tuple[str, int]:
        """(epoch, version) of the directory: any change of it moves the version."""
        version = DIRECTORY_VERSION.value(self.connection)
        row = self.connection.execute(
            select(directory_state.c.epoch, version).where(directory_state.c.id == 1)
        ).one()
        return str(row[0]), int(row[1])

    def indexed_rows(self) -> Sequence[Any]:
        """What the index is built from: every listed programme, by position."""
        query = select(*INDEXED_COLUMNS).where(d.c.status != "withdrawn").order_by(d.c.position)
        return self.connection.execute(query).all()

    def text_matches(self, words: tuple[str, ...]) -> list[tuple[int, float]]:
        """(position, relevance) of every programme matching all ``words``, whatever its status
        (the index keeps to the status asked for).

        Relevance is higher-is-better: ``ts_rank`` on PostgreSQL (name weighted A, the rest
        B), minus ``bm25`` on SQLite (name weighted 10 to 1). On SQLite the FTS5 table is asked
        alone: joined to the directory, SQLite ran the MATCH again for every row.
        """
        if is_postgresql(self.connection):
            vector: ColumnElement[Any] = literal_column("programme_directory.search_vector")
            tsquery = func.to_tsquery(
                literal_column("'simple'::regconfig"), postgresql_tsquery(words)
            )
            score: ColumnElement[float] = func.ts_rank(vector, tsquery).cast(Float)
            query: Any = select(d.c.position, score).where(vector.op("@@")(tsquery))
        else:
            query = text(
                f"SELECT rowid, -bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH :match"
            ).bindparams(match=sqlite_match(words))
        return [(int(position), float(score)) for position, score in self.connection.execute(query)]

    def rows_at(self, positions: Sequence[int]) -> dict[int, Any]:
        """The rows of one page, by position."""
        if not positions:
            return {}
        query = select(*HIT_COLUMNS).where(among(self.connection, d.c.position, positions))
        return {row.position: row for row in self.connection.execute(query)}

    def record_quality_level(self, programme_id: str, level: str, occurred_at: datetime) -> bool:
        """Hold a quality label the quality service decided (see ``record_quality_level``)."""
        return record_quality_level(self.connection, programme_id, level, occurred_at)
