"""Notify's tables: its copy of who to reach, and the web inbox."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
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

recipients = Table(
    "recipients",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
)

organisation_contacts = Table(
    "organisation_contacts",
    metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("recipient_id", String(64), nullable=False),
)

# Events about an organisation notify has not heard of yet (handlers run concurrently,
# so ProgrammeRegistered can overtake OrganisationRegistered); delivered when it arrives.
awaiting_organisation = Table(
    "awaiting_organisation",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("organisation_id", String(64), nullable=False, index=True),
    Column("event_type", String(200), nullable=False),
    Column("body", Text, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_position", BigInteger, nullable=False, unique=True),
    Column("recipient_id", String(64), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(300), nullable=False),
    Column("source_event_type", String(200), nullable=False),
    Column("read", Boolean, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
)
Index("ix_notifications_inbox", notifications.c.recipient_id, notifications.c.created_position)

READ_MODEL_TABLES = (notifications,)
