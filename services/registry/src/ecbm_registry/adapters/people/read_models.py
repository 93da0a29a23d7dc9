"""Read-model tables of people and memberships; a forgotten person's rows are deleted."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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

people = Table(
    "people",
    metadata,
    Column("id", String(64), primary_key=True),
    # Position of the joining event: a stable key for paging in joining order.
    Column("joined_position", BigInteger, nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("sort_name", String(200), nullable=False, index=True),
    Column("email", String(320), nullable=False),
    Column("bio", Text, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("affiliation_id", String(64), nullable=False),
    Column("country", String(2), nullable=False, index=True),
    Column("languages", JSON, nullable=False),
    Column("preferred_language", String(2), nullable=False),
    Column("open_to_visiting_professorship", Boolean, nullable=False),
    Column("open_to_hosting_interns", Boolean, nullable=False),
    Column("open_to_peer_review", Boolean, nullable=False),
    Column("listed_in_directory", Boolean, nullable=False),
    Column("contact_by_email", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

person_roles = Table(
    "person_roles",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("role", String(40), primary_key=True),
)
Index("ix_person_roles_role", person_roles.c.role, person_roles.c.person_id)

person_expertise = Table(
    "person_expertise",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("topic", String(64), primary_key=True),
    Column("level", String(20), nullable=False),
    Column("description", Text, nullable=False),
)
Index("ix_person_expertise_topic", person_expertise.c.topic, person_expertise.c.person_id)

person_learning_goals = Table(
    "person_learning_goals",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("topic", String(64), primary_key=True),
    Column("description", Text, nullable=False),
)
Index(
    "ix_person_learning_goals_topic",
    person_learning_goals.c.topic,
    person_learning_goals.c.person_id,
)

memberships = Table(
    "memberships",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("status", String(20), nullable=False, index=True),
    Column("motivation", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("apply_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

PEOPLE_READ_MODEL_TABLES = (
    people,
    person_roles,
    person_expertise,
    person_learning_goals,
    memberships,
)
