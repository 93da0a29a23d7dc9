"""The contributions table (migration events_0003)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from ecbm_events.adapters.programme.tables import metadata

contributions = Table(
    "contributions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("abstract", Text, nullable=False),
    Column("state", String(32), nullable=False),
    Column("review_note", Text, nullable=False),
    Column("session_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)
