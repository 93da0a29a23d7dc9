"""Operator functions on a service's dead-letter queue, against real RabbitMQ."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from broker_helpers import Broker
from kombu import Exchange, Producer, Queue

from ecbm_runtime.dlq import (
    dead_letter_exchange,
    dead_letter_queue,
    declare_dead_letter_queue,
    list_dead_letters,
    replay_dead_letters,
)
from ecbm_runtime.testing import wait_until

pytestmark = pytest.mark.rabbitmq


@dataclass(frozen=True)
class Parking:
    service: str
    source: str
    queue: Queue


@pytest.fixture
def parking(broker: Broker, unique_name: Callable[[str], str]) -> Iterator[Parking]:
    """A handler queue of a service, dead-lettering into that service's DLQ."""
    service, source = unique_name("svc"), unique_name("src")
    declare_dead_letter_queue(broker.connection, service)
    queue = Queue(
        f"evt-{source}-ThingHappened--{service}.on_thing_happened",
        Exchange(f"{source}.events", "topic", durable=True),
        "ThingHappened",
        durable=True,
        queue_arguments={"x-queue-type": "quorum", "x-dead-letter-exchange": f"{service}.dlx"},
    )
    queue(broker.connection.default_channel).declare()
    broker.forget(queue, queue.exchange, dead_letter_queue(service), dead_letter_exchange(service))
    yield Parking(service, source, queue)


def park(broker: Broker, parking: Parking, *event_ids: str) -> None:
    """Publish events and have the handler queue reject each into the DLQ."""
    for event_id in event_ids:
        body = json.dumps({"id": event_id})
        headers = {"event_id": event_id, "correlation_id": "c-" + event_id}
        broker.publish(f"{parking.source}.events", "ThingHappened", body, headers=headers)
    for message in wait_until(
        lambda: len(got := broker.drain_unacked(parking.queue)) == len(event_ids) and got,
        message="messages to reject",
    ):
        message.reject(requeue=False)
    wait_until(lambda: broker.counts(f"{parking.service}.dlq")[0] == len(event_ids))


def test_lists_parked_messages_without_removing_them(
    broker: Broker, parking: Parking, amqp_url: str
) -> None:
    park(broker, parking, "e-1", "e-2")

    first = list_dead_letters(amqp_url, parking.service)
    again = list_dead_letters(amqp_url, parking.service, limit=1)

    assert [(x.event_id, x.reason, x.queue) for x in first] == [
        ("e-1", "rejected", parking.queue.name),
        ("e-2", "rejected", parking.queue.name),
    ]
    assert first[0].exchange == f"{parking.source}.events"
    assert first[0].routing_key == "ThingHappened"
    assert first[0].body_preview == '{"id": "e-1"}'
    assert [x.event_id for x in again] == ["e-1"]
    # Returned messages become ready again a moment after the reject (quorum queues).
    wait_until(lambda: broker.counts(f"{parking.service}.dlq")[0] == 2, message="still parked")


def test_replay_brings_a_message_back_to_its_queue_with_its_headers(
    broker: Broker, parking: Parking, amqp_url: str
) -> None:
    park(broker, parking, "e-1", "e-2", "e-3")

    assert replay_dead_letters(amqp_url, parking.service, event_id="e-2") == 1
    back = wait_until(lambda: broker.drain(parking.queue), message="replayed message")

    assert len(back) == 1
    assert back[0].headers["x-delivery-count"] == 0  # a fresh first delivery, not a stale count
    assert {k: v for k, v in back[0].headers.items() if not k.startswith("x-")} == {
        "event_id": "e-2",
        "correlation_id": "c-e-2",
    }
    assert json.loads(back[0].body) == {"id": "e-2"}
    assert back[0].content_type == "application/json"
    wait_until(
        lambda: (
            [x.event_id for x in list_dead_letters(amqp_url, parking.service)] == ["e-1", "e-3"]
        ),
        message="the others still parked",
    )


def test_replay_stops_at_the_limit(broker: Broker, parking: Parking, amqp_url: str) -> None:
    park(broker, parking, "e-1", "e-2", "e-3")

    assert replay_dead_letters(amqp_url, parking.service, limit=2) == 2
    assert replay_dead_letters(amqp_url, parking.service) == 1
    assert broker.counts(f"{parking.service}.dlq")[0] == 0
    wait_until(lambda: broker.counts(parking.queue.name)[0] == 3, message="all three back")


def test_a_service_without_a_dead_letter_queue_has_nothing_parked(
    amqp_url: str, unique_name: Callable[[str], str]
) -> None:
    service = unique_name("never-ran")

    assert list_dead_letters(amqp_url, service) == []
    assert replay_dead_letters(amqp_url, service) == 0


def test_parked_messages_expire_after_the_dlq_time_to_live(
    broker: Broker, unique_name: Callable[[str], str]
) -> None:
    """A parked message may hold a person's data: it is dropped after ECBM_DLQ_TTL_HOURS."""
    expiring, keeping = unique_name("ttl"), unique_name("kept")
    declare_dead_letter_queue(broker.connection, expiring, ttl_hours=0.5 / 3600)  # 0.5 s
    declare_dead_letter_queue(broker.connection, keeping)  # 0: no time-to-live
    for service in (expiring, keeping):
        broker.forget(dead_letter_queue(service), dead_letter_exchange(service))
        Producer(broker.connection.default_channel).publish(
            '{"name": "Ana"}', exchange=dead_letter_exchange(service), routing_key=""
        )

    wait_until(lambda: broker.counts(f"{expiring}.dlq")[0] == 0, message="the message expired")
    assert broker.counts(f"{keeping}.dlq")[0] == 1


def test_a_dlq_declared_with_another_time_to_live_keeps_it_and_the_worker_starts(
    broker: Broker, unique_name: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    service = unique_name("svc")
    declare_dead_letter_queue(broker.connection, service)
    broker.forget(dead_letter_queue(service), dead_letter_exchange(service))

    declare_dead_letter_queue(broker.connection, service, ttl_hours=24)  # no error

    assert "exists with another message TTL" in caplog.text
    assert broker.counts(f"{service}.dlq") == (0, 0)  # the connection still works
