"""The bus and the unit of work honour the deadline a message's context carries."""

from __future__ import annotations

import time
from typing import Any

import pytest
from test_in_memory_outbox import Noted

from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import DeadlineExceeded
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.in_memory import InMemoryRecords, fixed_views, in_memory_units_of_work
from ecbm_runtime.messagebus import Dependencies, MessageBus
from ecbm_runtime.uow import EventWiring


class Note:
    """A command whose handler waits ``seconds`` before committing."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def note(command: Note, deps: Dependencies[Any]) -> None:
    with deps.uow() as uow:
        uow.publish(Noted(person_id="p-1"))
        time.sleep(command.seconds)  # the work that outlives the deadline
        uow.commit()


def bus_on(records: InMemoryRecords) -> MessageBus[Dependencies[Any]]:
    units = in_memory_units_of_work(records, EventWiring(EventCodec()), None)
    return MessageBus({Note: note}, Dependencies(units_of_work=units, read_views=fixed_views(None)))


def test_a_message_whose_deadline_passed_is_not_handled() -> None:
    records = InMemoryRecords()

    with pytest.raises(DeadlineExceeded):
        bus_on(records).handle(Note(0), MessageContext(deadline=time.monotonic() - 0.001))
    assert records.outbox == []


def test_a_unit_of_work_that_outlives_the_deadline_commits_nothing() -> None:
    records = InMemoryRecords()
    bus = bus_on(records)

    with pytest.raises(DeadlineExceeded):
        bus.handle(Note(0.05), MessageContext(deadline=time.monotonic() + 0.01))
    bus.handle(Note(0), MessageContext(deadline=time.monotonic() + 60))
    bus.handle(Note(0), MessageContext())
    assert len(records.outbox) == 2


def test_calls_a_message_makes_get_at_most_the_time_left() -> None:
    assert MessageContext().timeout(5.0) == 5.0
    assert MessageContext(deadline=time.monotonic() + 3600).timeout(5.0) == 5.0
    assert 0.0 < MessageContext(deadline=time.monotonic() + 1).timeout(5.0) <= 1.0
    assert MessageContext(deadline=time.monotonic() - 1).timeout(5.0) == 0.0


def test_a_unit_of_work_commits_nothing_if_a_caller_it_acts_for_has_given_up() -> None:
    """A group commit saves several calls' commands: each caller's deadline holds."""
    records = InMemoryRecords()
    units = in_memory_units_of_work(records, EventWiring(EventCodec()), None)
    given_up = MessageContext(deadline=time.monotonic() - 0.001)
    waiting = MessageContext(deadline=time.monotonic() + 60)

    with units(MessageContext(), None) as uow, pytest.raises(DeadlineExceeded):
        for context in (waiting, given_up):
            with uow.on_behalf_of(context):
                uow.publish(Noted(person_id="p-1"))
        uow.commit()
    assert records.outbox == []

    with units(MessageContext(), None) as uow:
        with uow.on_behalf_of(waiting):
            uow.publish(Noted(person_id="p-1"))
        uow.commit()
    assert len(records.outbox) == 1
