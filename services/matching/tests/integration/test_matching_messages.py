"""Contact without a public address, on SQLite and PostgreSQL: threads, replies, blocked
senders, the size limit, and a forgotten person's conversations erased."""

from __future__ import annotations

from collections.abc import Iterator

import pydantic
import pytest
from matching_feeds import NOW, deliver, member, person
from sqlalchemy import select, text

from ecbm_integration import registry
from ecbm_matching.application import commands as c
from ecbm_matching.application.messages import PersonNotFound
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_matching.domain.thread import MAX_MESSAGE, SenderBlocked, ThreadNotFound
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import events as store
from ecbm_runtime.tables import outbox


@pytest.fixture
def app(database_url: str) -> Iterator[Matching]:
    upgrade(SERVICE.migrations, database_url)
    matching = bootstrap(SERVICE.load_settings(database_url=database_url))
    yield matching
    matching.close()


def outbox_rows(app: Matching) -> list[tuple[str, str]]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(outbox).order_by(outbox.c.id))
        return [(r.routing_key, r.subject) for r in rows]


def test_a_thread_reaches_the_recipient_through_notify_and_only_its_two_people(
    app: Matching,
) -> None:
    person(app, "ana")
    person(app, "ben")
    first = c.SendMessage(actor=member("ben"), to_person="ana", subject="Hello", body="Hi Ana")
    thread_id = app.bus.handle(first)
    app.bus.handle(c.SendMessage(actor=member("ana"), thread_id=thread_id, body="Hi Ben"))
    assert outbox_rows(app) == [("MessageReceived", "ana"), ("MessageReceived", "ben")]
    thread = app.bus.handle(c.GetThread(actor=member("ana"), id=thread_id))
    assert [(m.author_id, m.body) for m in thread.messages] == [
        ("ben", "Hi Ana"),
        ("ana", "Hi Ben"),
    ]
    with pytest.raises(ThreadNotFound):
        app.bus.handle(c.GetThread(actor=member("cy"), id=thread_id))
    with pytest.raises(ThreadNotFound):
        app.bus.handle(c.SendMessage(actor=member("cy"), thread_id=thread_id, body="me too"))
    with pytest.raises(PersonNotFound):
        app.bus.handle(c.SendMessage(actor=member("ben"), to_person="nobody", body="hello?"))
    with pytest.raises(pydantic.ValidationError):
        c.SendMessage(actor=member("ben"), to_person="ana", body="x" * (MAX_MESSAGE + 1))

    app.bus.handle(c.BlockSender(actor=member("ana"), sender_id="ben"))
    with pytest.raises(SenderBlocked):
        app.bus.handle(c.SendMessage(actor=member("ben"), thread_id=thread_id, body="again"))
    assert len(outbox_rows(app)) == 2  # nothing sent
    assert len(app.bus.handle(c.GetThread(actor=member("ben"), id=thread_id)).messages) == 2


def test_a_partner_search_is_contacted_without_its_owners_address(app: Matching) -> None:
    search = c.OpenRequest(
        actor=member("ana"),
        kind="peer_review",  # type: ignore[arg-type]
        terms=c.RequestTerms(
            title="Review our manual",
            topics=("youth",),
            details={"reviewed_item": "Manual"},  # type: ignore[arg-type]
        ),
    )
    request_id = app.bus.handle(search)
    thread_id = app.bus.handle(
        c.SendMessage(actor=member("ben"), about_request=request_id, body="I can review it")
    )
    assert outbox_rows(app) == [("MessageReceived", "ana")]
    (listed,) = app.bus.handle(c.ListThreads(actor=member("ana")))
    assert (listed.id, listed.about_request) == (thread_id, request_id)

    deliver(app, registry.PersonForgotten(person_id="ben", occurred_at=NOW))
    with app.engine.connect() as connection:
        for table in ("threads", "thread_messages"):
            dump = str(list(connection.execute(text(f"SELECT * FROM {table}"))))
            assert "ben" not in dump and "review it" not in dump, table
        stored = str(list(connection.execute(select(store.c.data, store.c.metadata))))
    assert "review it" not in stored and "'ben'" not in stored and '"ben"' not in stored
