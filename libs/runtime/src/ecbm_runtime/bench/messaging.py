"""Baseline for propagation: one message at a time through the broker, nothing else.

Publish with publisher confirms (as the outbox relay does) to a topic exchange, consume
from a durable quorum queue (as every handler queue is) on a second connection, and time
from the timestamp in the body to its arrival.
"""
# kombu ships no annotations for most of its API.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import time
import uuid
from typing import Any

from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.messaging import Consumer, Producer

CONFIRM_TIMEOUT_SECONDS = 5.0
RECEIVE_TIMEOUT_SECONDS = 10.0


def roundtrips_ms(amqp_url: str, count: int, warmup: int) -> list[float]:
    """Milliseconds from publish to consume of ``count`` messages (after ``warmup`` more)."""
    name = f"bench-roundtrip-{uuid.uuid4().hex[:10]}"
    exchange = Exchange(name, type="topic", durable=True, delivery_mode=2)
    queue = Queue(
        name,
        exchange=exchange,
        routing_key="Ping",
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )
    received: list[tuple[float, dict[str, Any]]] = []

    def on_message(body: dict[str, Any], message: Any) -> None:
        received.append((time.perf_counter(), body))
        message.ack()

    publisher = Connection(amqp_url, transport_options={"confirm_publish": True})
    subscriber = Connection(amqp_url)
    try:
        producer = Producer(publisher.channel(), exchange=exchange)
        channel = subscriber.channel()
        channel.basic_qos(0, 10, False)  # the workers' prefetch count
        with Consumer(channel, queues=[queue], callbacks=[on_message], accept=["json"]):
            samples = [_one(producer, subscriber, received, seq) for seq in range(warmup + count)]
        queue.bind(channel).delete()
        exchange.bind(channel).delete()
    finally:
        publisher.release()
        subscriber.release()
    return samples[warmup:]


def _one(
    producer: Producer,
    subscriber: Connection,
    received: list[tuple[float, dict[str, Any]]],
    seq: int,
) -> float:
    producer.publish(
        {"seq": seq, "sent": time.perf_counter()},
        routing_key="Ping",
        serializer="json",
        delivery_mode=2,
        timeout=CONFIRM_TIMEOUT_SECONDS,
    )
    deadline = time.monotonic() + RECEIVE_TIMEOUT_SECONDS
    while not received:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"message {seq} not consumed within {RECEIVE_TIMEOUT_SECONDS}s")
        subscriber.drain_events(timeout=remaining)
    arrived, body = received.pop()
    if body["seq"] != seq:
        raise RuntimeError(f"expected message {seq}, got {body['seq']}")
    return (arrived - float(body["sent"])) * 1000


def consumers_on(amqp_url: str, queue_name: str) -> int:
    """How many consumers a queue has (0 if it does not exist yet).

    A worker's health turns green before its consumers are attached; an event published
    before its queue is bound is dropped by the exchange, so the suite waits for this.
    """
    with Connection(amqp_url, connect_timeout=2) as connection:
        channel = connection.channel()
        try:
            declared = channel.queue_declare(queue=queue_name, passive=True)
        except Exception:  # NOT_FOUND closes the channel; the queue is not there yet
            return 0
        return int(declared.consumer_count)
