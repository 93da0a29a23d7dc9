"""Contact without a public address, on SQLite and PostgreSQL: threads to people and programmes,
replies, blocked senders, the size limit, and a forgotten person's conversations erased."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pydantic
import pytest
from matching_feeds import NOW, deliver, member, person
from sqlalchemy import select, text

from ecbm_integration import matching as published
from ecbm_integration import registry
from ecbm_matching.application import commands as c
from ecbm_matching.application.messages import (
    PersonNotFound,
    ProgrammeNotFound,
    ProgrammeUnreachable,
)
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_matching.domain.thread import MAX_MESSAGE, SenderBlocked, ThreadNotFound
from ecbm_notify.adapters.people.people import People
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import SERVICE as NOTIFY_SERVICE
from ecbm_notify.bootstrap import Notify
from ecbm_notify.bootstrap import bootstrap as notify_bootstrap
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.context import MessageContext
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.sealing import Contact, development_seal
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


def _programme(app: Matching, programme_id: str, organisation_id: str) -> None:
    deliver(
        app,
        registry.ProgrammeRegistered(
            programme_id=programme_id,
            organisation_id=organisation_id,
            display_name="Mentor Migrants",
            countries=["BE"],
            languages=["nl"],
            occurred_at=NOW,
        ),
    )


def _organisation(app: Matching, organisation_id: str, first_editor: str) -> None:
    deliver(
        app,
        registry.OrganisationRegistered(
            organisation_id=organisation_id,
            display_name="Mentoring Lab",
            kind="MENTORING_ORGANISATION",
            country="BE",
            contact_name="An Peeters",
            contact_email="an@example.org",
            occurred_at=NOW,
            editors=[first_editor],
        ),
    )


def test_a_programme_is_written_to_through_its_contacts_who_alone_read_the_thread(
    app: Matching, tmp_path: Path
) -> None:
    _organisation(app, "org1", "an")
    deliver(
        app,
        registry.OrganisationEditorAdded(
            organisation_id="org1", person_id="people/bo", occurred_at=NOW
        ),
    )
    _programme(app, "prog1", "org1")
    _programme(app, "prog2", "org2")  # nobody speaks for it yet
    with pytest.raises(ProgrammeUnreachable):
        app.bus.handle(c.SendMessage(actor=member("cy"), to_programme="prog2", body="Hello?"))
    with pytest.raises(ProgrammeNotFound):
        app.bus.handle(c.SendMessage(actor=member("cy"), to_programme="nope", body="Hello?"))

    app.bus.handle(c.BlockSender(actor=member("bo"), sender_id="cy"))
    thread_id = app.bus.handle(
        c.SendMessage(actor=member("cy"), to_programme="prog1", subject="Visit", body="Hi all")
    )
    assert outbox_rows(app) == [("MessageReceived", "an")]  # bo blocked cy: not told
    app.bus.handle(c.SendMessage(actor=member("bo"), thread_id=thread_id, body="Welcome"))
    assert outbox_rows(app)[-1] == ("MessageReceived", "cy")
    (listed,) = app.bus.handle(c.ListThreads(actor=member("an")))
    assert (listed.id, listed.recipient_id, listed.to_programme) == (thread_id, "prog1", True)
    thread = app.bus.handle(c.GetThread(actor=member("an"), id=thread_id))
    assert [(m.author_id, m.body) for m in thread.messages] == [("cy", "Hi all"), ("bo", "Welcome")]
    # A second user (not one of its contacts) neither reads nor writes nor lists it.
    with pytest.raises(ThreadNotFound):
        app.bus.handle(c.GetThread(actor=member("dan"), id=thread_id))
    with pytest.raises(ThreadNotFound):
        app.bus.handle(c.SendMessage(actor=member("dan"), thread_id=thread_id, body="me too"))
    assert app.bus.handle(c.ListThreads(actor=member("dan"))) == []

    app.bus.handle(c.BlockSender(actor=member("an"), sender_id="cy"))
    with pytest.raises(SenderBlocked):  # every contact blocked cy: nothing sent
        app.bus.handle(c.SendMessage(actor=member("cy"), thread_id=thread_id, body="again"))
    assert len(outbox_rows(app)) == 2

    # End to end: notify turns the contact's MessageReceived into their inbox item.
    notify = _notify(tmp_path)
    for pid in ("an", "dan"):
        _to_notify(notify, notify_member(pid, f"{pid}@example.org"))
    with app.engine.connect() as connection:
        bodies = connection.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        for body in bodies:
            _to_notify(notify, published.MessageReceived.model_validate_json(body))
    assert _inbox(notify, "an") == ["New message: Visit"]
    assert _inbox(notify, "dan") == []
    notify.close()

    deliver(app, registry.PersonForgotten(person_id="bo", occurred_at=NOW))
    with app.engine.connect() as connection:
        dump = str(list(connection.execute(text("SELECT * FROM thread_messages"))))
        editors = str(list(connection.execute(text("SELECT * FROM organisation_editors"))))
    assert "Welcome" not in dump and "'bo'" not in editors


_notified = itertools.count(1)


def notify_member(pid: str, email: str) -> registry.PersonJoined:
    return registry.PersonJoined(
        person_id=pid,
        sealed_contact=development_seal().seal(pid, Contact(display_name=pid, email=email)),
        preferred_language="en",
        contact_by_email=True,
        country="BE",
        roles=["practitioner"],
        occurred_at=NOW,
    )


def _notify(tmp_path: Path) -> Notify:
    url = f"sqlite:///{tmp_path / 'notify.db'}"
    upgrade(NOTIFY_SERVICE.migrations, url)
    notify = notify_bootstrap(NOTIFY_SERVICE.load_settings(database_url=url))  # type: ignore[arg-type]
    return notify


def _to_notify(notify: Notify, event: object) -> None:
    n = f"n{next(_notified)}"
    delivery = Delivery(handler=f"notify.{type(event).__name__}", event_id=n)
    notify.bus.handle(event, MessageContext(correlation_id=n, causation_id=n, delivery=delivery))


def _inbox(notify: Notify, person_id: str) -> list[str]:
    with notify.engine.connect() as connection:
        recipient = People(connection).recipient_of_person(person_id)
    assert recipient is not None
    with acting_as(Principal(subject=person_id, roles=frozenset({"member"}))):
        page = notify.bus.handle(ListNotifications(recipient_id=recipient))
    return [n.title for n in page.notifications]
