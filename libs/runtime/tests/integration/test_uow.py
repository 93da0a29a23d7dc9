"""Unit of work on SQLite and PostgreSQL: events, projections, outbox and inbox commit together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial, singledispatchmethod
from pathlib import Path
from typing import Any, ClassVar, Self

import pytest
from pydantic import BaseModel
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    update,
)

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import after_commit, is_postgresql
from ecbm_runtime.errors import NotFound
from ecbm_runtime.eventstore import EventCodec, StoredEvent, VersionConflict
from ecbm_runtime.inbox import Delivery, DuplicateDelivery
from ecbm_runtime.messagebus import Dependencies, MessageBus, sql_views
from ecbm_runtime.tables import events, inbox, outbox
from ecbm_runtime.testing import wait_until
from ecbm_runtime.uow import BatchProjection, EventWiring, SqlUnitOfWork, no_views

from conftest_store import migrated_engine, postgres_backends_waiting_on_locks, run_threads


class SessionOpened(DomainEvent):
    title: str


class SeatBooked(DomainEvent):
    attendee: str


class Session(Aggregate):
    stream_prefix = "session"

    title: str
    attendees: list[str]

    @classmethod
    def open(cls, id: str, title: str) -> Self:
        session = cls(id)
        session.record(SessionOpened(title=title))
        return session

    def book(self, attendee: str) -> None:
        self.record(SeatBooked(attendee=attendee))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SessionOpened) -> None:
        self.title, self.attendees = event.title, []

    @apply.register
    def _(self, event: SeatBooked) -> None:
        self.attendees.append(event.attendee)


class SeatBookedV1(BaseModel):
    """The integration event other services would consume."""

    source: ClassVar[str] = "events"
    schema_version: ClassVar[int] = 1
    session_id: str
    attendee: str

    @classmethod
    def event_type(cls) -> str:
        return "SeatBooked"


read_model = MetaData()
session_view = Table(
    "session_view",
    read_model,
    Column("id", String(50), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("booked", Integer, nullable=False),
)


def project_opened(connection: Connection, event: SessionOpened, record: StoredEvent) -> None:
    session_id = record.stream_id.removeprefix("session-")
    connection.execute(insert(session_view).values(id=session_id, title=event.title, booked=0))


def project_booked(connection: Connection, event: SeatBooked, record: StoredEvent) -> None:
    session_id = record.stream_id.removeprefix("session-")
    connection.execute(
        update(session_view)
        .where(session_view.c.id == session_id)
        .values(booked=session_view.c.booked + 1)
    )


def publish_booked(event: SeatBooked, record: StoredEvent) -> SeatBookedV1:
    return SeatBookedV1(session_id=record.stream_id, attendee=event.attendee)


def fail_projection(connection: Connection, event: SeatBooked, record: StoredEvent) -> None:
    raise RuntimeError("projection failed")


def wiring(*extra_booked_projections: Callable[..., None]) -> EventWiring:
    return EventWiring(
        codec=EventCodec([SessionOpened, SeatBooked]),
        projections={
            SessionOpened: [project_opened],
            SeatBooked: [project_booked, *extra_booked_projections],
        },
        integration={SeatBooked: publish_booked},
    )


CONTEXT = MessageContext(correlation_id="corr-1")


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(database_url, tmp_path) as engine:
        read_model.create_all(engine)
        yield engine


def open_session(engine: Engine) -> str:
    """Store session ``s1``: one event, its view row, no outbox row."""
    with SqlUnitOfWork(engine, wiring(), no_views) as uow:
        uow.repository(Session).add(Session.open("s1", "Mentoring 101"))
        uow.commit()
    return "s1"


@pytest.fixture
def opened(engine: Engine) -> str:
    return open_session(engine)


def book(
    engine: Engine,
    attendee: str,
    wired: EventWiring | None = None,
    claim: Delivery | None = None,
) -> SqlUnitOfWork[None]:
    with SqlUnitOfWork(engine, wired or wiring(), no_views, CONTEXT, claim) as uow:
        uow.repository(Session).get("s1").book(attendee)
        uow.commit()
    return uow


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (events, outbox, inbox, session_view)
        }


def booked(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(session_view.c.booked)).scalar_one())


def test_commit_writes_events_projection_rows_and_outbox_rows(engine: Engine, opened: str) -> None:
    book(engine, "ana")

    assert counts(engine) == {"events": 2, "outbox": 1, "inbox": 0, "session_view": 1}
    assert booked(engine) == 1
    with engine.connect() as connection:
        row = connection.execute(select(outbox)).mappings().one()
    assert (row["exchange"], row["routing_key"], row["published_at"]) == (
        "events.events",
        "SeatBooked",
        None,
    )
    assert SeatBookedV1.model_validate_json(row["body"]).attendee == "ana"
    assert row["headers"]["correlation_id"] == "corr-1"
    assert row["headers"]["event_id"] == row["event_id"]


def test_after_commit_receives_the_new_outbox_ids(engine: Engine, opened: str) -> None:
    handed_over: list[list[int]] = []
    with SqlUnitOfWork(engine, wiring(), no_views, after_commit=handed_over.append) as uow:
        session = uow.repository(Session).get("s1")
        session.book("ana")
        session.book("ben")
        uow.commit()

    with engine.connect() as connection:
        ids = list(connection.execute(select(outbox.c.id).order_by(outbox.c.id)).scalars())
    assert handed_over == [ids] == [uow.committed_outbox_ids]
    assert len(ids) == 2
    # They carry their rows, so the fast-path publisher need not read them back.
    with engine.connect() as connection:
        rows = connection.execute(select(outbox).order_by(outbox.c.id)).all()
    assert [(m.exchange, m.routing_key, m.body, m.headers) for m in handed_over[0]] == [
        (r.exchange, r.routing_key, r.body, r.headers) for r in rows
    ]


def test_a_view_read_after_commit_sees_the_committed_projection(
    engine: Engine, opened: str
) -> None:
    with SqlUnitOfWork(engine, wiring(), no_views) as uow:
        uow.repository(Session).get("s1").book("ana")
        uow.commit()
        after = uow.connection.execute(select(session_view.c.booked)).scalar_one()

    assert after == 1 == booked(engine)


def test_after_commit_callbacks_run_once_after_the_commit_and_never_after_a_rollback(
    engine: Engine, opened: str
) -> None:

    seen: list[int] = []
    open_when_run: list[bool] = []

    def count_booked(connection: Connection) -> None:
        open_when_run.append(uow.connection.in_transaction())
        seen.append(connection.execute(select(session_view.c.booked)).scalar_one())

    def projection(connection: Connection, event: SeatBooked, record: StoredEvent) -> None:
        after_commit(connection, "count", count_booked)  # twice per unit: runs once

    with pytest.raises(ValueError), SqlUnitOfWork(engine, wiring(projection), no_views) as uow:
        uow.repository(Session).get("s1").book("ana")
        uow.flush()
        raise ValueError("rolled back")
    with SqlUnitOfWork(engine, wiring(projection), no_views) as uow:
        session = uow.repository(Session).get("s1")
        session.book("ana")
        session.book("ben")
        uow.commit()

    assert seen == [2]
    assert open_when_run == [False]


def test_an_exception_before_commit_leaves_no_events_rows_or_outbox_rows(
    engine: Engine, opened: str
) -> None:
    before = counts(engine)

    with pytest.raises(ValueError), SqlUnitOfWork(engine, wiring(), no_views) as uow:
        uow.repository(Session).get("s1").book("ana")
        uow.flush()
        raise ValueError("the handler failed after its writes")

    assert counts(engine) == before
    assert booked(engine) == 0


def test_leaving_without_commit_writes_nothing(engine: Engine, opened: str) -> None:
    before = counts(engine)

    with SqlUnitOfWork(engine, wiring(), no_views) as uow:
        uow.repository(Session).get("s1").book("ana")

    assert counts(engine) == before


def test_a_projection_that_raises_rolls_back_the_events_too(engine: Engine, opened: str) -> None:
    before = counts(engine)

    with pytest.raises(RuntimeError, match="projection failed"):
        book(engine, "ana", wiring(fail_projection))

    assert counts(engine) == before
    with SqlUnitOfWork(engine, wiring(), no_views) as uow:
        assert uow.repository(Session).get("s1").attendees == []


def test_getting_an_aggregate_that_was_never_stored_raises_not_found(engine: Engine) -> None:
    with (
        pytest.raises(NotFound, match="session 'nope'"),
        SqlUnitOfWork(engine, wiring(), no_views) as uow,
    ):
        uow.repository(Session).get("nope")


def test_concurrent_units_of_work_on_one_aggregate_let_exactly_one_commit(
    postgres_url: str, tmp_path: Path
) -> None:
    with migrated_engine(postgres_url, tmp_path) as engine:
        read_model.create_all(engine)
        open_session(engine)
        both_loaded = threading.Barrier(2)

        def attempt(attendee: str) -> str:
            with SqlUnitOfWork(engine, wiring(), no_views) as uow:
                session = uow.repository(Session).get("s1")
                both_loaded.wait()
                session.book(attendee)
                uow.commit()
            return attendee

        outcomes = run_threads(lambda: attempt("ana"), lambda: attempt("ben"))

        winners = [o for o in outcomes if isinstance(o, str)]
        assert [type(o) for o in outcomes if o not in winners] == [VersionConflict]
        assert counts(engine) == {"events": 2, "outbox": 1, "inbox": 0, "session_view": 1}
        with SqlUnitOfWork(engine, wiring(), no_views) as uow:
            assert uow.repository(Session).get("s1").attendees == winners


def test_units_of_work_on_sqlite_take_turns_so_no_update_is_lost(tmp_path: Path) -> None:
    # BEGIN IMMEDIATE makes the second unit of work wait before it loads, so it loads
    # the first one's booking and both commit; PostgreSQL raises a conflict instead.
    with migrated_engine(f"sqlite:///{tmp_path / 'test.db'}", tmp_path) as engine:
        read_model.create_all(engine)
        open_session(engine)
        first_loaded, second_entering = threading.Event(), threading.Event()

        def first() -> None:
            with SqlUnitOfWork(engine, wiring(), no_views) as uow:
                uow.repository(Session).get("s1").book("ana")
                first_loaded.set()
                second_entering.wait(30)
                uow.commit()

        def second() -> None:
            first_loaded.wait(30)
            second_entering.set()
            book(engine, "ben")

        assert run_threads(first, second) == [None, None]
        with SqlUnitOfWork(engine, wiring(), no_views) as uow:
            assert uow.repository(Session).get("s1").attendees == ["ana", "ben"]
        assert booked(engine) == 2


DELIVERY = Delivery(handler="events.on_member_joined", event_id="evt-1")


def test_a_redelivered_event_raises_duplicate_delivery_and_writes_nothing(
    engine: Engine, opened: str
) -> None:
    book(engine, "ana", claim=DELIVERY)
    after_first = counts(engine)

    with pytest.raises(DuplicateDelivery):
        book(engine, "ana", claim=DELIVERY)

    assert counts(engine) == after_first
    assert after_first["inbox"] == 1


def test_the_same_event_is_processed_once_per_handler(engine: Engine, opened: str) -> None:
    book(engine, "ana", claim=DELIVERY)
    book(engine, "ben", claim=Delivery(handler="events.other_handler", event_id=DELIVERY.event_id))

    assert booked(engine) == 2


def test_a_failed_first_attempt_leaves_no_inbox_row_so_the_retry_is_processed(
    engine: Engine, opened: str
) -> None:
    with pytest.raises(RuntimeError):
        book(engine, "ana", wiring(fail_projection), claim=DELIVERY)
    assert counts(engine)["inbox"] == 0

    book(engine, "ana", claim=DELIVERY)

    assert counts(engine) == {"events": 2, "outbox": 1, "inbox": 1, "session_view": 1}


def test_a_handler_that_opens_two_units_of_work_claims_its_delivery_once(
    engine: Engine, opened: str
) -> None:
    """The delivery goes to the first unit of work of the handling; the second just works."""

    def book_twice(attendees: tuple[str, str], deps: Dependencies[None]) -> None:
        for attendee in attendees:
            with deps.uow() as uow:
                uow.repository(Session).get("s1").book(attendee)
                uow.commit()

    deps = Dependencies(
        units_of_work=partial(SqlUnitOfWork, engine, wiring(), no_views),
        read_views=sql_views(engine, no_views),
    )
    bus = MessageBus({tuple: book_twice}, deps)
    delivered = MessageContext(delivery=DELIVERY)

    bus.handle(("ana", "ben"), delivered)
    with pytest.raises(DuplicateDelivery):
        bus.handle(("ana", "ben"), delivered)

    assert counts(engine) == {"events": 3, "outbox": 2, "inbox": 1, "session_view": 1}


def test_a_concurrent_duplicate_delivery_waits_for_the_first_and_is_refused(
    engine: Engine, opened: str
) -> None:
    first_claimed, second_entering = threading.Event(), threading.Event()

    def first() -> None:
        with SqlUnitOfWork(engine, wiring(), no_views, claim=DELIVERY) as uow:
            first_claimed.set()
            second_entering.wait(30)
            if is_postgresql(engine):  # the second's claim then waits on our inbox row
                wait_until(lambda: postgres_backends_waiting_on_locks(engine), timeout=30)
            uow.repository(Session).get("s1").book("ana")
            uow.commit()

    def second() -> None:
        first_claimed.wait(30)
        second_entering.set()
        book(engine, "ben", claim=DELIVERY)

    outcomes = run_threads(first, second)

    assert outcomes[0] is None
    assert isinstance(outcomes[1], DuplicateDelivery)
    assert counts(engine) == {"events": 2, "outbox": 1, "inbox": 1, "session_view": 1}


def test_a_batch_projection_gets_every_aggregates_events_of_a_round_in_one_call(
    engine: Engine,
) -> None:
    calls: list[list[str]] = []

    def open_many(connection: Connection, items: Sequence[tuple[Any, StoredEvent]]) -> None:
        calls.append([record.stream_id for _, record in items])
        rows = [
            {"id": record.entity_id, "title": event.title, "booked": 0} for event, record in items
        ]
        connection.execute(insert(session_view), rows)

    wired = wiring()
    wired = EventWiring(
        codec=wired.codec,
        projections={**wired.projections, SessionOpened: [BatchProjection(open_many)]},
        integration=wired.integration,
    )
    with SqlUnitOfWork(engine, wired, no_views) as uow:
        for number in (1, 2, 3):
            session = Session.open(f"s{number}", f"Mentoring {number}")
            for attendee in ("ana", "bram")[: number - 1]:
                session.book(attendee)  # later rounds: 0, 1 and 2 bookings
            uow.repository(Session).add(session)
        uow.commit()

    assert calls == [["session-s1", "session-s2", "session-s3"]]
    with engine.connect() as connection:
        views = connection.execute(select(session_view).order_by(session_view.c.id)).all()
    assert [(v.id, v.booked) for v in views] == [("s1", 0), ("s2", 1), ("s3", 2)]
    assert counts(engine)["outbox"] == 3  # one SeatBooked each, published in stream order


def test_forgetting_a_subject_deletes_its_outbox_rows_published_or_not(engine: Engine) -> None:
    """A published row is kept a while to debug deliveries; not one about someone forgotten."""
    for attendee in ("ana", "ana", "ben"):
        with SqlUnitOfWork(engine, wiring(), no_views) as uow:
            uow.publish(SeatBookedV1(session_id="s1", attendee=attendee), subject=attendee)
            uow.commit()
    with engine.begin() as connection:  # the first of Ana's rows went out already
        first = select(func.min(outbox.c.id)).scalar_subquery()
        connection.execute(
            update(outbox).where(outbox.c.id == first).values(published_at=func.now())
        )

    with SqlUnitOfWork(engine, wiring(), no_views) as uow:
        assert uow.forget_subject("ana") == 2
        uow.commit()

    with engine.connect() as connection:
        assert connection.execute(select(outbox.c.subject)).scalars().all() == ["ben"]
