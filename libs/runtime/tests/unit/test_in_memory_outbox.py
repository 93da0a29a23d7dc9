"""The in-memory unit of work forgets outbox entries as the SQL stores do: in its transaction."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.in_memory import InMemoryRecords, InMemoryUnitOfWork
from ecbm_runtime.uow import EventWiring


class Noted(BaseModel):
    source: ClassVar[str] = "sample"
    schema_version: ClassVar[int] = 1
    person_id: str

    @classmethod
    def event_type(cls) -> str:
        return "Noted"


def publish(records: InMemoryRecords, *people: str) -> None:
    with InMemoryUnitOfWork(records, EventWiring(EventCodec()), None) as uow:
        for person in people:
            uow.publish(Noted(person_id=person), subject=person)
        uow.commit()


def subjects(records: InMemoryRecords) -> list[str | None]:
    return [entry.subject for entry in records.outbox]


def test_forgetting_drops_the_subjects_committed_entries_on_commit_only() -> None:
    records = InMemoryRecords()
    publish(records, "ana", "ben")

    with InMemoryUnitOfWork(records, EventWiring(EventCodec()), None) as uow:
        assert uow.forget_subject("ana") == 1
        assert subjects(records) == ["ana", "ben"]  # not before the commit
        uow.publish(Noted(person_id="ana"), subject="ana")  # queued after the forget: kept
        uow.commit()

    assert subjects(records) == ["ben", "ana"]


def test_a_rolled_back_forget_keeps_every_entry() -> None:
    records = InMemoryRecords()
    publish(records, "ana")

    with InMemoryUnitOfWork(records, EventWiring(EventCodec()), None) as uow:
        uow.forget_subject("ana")

    assert subjects(records) == ["ana"]
