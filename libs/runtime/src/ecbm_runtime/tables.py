"""Tables every service's database has: the event store, the outbox, the inbox, tracking."""

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
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

store_metadata = MetaData()

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
Position = BigInteger().with_variant(Integer(), "sqlite")
Document = JSON().with_variant(JSONB(), "postgresql")

events = Table(
    "events",
    store_metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("stream_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(200), nullable=False),
    Column("data", Document, nullable=False),
    Column("metadata", Document, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
)

outbox = Table(
    "outbox",
    store_metadata,
    Column("id", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("exchange", String(200), nullable=False),
    Column("routing_key", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # Whom the message is about (a person id), so erasing a person finds their rows by key.
    Column("subject", String(64), nullable=True),
    # The event stream the row was translated from: the relay keeps each stream in order.
    Column("stream", String(200), nullable=True),
    # Set when the broker refused the row ``outbox_max_attempts`` times (ecbm outbox list).
    Column("parked_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
)
Index("ix_outbox_unpublished", outbox.c.published_at, outbox.c.id)
Index("ix_outbox_subject", outbox.c.subject)
_TROUBLED = text("attempts > 0 AND published_at IS NULL")
Index(
    "ix_outbox_troubled",
    outbox.c.stream,
    outbox.c.id,
    postgresql_where=_TROUBLED,
    sqlite_where=_TROUBLED,
)

inbox = Table(
    "inbox",
    store_metadata,
    Column("handler", String(200), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

# Idempotency keys of creates (see ecbm_runtime.idempotency): a digest of (kind, caller,
# request_id), the request's fingerprint and the resource the first request made.
idempotency_keys = Table(
    "idempotency_keys",
    store_metadata,
    Column("key", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("resource_id", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tracking = Table(
    "tracking",
    store_metadata,
    Column("name", String(200), primary_key=True),
    Column("position", BigInteger, nullable=False),
)
