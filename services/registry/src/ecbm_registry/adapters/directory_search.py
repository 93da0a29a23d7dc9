"""The directory's SQL: a page of ranked hits, all facet counts, the map's rows.

Few round trips by design: a search is one statement for the page (its total counted by a
window function) and, with a query, one for the positions its words match (facets are
counted in memory, see facet_index.py); the map is one statement. Filters on multi-valued
fields go through the indexed term table; full text through the GIN index (PostgreSQL) or
FTS5 (SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    Row,
    Select,
    func,
    literal,
    literal_column,
    select,
    text,
)

from ecbm_registry.adapters.directory_read_models import (
    FTS_TABLE,
    directory_state,
    programme_directory,
    programme_directory_terms,
)
from ecbm_registry.application.directory import facets
from ecbm_registry.application.directory.text import postgresql_tsquery, sqlite_match
from ecbm_runtime.db import is_postgresql

d = programme_directory
t = programme_directory_terms
Selections = facets.Selections

HIT_COLUMNS = (
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


class Criteria:
    """The status, words and selections of one search, as SQL conditions on the row."""

    def __init__(
        self, connection: Connection, status: str, words: tuple[str, ...], selections: Selections
    ) -> None:
        self.postgresql = is_postgresql(connection)
        self.status = status
        self.words = words
        self.selections = selections

    def base(self) -> list[ColumnElement[bool]]:
        """Status and text: what every facet's counts share."""
        conditions: list[ColumnElement[bool]] = [d.c.status == self.status]
        if self.words and self.postgresql:
            conditions.append(_vector().op("@@")(self._tsquery()))
        elif self.words:
            matching = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
            conditions.append(d.c.position.in_(matching.bindparams(match=self._match())))
        return conditions

    def selected(self, selections: Selections) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        for field, values in selections.items():
            if not values:
                continue
            if field in facets.TERM_FACETS:
                having = select(t.c.programme_id).where(t.c.facet == field, t.c.value.in_(values))
                conditions.append(d.c.programme_id.in_(having))
            else:
                conditions.append(d.c[facets.COLUMN_OF[field]].in_(values))
        return conditions

    def all(self) -> list[ColumnElement[bool]]:
        return self.base() + self.selected(self.selections)

    def _tsquery(self) -> ColumnElement[Any]:
        return func.to_tsquery(
            literal_column("'simple'::regconfig"), postgresql_tsquery(self.words)
        )

    def _match(self) -> str:
        return sqlite_match(self.words)

    def scored(self, query: Select[Any]) -> tuple[Select[Any], ColumnElement[float]]:
        """``query`` with a relevance column (higher is better; 0 without words)."""
        if not self.words:
            return query, literal(0.0, Float)
        if self.postgresql:
            score = func.ts_rank(_vector(), self._tsquery()).cast(Float)
            return query, score
        # bm25 is lower-is-better and needs the MATCH in its own FROM; weights: name, body.
        ranked = (
            text(
                f"SELECT rowid AS rid, bm25({FTS_TABLE}, 10.0, 1.0) AS rank "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match"
            )
            .bindparams(match=self._match())
            .columns(literal_column("rid", Integer), literal_column("rank", Float))
            .subquery("ranked")
        )
        joined = query.join_from(d, ranked, ranked.c.rid == d.c.position)
        return joined, -ranked.c.rank


def _vector() -> ColumnElement[Any]:
    return literal_column("programme_directory.search_vector")


def page(
    criteria: Criteria, connection: Connection, limit: int, offset: int
) -> tuple[list[Row[Any]], int]:
    """The hits of one page, best first, and how many there are in all.

    Labelled programmes first (highest level first), then relevance, evidence, name.
    """
    query, score = criteria.scored(select(*HIT_COLUMNS).select_from(d))
    total = func.count().over().label("total")
    query = (
        query.add_columns(score.label("score"), total)
        .where(*criteria.all())
        .order_by(
            d.c.quality_rank.desc(),
            score.desc(),
            d.c.evidence_rank.desc(),
            d.c.display_name,
            d.c.programme_id,
        )
        .limit(limit)
        .offset(offset)
    )
    rows = list(connection.execute(query).all())
    if rows:
        return rows, int(rows[0].total)
    if offset == 0:
        return [], 0
    counted = select(func.count()).select_from(d).where(*criteria.all())
    return [], int(connection.execute(counted).scalar_one())


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
)


def indexed_rows(connection: Connection) -> Sequence[Any]:
    """What the index is built from: every listed programme's facets, name and feature."""
    query = select(*INDEXED_COLUMNS).where(d.c.status != "withdrawn").order_by(d.c.position)
    return connection.execute(query).all()


def base_positions(criteria: Criteria, connection: Connection) -> list[int]:
    """Positions of the programmes matching the status and the words (not the selections)."""
    query = select(d.c.position).where(*criteria.base())
    return list(connection.execute(query).scalars())


def state(connection: Connection) -> tuple[str, int]:
    """(epoch, version) of the directory: any change of it moves the version."""
    row = connection.execute(
        select(directory_state.c.epoch, directory_state.c.version).where(directory_state.c.id == 1)
    ).one()
    return str(row.epoch), int(row.version)
