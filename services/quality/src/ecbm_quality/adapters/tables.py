"""The quality service's read models (migration quality_0001).

``programmes``, ``editors``, ``members`` and ``people`` hold what registry told the worker
(programmes and who runs them, memberships, people's roles): facts, not decisions.
``labels`` is the public register; ``label_history`` each label's changes; ``applications``
and ``criteria_sets`` follow their aggregates; ``panel_seats`` keeps who audited what, for
rotation between cycles; ``conflicts`` the conflicts of interest people declared.
Migration quality_0002 added the labels' follow-up columns (surveillance, conditions),
``appeals`` (appeals as a resource) and ``introductions`` (matching's accepted
introductions: recent collaboration, for impartiality); quality_0003 the labels'
``conditions_deadline`` (kept once met) and an index on ``conditions_due``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

programmes = Table(
    "quality_programmes",
    metadata,
    Column("programme_id", String(64), primary_key=True),
    Column("organisation_id", String(64), nullable=False, index=True),
    Column("display_name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    # The step other services were last told ("" for none): the register's facet source.
    Column("published_step", String(16), nullable=False),
)

editors = Table(
    "quality_editors",
    metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("person_id", String(128), primary_key=True, index=True),
)

members = Table(
    "quality_members",
    metadata,
    Column("person_id", String(128), primary_key=True),
)

people = Table(
    "quality_people",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("roles", String(200), nullable=False),  # space separated registry roles
)

labels = Table(
    "quality_labels",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("programme_id", String(64), nullable=False, index=True),
    # The programme's name and country as registry last said: the register sorts and
    # filters on them without a join.
    Column("programme_name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("organisation_id", String(64), nullable=False),
    Column("step", String(16), nullable=False),
    Column("criteria_set", String(16), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False, index=True),
    Column("standing", String(16), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("reminded", Integer, nullable=False),
    # Follow-up on the worker's timer: the mid-term surveillance date and whether its
    # reminder went out; open conditions' deadline (none when met) and their reminder;
    # the latest conditions' deadline, kept once they are met (quality_0003).
    Column("surveillance_due", DateTime(timezone=True), nullable=True),
    Column("surveillance_reminded", Integer, nullable=False, server_default="0"),
    Column("conditions_due", DateTime(timezone=True), nullable=True, index=True),
    Column("conditions_reminded", Integer, nullable=False, server_default="0"),
    Column("conditions_deadline", DateTime(timezone=True), nullable=True),
    Index("ix_quality_labels_register", "standing", "programme_name", "code"),
)

label_history = Table(
    "quality_label_history",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("programme_id", String(64), nullable=False, index=True),
    Column("change", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

applications = Table(
    "quality_applications",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("programme_id", String(64), nullable=False, index=True),
    Column("organisation_id", String(64), nullable=False),
    Column("step", String(16), nullable=False),
    Column("criteria_set", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("panel", JSON, nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

panel_seats = Table(
    "quality_panel_seats",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("application_id", String(64), primary_key=True),
    Column("programme_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

conflicts = Table(
    "quality_conflicts",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("subject_id", String(64), primary_key=True),  # an organisation or a programme
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

appeals = Table(
    "quality_appeals",
    metadata,
    Column("appeal_id", String(64), primary_key=True),
    Column("application_id", String(64), nullable=False, index=True),
    Column("programme_id", String(64), nullable=False, index=True),
    Column("organisation_id", String(64), nullable=False, index=True),
    Column("state", String(16), nullable=False),  # lodged, under_review, upheld, dismissed
    Column("grounds", Text, nullable=False),
    Column("lodged_by", String(128), nullable=False),
    Column("reviewer", String(128), nullable=False),
    Column("reasons", Text, nullable=False),
    Column("lodge_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

introductions = Table(
    "quality_introductions",
    metadata,
    Column("introduction_id", String(64), primary_key=True),
    Column("person_id", String(128), primary_key=True, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

criteria_sets = Table(
    "quality_criteria_sets",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("content", JSON, nullable=False),
)

READ_MODELS = (labels, label_history, applications, panel_seats, appeals, criteria_sets)
