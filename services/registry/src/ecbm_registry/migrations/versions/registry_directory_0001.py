"""Registry read models: the programme directory (search, facets, map) and quality labels.

Full text differs by database: on PostgreSQL a generated tsvector column (the 'simple'
configuration: no stemming, programmes are written in many languages) with a GIN index;
on SQLite an FTS5 table kept in step by triggers, keyed by the row's ``position``.
The directory fills from the event store with ``ecbm replay registry``.

Revision ID: registry_directory_0001
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "registry_directory_0001"
down_revision = "registry_programmes_0002"
branch_labels = None
depends_on = None

_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE programme_directory_fts USING fts5("
    "search_name, search_body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER programme_directory_fts_insert AFTER INSERT ON programme_directory BEGIN "
    "INSERT INTO programme_directory_fts (rowid, search_name, search_body) "
    "VALUES (new.position, new.search_name, new.search_body); END",
    "CREATE TRIGGER programme_directory_fts_delete AFTER DELETE ON programme_directory BEGIN "
    "DELETE FROM programme_directory_fts WHERE rowid = old.position; END",
    "CREATE TRIGGER programme_directory_fts_update "
    "AFTER UPDATE OF search_name, search_body ON programme_directory BEGIN "
    "UPDATE programme_directory_fts SET search_name = new.search_name, "
    "search_body = new.search_body WHERE rowid = old.position; END",
]
_POSTGRESQL_FTS = [
    "ALTER TABLE programme_directory ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_name), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED",
    "CREATE INDEX ix_programme_directory_search ON programme_directory USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "directory_organisations",
        sa.Column("organisation_id", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
    )
    op.create_table(
        "programme_directory",
        sa.Column("programme_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("organisation_id", sa.String(64), nullable=False, index=True),
        sa.Column("organisation_name", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("target_groups", sa.Text, nullable=False),
        sa.Column("formats", sa.Text, nullable=False),
        sa.Column("focus_areas", sa.Text, nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("evidence_level", sa.String(40), nullable=False),
        sa.Column("evidence_rank", sa.Integer, nullable=False),
        sa.Column("quality_level", sa.String(20), nullable=False),
        sa.Column("quality_rank", sa.Integer, nullable=False),
        sa.Column("search_name", sa.Text, nullable=False),
        sa.Column("search_body", sa.Text, nullable=False),
        sa.Column("feature", sa.Text, nullable=True),
    )
    op.create_index(
        "ix_programme_directory_ranking",
        "programme_directory",
        ["status", "quality_rank", "evidence_rank"],
    )
    op.create_table(
        "programme_directory_terms",
        sa.Column("facet", sa.String(20), primary_key=True),
        sa.Column("value", sa.String(64), primary_key=True),
        sa.Column("programme_id", sa.String(64), primary_key=True),
    )
    op.create_index(
        "ix_programme_directory_terms_programme", "programme_directory_terms", ["programme_id"]
    )
    op.create_table(
        "programme_quality_labels",
        sa.Column("programme_id", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    )
    state = op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "epoch": uuid.uuid4().hex, "version": 0}])
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRESQL_FTS if dialect == "postgresql" else _SQLITE_FTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE programme_directory_fts")  # its triggers go with their table
    op.drop_table("directory_state")
    op.drop_table("programme_quality_labels")
    op.drop_index("ix_programme_directory_terms_programme", "programme_directory_terms")
    op.drop_table("programme_directory_terms")
    op.drop_index("ix_programme_directory_ranking", "programme_directory")
    op.drop_table("programme_directory")
    op.drop_table("directory_organisations")
