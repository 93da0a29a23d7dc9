"""Read models of the programme directory: one denormalised row per programme for search and
the map, a term table for the multi-valued facets, and the quality labels consumed from the
quality service.

Multi-valued fields are stored twice on purpose: as space-separated ids on the row (the
search page and the map read them without a join or JSON decoding) and as rows of
``programme_directory_terms`` (the filters and facet counts use its index).

Full text is dialect specific and lives in the migration, outside these tables: on
PostgreSQL a generated ``search_vector`` tsvector column with a GIN index, on SQLite the
FTS5 table ``programme_directory_fts`` kept by triggers, its rowid being ``position``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from ecbm_runtime.change_counter import ChangeCounter

metadata = MetaData()

FTS_TABLE = "programme_directory_fts"

programme_directory = Table(
    "programme_directory",
    metadata,
    Column("programme_id", String(64), primary_key=True),
    # Position of the registering event: stable integer key (the FTS5 rowid on SQLite).
    Column("position", BigInteger, nullable=False, unique=True),
    Column("organisation_id", String(64), nullable=False, index=True),
    Column("organisation_name", String(200), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("countries", Text, nullable=False),  # space-separated, e.g. "BE NL"
    Column("target_groups", Text, nullable=False),
    Column("formats", Text, nullable=False),
    Column("focus_areas", Text, nullable=False),
    Column("city", String(200), nullable=False),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("evidence_level", String(40), nullable=False),
    Column("evidence_rank", Integer, nullable=False),
    Column("quality_level", String(20), nullable=False),
    Column("quality_rank", Integer, nullable=False),
    # Case- and accent-folded texts the full-text index is built from.
    Column("search_name", Text, nullable=False),
    Column("search_body", Text, nullable=False),
    # The programme's GeoJSON Feature, rendered when it changes; NULL without a location.
    Column("feature", Text, nullable=True),
)
Index(
    "ix_programme_directory_ranking",
    programme_directory.c.status,
    programme_directory.c.quality_rank,
    programme_directory.c.evidence_rank,
)

programme_directory_terms = Table(
    "programme_directory_terms",
    metadata,
    Column("facet", String(20), primary_key=True),  # countries, target_groups, ...
    Column("value", String(64), primary_key=True),
    Column("programme_id", String(64), primary_key=True),
)
Index("ix_programme_directory_terms_programme", programme_directory_terms.c.programme_id)

directory_organisations = Table(
    "directory_organisations",
    metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
)

# Fed by the quality service's events, not by the registry's own: replay must keep it.
programme_quality_labels = Table(
    "programme_quality_labels",
    metadata,
    Column("programme_id", String(64), primary_key=True),
    Column("level", String(20), nullable=False),  # "none" after a withdrawal
    Column("occurred_at", DateTime(timezone=True), nullable=False),
)

# One row: a counter every change of the directory moves, so cached answers know they are
# current; ``epoch`` tells databases apart. Not a replayed table: replay only moves it on.
directory_state = Table(
    "directory_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("epoch", String(32), nullable=False),
    Column("version", BigInteger, nullable=False),
)

# Moved once per committed transaction that changed the directory: on PostgreSQL the
# sequence (directory_state keeps the epoch), on SQLite directory_state.version.
DIRECTORY_VERSION = ChangeCounter("directory_version", directory_state.c.version)

# Rebuilt by `ecbm replay registry`, parents first; programme_quality_labels is not one.
DIRECTORY_READ_MODEL_TABLES = (
    directory_organisations,
    programme_directory,
    programme_directory_terms,
)
