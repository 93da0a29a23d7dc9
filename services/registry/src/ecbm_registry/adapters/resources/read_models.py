"""Read-model table of shared resources (research results, publications, manuals, stories)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

resources = Table(
    "resources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("drafted_position", BigInteger, nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("title", String(300), nullable=False),
    Column("summary", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(1000), nullable=False),
    Column("language", String(2), nullable=False),
    Column("countries", JSON, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("author", String(200), nullable=False),
    Column("author_display_name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("review_comments", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    Column("publish_time", DateTime(timezone=True), nullable=True),
)
Index("ix_resources_status_kind", resources.c.status, resources.c.kind)
Index("ix_resources_author", resources.c.author)

RESOURCE_TABLES = (resources,)
