"""Meet & Match read models: events with slots and tables, participants, meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from ecbm_matching.adapters.requests import aware
from ecbm_matching.adapters.tables import mm_events, mm_meetings, mm_participants
from ecbm_matching.domain.meet_and_match import (
    MeetAndMatchOpened,
    MeetingAnswered,
    MeetingCancelled,
    MeetingErased,
    MeetingRequested,
    ScheduleProposed,
    SchedulePublished,
    SlotsConfigured,
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
        )
    )


def project_event_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    c = mm_events.c
    values: dict[str, Any]
    if isinstance(event, SlotsConfigured):
        values = {
            "slots": [s.model_dump(mode="json") for s in event.slots],
            "tables": list(event.tables),
        }
    elif isinstance(event, ScheduleProposed):
        values = {"state": "scheduled", "placed": len(event.placements), "bound": event.bound}
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
        values = {"state": "published"}
    connection.execute(update(mm_events).where(c.id == record.entity_id).values(**values))


EVENT_CHANGES = (SlotsConfigured, ScheduleProposed, SchedulePublished)


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


class MeetAndMatchViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def event(self, event_id: str) -> MeetAndMatchView | None:
        row = (
            self._connection.execute(select(mm_events).where(mm_events.c.id == event_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return MeetAndMatchView(
            row["id"],
            row["title"],
            aware(row["starts_at"]) or row["starts_at"],
            list(row["slots"]),
            list(row["tables"]),
            row["state"],
            row["placed"],
            row["bound"],
        )

    def join(self, event_id: str, person_id: str) -> None:
        if not self.takes_part(event_id, person_id):
            self._connection.execute(
                insert(mm_participants).values(
                    event_id=event_id, person_id=person_id, unavailable=[]
                )
            )

    def leave(self, event_id: str, person_id: str) -> None:
        p = mm_participants.c
        self._connection.execute(
            delete(mm_participants).where(p.event_id == event_id, p.person_id == person_id)
        )

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

    def meetings(self, event_id: str, person_id: str = "", state: str = "") -> list[MeetingView]:
        m = mm_meetings.c
        query = select(mm_meetings).where(m.event_id == event_id)
        if person_id:
            query = query.where(or_(m.from_id == person_id, m.to_id == person_id))
        if state:
            query = query.where(m.state == state)
        rows = self._connection.execute(query.order_by(m.slot, m.id)).mappings()
        return [
            MeetingView(
                r["id"],
                r["event_id"],
                r["from_id"],
                r["to_id"],
                r["message"],
                r["state"],
                r["slot"],
                r["table_number"],
            )
            for r in rows
        ]

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
    )
