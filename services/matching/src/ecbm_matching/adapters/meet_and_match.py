"""Meet & Match read models: events with slots and tables, participants, meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from ecbm_matching.adapters.requests import aware
from ecbm_matching.adapters.tables import (
    mm_contact_windows,
    mm_delegations,
    mm_events,
    mm_meetings,
    mm_participants,
    policy_contacts,
)
from ecbm_matching.domain.meet_and_match import (
    MeetAndMatchOpened,
    MeetingAnswered,
    MeetingCancelled,
    MeetingErased,
    MeetingRequested,
    ScheduleProposed,
    SchedulePublished,
    ScheduleReplanned,
    SlotsConfigured,
    SlotsPlanned,
)
from ecbm_runtime.eventstore import StoredEvent


def project_opened(connection: Connection, event: MeetAndMatchOpened, record: StoredEvent) -> None:
    connection.execute(
        insert(mm_events).values(
            id=record.entity_id,
            title=event.title,
            starts_at=event.starts_at,
            slots=[],
            tables=[],
            state="open",
            placed=0,
            bound=0.0,
            buildings=[],
            travel=[],
            version=0,
            withdrawn_slots=[],
            withdrawn_tables=[],
        )
    )


def project_event_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    c = mm_events.c
    values: dict[str, Any]
    if isinstance(event, SlotsConfigured):
        values = {
            "slots": [s.model_dump(mode="json") for s in event.slots],
            "tables": list(event.tables),
            "buildings": list(event.buildings),
            "travel": [t.model_dump(mode="json") for t in event.travel],
        }
    elif isinstance(event, SlotsPlanned):
        values = {"slots": [s.model_dump(mode="json") for s in event.slots]}
    elif isinstance(event, ScheduleProposed | ScheduleReplanned):
        values = {"state": "scheduled", "placed": len(event.placements), "bound": event.bound}
        if isinstance(event, ScheduleReplanned):
            values |= {
                "state": "published",
                "version": event.version,
                "withdrawn_slots": list(event.withdrawn_slots),
                "withdrawn_tables": list(event.withdrawn_tables),
            }
        m = mm_meetings.c
        connection.execute(
            update(mm_meetings)
            .where(m.event_id == record.entity_id)
            .values(slot=None, table_number=None)
        )
        for p in event.placements:
            connection.execute(
                update(mm_meetings)
                .where(m.id == p.meeting_id)
                .values(slot=p.slot, table_number=p.table)
            )
    else:
        values = {"state": "published", "version": 1}
    connection.execute(update(mm_events).where(c.id == record.entity_id).values(**values))


EVENT_CHANGES = (
    SlotsConfigured,
    SlotsPlanned,
    ScheduleProposed,
    SchedulePublished,
    ScheduleReplanned,
)


def project_meeting_requested(
    connection: Connection, event: MeetingRequested, record: StoredEvent
) -> None:
    connection.execute(
        insert(mm_meetings).values(
            id=record.entity_id,
            event_id=event.event_id,
            from_id=event.from_id,
            to_id=event.to_id,
            message=event.message,
            state="requested",
            slot=None,
            table_number=None,
            visit=event.visit,
        )
    )


def project_meeting_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    values: dict[str, Any]
    if isinstance(event, MeetingAnswered):
        values = {"state": "accepted" if event.accepted else "declined"}
    else:
        values = {"state": "cancelled", "slot": None, "table_number": None}
    if isinstance(event, MeetingErased):
        values |= {f"{event.side}_id": "", "message": ""}
    connection.execute(
        update(mm_meetings).where(mm_meetings.c.id == record.entity_id).values(**values)
    )


MEETING_CHANGES = (MeetingAnswered, MeetingCancelled, MeetingErased)


@dataclass(frozen=True)
class MeetingView:
    id: str
    event_id: str
    from_id: str
    to_id: str
    message: str
    state: str
    slot: int | None
    table: int | None
    visit: bool = False


@dataclass(frozen=True)
class MeetAndMatchView:
    id: str
    title: str
    starts_at: datetime
    slots: list[dict[str, str]]
    tables: list[str]
    state: str
    placed: int
    bound: float
    buildings: list[str]
    travel: list[dict[str, Any]]
    version: int
    withdrawn_slots: list[int]
    withdrawn_tables: list[int]
    participants: int = 0


@dataclass(frozen=True)
class DelegationView:
    id: str
    event_id: str
    name: str
    country: str
    topics: list[str]
    committees: list[str]
    members: list[str]


@dataclass(frozen=True)
class ContactView:
    id: str
    kind: str
    country: str
    stance: str
    topics: list[str]
    committee: str


class MeetAndMatchViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def event(self, event_id: str) -> MeetAndMatchView | None:
        found = self.events(event_id)
        return found[0] if found else None

    def events(self, event_id: str = "") -> list[MeetAndMatchView]:
        """One or every Meet & Match, soonest first, with their participants counted."""
        p = mm_participants.c
        counted = (
            select(p.event_id, func.count().label("participants")).group_by(p.event_id).subquery()
        )
        query = select(mm_events, counted.c.participants).outerjoin(
            counted, counted.c.event_id == mm_events.c.id
        )
        if event_id:
            query = query.where(mm_events.c.id == event_id)
        rows = self._connection.execute(query.order_by(mm_events.c.starts_at, mm_events.c.id))
        return [
            MeetAndMatchView(
                row["id"],
                row["title"],
                aware(row["starts_at"]) or row["starts_at"],
                list(row["slots"]),
                list(row["tables"]),
                row["state"],
                row["placed"],
                row["bound"],
                list(row["buildings"]),
                list(row["travel"]),
                row["version"],
                list(row["withdrawn_slots"]),
                list(row["withdrawn_tables"]),
                row["participants"] or 0,
            )
            for row in rows.mappings()
        ]

    def join(self, event_id: str, person_id: str) -> None:
        if not self.takes_part(event_id, person_id):
            self._connection.execute(
                insert(mm_participants).values(
                    event_id=event_id, person_id=person_id, unavailable=[]
                )
            )

    def leave(self, event_id: str, person_id: str) -> None:
        """Out of the event and of its delegations."""
        p = mm_participants.c
        self._connection.execute(
            delete(mm_participants).where(p.event_id == event_id, p.person_id == person_id)
        )
        for delegation in self.delegations(event_id):
            if person_id in delegation.members:
                members = [m for m in delegation.members if m != person_id]
                self._connection.execute(
                    update(mm_delegations)
                    .where(mm_delegations.c.id == delegation.id)
                    .values(members=members)
                )

    def participants(self, event_id: str) -> list[str]:
        p = mm_participants.c
        query = select(p.person_id).where(p.event_id == event_id).order_by(p.person_id)
        return list(self._connection.execute(query).scalars())

    def save_delegation(self, delegation: DelegationView) -> None:
        d = mm_delegations.c
        self._connection.execute(delete(mm_delegations).where(d.id == delegation.id))
        self._connection.execute(
            insert(mm_delegations).values(
                id=delegation.id,
                event_id=delegation.event_id,
                name=delegation.name,
                country=delegation.country,
                topics=delegation.topics,
                committees=delegation.committees,
                members=delegation.members,
            )
        )

    def delegations(
        self, event_id: str, member: str = "", country: str = ""
    ) -> list[DelegationView]:
        """By id; ``member``: only those the person is in; ``country``: only that country's."""
        d = mm_delegations.c
        query = select(mm_delegations).where(d.event_id == event_id)
        if country:
            query = query.where(d.country == country)
        rows = self._connection.execute(query.order_by(d.id)).mappings()
        found = [
            DelegationView(
                r["id"],
                r["event_id"],
                r["name"],
                r["country"],
                list(r["topics"]),
                list(r["committees"]),
                list(r["members"]),
            )
            for r in rows
        ]
        return [f for f in found if not member or member in f.members]

    def save_contact(self, contact: ContactView) -> None:
        c = policy_contacts.c
        self._connection.execute(delete(policy_contacts).where(c.id == contact.id))
        self._connection.execute(
            insert(policy_contacts).values(
                id=contact.id,
                kind=contact.kind,
                country=contact.country,
                stance=contact.stance,
                topics=contact.topics,
                committee=contact.committee,
                withdrawn=False,
            )
        )

    def withdraw_contact(self, contact_id: str) -> None:
        c = policy_contacts.c
        self._connection.execute(
            update(policy_contacts).where(c.id == contact_id).values(withdrawn=True)
        )

    def contacts(self, ids: list[str] | None = None) -> list[ContactView]:
        """Policy contacts not withdrawn (all, or those of ``ids``)."""
        c = policy_contacts.c
        query = select(policy_contacts).where(c.withdrawn.is_(False)).order_by(c.id)
        if ids is not None:
            query = query.where(c.id.in_(ids))
        return [
            ContactView(
                r["id"], r["kind"], r["country"], r["stance"], list(r["topics"]), r["committee"]
            )
            for r in self._connection.execute(query).mappings()
        ]

    def set_windows(self, event_id: str, contact_id: str, windows: list[dict[str, str]]) -> None:
        w = mm_contact_windows.c
        self._connection.execute(
            delete(mm_contact_windows).where(w.event_id == event_id, w.contact_id == contact_id)
        )
        self._connection.execute(
            insert(mm_contact_windows).values(
                event_id=event_id, contact_id=contact_id, windows=windows
            )
        )

    def windows(self, event_id: str) -> dict[str, list[dict[str, str]]]:
        w = mm_contact_windows.c
        query = select(w.contact_id, w.windows).where(w.event_id == event_id)
        return {contact: list(found) for contact, found in self._connection.execute(query)}

    def takes_part(self, event_id: str, person_id: str) -> bool:
        p = mm_participants.c
        query = select(p.person_id).where(p.event_id == event_id, p.person_id == person_id)
        return self._connection.execute(query).first() is not None

    def set_unavailable(self, event_id: str, person_id: str, slots: list[int]) -> None:
        p = mm_participants.c
        self._connection.execute(
            update(mm_participants)
            .where(p.event_id == event_id, p.person_id == person_id)
            .values(unavailable=sorted(set(slots)))
        )

    def unavailability(self, event_id: str) -> dict[str, frozenset[int]]:
        p = mm_participants.c
        query = select(p.person_id, p.unavailable).where(p.event_id == event_id)
        return {person: frozenset(slots) for person, slots in self._connection.execute(query)}

    def sent_by(self, event_id: str, person_id: str) -> int:
        m = mm_meetings.c
        query = select(func.count()).where(m.event_id == event_id, m.from_id == person_id)
        return int(self._connection.execute(query).scalar_one())

    def meeting(self, meeting_id: str) -> MeetingView | None:
        found = (
            self._connection.execute(select(mm_meetings).where(mm_meetings.c.id == meeting_id))
            .mappings()
            .first()
        )
        return _meeting(found) if found else None

    def meetings(
        self,
        event_id: str,
        person_id: str = "",
        state: str = "",
        delegations: list[str] | None = None,
    ) -> list[MeetingView]:
        """The event's meetings; with ``person_id`` theirs (and the visits of
        ``delegations``)."""
        m = mm_meetings.c
        query = select(mm_meetings).where(m.event_id == event_id)
        if person_id:
            query = query.where(
                or_(
                    m.from_id == person_id,
                    m.to_id == person_id,
                    m.visit.is_(True) & m.from_id.in_(delegations or []),
                )
            )
        if state:
            query = query.where(m.state == state)
        rows = self._connection.execute(query.order_by(m.slot, m.id)).mappings()
        return [_meeting(r) for r in rows]

    def of_person(self, person_id: str) -> tuple[list[str], list[str]]:
        """(events they take part in, meetings naming them)."""
        p, m = mm_participants.c, mm_meetings.c
        events = self._connection.execute(select(p.event_id).where(p.person_id == person_id))
        meetings = self._connection.execute(
            select(m.id).where(or_(m.from_id == person_id, m.to_id == person_id))
        )
        return list(events.scalars()), list(meetings.scalars())


def _meeting(r: Any) -> MeetingView:
    return MeetingView(
        r["id"],
        r["event_id"],
        r["from_id"],
        r["to_id"],
        r["message"],
        r["state"],
        r["slot"],
        r["table_number"],
        r["visit"],
    )
