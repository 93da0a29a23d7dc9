"""Event handlers the worker gets from the catalogue, and the counter of unknown events.

Every catalogue event type gets a handler method named ``on_<event_type_in_snake_case>``
(the queue names stay those of the hand-written handlers they replace), so adding a
notification type needs no worker change. Every source the catalogue listens to also gets
one catch-all queue: events of a type notify has no handler for are counted
(``ecbm_notify_unknown_events_total``) and acknowledged; malformed ones of such a type are
dead-lettered, like malformed events of known types in their own queues.
"""
# nameko and kombu ship no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import dataclasses
import inspect
import logging
import re
from collections.abc import Callable
from typing import Any

from kombu.message import Message
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from pydantic import BaseModel, ConfigDict

from ecbm_notify.adapters.email import metrics
from ecbm_notify.domain.catalogue import CATALOGUE
from ecbm_runtime.worker import EventHandler, Received, event_handler

_log = logging.getLogger("ecbm_notify.worker")


def source_of(event_class: type[BaseModel]) -> str:
    """The publishing service: ``ecbm_integration.<service>.<module>``."""
    return event_class.__module__.split(".")[1]


def method_name(event_class: type[BaseModel]) -> str:
    return "on_" + re.sub(r"(?<!^)(?=[A-Z])", "_", event_class.__name__).lower()


class SeenEvent(BaseModel):
    """Any event, whatever its fields: only its type (the routing key) matters here."""

    model_config = ConfigDict(extra="allow")

    type_name: str = ""

    @classmethod
    def event_type(cls) -> str:
        return "#"  # every routing key of the source's topic exchange


class EveryEvent(EventHandler):
    """A handler bound to all of a source's events; those of types the worker has a
    handler for are acked unread (their own queues have them), the others are parsed as
    any JSON object."""

    known: frozenset[str] = frozenset()

    def setup(self) -> None:
        super().setup()
        self.known = frozenset(
            entrypoint.event_type
            for _, method in inspect.getmembers(self.container.service_cls, callable)
            for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ())
            if isinstance(entrypoint, EventHandler)
            and not isinstance(entrypoint, EveryEvent)
            and entrypoint.source_service == self.source_service
        )

    def handle_message(self, body: Any, message: Message) -> None:
        if not self._skipped(message):
            super().handle_message(body, message)

    def _on_decode_error(self, message: Message, error: Exception) -> None:
        if not self._skipped(message):  # the known type's own queue dead-letters its copy
            super()._on_decode_error(message, error)

    def _skipped(self, message: Message) -> bool:
        """Acknowledge a known type's message unread; whether it was one."""
        if _routing_key(message) not in self.known:
            return False
        self.consumer.ack_message(message)
        return True

    def _open(self, body: Any, message: Message) -> Received[BaseModel] | None:
        received = super()._open(body, message)
        if received is None:
            return None
        return dataclasses.replace(received, event=SeenEvent(type_name=_routing_key(message)))


def _routing_key(message: Message) -> str:
    return str((message.delivery_info or {}).get("routing_key", ""))


def _forward(event_class: type[BaseModel]) -> Callable[..., None]:
    def handle(self: Any, received: Received[BaseModel]) -> None:
        self.notify.bus.handle(received.event, received.context)

    handle.__name__ = method_name(event_class)
    handle.__doc__ = f"{event_class.__name__}: notify as the catalogue says."
    return handle


def _count_unknown(source: str) -> Callable[..., None]:
    def count(self: Any, received: Received[SeenEvent]) -> None:
        event = received.event
        metrics.unknown_events.labels(source, event.type_name).inc()
        _log.info("ignored an event notify has no use for",
                  extra={"source": source, "event_type": event.type_name})  # fmt: skip

    count.__name__ = f"count_unknown_{source}_events"
    return count


def catalogue_handlers() -> type:
    """A mixin for the worker: a handler per catalogue event type, and a catch-all per
    source that counts the types no handler of the worker takes."""
    members: dict[str, Any] = {}
    for event_class in CATALOGUE:
        handler = event_handler(source_of(event_class), event_class)(_forward(event_class))
        members[method_name(event_class)] = handler
    for source in sorted({source_of(event_class) for event_class in CATALOGUE}):
        counter = event_handler(source, SeenEvent, EveryEvent)(_count_unknown(source))
        members[counter.__name__] = counter
    return type("CatalogueHandlers", (), members)
