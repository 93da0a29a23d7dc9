"""Reads of the registrations' read model: what a person sees, and the counts that decide.

``occupancy`` reads the places counters; a decision taken on counts that changed before
it commits fails on their check constraint and is taken again (see the projections).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.sql.selectable import CompoundSelect

from ecbm_events.adapters.programme.tables import event_listings
from ecbm_events.adapters.programme.views import aware
from ecbm_events.adapters.registrations.tables import (
    OPEN_OF_SOMEONE,
    WAITLISTED,
    event_places,
    registrations,
)
from ecbm_events.domain.places import Mode, Occupancy
from ecbm_events.domain.registration import HOLDS_PLACE, RegistrationState

_HOLDING = [state.value for state in HOLDS_PLACE]
_OPEN = [
    s.value
    for s in RegistrationState
    if s not in (RegistrationState.CANCELLED, RegistrationState.DECLINED)
]


@dataclass(frozen=True)
class RegistrationView:
    id: str
    event_id: str
    person_id: str
    mode: Mode
    state: RegistrationState
    answers: dict[str, str]
    ticket_type: str
    country: str
    role: str
    quotas: tuple[str, ...]
    waitlist_position: int
    offer_expires_at: datetime | None
    reason: str
    attended_sessions: tuple[str, ...]
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class CertificateRecord:
    code: str
    holder_name: str
    registration_id: str
    event_id: str
    issued_at: datetime


@dataclass(frozen=True)
class RegistrationPage:
    registrations: list[RegistrationView]
    next_offset: int | None
    total_size: int


class RegistrationViews:
    """The registrations' read model on one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def registration(self, registration_id: str) -> RegistrationView | None:
        row = self._connection.execute(_REGISTRATION, {"id": registration_id}).mappings().first()
        return self._view(row) if row else None

    def registrations(self, ids: list[str]) -> dict[str, RegistrationView]:
        """The registrations of ``ids`` that exist, by id: one statement of one primary-key
        lookup per id (an ``IN`` list made a young table's planner scan the table)."""
        if not ids:
            return {}
        params = _padded("id", ids)
        rows = self._connection.execute(_registrations(len(params)), params).mappings()
        return {row["id"]: self._view(row) for row in rows}

    def certificate(self, code: str) -> CertificateRecord | None:
        r = registrations.c
        query = select(
            r.certificate_code, r.certificate_name, r.id, r.event_id, r.certificate_issued_at
        ).where(r.certificate_code == code)
        row = self._connection.execute(query).first()
        if row is None:
            return None
        return CertificateRecord(row[0], row[1], row[2], row[3], aware(row[4]))

    def occupancy(self, event_id: str) -> Occupancy:
        """Places taken and people waiting per mode, places taken per quota: the counters."""
        return self.admission(event_id, [])[1]

    def admission(
        self, event_id: str, people: list[str]
    ) -> tuple[dict[str, str], Occupancy, int | None]:
        """What deciding registrations for the event needs, in one statement: the open
        registration of each of ``people`` who has one (by person), the event's occupancy,
        and the version of the event the read model holds (None: no such event).

        Each person is one lookup of the (event, person) index, whatever the table's
        statistics say (with the people in an ``IN`` list, the planner scanned the whole
        event while the table was young).
        """
        taken: dict[Mode, int] = {}
        waiting: dict[Mode, int] = {}
        by_quota: dict[str, int] = {}
        existing: dict[str, str] = {}
        version: int | None = None
        slots = _padded("p", people)
        for pool, held, queued, listed, *found in self._connection.execute(
            _admission(len(slots)), {"event": event_id} | slots
        ):
            version = listed
            existing = {
                p: id for p, id in zip(people, found[: len(people)], strict=True) if id is not None
            }
            kind, _, name = pool.partition(":")
            if kind == "mode":
                taken[Mode(name)], waiting[Mode(name)] = held, queued
            else:
                by_quota[name] = held
        return existing, Occupancy(taken, waiting, by_quota), version

    def holds_place(self, event_id: str, person_id: str) -> bool:
        """Whether the person holds (or held, attending) a place at the event."""
        r = registrations.c
        query = select(r.id).where(
            r.event_id == event_id, r.person_id == person_id, r.state.in_(_HOLDING)
        )
        return self._connection.execute(query.limit(1)).first() is not None

    def waiting(
        self, event_id: str, mode: Mode, limit: int = 1000
    ) -> list[tuple[str, tuple[str, ...]]]:
        """The people waiting for a place of ``mode``, first come first: (id, quotas)."""
        query = (
            select(registrations.c.id, registrations.c.quotas)
            .where(
                registrations.c.event_id == event_id,
                registrations.c.mode == mode.value,
                registrations.c.state == RegistrationState.WAITLISTED.value,
            )
            .order_by(registrations.c.queue_position)
            .limit(limit)
        )
        return [(row.id, tuple(row.quotas)) for row in self._connection.execute(query)]

    def holders(self, event_id: str) -> list[tuple[str, str]]:
        """(registration, person) of everyone holding a place, oldest first: who is reminded."""
        query = (
            select(registrations.c.id, registrations.c.person_id)
            .where(registrations.c.event_id == event_id, registrations.c.state.in_(_HOLDING))
            .where(registrations.c.person_id != "")
            .order_by(registrations.c.create_time)
        )
        return [(row.id, row.person_id) for row in self._connection.execute(query)]

    def answers_to_erase(self, ended_before: datetime, limit: int) -> list[str]:
        """Registrations still holding answers for events that ended before ``ended_before``."""
        query = (
            select(registrations.c.id)
            .join(event_listings, event_listings.c.id == registrations.c.event_id)
            .where(
                event_listings.c.ends_at < ended_before,
                cast(registrations.c.answers, String) != "{}",
            )
            .limit(limit)
        )
        return list(self._connection.execute(query).scalars())

    def lapsed_offers(self, now: datetime, limit: int) -> list[str]:
        query = (
            select(registrations.c.id)
            .where(
                registrations.c.state == RegistrationState.OFFERED.value,
                registrations.c.offer_expires_at <= now,
            )
            .order_by(registrations.c.offer_expires_at)
            .limit(limit)
        )
        return list(self._connection.execute(query).scalars())

    def of_person(self, person_id: str, open_only: bool = False) -> list[RegistrationView]:
        query = _WITH_PLACE_IN_LINE.where(registrations.c.person_id == person_id)
        if open_only:
            query = query.where(registrations.c.state.in_(_OPEN))
        rows = self._connection.execute(query.order_by(registrations.c.create_time)).mappings()
        return [self._view(row) for row in rows]

    def page(
        self,
        *,
        event_id: str | None,
        person_id: str | None,
        state: RegistrationState | None,
        size: int,
        offset: int,
    ) -> RegistrationPage:
        conditions = []
        if event_id is not None:
            conditions.append(registrations.c.event_id == event_id)
        if person_id is not None:
            conditions.append(registrations.c.person_id == person_id)
        if state is not None:
            conditions.append(registrations.c.state == state.value)
        total = self._connection.execute(
            select(func.count()).select_from(registrations).where(*conditions)
        ).scalar_one()
        ordered = _WITH_PLACE_IN_LINE.where(*conditions).order_by(
            registrations.c.create_time, registrations.c.id
        )
        rows = list(self._connection.execute(ordered.offset(offset).limit(size + 1)).mappings())
        next_offset = offset + size if len(rows) > size else None
        return RegistrationPage([self._view(r) for r in rows[:size]], next_offset, int(total))

    def _view(self, row: Any) -> RegistrationView:
        state = RegistrationState(row["state"])
        offer = row["offer_expires_at"]
        return RegistrationView(
            id=row["id"],
            event_id=row["event_id"],
            person_id=row["person_id"],
            mode=Mode(row["mode"]),
            state=state,
            answers=dict(row["answers"]),
            ticket_type=row["ticket_type"],
            country=row["country"],
            role=row["role"],
            quotas=tuple(row["quotas"]),
            waitlist_position=int(row["ahead"]) if state is RegistrationState.WAITLISTED else 0,
            offer_expires_at=aware(offer) if offer else None,
            reason=row["reason"],
            attended_sessions=tuple(row["attended_sessions"]),
            version=row["version"],
            create_time=aware(row["create_time"]),
            update_time=aware(row["update_time"]),
        )


# Statements of the registering path, built once: building and keying a statement per call
# cost about a tenth of the api's time in a profile of `ecbm bench events`.
_r, _p = registrations.c, event_places.c
# The predicate of the (event, person) index word for word: a prepared statement's generic
# plan uses that index only if its WHERE states the predicate (with the states spelled out
# otherwise, each lookup scanned every registration of the event).
_IS_OPEN = OPEN_OF_SOMEONE
_LISTED_VERSION = select(event_listings.c.version).where(event_listings.c.id == bindparam("event"))


def _padded(prefix: str, values: list[str]) -> dict[str, str | None]:
    """Parameters ``<prefix>0``, ``<prefix>1``, ... for ``values``, padded with NULLs to the
    next power of two (none for no values).

    A group's size varies from call to call. One statement per size would mean, for each
    size, a compile in SQLAlchemy and five runs on each pooled connection before psycopg
    prepares it; rounded up, a group of up to 64 uses one of seven statements.
    """
    size = 1 << (len(values) - 1).bit_length() if values else 0
    return {f"{prefix}{n}": values[n] if n < len(values) else None for n in range(size)}


@functools.cache
def _admission(people: int) -> Select[Any]:
    """``admission`` for this many people (``_padded``: the rest are NULL), built once."""
    lookups = (
        select(_r.id)
        .where(_r.event_id == bindparam("event"), _r.person_id == bindparam(f"p{n}"), _IS_OPEN)
        .limit(1)
        .scalar_subquery()
        for n in range(people)
    )
    return select(_p.pool, _p.taken, _p.waiting, _LISTED_VERSION.scalar_subquery(), *lookups).where(
        _p.event_id == bindparam("event")
    )


_w = registrations.alias("behind").c
# A place in line counted from the end: the mode's waiting counter less those who joined
# after (few for a registration just made), not everyone before (the whole list).
_PLACE_IN_LINE = (
    select(_p.waiting)
    .where(_p.event_id == _r.event_id, _p.pool == literal("mode:") + _r.mode)
    .scalar_subquery()
) - (
    select(func.count())
    .where(
        _w.event_id == _r.event_id,
        _w.mode == _r.mode,
        _w.queue_position > _r.queue_position,
        WAITLISTED,  # the waiting-line index's predicate, word for word
    )
    .scalar_subquery()
)
_WITH_PLACE_IN_LINE = select(registrations, _PLACE_IN_LINE.label("ahead"))
_REGISTRATION = _WITH_PLACE_IN_LINE.where(_r.id == bindparam("id"))


@functools.cache
def _registrations(count: int) -> CompoundSelect[Any]:
    """``registrations`` for this many ids (``_padded``: the rest are NULL), built once."""
    return union_all(
        *(_WITH_PLACE_IN_LINE.where(_r.id == bindparam(f"id{n}")) for n in range(count))
    )
