"""Routes commands and queries to their handlers: the routing table of a service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class UnknownMessage(LookupError):
    pass


class MessageBus:
    """Dispatches a message to the one handler registered for its class.

    Handlers arrive with their dependencies already bound (``functools.partial`` in
    ``bootstrap``), so the bus needs no reflection and a missing one fails at startup.
    """

    def __init__(self, handlers: Mapping[type, Callable[[Any], Any]]) -> None:
        self._handlers = dict(handlers)

    def handle(self, message: object) -> Any:
        handler = self._handlers.get(type(message))
        if handler is None:
            raise UnknownMessage(f"no handler for {type(message).__name__}")
        return handler(message)

    def handles(self, message_class: type) -> bool:
        return message_class in self._handlers
