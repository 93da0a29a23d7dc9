"""Matching's read models (migrations matching_0001, _0002): its copy of registry's profiles,
the requests, and what owners and admins decided about candidates and weights."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()

# People and programmes as registry (and quality) describe them; no e-mail address here.
profiles = Table(
    "profiles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # person | programme
    Column("display_name", String(200), nullable=False),
    Column("organisation_id", String(64), nullable=False),
    Column("country", String(2), nullable=False),
    Column("countries", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("evidence", Integer, nullable=False),
    Column("quality_labels", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

# Expertise (with its level) and learning goals of people and programmes, by taxonomy topic.
profile_topics = Table(
    "profile_topics",
    metadata,
    Column("profile_id", String(64), primary_key=True),
    Column("relation", String(16), primary_key=True),  # expertise | goal | focus
    Column("topic", String(64), primary_key=True),
    Column("level", String(16), nullable=False),
    Column("description", Text, nullable=False),
)

match_requests = Table(
    "match_requests",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner_id", String(64), nullable=False, index=True),
    Column("organisation_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("side", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("country", String(2), nullable=False, index=True),
    Column("country_preference", String(8), nullable=False),
    Column("exclude_same_organisation", Boolean, nullable=False),
    Column("details", JSON, nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=True),
    Column("state", String(16), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

# One row per (request, topic): the topic facet of the public browse.
request_topics = Table(
    "request_topics",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("topic", String(64), primary_key=True, index=True),
)

# An owner's favourite / dismiss of a candidate for a request (dismissed never returns).
candidate_marks = Table(
    "candidate_marks",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("candidate_id", String(64), primary_key=True),
    Column("mark", String(16), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

# Every change of a kind's weights; the newest row is in force.
weight_history = Table(
    "weight_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("weights", JSON, nullable=False),
    Column("set_by", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("set_time", DateTime(timezone=True), nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # proposed | published
    Column("pairs", JSON, nullable=False),
    Column("assign_total", Float, nullable=False),
    Column("greedy_total", Float, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

introductions = Table(
    "introductions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False),
    Column("request_id", String(64), nullable=False, index=True),
    Column("request_title", String(200), nullable=False),
    Column("requester_id", String(64), nullable=False, index=True),
    Column("candidate_id", String(64), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("accepted", JSON, nullable=False),
    Column("requester_rating", Integer, nullable=True),  # the requester's rating of the candidate
    Column("candidate_rating", Integer, nullable=True),
    Column("version", Integer, nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("starter_id", String(64), nullable=False, index=True),
    Column("recipient_id", String(64), nullable=False, index=True),
    Column("about_request", String(64), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("update_time", DateTime(timezone=True), nullable=False),
    # recipient_id is a programme: its contacts (its organisation's editors) take part.
    Column("to_programme", Boolean, nullable=False, server_default=false()),
)

thread_messages = Table(
    "thread_messages",
    metadata,
    Column("thread_id", String(64), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("author_id", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("send_time", DateTime(timezone=True), nullable=False),
)

# Who refuses messages from whom.
# Who speaks for an organisation's programmes (registry's editors): person ids only.
organisation_editors = Table(
    "organisation_editors",
    metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("person_id", String(64), primary_key=True, index=True),
)

blocked_senders = Table(
    "blocked_senders",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("sender_id", String(64), primary_key=True),
)

mm_events = Table(
    "mm_events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("slots", JSON, nullable=False),  # [{"starts_at", "ends_at"}] ISO times
    Column("tables", JSON, nullable=False),
    Column("state", String(16), nullable=False),  # open | scheduled | published
    Column("placed", Integer, nullable=False),
    Column("bound", Float, nullable=False),
    # matching_0002: buildings per table, travel minutes, the published version, and the
    # slots and tables withdrawn by re-planning.
    Column("buildings", JSON, nullable=False, server_default="[]"),
    Column("travel", JSON, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("withdrawn_slots", JSON, nullable=False, server_default="[]"),
    Column("withdrawn_tables", JSON, nullable=False, server_default="[]"),
)

# Participants as the events service registers them, with the slots they cannot attend.
mm_participants = Table(
    "mm_participants",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("person_id", String(64), primary_key=True, index=True),
    Column("unavailable", JSON, nullable=False),
)

mm_meetings = Table(
    "mm_meetings",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("from_id", String(64), nullable=False, index=True),
    Column("to_id", String(64), nullable=False, index=True),
    Column("message", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("slot", Integer, nullable=True),
    Column("table_number", Integer, nullable=True),
    # matching_0002: a delegation (from_id) visits a policy contact (to_id).
    Column("visit", Boolean, nullable=False, server_default="false"),
)

# matching_0002: national delegations of a Meet & Match (organisers define them; members
# are registered participants) with the topics they advocate for.
mm_delegations = Table(
    "mm_delegations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("topics", JSON, nullable=False),
    Column("committees", JSON, nullable=False),
    Column("members", JSON, nullable=False),
)

# matching_0002: registry's Brussels policy contacts, ids and what suggestions rank on only.
policy_contacts = Table(
    "policy_contacts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("country", String(2), nullable=False),
    Column("stance", String(16), nullable=False),
    Column("topics", JSON, nullable=False),
    Column("committee", String(200), nullable=False, server_default=""),
    Column("withdrawn", Boolean, nullable=False, server_default="false"),
)

# matching_0002: when a policy contact can receive visits during a Meet & Match.
mm_contact_windows = Table(
    "mm_contact_windows",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("contact_id", String(64), primary_key=True),
    Column("windows", JSON, nullable=False),  # [{"starts_at", "ends_at"}] ISO times
)

# Declared conflicts of interest: never proposed to each other, either way.
conflicts = Table(
    "conflicts",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("other_id", String(64), primary_key=True, index=True),
)
