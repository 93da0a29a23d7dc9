"""Threads' read model: projections and reads; blocked senders."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from ecbm_matching.adapters.requests import aware
from ecbm_matching.adapters.tables import blocked_senders, thread_messages, threads
from ecbm_matching.domain.thread import MessagePosted, ThreadErased, ThreadStarted
from ecbm_runtime.eventstore import StoredEvent


def project_thread_started(
    connection: Connection, event: ThreadStarted, record: StoredEvent
) -> None:
    connection.execute(
        insert(threads).values(
            id=record.entity_id,
            starter_id=event.starter_id,
            recipient_id=event.recipient_id,
            about_request=event.about_request,
            subject=event.subject,
            update_time=record.recorded_at,
            to_programme=event.to_programme,
        )
    )


def project_message_posted(
    connection: Connection, event: MessagePosted, record: StoredEvent
) -> None:
    connection.execute(
        insert(thread_messages).values(
            thread_id=record.entity_id,
            number=record.version,
            author_id=event.author_id,
            body=event.body,
            send_time=record.recorded_at,
        )
    )
    connection.execute(
        update(threads)
        .where(threads.c.id == record.entity_id)
        .values(update_time=record.recorded_at)
    )


def project_thread_erased(connection: Connection, event: ThreadErased, record: StoredEvent) -> None:
    column = "starter_id" if event.starter else "recipient_id"
    connection.execute(update(threads).where(threads.c.id == record.entity_id).values({column: ""}))
    # The conversation goes with the person (their words quote each other): as in the store.
    m = thread_messages.c
    connection.execute(
        update(thread_messages).where(m.thread_id == record.entity_id).values(author_id="", body="")
    )


@dataclass(frozen=True)
class PostedMessage:
    author_id: str
    body: str
    send_time: datetime


@dataclass(frozen=True)
class ThreadView:
    id: str
    starter_id: str
    recipient_id: str
    about_request: str
    subject: str
    update_time: datetime
    messages: list[PostedMessage]
    to_programme: bool = False


class ThreadViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def thread(self, thread_id: str) -> ThreadView | None:
        row = (
            self._connection.execute(select(threads).where(threads.c.id == thread_id))
            .mappings()
            .first()
        )
        return self._view(row, with_messages=True) if row else None

    def of_person(self, person_id: str, programmes: Collection[str] = ()) -> list[ThreadView]:
        """Threads the person started or receives, and those to ``programmes`` (the ones
        they speak for)."""
        c = threads.c
        theirs = or_(
            c.starter_id == person_id,
            and_(c.recipient_id == person_id, c.to_programme.is_(False)),
            and_(c.recipient_id.in_(list(programmes)), c.to_programme.is_(True)),
        )
        query = select(threads).where(theirs).order_by(c.update_time.desc(), c.id)
        return [
            self._view(r, with_messages=False) for r in self._connection.execute(query).mappings()
        ]

    def _view(self, row: Any, with_messages: bool) -> ThreadView:
        messages: list[PostedMessage] = []
        if with_messages:
            m = thread_messages.c
            query = select(thread_messages).where(m.thread_id == row["id"]).order_by(m.number)
            messages = [
                PostedMessage(r["author_id"], r["body"], aware(r["send_time"]) or r["send_time"])
                for r in self._connection.execute(query).mappings()
            ]
        return ThreadView(
            row["id"],
            row["starter_id"],
            row["recipient_id"],
            row["about_request"],
            row["subject"],
            aware(row["update_time"]) or row["update_time"],
            messages,
            row["to_programme"],
        )

    def written_in(self, person_id: str) -> list[str]:
        """Threads to a programme in which the person wrote (as one of its contacts)."""
        m, c = thread_messages.c, threads.c
        query = (
            select(c.id)
            .distinct()
            .join(thread_messages, m.thread_id == c.id)
            .where(c.to_programme.is_(True), m.author_id == person_id, c.starter_id != person_id)
            .order_by(c.id)
        )
        return list(self._connection.execute(query).scalars())

    def blocks(self, person_id: str, sender_id: str) -> bool:
        b = blocked_senders.c
        query = select(b.person_id).where(b.person_id == person_id, b.sender_id == sender_id)
        return self._connection.execute(query).first() is not None

    def block(self, person_id: str, sender_id: str, blocked: bool) -> None:
        b = blocked_senders.c
        self._connection.execute(
            delete(blocked_senders).where(b.person_id == person_id, b.sender_id == sender_id)
        )
        if blocked:
            self._connection.execute(
                insert(blocked_senders).values(person_id=person_id, sender_id=sender_id)
            )

    def forget_blocks(self, person_id: str) -> None:
        b = blocked_senders.c
        self._connection.execute(
            delete(blocked_senders).where(or_(b.person_id == person_id, b.sender_id == person_id))
        )
