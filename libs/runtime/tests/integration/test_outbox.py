"""The outbox relay against real RabbitMQ, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from broker_helpers import Broker, Happened
from kombu import Connection, Queue
from sqlalchemy import Engine, select, update

from ecbm_runtime import metrics
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import make_engine
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.outbox import BackgroundPublisher, OutboxRelay
from ecbm_runtime.tables import outbox, store_metadata
from ecbm_runtime.testing import broker_outage, wait_until
from ecbm_runtime.uow import EventWiring, SqlUnitOfWork, no_views

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    store_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """The outbox on PostgreSQL, for what only its row locks do."""
    engine = make_engine(postgres_url)
    store_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def source(unique_name: Callable[[str], str]) -> str:
    return unique_name("outbox")


@pytest.fixture
def received(broker: Broker, source: str) -> Queue:
    """A queue bound to every event of ``source``."""
    return broker.bind_queue(f"{source}-probe", f"{source}.events")


@pytest.fixture
def relay(engine: Engine, amqp_url: str, source: str) -> Iterator[OutboxRelay]:
    relay = OutboxRelay(engine, amqp_url, source)
    yield relay
    relay.close()


def commit_events(engine: Engine, source: str, *whats: str) -> list[int]:
    """Write outbox rows the way a command handler does, in one unit of work."""
    context = MessageContext(correlation_id="c-1")
    with SqlUnitOfWork(engine, EventWiring(EventCodec()), no_views, context) as uow:
        for what in whats:
            uow.publish(Happened(source, what))
        uow.commit()
    return uow.committed_outbox_ids


def unpublished(engine: Engine) -> list[tuple[int, int]]:
    """(id, attempts) of every pending row."""
    query = select(outbox.c.id, outbox.c.attempts).where(outbox.c.published_at.is_(None))
    with engine.connect() as connection:
        return [(row.id, row.attempts) for row in connection.execute(query)]


def bodies(broker: Broker, queue: Queue, expected: int) -> list[str]:
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


def test_fast_path_publishes_each_row_once_with_its_headers(
    engine: Engine, relay: OutboxRelay, broker: Broker, received: Queue, source: str
) -> None:
    ids = commit_events(engine, source, "first", "second")

    assert relay.publish(ids) == 2
    assert relay.publish(ids) == 0
    messages = wait_until(lambda: broker.drain(received), message="published messages")
    assert [json.loads(m.body)["what"] for m in messages] == ["first", "second"]
    first = messages[0]
    assert first.delivery_info["routing_key"] == "ThingHappened"
    assert first.content_type == "application/json"
    assert first.properties["delivery_mode"] == 2
    assert set(first.headers) == {
        "event_id",
        "correlation_id",
        "causation_id",
        "schema_version",
        "source",
    }
    assert first.headers["correlation_id"] == "c-1"
    assert first.headers["source"] == source
    assert unpublished(engine) == []


def test_a_batch_of_many_rows_goes_out_once_in_order_with_their_confirms(
    engine: Engine, relay: OutboxRelay, broker: Broker, received: Queue, source: str
) -> None:
    whats = [f"event-{n}" for n in range(200)]
    ids = commit_events(engine, source, *whats)
    published = metrics.events_published.labels(source, "ThingHappened")
    before = published._value.get()

    assert relay.publish(ids) == 200  # one batch: sent together, confirms awaited once
    assert bodies(broker, received, 200) == whats
    assert unpublished(engine) == []
    assert published._value.get() - before == 200
    assert broker.drain(received) == []  # nothing twice


def test_background_publisher_publishes_after_commit_without_blocking(
    engine: Engine, relay: OutboxRelay, broker: Broker, received: Queue, source: str
) -> None:
    publisher = BackgroundPublisher(relay)
    ids = commit_events(engine, source, "fast")
    publisher.after_commit(ids)
    publisher.close()

    assert bodies(broker, received, 1) == ["fast"]
    assert unpublished(engine) == []


def test_background_publisher_reads_the_rows_of_bare_ids(
    engine: Engine, relay: OutboxRelay, broker: Broker, received: Queue, source: str
) -> None:
    publisher = BackgroundPublisher(relay)
    ids = commit_events(engine, source, "by id")
    publisher.after_commit([int(i) for i in ids])  # ids without their rows
    publisher.close()

    assert bodies(broker, received, 1) == ["by id"]
    assert unpublished(engine) == []


def test_sweep_publishes_only_rows_older_than_the_grace_period_in_order(
    engine: Engine, relay: OutboxRelay, broker: Broker, received: Queue, source: str
) -> None:
    commit_events(engine, source, "a", "b", "c")

    assert relay.sweep(grace_seconds=3600) == 0
    assert metrics.outbox_pending.labels(source)._value.get() == 3
    assert relay.sweep(grace_seconds=0) == 3
    assert relay.sweep(grace_seconds=0) == 0
    assert bodies(broker, received, 3) == ["a", "b", "c"]
    assert metrics.outbox_pending.labels(source)._value.get() == 0


@pytest.mark.postgres
def test_a_row_locked_by_another_relay_is_skipped_not_published_twice(
    broker: Broker, received: Queue, source: str, postgres_engine: Engine, amqp_url: str
) -> None:
    engine = postgres_engine
    competitor = OutboxRelay(engine, amqp_url, source)
    ids = commit_events(engine, source, "locked", "free")
    with engine.begin() as connection:
        connection.execute(select(outbox).where(outbox.c.id == ids[0]).with_for_update())
        assert competitor.sweep(grace_seconds=0) == 1
    assert competitor.sweep(grace_seconds=0) == 1
    competitor.close()
    assert sorted(bodies(broker, received, 2)) == ["free", "locked"]


def test_rows_a_sweep_published_first_are_not_published_again_by_the_fast_path(
    engine: Engine, relay: OutboxRelay, broker: Broker, received: Queue, source: str
) -> None:
    """An api lagging behind its own commits by more than the sweep's grace period."""
    messages = commit_events(engine, source, "swept", "also swept")
    assert relay.sweep(grace_seconds=0) == 2

    assert relay.publish_committed(messages) == 0
    assert bodies(broker, received, 2) == ["swept", "also swept"]
    assert broker.drain(received) == []  # nothing twice


@pytest.mark.postgres
def test_the_fast_path_skips_rows_a_sweep_is_publishing_and_they_arrive_once(
    broker: Broker, received: Queue, source: str, postgres_engine: Engine, amqp_url: str
) -> None:
    engine = postgres_engine
    relay = OutboxRelay(engine, amqp_url, source)
    messages = commit_events(engine, source, "being swept", "free")
    with engine.begin() as sweeping:  # a sweep's transaction, mid-publish
        sweeping.execute(select(outbox).where(outbox.c.id == messages[0]).with_for_update())
        assert relay.publish_committed(messages) == 1
    assert relay.sweep(grace_seconds=0) == 1
    relay.close()
    assert sorted(bodies(broker, received, 2)) == ["being swept", "free"]
    assert broker.drain(received) == []  # nothing twice


@pytest.mark.slow
def test_rows_stay_pending_while_the_broker_is_down_and_arrive_once_after(
    engine: Engine, source: str, isolated_amqp_url: str
) -> None:
    relay = OutboxRelay(engine, isolated_amqp_url, source)
    broker = Broker(isolated_amqp_url)
    received = broker.bind_queue(f"{source}-probe", f"{source}.events")
    assert relay.publish(commit_events(engine, source, "zero")) == 1  # connected before
    with broker_outage(isolated_amqp_url):
        ids = commit_events(engine, source, "one", "two") + commit_events(engine, source, "three")
        started = time.monotonic()
        assert relay.publish(ids) == 0
        assert relay.sweep(grace_seconds=0) == 0
        assert time.monotonic() - started < 10  # fails fast, never hangs the caller

    # An outage is not the rows' fault: nothing counted, so nothing is ever parked for it.
    assert [attempts for _id, attempts in unpublished(engine)] == [0, 0, 0]
    assert relay.sweep(grace_seconds=0) == 3
    assert relay.sweep(grace_seconds=0) == 0
    relay.close()
    broker.connection = Connection(isolated_amqp_url)
    assert bodies(broker, received, 4) == ["zero", "one", "two", "three"]
    assert broker.drain(received) == []
    broker.close()


def test_purge_deletes_only_rows_published_before_the_retention(
    engine: Engine, relay: OutboxRelay, source: str
) -> None:
    old_published, old_pending, recent_published = commit_events(engine, source, "a", "b", "c")
    long_ago = datetime.now(UTC) - timedelta(hours=30)
    with engine.begin() as connection:
        connection.execute(update(outbox).values(created_at=long_ago))
        for row_id, published_at in (
            (old_published, long_ago),
            (recent_published, datetime.now(UTC) - timedelta(minutes=5)),
        ):
            connection.execute(
                update(outbox).where(outbox.c.id == row_id).values(published_at=published_at)
            )

    purged = relay.purge_published(timedelta(hours=24))

    with engine.connect() as connection:
        left = connection.execute(select(outbox.c.id).order_by(outbox.c.id)).scalars().all()
    assert purged == 1
    assert left == [old_pending, recent_published]
