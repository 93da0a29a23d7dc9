"""The series table (migration events_0007)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text

from ecbm_events.adapters.programme.tables import metadata

event_series = Table(
    "event_series",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)
