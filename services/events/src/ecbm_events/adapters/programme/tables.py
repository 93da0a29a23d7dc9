"""Tables of the events' read model (migrations events_0001, _0006). ``events`` is the store's."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

event_listings = Table(
    "event_listings",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False, index=True),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("venue", String(500), nullable=False),
    Column("on_site_places", Integer, nullable=False),
    Column("online_places", Integer, nullable=False),
    Column("waiting_list", Boolean, nullable=False),
    Column("moderated", Boolean, nullable=False),
    Column("registration_closes_at", DateTime(timezone=True), nullable=True),
    Column("series", String(200), nullable=False),
    Column("series_id", String(64), nullable=False, server_default="", index=True),
    Column("stream_url", String(500), nullable=False),
    Column("ticket_types", JSON, nullable=False, server_default="[]"),
    Column("quotas", JSON, nullable=False, server_default="[]"),
    Column("state", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

event_sessions = Table(
    "event_sessions",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("room", String(100), nullable=False),
    Column("online", Boolean, nullable=False),
    Column("speakers", JSON, nullable=False),
    Column("abstract", Text, nullable=False),
)

event_reminders = Table(
    "event_reminders",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("reminder", String(16), primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

event_materials = Table(
    "event_materials",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("session_id", String(64), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("media_type", String(127), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)
