"""Routes messages to their handlers, each with the service's dependencies for that message.

Every handler of every service has one shape: ``handler(message, deps)``. ``deps`` is the
service's ``Dependencies`` (a frozen dataclass), renewed per message with the message's
context, so a handler's units of work stamp the right metadata and claim the right delivery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import Connection, Engine

from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import read_only_connection
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.uow import UnitOfWork

V = TypeVar("V")
D = TypeVar("D", bound="Dependencies[Any]")

# (context, delivery to claim or None) -> a unit of work not yet entered.
UnitOfWorkFactory = Callable[[MessageContext, Delivery | None], UnitOfWork[V]]


class UnknownMessage(LookupError):
    pass


class _OneClaim:
    """Hands out the delivery to the first unit of work only: one claim per handling."""

    def __init__(self, delivery: Delivery | None) -> None:
        self._delivery = delivery

    def take(self) -> Delivery | None:
        delivery, self._delivery = self._delivery, None
        return delivery


@dataclass(frozen=True, kw_only=True)
class Dependencies(Generic[V]):
    """What every handler of a service may use; a service subclasses it to add its own.

    ``uow()`` opens a unit of work for a command or an event; ``read()`` the service's
    views on a read-only connection, for a query. ``V`` is the service's views class.
    """

    units_of_work: UnitOfWorkFactory[V]
    read_views: Callable[[], AbstractContextManager[V]]
    context: MessageContext = field(default_factory=MessageContext)
    claim: _OneClaim = field(default_factory=lambda: _OneClaim(None), repr=False)

    def uow(self) -> UnitOfWork[V]:
        """A new unit of work; the first one of a delivered event claims it in the inbox."""
        return self.units_of_work(self.context, self.claim.take())

    def read(self) -> AbstractContextManager[V]:
        return self.read_views()

    def within(self, context: MessageContext) -> Self:
        return replace(self, context=context, claim=_OneClaim(context.delivery))


def sql_views(
    engine: Engine, views: Callable[[Connection], V]
) -> Callable[[], AbstractContextManager[V]]:
    """``Dependencies.read_views`` on a database: views over a read-only connection."""

    @contextmanager
    def read() -> Iterator[V]:
        with read_only_connection(engine) as connection:
            yield views(connection)

    return read


Handler = Callable[[Any, Any], Any]


class MessageBus(Generic[D]):
    """Dispatches a message to the one handler registered for its class.

    A message without a context is one from the edge of a gRPC call or a timer: the bus
    takes its context there (``MessageContext.at_edge``), once, and passes it on.
    """

    def __init__(self, handlers: Mapping[type, Handler], dependencies: D) -> None:
        self._handlers = dict(handlers)
        self.dependencies = dependencies

    def handle(self, message: object, context: MessageContext | None = None) -> Any:
        handler = self._handlers.get(type(message))
        if handler is None:
            raise UnknownMessage(f"no handler for {type(message).__name__}")
        context = context or MessageContext.at_edge()
        context.check_deadline()  # the caller has given up: start nothing
        return handler(message, self.dependencies.within(context))

    def handles(self, message_class: type) -> bool:
        return message_class in self._handlers
