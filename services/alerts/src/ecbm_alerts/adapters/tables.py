"""The alerts read models (migration alerts_0001)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
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

sources = Table(
    "alert_sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("item_kind", String(32), nullable=False),
    Column("query", String(500), nullable=False),
    Column("interval_minutes", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("health", String(16), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("etag", String(500), nullable=False),
    Column("last_modified", String(100), nullable=False),
    Column("last_success_time", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

items = Table(
    "alert_items",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("key", String(300), nullable=False, unique=True),
    Column("identifier", String(200), nullable=False),
    Column("canonical_url", String(2000), nullable=False),
    Column("normalised_title", String(500), nullable=False),
    Column("title_block", String(200), nullable=False),
    Column("title", String(500), nullable=False),
    Column("facts", JSON, nullable=False),
    Column("relevance", Float, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("next_deadline", Date, nullable=True),
    Column("status", String(32), nullable=False),
    Column("pinned", Boolean, nullable=False),
    Column("hidden", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("picked", Boolean, nullable=False),
    Column("sources", JSON, nullable=False),
    # Rapporteurs linked to registry's policy contacts: [{reference, policy_contact_id, role}].
    Column("contacts", JSON, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    Index("alert_items_by_url", "canonical_url"),
    Index("alert_items_by_block", "kind", "title_block"),
    Index("alert_items_by_deadline", "next_deadline"),
)
# The order a page of items is read in (views.AlertsViews.page).
Index("alert_items_by_rank", items.c.pinned.desc(), items.c.relevance.desc(), items.c.id)

item_changes = Table(
    "alert_item_changes",
    metadata,
    Column("item_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("changes", JSON, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

item_matches = Table(
    "alert_item_matches",
    metadata,
    Column("item_id", String(64), primary_key=True),
    Column("subscription_id", String(64), primary_key=True, index=True),
    Column("matched_at", DateTime(timezone=True), nullable=False),
)

subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("terms", JSON, nullable=False),
    # The subscriber's organisation (joined to alert_organisations for its kind).
    Column("organisation_id", String(64), nullable=False, server_default=""),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

# Not read models (a replay of the store leaves them): the worker's schedule and what alerts
# learnt from registry's events (migration alerts_0002).
poll_schedule = Table(
    "alert_poll_schedule",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("next_poll_time", DateTime(timezone=True), nullable=False),
)

organisations = Table(
    "alert_organisations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(64), nullable=False),
)

# One row: what the saved searches' index is built from (searches, organisations' kinds)
# moved this often; a cached index is current while it reads the same (migration
# alerts_0003). On PostgreSQL the number is the sequence alert_searches_version.
searches_state = Table(
    "alert_searches_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
)
SEARCHES_VERSION = ChangeCounter("alert_searches_version", searches_state.c.version)

READ_MODELS = [sources, items, item_changes, item_matches, subscriptions]
