"""Matching read models: profiles (registry's copy), requests, candidate marks, weight
history, declared conflicts, rounds, introductions, threads, blocked senders, Meet &
Match.

Revision ID: matching_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "matching_0001"
down_revision = None
branch_labels = ("matching",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "blocked_senders",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("sender_id", sa.String(64), primary_key=True),
    )
    op.create_table(
        "candidate_marks",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("candidate_id", sa.String(64), primary_key=True),
        sa.Column("mark", sa.String(16), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "conflicts",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("other_id", sa.String(64), primary_key=True, index=True),
    )
    op.create_table(
        "introductions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False, index=True),
        sa.Column("request_title", sa.String(200), nullable=False),
        sa.Column("requester_id", sa.String(64), nullable=False, index=True),
        sa.Column("candidate_id", sa.String(64), nullable=False, index=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("accepted", sa.JSON, nullable=False),
        sa.Column("requester_rating", sa.Integer, nullable=True),
        sa.Column("candidate_rating", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "match_requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner_id", sa.String(64), nullable=False, index=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("country_preference", sa.String(8), nullable=False),
        sa.Column("exclude_same_organisation", sa.Boolean, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "mm_events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slots", sa.JSON, nullable=False),
        sa.Column("tables", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("placed", sa.Integer, nullable=False),
        sa.Column("bound", sa.Float, nullable=False),
    )
    op.create_table(
        "mm_meetings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, index=True),
        sa.Column("from_id", sa.String(64), nullable=False, index=True),
        sa.Column("to_id", sa.String(64), nullable=False, index=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("slot", sa.Integer, nullable=True),
        sa.Column("table_number", sa.Integer, nullable=True),
    )
    op.create_table(
        "mm_participants",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), primary_key=True, index=True),
        sa.Column("unavailable", sa.JSON, nullable=False),
    )
    op.create_table(
        "profile_topics",
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("relation", sa.String(16), primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("evidence", sa.Integer, nullable=False),
        sa.Column("quality_labels", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "request_topics",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True, index=True),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("pairs", sa.JSON, nullable=False),
        sa.Column("assign_total", sa.Float, nullable=False),
        sa.Column("greedy_total", sa.Float, nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "thread_messages",
        sa.Column("thread_id", sa.String(64), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("send_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("starter_id", sa.String(64), nullable=False, index=True),
        sa.Column("recipient_id", sa.String(64), nullable=False, index=True),
        sa.Column("about_request", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "weight_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("weights", sa.JSON, nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("set_time", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "weight_history",
        "threads",
        "thread_messages",
        "rounds",
        "request_topics",
        "profiles",
        "profile_topics",
        "mm_participants",
        "mm_meetings",
        "mm_events",
        "match_requests",
        "introductions",
        "conflicts",
        "candidate_marks",
        "blocked_senders",
    ):
        op.drop_table(table)
