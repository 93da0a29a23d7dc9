"""Projections of registrations' domain events to the registrations table and the places
counters (``event_places``).

A counter that would pass its places fails the table's check constraint: the projection
raises ``AdmissionRaced`` then, and the command is tried again on fresh counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Executable, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ecbm_events.adapters.registrations.tables import event_places, registrations
from ecbm_events.domain.event import Admission, EventScheduled, PlacesChanged
from ecbm_events.domain.places import Mode
from ecbm_events.domain.registration import (
    HOLDS_PLACE,
    AdmissionRaced,
    AnswersErased,
    AttendanceRecorded,
    CertificateIssued,
    NoShowRecorded,
    OfferAccepted,
    OfferLapsed,
    PlaceOffered,
    RegistrationApproved,
    RegistrationCancelled,
    RegistrationDeclined,
    RegistrationErased,
    RegistrationRequested,
    RegistrationState,
)
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import BatchProjection, Projected


def project_event_places(
    connection: Connection, event: EventScheduled, record: StoredEvent
) -> None:
    """An event's pools: its two modes and each quota, nothing taken yet."""
    d = event.details
    pools = {"mode:on_site": d.on_site_places, "mode:online": d.online_places}
    pools.update({f"quota:{q.name}": q.places for q in d.quotas})
    rows = [
        {"event_id": record.entity_id, "pool": pool, "places": places, "taken": 0, "waiting": 0}
        for pool, places in pools.items()
    ]
    connection.execute(insert(event_places), rows)


def project_places_changed(
    connection: Connection, event: PlacesChanged, record: StoredEvent
) -> None:
    """New limits of the pools; one below what is taken by now breaks the check constraint
    (a registration took a place after the change counted them): decided again."""
    pools = {"mode:on_site": event.on_site_places, "mode:online": event.online_places}
    pools.update({f"quota:{name}": places for name, places in event.quota_places.items()})
    rows = [
        {"event": record.entity_id, "in_pool": pool, "limit": places}
        for pool, places in pools.items()
    ]
    _raced_on(connection, _RESIZE, rows)


def _requested_many(connection: Connection, requested: Projected) -> None:
    """New registrations' rows in one statement, then their moves of the counters: one
    statement per pool however many registrations moved it (a group of registrations)."""
    rows = [_requested_row(event, record) for event, record in requested]
    _raced_on(connection, _INSERT, rows)  # the same person registering twice at once
    # The counters last: their row locks are held from here to the commit.
    _count(
        connection,
        [(e.event_id, e.mode, e.quotas, None, e.admission.value) for e, _ in requested],
    )


project_registration_requested = BatchProjection(_requested_many)


def _requested_row(event: RegistrationRequested, record: StoredEvent) -> dict[str, Any]:
    waiting = event.admission is Admission.WAITLISTED
    return dict(
        id=record.entity_id,
        event_id=event.event_id,
        person_id=event.person_id,
        mode=event.mode.value,
        state=event.admission.value,
        answers=event.answers,
        ticket_type=event.applicant.ticket_type,
        country=event.applicant.country,
        role=event.applicant.role,
        quotas=list(event.quotas),
        queue_position=record.position if waiting else None,
        offer_expires_at=None,
        reason="",
        attended_sessions=[],
        version=record.version,
        create_time=record.recorded_at,
        update_time=record.recorded_at,
    )


def _approved(event: RegistrationApproved, record: StoredEvent) -> dict[str, Any]:
    waiting = event.admission is Admission.WAITLISTED
    return {"state": event.admission.value, "queue_position": record.position if waiting else None}


# What each later event changes in the registration's row.
_CHANGES: dict[type, Callable[[Any, StoredEvent], dict[str, Any]]] = {
    RegistrationApproved: _approved,
    RegistrationDeclined: lambda e, r: {"state": "declined", "reason": e.reason},
    RegistrationCancelled: lambda e, r: {
        "state": "cancelled",
        "reason": e.reason,
        "offer_expires_at": None,
    },
    PlaceOffered: lambda e, r: {"state": "offered", "offer_expires_at": e.expires_at},
    OfferAccepted: lambda e, r: {"state": "confirmed", "offer_expires_at": None},
    OfferLapsed: lambda e, r: {
        "state": "cancelled",
        "offer_expires_at": None,
        "reason": "the offered place was not taken in time",
    },
    NoShowRecorded: lambda e, r: {"state": "no_show"},
    AnswersErased: lambda e, r: {"answers": {}},
    CertificateIssued: lambda e, r: {
        "certificate_code": e.code,
        "certificate_name": e.holder_name,
        "certificate_issued_at": r.recorded_at,
    },
    RegistrationErased: lambda e, r: {
        "person_id": "",
        "answers": {},
        "country": "",
        "role": "",
        "certificate_code": None,
        "certificate_name": None,
    },
}


def project_registration_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    values = _CHANGES[type(event)](event, record)
    if "state" in values:
        _recount(connection, record.entity_id, RegistrationState(values["state"]))
    _update(connection, record, **values)


def project_attendance_recorded(
    connection: Connection, event: AttendanceRecorded, record: StoredEvent
) -> None:
    attended = connection.execute(
        select(registrations.c.attended_sessions).where(registrations.c.id == record.entity_id)
    ).scalar_one()
    sessions = sorted({*attended, event.session_id})
    _update(connection, record, state="attended", attended_sessions=sessions)


def _update(connection: Connection, record: StoredEvent, **values: Any) -> None:
    connection.execute(
        update(registrations)
        .where(registrations.c.id == record.entity_id)
        .values(version=record.version, update_time=record.recorded_at, **values)
    )


def _recount(connection: Connection, registration_id: str, new: RegistrationState) -> None:
    """Move the registration's place and waiting count from its state so far to ``new``."""
    r = registrations.c
    row = connection.execute(
        select(r.event_id, r.mode, r.quotas, r.state).where(r.id == registration_id)
    ).one()
    _count(connection, [(row.event_id, Mode(row.mode), tuple(row.quotas), row.state, new)])


# A registration's move between states: (event id, mode, quotas, old state, new state).
Move = tuple[str, Mode, tuple[str, ...], str | None, str]


def _count(connection: Connection, moves: list[Move]) -> None:
    """Apply the moves to the counters, summed per pool, and check who joined a list.

    Nobody waits while their mode and each of their quotas have a place: a registration
    decided waitlisted on counts read before a limit was raised or a place freed must find
    one of its pools full after the move, or the unit of work is decided again.
    """
    sums: dict[tuple[str, str], list[int]] = {}
    joined: list[tuple[str, list[str]]] = []
    for event_id, mode, quotas, old, new in moves:
        taken, waiting = _holds(new) - _holds(old), _waits(new) - _waits(old)
        pools = [f"mode:{mode.value}", *(f"quota:{q}" for q in quotas)]
        for pool in pools if taken or waiting else ():
            moved = sums.setdefault((event_id, pool), [0, 0])
            moved[0] += taken
            moved[1] += waiting
        if waiting > 0 and not taken:
            joined.append((event_id, pools))
    full: dict[tuple[str, str], bool] = {}
    for (event_id, pool), (taken, waiting) in sums.items():
        change = {"event": event_id, "in_pool": pool, "taking": taken, "queueing": waiting}
        try:
            is_full = connection.execute(_MOVE, change).scalar()
        except IntegrityError as error:
            raise AdmissionRaced("another registration took the place first; try again") from error
        full[(event_id, pool)] = is_full is None or bool(is_full)  # no such pool: no place
    for event_id, pools in joined:
        if not any(full[(event_id, pool)] for pool in pools):
            raise AdmissionRaced("a place was freed before this registration joined the list")


def _holds(state: str | None) -> int:
    return int(state is not None and RegistrationState(state) in HOLDS_PLACE)


def _waits(state: str | None) -> int:
    return int(state == RegistrationState.WAITLISTED.value)


def _raced_on(connection: Connection, statement: Executable, rows: list[dict[str, Any]]) -> None:
    """Run ``statement``; a constraint it breaks means another registration came first."""
    try:
        connection.execute(statement, rows)
    except IntegrityError as error:
        raise AdmissionRaced("another registration took the place first; try again") from error


# Built once, as the registering path's reads (see views).
_INSERT = insert(registrations)
_MOVE = (
    update(event_places)
    .where(
        event_places.c.event_id == bindparam("event"), event_places.c.pool == bindparam("in_pool")
    )
    .values(
        taken=event_places.c.taken + bindparam("taking"),
        waiting=event_places.c.waiting + bindparam("queueing"),
    )
    # Whether the pool is full after the move (who joins a waiting list must find it so).
    .returning(event_places.c.taken >= event_places.c.places)
)

_RESIZE = (
    update(event_places)
    .where(
        event_places.c.event_id == bindparam("event"), event_places.c.pool == bindparam("in_pool")
    )
    .values(places=bindparam("limit"))
)

CHANGED_BY = tuple(_CHANGES)
