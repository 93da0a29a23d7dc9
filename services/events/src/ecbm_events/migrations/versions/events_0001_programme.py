"""Events read models: event listings, their sessions, registrations.

Revision ID: events_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "event_listings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(500), nullable=False),
        sa.Column("on_site_places", sa.Integer, nullable=False),
        sa.Column("online_places", sa.Integer, nullable=False),
        sa.Column("waiting_list", sa.Boolean, nullable=False),
        sa.Column("moderated", sa.Boolean, nullable=False),
        sa.Column("registration_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("series", sa.String(200), nullable=False),
        sa.Column("stream_url", sa.String(500), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_sessions",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("room", sa.String(100), nullable=False),
        sa.Column("online", sa.Boolean, nullable=False),
        sa.Column("speakers", sa.JSON, nullable=False),
        sa.Column("abstract", sa.Text, nullable=False),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("queue_position", sa.BigInteger, nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("attended_sessions", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("registrations_by_event", "registrations", ["event_id", "state", "mode"])
    op.create_index("registrations_by_person", "registrations", ["person_id"])
    op.create_index("registrations_by_offer", "registrations", ["state", "offer_expires_at"])


def downgrade() -> None:
    op.drop_table("registrations")
    op.drop_table("event_sessions")
    op.drop_table("event_listings")
