"""Newsletter tables: campaigns (read model), external subscribers (read model), members'
country and roles (from registry events), and one row per campaign and recipient.

Lists (roles, topics) are stored as ``,a,b,`` so one ``LIKE '%,a,%'`` finds a member of
them on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

newsletter_campaigns = Table(
    "newsletter_campaigns",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("template", String(80), nullable=False),
    Column("blocks", Text, nullable=False),  # JSON list of ContentBlock
    Column("audience", Text, nullable=False),  # JSON of Audience
    Column("state", String(16), nullable=False),
    Column("send_time", DateTime(timezone=True), nullable=True),
    Column("audience_size", Integer, nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    Column("complete_time", DateTime(timezone=True), nullable=True),
)
Index("ix_newsletter_campaigns_state", newsletter_campaigns.c.state, newsletter_campaigns.c.id)

newsletter_subscribers = Table(
    "newsletter_subscribers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("country", String(2), nullable=True),
    Column("topics", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)
Index(
    "ix_newsletter_subscribers_state", newsletter_subscribers.c.state, newsletter_subscribers.c.id
)

newsletter_member_profiles = Table(
    "newsletter_member_profiles",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("country", String(2), nullable=True),
    Column("roles", Text, nullable=False),
)

# queued → sent | failed (reason) | skipped (reason: unsubscribed, forgotten, no consent).
newsletter_sends = Table(
    "newsletter_sends",
    metadata,
    Column("campaign_id", String(64), nullable=False),
    Column("recipient_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("update_time", DateTime(timezone=True), nullable=True),
    PrimaryKeyConstraint("campaign_id", "recipient_id", name="pk_newsletter_sends"),
)
Index(
    "ix_newsletter_sends_status",
    newsletter_sends.c.campaign_id,
    newsletter_sends.c.status,
    newsletter_sends.c.recipient_id,
)

# Kept by the sender in the transaction that records outcomes (not rebuilt by replay).
newsletter_campaign_counts = Table(
    "newsletter_campaign_counts",
    metadata,
    Column("campaign_id", String(64), primary_key=True),
    Column("queued", Integer, nullable=False),
    Column("sent", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
)

# Which sender works on a campaign until when (a crashed worker's lease runs out).
newsletter_leases = Table(
    "newsletter_leases",
    metadata,
    Column("campaign_id", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
)

NEWSLETTER_READ_MODEL_TABLES = (newsletter_campaigns, newsletter_subscribers)
