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
    # Random (new_id), never derived from an address.
    Column("id", String(64), primary_key=True),
    # Where mail goes: a person's verified address (None until they followed a link);
    # an organisation contact's address as its organisation gave it.
    Column("email", String(320), nullable=True),
    Column("display_name", String(200), nullable=False),
    # Set for people the registry told notify about, who are found by it alone;
    # None for organisation contacts.
    Column("person_id", String(64), nullable=True),
    Column("preferred_language", String(8), nullable=True),
    Column("contact_by_email", Boolean, nullable=True),
    # A person's address waiting for its verification link to be followed.
    Column("pending_email", String(320), nullable=True),
)
Index("ux_recipients_person", recipients.c.person_id, unique=True)
# Not unique: two people may give one address (a shared mailbox), each their own recipient.
Index("ix_recipients_email", recipients.c.email)

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

# Events about a person notify has not heard of yet (MembershipApproved can overtake
# PersonJoined); delivered when PersonJoined arrives.
awaiting_person = Table(
    "awaiting_person",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("person_id", String(64), nullable=False, index=True),
    Column("event_type", String(200), nullable=False),
    Column("body", Text, nullable=False),
)

# Only the registry's opaque id: a late or redelivered PersonJoined must not bring them back.
forgotten_people = Table(
    "forgotten_people",
    metadata,
    Column("person_id", String(64), primary_key=True),
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

# A person's choices over the defaults of `domain.preferences` (one row per choice).
preferences = Table(
    "preferences",
    metadata,
    Column("recipient_id", String(64), primary_key=True),
    Column("topic", String(40), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("frequency", String(16), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

# Outbound messages, one per source event x recipient x channel (the unique key makes a
# redelivered event a no-op). ``payload`` holds the template variables (JSON).
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("source_key", String(64), nullable=False),
    Column("recipient_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("notification_type", String(80), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("critical", Boolean, nullable=False),
    Column("frequency", String(16), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("payload", Text, nullable=False),
    Column("digest_id", String(64), nullable=True),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    Column("send_time", DateTime(timezone=True), nullable=True),
)
Index("ux_deliveries_source", deliveries.c.source_key, deliveries.c.recipient_id,
      deliveries.c.channel, unique=True)  # fmt: skip
Index("ix_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)
Index("ix_deliveries_recipient", deliveries.c.recipient_id, deliveries.c.create_time)

# Every status a delivery went through, with why (the delivery log operators read).
delivery_history = Table(
    "delivery_history",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("delivery_id", String(64), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("reason", Text, nullable=True),
    Column("time", DateTime(timezone=True), nullable=False),
)
