"""Read side of the Brussels network: plain SQL over its read models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select

from ecbm_registry.adapters.network.procedure_rapporteurs import procedure_rapporteurs
from ecbm_registry.adapters.network.read_models import (
    interaction_participants,
    interactions,
    policy_contact_topics,
    policy_contacts,
    stance_changes,
)
from ecbm_registry.adapters.paging import Page, aware, paged
from ecbm_registry.application.network.queries import ListInteractions, ListPolicyContacts
from ecbm_registry.application.ordering import OrderBy


@dataclass(frozen=True)
class PolicyContactView:
    id: str
    display_name: str
    kind: str
    country: str
    institution: str
    committee: str
    directorate_general: str
    unit: str
    topics: tuple[str, ...]
    email: str
    stance: str
    withdrawn: bool
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class StanceChangeView:
    stance: str
    previous: str  # "" for the stance the contact was added with
    reason: str
    changed_by: str
    change_time: datetime


@dataclass(frozen=True)
class InteractionView:
    id: str
    contact_id: str
    kind: str
    occurred_on: date
    participants: tuple[str, ...]
    outcome: str
    logged_by: str
    create_time: datetime


@dataclass(frozen=True)
class CountrySupport:
    country: str
    counts: dict[str, int]  # stance -> contacts


def _contact(row: Any) -> PolicyContactView:
    values = {name: row[name] for name in PolicyContactView.__dataclass_fields__}
    values["topics"] = tuple(row["topics"])
    values["create_time"], values["update_time"] = (
        aware(row["create_time"]),
        aware(row["update_time"]),
    )
    return PolicyContactView(**values)


def _interaction(row: Any) -> InteractionView:
    values = {name: row[name] for name in InteractionView.__dataclass_fields__}
    values["participants"], values["create_time"] = (
        tuple(row["participants"]),
        aware(row["create_time"]),
    )
    return InteractionView(**values)


_CONTACT_SORT = {
    "stance": policy_contacts.c.stance_rank,
    "display_name": policy_contacts.c.display_name,
    "country": policy_contacts.c.country,
    "create_time": policy_contacts.c.added_position,
    "update_time": policy_contacts.c.update_time,
}


def _sorted(query: Select[Any], order_by: OrderBy) -> Select[Any]:
    keys = [_CONTACT_SORT[name].desc() if desc else _CONTACT_SORT[name] for name, desc in order_by]
    return query.order_by(*keys, policy_contacts.c.id)  # id: a total order for stable pages


class NetworkViews:
    """Policy contacts, stances and interactions, read on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def policy_contact(self, contact_id: str) -> PolicyContactView | None:
        query = select(policy_contacts).where(policy_contacts.c.id == contact_id)
        row = self.connection.execute(query).mappings().first()
        return _contact(row) if row else None

    def list_policy_contacts(self, query: ListPolicyContacts) -> Page:
        found = select(policy_contacts)
        if not query.show_withdrawn:
            found = found.where(policy_contacts.c.withdrawn.is_(False))
        if query.country:
            found = found.where(policy_contacts.c.country == query.country)
        if query.kind:
            found = found.where(policy_contacts.c.kind == query.kind.value)
        if query.stances:
            found = found.where(policy_contacts.c.stance.in_([s.value for s in query.stances]))
        if query.topic:
            tagged = select(policy_contact_topics.c.contact_id).where(
                policy_contact_topics.c.topic == query.topic
            )
            found = found.where(policy_contacts.c.id.in_(tagged))
        rows, next_offset, total = paged(
            self.connection, _sorted(found, query.order_by), query.page_size, query.offset
        )
        return Page([_contact(row) for row in rows], next_offset, total)

    def stance_history(self, contact_id: str) -> list[StanceChangeView]:
        query = (
            select(stance_changes)
            .where(stance_changes.c.contact_id == contact_id)
            .order_by(stance_changes.c.version.desc())
        )
        return [
            StanceChangeView(
                stance=row["stance"], previous=row["previous"], reason=row["reason"],
                changed_by=row["changed_by"], change_time=aware(row["change_time"]),
            )
            for row in self.connection.execute(query).mappings()
        ]  # fmt: skip

    def interaction(self, interaction_id: str) -> InteractionView | None:
        row = (
            self.connection.execute(select(interactions).where(interactions.c.id == interaction_id))
            .mappings()
            .first()
        )
        return _interaction(row) if row else None

    def list_interactions(self, query: ListInteractions) -> Page:
        """Newest first by the day it happened, then by when it was logged."""
        found = select(interactions)
        if query.contact_id:
            found = found.where(interactions.c.contact_id == query.contact_id)
        if query.participant:
            took_part = select(interaction_participants.c.interaction_id).where(
                interaction_participants.c.person_id == query.participant
            )
            found = found.where(interactions.c.id.in_(took_part))
        if query.kind:
            found = found.where(interactions.c.kind == query.kind.value)
        if query.occurred_from:
            found = found.where(interactions.c.occurred_on >= query.occurred_from)
        if query.occurred_to:
            found = found.where(interactions.c.occurred_on <= query.occurred_to)
        ordered = found.order_by(
            interactions.c.occurred_on.desc(), interactions.c.logged_position.desc()
        )
        rows, next_offset, total = paged(self.connection, ordered, query.page_size, query.offset)
        return Page([_interaction(row) for row in rows], next_offset, total)

    def support_by_country(self, kind: str | None, country: str | None) -> Sequence[CountrySupport]:
        """Counts of contacts (not withdrawn) by stance, per country, countries in code order."""
        query = select(
            policy_contacts.c.country, policy_contacts.c.stance, func.count().label("contacts")
        ).where(policy_contacts.c.withdrawn.is_(False))
        if kind:
            query = query.where(policy_contacts.c.kind == kind)
        if country:
            query = query.where(policy_contacts.c.country == country)
        query = query.group_by(policy_contacts.c.country, policy_contacts.c.stance)
        summary: dict[str, dict[str, int]] = {}
        for row in self.connection.execute(query).mappings():
            summary.setdefault(row["country"], {})[row["stance"]] = int(row["contacts"])
        return [CountrySupport(code, summary[code]) for code in sorted(summary)]

    def meps(self) -> list[tuple[str, str]]:
        """(id, display name) of every MEP in the network not withdrawn: whom a procedure's
        rapporteurs are matched against (``application/network/rapporteurs.py``)."""
        query = select(policy_contacts.c.id, policy_contacts.c.display_name).where(
            policy_contacts.c.withdrawn.is_(False), policy_contacts.c.kind == "mep"
        )
        return [(id, name) for id, name in self.connection.execute(query)]

    def remember_rapporteurs(
        self, item_id: str, reference: str, rapporteurs: Sequence[tuple[str, str]]
    ) -> None:
        """A procedure's (name, role) pairs as alerts last named them."""
        table = procedure_rapporteurs
        self.connection.execute(delete(table).where(table.c.item_id == item_id))
        rows = [
            {"item_id": item_id, "name": name, "role": role, "reference": reference}
            for name, role in dict.fromkeys(rapporteurs)
        ]
        if rows:
            self.connection.execute(insert(table), rows)

    def procedure_rapporteurs(self) -> list[tuple[str, str, str, str]]:
        """(item id, reference, name, role) of every procedure's rapporteurs."""
        table = procedure_rapporteurs
        query = select(table.c.item_id, table.c.reference, table.c.name, table.c.role)
        return [tuple(row) for row in self.connection.execute(query)]  # type: ignore[misc]
