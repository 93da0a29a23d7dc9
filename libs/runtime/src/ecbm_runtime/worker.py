"""nameko plumbing every service worker shares: typed event handlers, the bus, the outbox timer.

Import this module only in a process already monkey-patched by eventlet (worker_main does it).
"""
# nameko and kombu ship no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import functools
import inspect
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar, cast

from kombu.entity import Queue
from kombu.message import Message
from nameko import config
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    MAX_WORKERS_CONFIG_KEY,
    PREFETCH_COUNT_CONFIG_KEY,
)
from nameko.events import EventHandler as NamekoEventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR, DependencyProvider
from nameko.messaging import Consumer
from nameko.standalone.events import get_event_exchange
from nameko.timer import Timer
from pydantic import BaseModel, ValidationError

from ecbm_runtime import metrics
from ecbm_runtime.amqp import AmqpTls, ssl_options
from ecbm_runtime.amqp import connection as amqp_connection
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import make_engine
from ecbm_runtime.dlq import dead_letter_exchange, declare_dead_letter_queue
from ecbm_runtime.inbox import Delivery, DuplicateDelivery
from ecbm_runtime.observability import correlation
from ecbm_runtime.outbox import OutboxRelay
from ecbm_runtime.settings import ServiceSettings

_log = logging.getLogger(__name__)

# worker_main puts the loaded settings here, next to AMQP_URI, for the extensions' setup().
SETTINGS_CONFIG_KEY = "ECBM_SETTINGS"
MAX_WORKERS = 10
PREFETCH_COUNT = 10


def nameko_config(settings: ServiceSettings) -> dict[str, Any]:
    """nameko's configuration of a service's worker; its connections use AMQP_SSL."""
    return {
        AMQP_URI_CONFIG_KEY: settings.amqp_url,
        # TLS for nameko's connections and ours (ecbm_runtime.amqp); False: amqp://
        AMQP_SSL_CONFIG_KEY: ssl_options(settings.amqp_url, settings.amqp_tls()),
        MAX_WORKERS_CONFIG_KEY: MAX_WORKERS,
        PREFETCH_COUNT_CONFIG_KEY: PREFETCH_COUNT,
        SETTINGS_CONFIG_KEY: settings,
    }


F = TypeVar("F", bound=Callable[..., None])
# Turns a body of an older ``schema_version`` (the message header) into the current shape:
# (body as a dict, its version, the service's settings) -> body. Consumer-side, so it may
# use what only the consumer holds (keys).
Upcaster = Callable[[dict[str, Any], int, ServiceSettings], dict[str, Any]]


def worker_settings(service_name: str) -> ServiceSettings:
    """The running service's settings (loaded from its definition when run by `nameko run`)."""
    settings = config.get(SETTINGS_CONFIG_KEY)
    if settings is None:
        from ecbm_runtime.service import load_service

        settings = load_service(service_name).load_settings()
    return cast(ServiceSettings, settings)


E = TypeVar("E", bound=BaseModel)


def _without_values(error: ValueError) -> str:
    """What was wrong with a body, naming fields but never their values.

    pydantic's message quotes each bad ``input_value`` and a JSON error quotes the text
    around it: either could be a person's name or e-mail, which must not reach the logs.
    """
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'body'}: {e['type']}"
            for e in error.errors(include_input=False, include_url=False)
        )
    return type(error).__name__


@dataclass(frozen=True)
class Received(Generic[E]):
    """What a handler method is called with: the parsed event and the context it came in.

    The context carries the delivery (handler, event id) that the first unit of work of
    the handling claims in the inbox, and the correlation ids its events will carry.
    """

    event: E
    context: MessageContext
    service: str

    @property
    def delivery(self) -> Delivery:
        assert self.context.delivery is not None  # set by EventHandler for every message
        return self.context.delivery


class EventHandler(NamekoEventHandler):
    """A nameko event handler with a quorum queue, a dead-letter queue and a typed body.

    Bad messages (undecodable, invalid, no ``event_id``) go straight to the DLQ; a
    handler error requeues, and RabbitMQ parks the message after ``max_deliveries``.
    """

    def __init__(
        self,
        source: str,
        event_class: type[BaseModel],
        upcast: Upcaster | None = None,
        **kwargs: Any,
    ) -> None:
        self.event_class = event_class
        self.upcast = upcast
        event_type = event_class.event_type()  # type: ignore[attr-defined]
        super().__init__(source, event_type, requeue_on_error=True, **kwargs)

    def setup(self) -> None:
        service = self.container.service_name
        self.service = service
        self.handler_name = f"{service}.{self.method_name}"
        metrics.precreate_consumer_series(service, self.handler_name)
        self.settings = worker_settings(service)
        self.max_deliveries = self.settings.max_deliveries
        self.queue = self._handler_queue(service)
        with _amqp_connection() as connection:
            declare_dead_letter_queue(connection, service, self.settings.dlq_ttl_hours)
        self.consumer_options["on_decode_error"] = self._on_decode_error
        Consumer.setup(self)  # nameko's EventHandler.setup would rebuild a classic queue

    def _handler_queue(self, service: str) -> Queue:
        return handler_queue(
            service, self.source_service, self.event_type, self.method_name, self.max_deliveries
        )

    def handle_message(self, body: Any, message: Message) -> None:
        envelope = self._open(body, message)
        if envelope is not None:
            super().handle_message(envelope, message)

    def _open(self, body: Any, message: Message) -> Received[BaseModel] | None:
        """Parse the body and headers, or dead-letter the message and return None."""
        headers = message.headers or {}
        event_id = headers.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            self._dead_letter(message, "no event_id header")
            return None
        try:
            event = _parse(self.event_class, self._upcast(body, headers))
        except ValueError as error:  # pydantic's ValidationError and JSON errors alike
            self._dead_letter(message, f"invalid body: {_without_values(error)}")
            return None
        context = MessageContext(
            correlation_id=headers.get("correlation_id") or event_id,
            causation_id=event_id,
            delivery=Delivery(handler=self.handler_name, event_id=event_id),
        )
        return Received(event, context, self.service)

    def _upcast(self, body: Any, headers: dict[str, Any]) -> Any:
        """An older version's body in the current shape (ValueError: none can be made)."""
        current: int = getattr(self.event_class, "schema_version", 1)
        version = int(headers.get("schema_version") or current)
        if version >= current or self.upcast is None:
            # Without an upcaster the event class reads the body as it is: its own
            # validators may take the older shape (quality's labels do); a body it cannot
            # read fails validation and is dead-lettered.
            return body
        try:
            decoded = json.loads(body) if isinstance(body, bytes | str) else dict(body)
            return self.upcast(decoded, version, self.settings)
        except (LookupError, TypeError, ValueError, AttributeError) as error:
            # Named by type only: the message of a failed upcast may quote the body.
            raise ValueError(f"version {version} not upcast: {type(error).__name__}") from None

    def _on_decode_error(self, message: Message, error: Exception) -> None:
        self._dead_letter(message, f"undecodable body: {type(error).__name__}")

    def _dead_letter(self, message: Message, why: str) -> None:
        _log.warning("%s: parking malformed message in the DLQ: %s", self.handler_name, why)
        if message.channel.connection:
            message.reject(requeue=False)
        metrics.dead_lettered.labels(self.service, "malformed").inc()
        self._count("dead_lettered")

    def handle_message_processed(
        self, message: Message, result: Any = None, exc_info: Any = None
    ) -> None:
        if exc_info is None:
            self.consumer.ack_message(message)
            self._count(str(result))
            return
        if _deliveries(message) >= self.max_deliveries:  # RabbitMQ parks it on this requeue
            metrics.dead_lettered.labels(self.service, "max_deliveries").inc()
            self._count("dead_lettered")
        else:
            self._count("failed")
        self.consumer.requeue_message(message)

    def _count(self, outcome: str) -> None:
        metrics.events_consumed.labels(self.service, self.handler_name, outcome).inc()


def handler_queue(
    service: str, source: str, event_type: str, method_name: str, max_deliveries: int
) -> Queue:
    """The quorum queue of one handler method, bound to ``source``'s events of one type."""
    # RabbitMQ delivers a message (limit + 1) times before dead-lettering it.
    return Queue(
        f"evt-{source}-{event_type}--{service}.{method_name}",
        exchange=get_event_exchange(source),
        routing_key=event_type,
        durable=True,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": dead_letter_exchange(service).name,
            "x-delivery-limit": max(max_deliveries - 1, 0),
        },
    )


def handler_queues(worker: type, max_deliveries: int) -> list[Queue]:
    """The queues of every event handler of ``worker``, as its running handlers declare them."""
    service = worker.name  # type: ignore[attr-defined]
    return [
        handler_queue(service, e.source_service, e.event_type, name, max_deliveries)
        for name, method in inspect.getmembers(worker, callable)
        for e in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ())
        if isinstance(e, EventHandler)
    ]


def declare_queues(
    worker: type,
    amqp_url: str,
    max_deliveries: int,
    dlq_ttl_hours: float = 0.0,
    tls: AmqpTls | None = None,
) -> list[str]:
    """Declare the queues (and the DLQ) of every event handler of ``worker``; their names.

    A queue that exists keeps the events published to it until its worker first starts, so
    deployments declare them with the schema (``ecbm migrate``), before any service publishes.
    Declaring is idempotent with the same arguments the worker uses.
    """
    queues = handler_queues(worker, max_deliveries)
    with amqp_connection(amqp_url, tls, connect_timeout=5) as connection:
        service = worker.name  # type: ignore[attr-defined]
        declare_dead_letter_queue(connection, service, dlq_ttl_hours)
        for queue in queues:
            queue(connection.default_channel).declare()
    return [queue.name for queue in queues]


def _parse(event_class: type[BaseModel], body: Any) -> BaseModel:
    """The body as ``event_class``, ignoring fields it does not know (a tolerant reader).

    A producer may add optional fields before this consumer has the newer contract model.
    """
    if isinstance(body, bytes | str):  # no content type: kombu hands over the raw body
        return event_class.model_validate_json(body, extra="ignore")
    return event_class.model_validate(body, extra="ignore")


def _deliveries(message: Message) -> int:
    """This delivery's number, from the quorum queue's count of earlier ones."""
    return int((message.headers or {}).get("x-delivery-count") or 0) + 1


def _amqp_connection() -> Any:
    """A connection like nameko's own (worker_main puts the URL and TLS in its config)."""
    from kombu.connection import Connection

    ssl = config.get(AMQP_SSL_CONFIG_KEY) or False
    return Connection(config[AMQP_URI_CONFIG_KEY], ssl=ssl, connect_timeout=5)


def _handling(method: Callable[[Any, Any], None]) -> Callable[[Any, Received[Any]], str]:
    """Time the service's method, and count a redelivery its inbox refused as handled."""

    @functools.wraps(method)
    def handle(self: Any, received: Received[Any]) -> str:
        delivery = received.delivery
        started = time.perf_counter()
        context = received.context
        try:
            # Log lines of the handling carry the ids (logging reads them from ContextVars).
            with correlation(context.correlation_id, context.causation_id):
                method(self, received)
        except DuplicateDelivery:
            _log.info("%s already handled %s; acknowledged", delivery.handler, delivery.event_id)
            return "duplicate"
        finally:
            elapsed = time.perf_counter() - started
            metrics.handler_seconds.labels(received.service, delivery.handler).observe(elapsed)
        return "handled"

    return handle


def event_handler(
    source: str,
    event_class: type[BaseModel],
    entrypoint: type[EventHandler] = EventHandler,
    upcast: Upcaster | None = None,
) -> Callable[[F], F]:
    """Decorate ``def on_x(self, received: Received[XEvent]) -> None`` to consume ``source``'s
    XEvent. The method hands ``received.event`` and ``received.context`` to its bus.
    ``entrypoint``: a subclass of ``EventHandler`` that binds or parses differently;
    ``upcast``: reads bodies of older schema versions (without one they are dead-lettered)."""

    def decorate(method: F) -> F:
        wrapped = _handling(method)
        entrypoint.decorator(source, event_class, upcast=upcast)(wrapped)
        return cast(F, wrapped)

    return decorate


class ServiceBus(DependencyProvider):
    """Injects what ``bootstrap(settings)`` returns (the service's Application), built once
    at start with the service's own settings class.

    A bootstrap error fails the container's start, so a misconfigured worker never runs.
    """

    def __init__(self, bootstrap: Callable[[Any], Any], **kwargs: Any) -> None:
        self.bootstrap = bootstrap
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.bus = self.bootstrap(worker_settings(self.container.service_name))

    def stop(self) -> None:
        close = getattr(getattr(self, "bus", None), "close", None)
        if callable(close):
            close()

    def get_dependency(self, worker_ctx: Any) -> Any:
        return self.bus


class OutboxSweep(DependencyProvider):
    """Injects ``sweep() -> int``: publish this service's outbox rows the api left behind.

    Every ``outbox_purge_interval_seconds`` the sweep also deletes rows published longer ago
    than ``outbox_retention_hours``, so the outbox does not grow without end.
    """

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.engine = make_engine(settings.effective_database_url(), pool_size=2)
        self.relay = OutboxRelay(
            self.engine,
            settings.amqp_url,
            self.container.service_name,
            max_attempts=settings.outbox_max_attempts,
            tls=settings.amqp_tls(),
        )
        self.grace = settings.outbox_sweep_grace_seconds
        self.retention = timedelta(hours=settings.outbox_retention_hours)
        self.purge_interval = settings.outbox_purge_interval_seconds
        self.next_purge = 0.0

    def stop(self) -> None:
        self.relay.close()
        self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> Callable[[], int]:
        return self.sweep

    def sweep(self) -> int:
        published = self.relay.sweep(self.grace)
        if time.monotonic() >= self.next_purge:
            self.next_purge = time.monotonic() + self.purge_interval
            self.relay.purge_published(self.retention)
        return published


class OutboxTimer(Timer):
    """A timer whose interval is the service's ``outbox_sweep_interval_seconds``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=1.0, eager=True, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.interval = settings.outbox_sweep_interval_seconds


class ServiceWorker:
    """Base of every service's worker: relays the outbox on a timer.

    nameko collects entrypoints and dependencies from base classes too, so a service's
    worker only adds ``name``, its bus and its handlers.
    """

    sweep_outbox = OutboxSweep()

    @OutboxTimer.decorator
    def relay_outbox(self) -> None:
        self.sweep_outbox()
