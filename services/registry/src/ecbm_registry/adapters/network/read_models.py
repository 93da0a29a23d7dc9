"""Read-model tables of the Brussels network: contacts, their stance history, interactions."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

policy_contacts = Table(
    "policy_contacts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("added_position", BigInteger, nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("country", String(2), nullable=False),
    Column("institution", String(200), nullable=False),
    Column("committee", String(200), nullable=False),
    Column("directorate_general", String(100), nullable=False),
    Column("unit", String(100), nullable=False),
    Column("topics", JSON, nullable=False),
    Column("email", String(320), nullable=False),
    Column("stance", String(20), nullable=False),
    # Stance.rank: champion 0 … sceptical 3, so "most supportive first" is an index scan.
    Column("stance_rank", Integer, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)
Index("ix_policy_contacts_country_kind", policy_contacts.c.country, policy_contacts.c.kind)

policy_contact_topics = Table(
    "policy_contact_topics",
    metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("topic", String(100), primary_key=True),
)
Index("ix_policy_contact_topics_topic", policy_contact_topics.c.topic)

stance_changes = Table(
    "policy_contact_stance_changes",
    metadata,
    Column("contact_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("stance", String(20), nullable=False),
    Column("previous", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("change_time", DateTime(timezone=True), nullable=False),
)

interactions = Table(
    "policy_interactions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("logged_position", BigInteger, nullable=False, unique=True),
    Column("contact_id", String(64), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("occurred_on", Date, nullable=False, index=True),
    Column("participants", JSON, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("logged_by", String(200), nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
)

interaction_participants = Table(
    "policy_interaction_participants",
    metadata,
    Column("interaction_id", String(64), primary_key=True),
    Column("person_id", String(64), primary_key=True),
)
Index("ix_policy_interaction_participants_person", interaction_participants.c.person_id)

NETWORK_TABLES = (
    policy_contacts,
    policy_contact_topics,
    stance_changes,
    interactions,
    interaction_participants,
)
