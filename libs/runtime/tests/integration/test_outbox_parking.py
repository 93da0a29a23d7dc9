"""A row the broker refuses is parked after N attempts; the rest keeps flowing, in stream order.

The refusal is real: the row's exchange exists on the broker with another type, so
RabbitMQ answers the relay's declare with PRECONDITION_FAILED (a channel error), as it
would for an exchange an operator created by hand with the wrong type.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from broker_helpers import Broker, Happened
from kombu import Exchange, Queue
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.dialects import postgresql

from ecbm_runtime import metrics
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import make_engine
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.outbox import (
    _BEHIND_TROUBLE,
    _HELD_STREAMS,
    OutboxEntry,
    OutboxMessage,
    OutboxRelay,
)
from ecbm_runtime.outbox_parking import parked_rows, retry_parked
from ecbm_runtime.tables import outbox, store_metadata
from ecbm_runtime.testing import wait_until
from ecbm_runtime.uow import EventWiring, SqlUnitOfWork, no_views

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    store_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def names(unique_name: Callable[[str], str]) -> tuple[str, str]:
    """(good source, poison source): the poison one's exchange has the wrong type."""
    return unique_name("good"), unique_name("poison")


@pytest.fixture
def probe(broker: Broker, names: tuple[str, str]) -> Queue:
    """One queue bound to the good source's events, so their order shows."""
    good, _ = names
    return broker.bind_queue(f"{good}-probe", f"{good}.events")


@pytest.fixture
def poisoned(broker: Broker, names: tuple[str, str]) -> Exchange:
    """The poison source's exchange, declared fanout where the relay declares topic."""
    exchange = Exchange(f"{names[1]}.events", type="fanout", durable=True)
    exchange(broker.connection.default_channel).declare()
    broker.forget(exchange)
    return exchange


def commit_rows(engine: Engine, *rows: tuple[str, str, str | None]) -> list[OutboxMessage]:
    """Outbox rows (source, what, stream) written in one unit of work, as a handler does."""
    with SqlUnitOfWork(engine, EventWiring(EventCodec()), no_views, MessageContext()) as uow:
        entries = [OutboxEntry.of(Happened(s, w), {}, stream=st) for s, w, st in rows]
        messages = uow.store.add_to_outbox(entries)
        uow.commit()
    return messages


def received(broker: Broker, queue: Queue, expected: int) -> list[str]:
    found: list[str] = []
    wait_until(
        lambda: (
            found.extend(json.loads(m.body)["what"] for m in broker.drain(queue))
            or len(found) >= expected
        ),
        10,
        message=f"{expected} messages",
    )
    return found


def attempts(engine: Engine) -> dict[int, int]:
    with engine.connect() as connection:
        return dict(connection.execute(select(outbox.c.id, outbox.c.attempts)).all())


def test_a_refused_row_is_parked_after_its_attempts_and_the_rest_is_published(
    engine: Engine,
    broker: Broker,
    probe: Queue,
    poisoned: Exchange,
    names: tuple[str, str],
    amqp_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good, poison = names
    relay = OutboxRelay(engine, amqp_url, good, max_attempts=3)
    bad, *_ = commit_rows(engine, (poison, "bad", None), (good, "a", None), (good, "b", None))

    assert relay.sweep(grace_seconds=0) == 2
    parked_before = metrics.outbox_parked.labels(good)._value.get()
    assert received(broker, probe, 2) == ["a", "b"]
    with caplog.at_level(logging.ERROR, logger="ecbm_runtime.outbox"):
        relay.sweep(grace_seconds=0)
        relay.sweep(grace_seconds=0)
        relay.sweep(grace_seconds=0)  # parked: not attempted again
    relay.close()

    [row] = parked_rows(engine)
    assert (row.id, row.attempts, row.exchange) == (bad, 3, f"{poison}.events")
    assert "PRECONDITION_FAILED" in (row.last_error or "") or "inequivalent" in str(row.last_error)
    assert attempts(engine)[bad] == 3
    assert metrics.outbox_parked.labels(good)._value.get() == parked_before + 1
    assert metrics.outbox_parked_rows.labels(good)._value.get() == 1
    assert [r.message for r in caplog.records if "parked after 3" in r.message]


def test_rows_behind_a_parked_row_of_its_stream_wait_and_follow_it_in_order_after_retry(
    engine: Engine,
    broker: Broker,
    probe: Queue,
    poisoned: Exchange,
    names: tuple[str, str],
    amqp_url: str,
) -> None:
    good, poison = names
    relay = OutboxRelay(engine, amqp_url, good, max_attempts=2)
    bad, behind, other = commit_rows(
        engine, (poison, "s1", "stream-s"), (good, "s2", "stream-s"), (good, "t1", "stream-t")
    )

    assert relay.sweep(grace_seconds=0) == 1  # t1; s2 waits behind s1 in the same batch
    assert relay.sweep(grace_seconds=0) == 0  # s1 refused again: parked
    assert relay.sweep(grace_seconds=0) == 0  # s2 waits behind the parked row
    [later] = commit_rows(engine, (good, "s3", "stream-s"))
    assert relay.publish_committed([later]) == 0  # the fast path leaves it to the sweep
    assert relay.publish([behind]) == 0
    assert received(broker, probe, 1) == ["t1"]
    assert [(r.id, r.waiting_behind) for r in parked_rows(engine)] == [(bad, 2)]

    # The operator fixes the exchange (its type), binds it where the probe listens, retries.
    poisoned(broker.connection.default_channel).delete()
    broker.bind_queue(probe.name, f"{poison}.events")
    assert retry_parked(engine, [other]) == 0  # not parked: nothing to release
    assert retry_parked(engine) == 1
    assert relay.sweep(grace_seconds=0) == 3
    relay.close()

    assert received(broker, probe, 3) == ["s1", "s2", "s3"]
    assert parked_rows(engine) == []
    assert attempts(engine)[bad] == 0


@pytest.mark.postgres
def test_the_troubled_rows_lookups_use_their_partial_index_even_in_a_generic_plan(
    postgres_url: str,
) -> None:
    """A prepared statement's generic plan uses a partial index only if the query states
    its predicate (``attempts > 0``) with the same constant, not a parameter: else every
    sweep reads the whole backlog of unpublished rows to find the few refused ones."""
    engine = make_engine(postgres_url)
    store_metadata.create_all(engine)
    now = datetime.now(UTC)
    rows = [
        {"event_id": f"e{n}", "exchange": "x", "routing_key": "k", "body": "{}", "headers": {},
         "stream": f"s{n % 50}", "attempts": 1 if n % 1000 == 0 else 0, "created_at": now}
        for n in range(5000)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(outbox), rows)
        connection.execute(text("ANALYZE outbox"))
    sweep = select(outbox.c.id).where(outbox.c.published_at.is_(None), ~_BEHIND_TROUBLE)
    dollars = postgresql.dialect(paramstyle="numeric_dollar")  # $1: what PREPARE takes
    with engine.connect() as connection:
        connection.execute(text("SET plan_cache_mode = force_generic_plan"))
        for n, statement in enumerate((_HELD_STREAMS, sweep)):
            compiled = statement.compile(dialect=dollars)
            values = [compiled.params[name] for name in compiled.positiontup or []]
            connection.exec_driver_sql(f"PREPARE troubled_{n} AS {compiled}")
            arguments = f"({', '.join(map(repr, values))})" if values else ""
            plan = "\n".join(
                connection.exec_driver_sql(f"EXPLAIN EXECUTE troubled_{n}{arguments}").scalars()
            )
            assert "ix_outbox_troubled" in plan, plan
    engine.dispose()
