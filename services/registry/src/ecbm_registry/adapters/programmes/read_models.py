"""Read-model tables of the registry, kept by projections in the command's transaction."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


organisations = Table(
    "organisations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("normalised_name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("country", String(2), nullable=False),
    Column("city", String(200), nullable=False),
    Column("website", String(500), nullable=False),
    Column("contact_name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False),
    Column("description", Text, nullable=False),
    Column("editors", JSON, nullable=True),  # registry_programmes_0002; NULL: none
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    # registry_organisations_0001: "active" or "withdrawn" (OrganisationStatus).
    Column("status", String(20), nullable=False, server_default="active"),
)
Index(
    "ix_organisations_identity",
    organisations.c.normalised_name,
    organisations.c.country,
    unique=True,
)
# ListOrganisations in one country, in name order (keyset on name, then id).
Index(
    "ix_organisations_country_name",
    organisations.c.country,
    organisations.c.normalised_name,
    organisations.c.id,
)

programmes = Table(
    "programmes",
    metadata,
    Column("id", String(64), primary_key=True),
    # Position of the registering event: a stable, gap-tolerant key for keyset paging.
    Column("registered_position", BigInteger, nullable=False, unique=True),
    Column("organisation_id", String(64), nullable=False, index=True),
    Column("display_name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("countries", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    # registry_programmes_0002: the profile; NULL on rows projected before it.
    Column("target_groups", JSON, nullable=True),
    Column("formats", JSON, nullable=True),
    Column("focus_areas", JSON, nullable=True),
    Column("age_min", Integer, nullable=True),
    Column("age_max", Integer, nullable=True),
    Column("mentors_per_year", Integer, nullable=True),
    Column("mentees_per_year", Integer, nullable=True),
    Column("matches_per_year", Integer, nullable=True),
    Column("start_year", Integer, nullable=True),
    Column("regions", JSON, nullable=True),
    Column("city", String(200), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("location_matched", String(300), nullable=True),
    Column("learning_goals", JSON, nullable=True),  # [{topic, description}]
    Column("evaluations", JSON, nullable=True),  # [{design, year, link}], oldest first
    Column("evidence_level", String(40), nullable=True),  # NULL: none
    Column("evidence_rank", Integer, nullable=True, index=True),  # order of EvaluationDesign
    # registry_import_0001: the importer's key; NULL when not imported. Unique: one
    # programme per key, which makes re-importing a file idempotent.
    Column("external_id", String(100), nullable=True),
)
Index("ix_programmes_external_id", programmes.c.external_id, unique=True)

programme_countries = Table(
    "programme_countries",
    metadata,
    Column("programme_id", String(64), primary_key=True),
    Column("country", String(2), primary_key=True),
)
Index(
    "ix_programme_countries_country",
    programme_countries.c.country,
    programme_countries.c.programme_id,
)

READ_MODEL_TABLES = (organisations, programmes, programme_countries)
