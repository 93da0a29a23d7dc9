"""Rebuilding read models from the store, and guarded tracking positions, on both databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import singledispatchmethod
from pathlib import Path
from typing import Any, ClassVar, Self

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.db import is_postgresql
from ecbm_runtime.eventstore import EventCodec, NewEvent, StoredEvent, store_for
from ecbm_runtime.projections import advance_tracking, replay, tracked_position
from ecbm_runtime.testing import wait_until
from ecbm_runtime.uow import BatchProjection, EventWiring, SqlUnitOfWork, no_views

from conftest_store import migrated_engine, postgres_backends_waiting_on_locks, run_threads


class MemberJoined(DomainEvent):
    name: str
    country: str


class MemberMoved(DomainEvent):
    country: str


class Member(Aggregate):
    stream_prefix = "member"

    country: str

    @classmethod
    def join(cls, id: str, name: str, country: str) -> Self:
        member = cls(id)
        member.record(MemberJoined(name=name, country=country))
        return member

    def move(self, country: str) -> None:
        self.record(MemberMoved(country=country))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: MemberJoined) -> None:
        self.country = event.country

    @apply.register
    def _(self, event: MemberMoved) -> None:
        self.country = event.country


read_model = MetaData()
member_view = Table(
    "member_view",
    read_model,
    Column("id", String(50), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("moves", Integer, nullable=False),
)


def member_id(record: StoredEvent) -> str:
    return record.stream_id.removeprefix("member-")


def project_joined(connection: Connection, event: MemberJoined, record: StoredEvent) -> None:
    connection.execute(
        insert(member_view).values(
            id=member_id(record), name=event.name, country=event.country, moves=0
        )
    )


def project_moved(connection: Connection, event: MemberMoved, record: StoredEvent) -> None:
    connection.execute(
        update(member_view)
        .where(member_view.c.id == member_id(record))
        .values(country=event.country, moves=member_view.c.moves + 1)
    )


WIRING = EventWiring(
    codec=EventCodec([MemberJoined, MemberMoved]),
    projections={MemberJoined: [project_joined], MemberMoved: [project_moved]},
)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(database_url, tmp_path) as engine:
        read_model.create_all(engine)
        yield engine


def join(engine: Engine, id: str, name: str, country: str, *moves: str) -> None:
    with SqlUnitOfWork(engine, WIRING, no_views) as uow:
        member = Member.join(id, name, country)
        for country_moved_to in moves:
            member.move(country_moved_to)
        uow.repository(Member).add(member)
        uow.commit()


def view(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(member_view).order_by("id"))]


@pytest.fixture
def members(engine: Engine) -> list[tuple[Any, ...]]:
    """Three members stored through units of work (5 events); the view they projected."""
    join(engine, "ana", "Ana", "PT", "ES")
    join(engine, "ben", "Ben", "BE")
    join(engine, "cai", "Cai", "DE", "NL")
    return view(engine)


def test_replay_rebuilds_what_the_live_projections_wrote(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    with engine.begin() as connection:
        connection.execute(member_view.delete())

    assert replay(engine, WIRING, [member_view]) == 5
    assert (
        view(engine)
        == members
        == [
            ("ana", "Ana", "ES", 1),
            ("ben", "Ben", "BE", 0),
            ("cai", "Cai", "NL", 1),
        ]
    )


def test_replay_discards_rows_the_events_do_not_produce(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    with engine.begin() as connection:
        connection.execute(insert(member_view).values(id="ghost", name="?", country="XX", moves=9))
        connection.execute(update(member_view).values(moves=42))

    replay(engine, WIRING, [member_view])

    assert view(engine) == members


def test_replay_in_batches_smaller_than_the_store_reads_every_event(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    assert replay(engine, WIRING, [member_view], batch=2) == 5
    assert view(engine) == members


def test_replay_hands_runs_of_one_type_and_distinct_streams_to_batch_projections(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    join(engine, "dia", "Dia", "FR", "ES", "IT")  # two moves of one member in a row
    calls: list[list[str]] = []

    def many(connection: Connection, items: Sequence[tuple[Any, StoredEvent]]) -> None:
        calls.append([record.stream_id for _, record in items])
        for event, record in items:
            (project_joined if isinstance(event, MemberJoined) else project_moved)(
                connection, event, record
            )

    batched = BatchProjection(many)
    wiring = EventWiring(
        codec=WIRING.codec, projections={MemberJoined: [batched], MemberMoved: [batched]}
    )
    with engine.begin() as connection:
        connection.execute(member_view.delete())

    assert replay(engine, wiring, [member_view]) == 8
    # ana J, ana M, ben J, cai J, cai M, dia J, dia M, dia M (store order)
    assert calls == [
        ["member-ana"], ["member-ana"], ["member-ben", "member-cai"], ["member-cai"],
        ["member-dia"], ["member-dia"], ["member-dia"],
    ]  # fmt: skip
    assert view(engine) == [*members, ("dia", "Dia", "IT", 2)]


def test_replaying_an_empty_store_empties_the_read_model(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(member_view).values(id="ghost", name="?", country="XX", moves=0))

    assert replay(engine, WIRING, [member_view]) == 0
    assert view(engine) == []


def test_replay_reads_past_events_that_no_projection_handles(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    with engine.begin() as connection:
        store_for(connection).append("audit-1", 0, [NewEvent("RetiredEventType", {"x": 1})])

    assert replay(engine, WIRING, [member_view]) == 6
    assert view(engine) == members


class Version2:
    class MemberJoined(DomainEvent):
        """Stored as MemberJoined too; version 1 had no country."""

        schema_version: ClassVar[int] = 2
        name: str
        country: str


def test_replay_upcasts_old_events_before_projecting_them(engine: Engine) -> None:
    codec = EventCodec([Version2.MemberJoined])
    codec.register_upcaster("MemberJoined", 1, lambda data: {"country": "EU", **data})
    wiring = EventWiring(codec=codec, projections={Version2.MemberJoined: [project_joined]})
    with engine.begin() as connection:
        store_for(connection).append(
            "member-old", 0, [NewEvent("MemberJoined", {"name": "Old"}, {"schema_version": 1})]
        )

    replay(engine, wiring, [member_view])

    assert view(engine) == [("old", "Old", "EU", 0)]


def test_a_replay_that_fails_midway_leaves_the_old_read_model(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    def fail_on_cai(connection: Connection, event: MemberJoined, record: StoredEvent) -> None:
        if event.name == "Cai":
            raise RuntimeError("projection failed")

    failing = EventWiring(
        codec=WIRING.codec,
        projections={**WIRING.projections, MemberJoined: [project_joined, fail_on_cai]},
    )

    with pytest.raises(RuntimeError):
        replay(engine, failing, [member_view], batch=1)

    assert view(engine) == members


def test_a_command_during_a_replay_waits_and_is_projected_once(
    engine: Engine, members: list[tuple[Any, ...]]
) -> None:
    replay_started, writer_entering = threading.Event(), threading.Event()

    def hold_replay_until_writer_waits(
        connection: Connection, event: MemberJoined, record: StoredEvent
    ) -> None:
        if not replay_started.is_set():
            replay_started.set()
            writer_entering.wait(30)
            if is_postgresql(connection):  # on the store lock; SQLite: in BEGIN IMMEDIATE
                wait_until(lambda: postgres_backends_waiting_on_locks(engine), 30)

    gated = EventWiring(
        codec=WIRING.codec,
        projections={
            **WIRING.projections,
            MemberJoined: [project_joined, hold_replay_until_writer_waits],
        },
    )

    def move_ben() -> None:
        replay_started.wait(30)
        writer_entering.set()
        with SqlUnitOfWork(engine, WIRING, no_views) as uow:
            uow.repository(Member).get("ben").move("FR")
            uow.commit()

    outcomes = run_threads(lambda: replay(engine, gated, [member_view], batch=2), move_ben)

    assert outcomes == [5, None]
    assert ("ben", "Ben", "FR", 1) in view(engine)


def test_advancing_a_new_consumer_records_its_position(engine: Engine) -> None:
    with engine.begin() as connection:
        assert advance_tracking(connection, "notify.relay", 7) is True

    with engine.connect() as connection:
        assert tracked_position(connection, "notify.relay") == 7


def test_advancing_forward_moves_the_position(engine: Engine) -> None:
    with engine.begin() as connection:
        advance_tracking(connection, "c", 3)
    with engine.begin() as connection:
        assert advance_tracking(connection, "c", 4) is True
        assert tracked_position(connection, "c") == 4


@pytest.mark.parametrize("position", [5, 2])
def test_advancing_to_a_position_already_reached_returns_false_and_changes_nothing(
    engine: Engine, position: int
) -> None:
    with engine.begin() as connection:
        advance_tracking(connection, "c", 5)
    with engine.begin() as connection:
        assert advance_tracking(connection, "c", position) is False
        assert tracked_position(connection, "c") == 5


def test_an_untracked_consumer_is_at_position_zero(engine: Engine) -> None:
    with engine.connect() as connection:
        assert tracked_position(connection, "nobody") == 0


def test_tracking_rolls_back_with_the_callers_transaction(engine: Engine) -> None:
    with engine.begin() as connection:
        advance_tracking(connection, "c", 1)

    with pytest.raises(RuntimeError), engine.begin() as connection:
        advance_tracking(connection, "c", 2)
        raise RuntimeError("the consumer's effects failed")

    with engine.connect() as connection:
        assert tracked_position(connection, "c") == 1


@pytest.mark.parametrize(("first", "second"), [(7, 5), (5, 7), (7, 7)])
def test_racing_first_advances_of_one_consumer_keep_the_furthest_position(
    engine: Engine, first: int, second: int
) -> None:
    first_advanced, second_entering = threading.Event(), threading.Event()

    def advance_first() -> bool:
        with engine.begin() as connection:
            moved = advance_tracking(connection, "c", first)
            first_advanced.set()
            second_entering.wait(30)
            if is_postgresql(engine):  # the second then waits on our uncommitted row
                wait_until(lambda: postgres_backends_waiting_on_locks(engine), 30)
        return moved

    def advance_second() -> bool:
        first_advanced.wait(30)
        second_entering.set()
        with engine.begin() as connection:
            return advance_tracking(connection, "c", second)

    outcomes = run_threads(advance_first, advance_second)

    assert outcomes == [True, second > first]
    with engine.connect() as connection:
        assert tracked_position(connection, "c") == max(first, second)
