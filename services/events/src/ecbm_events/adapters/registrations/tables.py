"""The registrations table (migration events_0001).

``queue_position`` is the store position of the event that put a registration on the
waiting list: the waiting list's order, first come first served.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer, String, Table, Text

from ecbm_events.adapters.programme.tables import metadata

registrations = Table(
    "registrations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("queue_position", BigInteger, nullable=True),
    Column("offer_expires_at", DateTime(timezone=True), nullable=True),
    Column("reason", Text, nullable=False),
    Column("attended_sessions", JSON, nullable=False),
    Column("certificate_code", String(32), nullable=True),
    Column("certificate_name", String(200), nullable=True),
    Column("certificate_issued_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    Index("registrations_by_event", "event_id", "state", "mode"),
    Index("registrations_by_person", "person_id"),
    Index("registrations_by_offer", "state", "offer_expires_at"),
    Index("registrations_by_certificate", "certificate_code", unique=True),
)
