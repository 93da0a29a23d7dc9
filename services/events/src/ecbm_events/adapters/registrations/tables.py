"""The registrations table (migration events_0001) and the places counters (events_0005).

``queue_position`` is the store position of the event that put a registration on the
waiting list: the waiting list's order, first come first served.

``event_places`` counts, per event, the places taken and the people waiting in each pool:
a mode (``mode:on_site``) and each quota (``quota:<name>``). Its check constraint is what
keeps an event from being overbooked: a registration that would take a place beyond
``places`` fails on it at commit, however many commit at once (see
``application.registrations.handlers``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from ecbm_events.adapters.programme.tables import metadata

WAITLISTED = text("state = 'waitlisted'")
OPEN_OF_SOMEONE = text("state NOT IN ('cancelled', 'declined') AND person_id != ''")

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
    Column("ticket_type", String(64), nullable=False, server_default=""),
    Column("country", String(2), nullable=False, server_default=""),
    Column("role", String(64), nullable=False, server_default=""),
    Column("quotas", JSON, nullable=False, server_default="[]"),
    Column("certificate_code", String(32), nullable=True),
    Column("certificate_name", String(200), nullable=True),
    Column("certificate_issued_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    Index("registrations_by_event", "event_id", "state", "mode"),
    # Each waiting line in order: a place in line counts only those who joined after.
    Index(
        "registrations_waiting_line",
        "event_id",
        "mode",
        "queue_position",
        sqlite_where=WAITLISTED,
        postgresql_where=WAITLISTED,
    ),
    Index("registrations_by_person", "person_id"),
    Index("registrations_by_offer", "state", "offer_expires_at"),
    Index("registrations_by_certificate", "certificate_code", unique=True),
    # One open registration per person and event, also when two arrive at once.
    Index(
        "registrations_one_open",
        "event_id",
        "person_id",
        unique=True,
        sqlite_where=OPEN_OF_SOMEONE,
        postgresql_where=OPEN_OF_SOMEONE,
    ),
)

event_places = Table(
    "event_places",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("pool", String(80), primary_key=True),
    Column("places", Integer, nullable=False),
    Column("taken", Integer, nullable=False),
    Column("waiting", Integer, nullable=False),
    CheckConstraint("taken <= places", name="places_not_overbooked"),
)
