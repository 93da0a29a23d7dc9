"""Read side of people and memberships: plain SQL over their read models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from ecbm_registry.adapters.people.personal_data import shred
from ecbm_registry.adapters.people.read_models import (
    memberships,
    people,
    person_expertise,
    person_learning_goals,
    person_roles,
)
from ecbm_registry.application.people.queries import ListMemberships, ListPeople, PeopleOrder
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import EventCodec, StoredEvent, store_for


@dataclass(frozen=True)
class ExpertiseView:
    topic: str
    level: str
    description: str


@dataclass(frozen=True)
class LearningGoalView:
    topic: str
    description: str


@dataclass(frozen=True)
class PersonView:
    id: str
    display_name: str
    email: str
    bio: str
    roles: tuple[str, ...]
    affiliation_id: str
    country: str
    languages: tuple[str, ...]
    preferred_language: str
    open_to_visiting_professorship: bool
    open_to_hosting_interns: bool
    open_to_peer_review: bool
    listed_in_directory: bool
    contact_by_email: bool
    expertise: tuple[ExpertiseView, ...]
    learning_goals: tuple[LearningGoalView, ...]
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class PeoplePage:
    people: list[PersonView]
    next_after: tuple[str, str] | None
    total_size: int


@dataclass(frozen=True)
class MembershipView:
    person_id: str
    status: str
    motivation: str
    reason: str
    decided_by: str
    version: int
    apply_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class MembershipPage:
    memberships: list[MembershipView]
    next_after: str
    total_size: int


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _filtered(query: ListPeople, listed_only: bool) -> Select[Any]:
    filtered = select(people)
    if listed_only:
        filtered = filtered.where(people.c.listed_in_directory.is_(True))
    if query.country:
        filtered = filtered.where(people.c.country == query.country)
    for flag in (
        "open_to_visiting_professorship",
        "open_to_hosting_interns",
        "open_to_peer_review",
    ):
        if getattr(query, flag):
            filtered = filtered.where(people.c[flag].is_(True))
    if query.role:
        having = select(person_roles.c.person_id).where(person_roles.c.role == query.role.value)
        filtered = filtered.where(people.c.id.in_(having))
    if query.expertise_topic:
        knows = select(person_expertise.c.person_id).where(
            person_expertise.c.topic == query.expertise_topic
        )
        filtered = filtered.where(people.c.id.in_(knows))
    if query.learning_goal_topic:
        learns = select(person_learning_goals.c.person_id).where(
            person_learning_goals.c.topic == query.learning_goal_topic
        )
        filtered = filtered.where(people.c.id.in_(learns))
    return filtered


def _people(connection: Connection, rows: Any) -> list[PersonView]:
    """Rows of ``people`` with their expertise and learning goals (two queries per page)."""
    ids = [row["id"] for row in rows]
    expertise: dict[str, list[ExpertiseView]] = {id: [] for id in ids}
    goals: dict[str, list[LearningGoalView]] = {id: [] for id in ids}
    known = select(person_expertise).where(person_expertise.c.person_id.in_(ids))
    for row in connection.execute(known.order_by(person_expertise.c.topic)).mappings():
        expertise[row["person_id"]].append(
            ExpertiseView(row["topic"], row["level"], row["description"])
        )
    wanted = select(person_learning_goals).where(person_learning_goals.c.person_id.in_(ids))
    for row in connection.execute(wanted.order_by(person_learning_goals.c.topic)).mappings():
        goals[row["person_id"]].append(LearningGoalView(row["topic"], row["description"]))
    return [_person(row, expertise[row["id"]], goals[row["id"]]) for row in rows]


def _person(row: Any, expertise: list[ExpertiseView], goals: list[LearningGoalView]) -> PersonView:
    values = {
        name: row[name]
        for name in PersonView.__dataclass_fields__
        if name not in {"expertise", "learning_goals"}
    }
    values["roles"], values["languages"] = tuple(row["roles"]), tuple(row["languages"])
    values["create_time"] = aware(row["create_time"])
    values["update_time"] = aware(row["update_time"])
    return PersonView(**values, expertise=tuple(expertise), learning_goals=tuple(goals))


def _membership(row: Any) -> MembershipView:
    values = {name: row[name] for name in MembershipView.__dataclass_fields__}
    values["apply_time"], values["update_time"] = (
        aware(row["apply_time"]),
        aware(row["update_time"]),
    )
    return MembershipView(**values)


class PeopleViews:
    """People and memberships, read on one connection."""

    def __init__(self, connection: Connection, codec: EventCodec) -> None:
        self.connection = connection
        self.codec = codec  # bound to ``connection``: it opens sealed history with its keys

    def person(self, person_id: str) -> PersonView | None:
        row = (
            self.connection.execute(select(people).where(people.c.id == person_id))
            .mappings()
            .first()
        )
        return _people(self.connection, [row])[0] if row else None

    def is_listed(self, person_id: str) -> bool:
        query = select(people.c.listed_in_directory).where(people.c.id == person_id)
        return bool(self.connection.execute(query).scalar_one_or_none())

    def list_people(self, query: ListPeople, listed_only: bool) -> PeoplePage:
        """One page in joining or name order, keyset-paged on (sort key, id)."""
        filtered = _filtered(query, listed_only)
        total = self.connection.execute(
            select(func.count()).select_from(filtered.subquery())
        ).scalar_one()
        by_name = query.order_by is PeopleOrder.DISPLAY_NAME
        key: Any = people.c.sort_name if by_name else people.c.joined_position
        if query.after:
            after_key: Any = query.after[0] if by_name else int(query.after[0])
            filtered = filtered.where(
                or_(key > after_key, and_(key == after_key, people.c.id > query.after[1]))
            )
        rows = (
            self.connection.execute(filtered.order_by(key, people.c.id).limit(query.page_size + 1))
            .mappings()
            .all()
        )
        last = rows[query.page_size - 1] if len(rows) > query.page_size else None
        next_after = (str(last[key.name]), str(last["id"])) if last else None
        page = _people(self.connection, rows[: query.page_size])
        return PeoplePage(people=page, next_after=next_after, total_size=int(total))

    def membership(self, person_id: str) -> MembershipView | None:
        query = select(memberships).where(memberships.c.person_id == person_id)
        row = self.connection.execute(query).mappings().first()
        return _membership(row) if row else None

    def list_memberships(self, query: ListMemberships) -> MembershipPage:
        filtered = select(memberships)
        if query.status:
            filtered = filtered.where(memberships.c.status == query.status.value)
        total = self.connection.execute(
            select(func.count()).select_from(filtered.subquery())
        ).scalar_one()
        page_query = (
            filtered.where(memberships.c.person_id > query.after)
            .order_by(memberships.c.person_id)
            .limit(query.page_size + 1)
        )
        rows = [_membership(row) for row in self.connection.execute(page_query).mappings()]
        has_more = len(rows) > query.page_size
        rows = rows[: query.page_size]
        next_after = rows[-1].person_id if has_more else ""
        return MembershipPage(memberships=rows, next_after=next_after, total_size=int(total))

    def history(self, stream_ids: Sequence[str]) -> list[tuple[StoredEvent, DomainEvent]]:
        """The events of ``stream_ids`` as stored, each with its opened domain event."""
        store = store_for(self.connection)
        return [
            (record, self.codec.decode(record))
            for stream_id in stream_ids
            for record in store.load(stream_id)
        ]

    def shred_key(self, person_id: str) -> None:
        """Delete the person's key: every sealed field of their history becomes unreadable."""
        shred(self.connection, person_id)
