"""Dead-letter queues: one per service; operators inspect and replay what handlers parked there."""
# kombu ships no annotations for most of its API.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from amqp.exceptions import NotFound, PreconditionFailed
from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.message import Message
from kombu.messaging import Producer

from ecbm_runtime.amqp import AmqpTls
from ecbm_runtime.amqp import connection as amqp_connection

PREVIEW_CHARS = 200
_log = logging.getLogger(__name__)


def dead_letter_exchange(service: str) -> Exchange:
    """The exchange every queue of ``service`` dead-letters into."""
    return Exchange(f"{service}.dlx", type="fanout", durable=True)


def dead_letter_queue(service: str, ttl_hours: float = 0.0) -> Queue:
    """The one parking queue of ``service``; quorum so a cluster does not lose it.

    A parked message expires after ``ttl_hours`` (0: never): a message may hold personal
    data (a forgotten person's), and the DLQ is no archive (docs/operations.md).
    """
    arguments: dict[str, Any] = {"x-queue-type": "quorum"}
    if ttl_hours > 0:
        arguments["x-message-ttl"] = max(int(ttl_hours * 3_600_000), 1)
    return Queue(
        f"{service}.dlq",
        exchange=dead_letter_exchange(service),
        durable=True,
        queue_arguments=arguments,
    )


def declare_dead_letter_queue(connection: Connection, service: str, ttl_hours: float = 0.0) -> None:
    """Declare the service's DLX and DLQ (idempotent).

    A DLQ declared before with another time-to-live keeps it (RabbitMQ refuses to change a
    queue's arguments): a warning says how to apply the new one, and the worker starts.
    """
    channel = connection.channel()
    try:
        dead_letter_queue(service, ttl_hours)(channel).declare()
    except PreconditionFailed:
        _log.warning(
            "%s.dlq exists with another message TTL; it keeps the old one until it is "
            "emptied and deleted, or a policy sets message-ttl (docs/operations.md)",
            service,
        )
    finally:
        if channel.is_open:
            channel.close()


@dataclass(frozen=True)
class DeadLetter:
    """One parked message, as an operator sees it."""

    event_id: str | None
    exchange: str | None  # where it was first published
    routing_key: str | None
    queue: str | None  # the handler queue that gave up on it
    reason: str | None  # rejected (malformed) | delivery_limit (handler kept failing) | ...
    count: int
    headers: Mapping[str, Any]
    body_preview: str


def list_dead_letters(
    amqp_url: str, service: str, limit: int = 50, tls: AmqpTls | None = None
) -> list[DeadLetter]:
    """Inspect up to ``limit`` parked messages without removing any.

    Messages are fetched unacknowledged and all returned at the end: rejecting each one
    right away would hand the same message back on the next get. A quorum queue makes
    returned messages ready again a moment later, so a call right after may see fewer.
    """
    with _connect(amqp_url, tls) as connection, _held(connection, service, limit) as messages:
        return [_describe(message) for message in messages]


def replay_dead_letters(
    amqp_url: str,
    service: str,
    limit: int | None = None,
    event_id: str | None = None,
    tls: AmqpTls | None = None,
) -> int:
    """Send parked messages back to the queue they died in; returns how many.

    Each goes to its original queue (not the exchange, which would hand every other
    subscriber a duplicate) with its original headers, and leaves the DLQ only after
    the broker confirmed the republish. Only the messages parked when the call starts
    are looked at, so one that fails again cannot loop.
    """
    replayed = 0
    with _connect(amqp_url, tls, confirm=True) as connection:
        producer = Producer(connection.channel())
        # Filtering by event id means looking at everything parked; otherwise take only `limit`.
        with _held(connection, service, limit if event_id is None else None) as messages:
            for message in messages:
                if limit is not None and replayed >= limit:
                    break
                if event_id is None or message.headers.get("event_id") == event_id:
                    _republish(producer, message)
                    message.ack()
                    replayed += 1
    return replayed


@contextmanager
def _connect(amqp_url: str, tls: AmqpTls | None, confirm: bool = False) -> Iterator[Connection]:
    options = {"confirm_publish": True} if confirm else {}
    connection = amqp_connection(amqp_url, tls, connect_timeout=5, transport_options=options)
    try:
        connection.ensure_connection(max_retries=1)
        yield connection
    finally:
        connection.release()


@contextmanager
def _held(connection: Connection, service: str, limit: int | None) -> Iterator[list[Message]]:
    """Fetch parked messages unacknowledged; those not acked inside go back on exit."""
    channel = connection.channel()
    queue = dead_letter_queue(service)(channel)
    try:
        _name, parked, _consumers = queue.queue_declare(passive=True)
    except NotFound:  # no worker of this service ever declared it: nothing is parked
        yield []
        return
    budget = parked if limit is None else min(parked, limit)
    messages = _get(queue, budget)
    try:
        yield messages
    finally:
        for message in messages:
            if not message.acknowledged:
                message.reject(requeue=True)
        channel.close()


def _get(queue: Queue, count: int) -> list[Message]:
    messages: list[Message] = []
    while len(messages) < count:
        message = queue.get(no_ack=False)
        if message is None:
            break
        messages.append(message)
    return messages


def _first_death(headers: Mapping[str, Any]) -> Mapping[str, Any]:
    deaths = headers.get("x-death") or [{}]
    return dict(deaths[-1])  # RabbitMQ keeps the most recent death first; the last is the first


def _describe(message: Message) -> DeadLetter:
    headers = dict(message.headers or {})
    death = _first_death(headers)
    routing_keys = death.get("routing-keys") or [message.delivery_info.get("routing_key")]
    body = message.body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return DeadLetter(
        event_id=headers.get("event_id"),
        exchange=death.get("exchange", headers.get("x-first-death-exchange")),
        routing_key=routing_keys[0],
        queue=death.get("queue", headers.get("x-first-death-queue")),
        reason=death.get("reason", headers.get("x-first-death-reason")),
        count=int(death.get("count", 0)),
        headers=headers,
        body_preview=text[:PREVIEW_CHARS],
    )


def _republish(producer: Producer, message: Message) -> None:
    letter = _describe(message)
    original = {k: v for k, v in letter.headers.items() if not k.startswith("x-")}
    # The default exchange routes by queue name; without a known queue, fall back to
    # the original exchange and routing key.
    target = ("", letter.queue) if letter.queue else (letter.exchange or "", letter.routing_key)
    producer.publish(
        message.body,
        exchange=target[0],
        routing_key=target[1],
        headers=original,
        content_type=message.content_type or "application/octet-stream",
        content_encoding=message.content_encoding or "binary",
        delivery_mode=2,
    )
