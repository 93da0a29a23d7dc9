"""Recordings and materials: editors publish them, registrants see them, the reminder after
the event names them (handlers on the in-memory unit of work)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from events_fakes import EDITOR, NOW, InMemoryEvents, an_event, member, register

from ecbm_events.application.programme.commands import (
    AddSession,
    PublishMaterial,
    SendDueReminders,
    SessionInput,
)
from ecbm_events.application.programme.queries import ListMaterials
from ecbm_events.domain.materials import Material, NotARegistrant
from ecbm_runtime.errors import InvalidArgument

START = NOW + timedelta(days=10)


def with_session(app: InMemoryEvents, waiting_list: bool = False) -> str:
    event_id = an_event(app, start=START, waiting_list=waiting_list)
    session = SessionInput(
        title="Opening", start_time=START, end_time=START + timedelta(hours=1), room="Atrium"
    )
    app.handle(AddSession(actor=EDITOR, event_id=event_id, session=session))
    return event_id


def publish(
    app: InMemoryEvents, event_id: str, session_id: str = "s1", request_id: str = ""
) -> Material:
    command = PublishMaterial.model_validate(
        {
            "actor": EDITOR,
            "event_id": event_id,
            "material": {
                "title": "Recording of the opening",
                "url": "https://video.example/opening",
                "kind": "recording",
                "session_id": session_id,
            },
            "request_id": request_id,
        }
    )
    published: Material = app.handle(command)
    return published


def test_registrants_and_editors_see_the_materials_and_no_one_else() -> None:
    app = InMemoryEvents()
    event_id = with_session(app)
    register(app, event_id, "ana")
    material = publish(app, event_id)

    for reader in (member("ana"), EDITOR):
        assert app.handle(ListMaterials(actor=reader, event_id=event_id)) == [material]
    with pytest.raises(NotARegistrant):
        app.handle(ListMaterials(actor=member("ben"), event_id=event_id))


def test_a_material_for_an_unknown_session_is_invalid() -> None:
    app = InMemoryEvents()
    event_id = with_session(app)
    with pytest.raises(InvalidArgument) as refused:
        publish(app, event_id, session_id="s9")
    assert refused.value.violations[0].field == "material.session_id"


def test_the_reminder_after_the_event_names_its_materials() -> None:
    app = InMemoryEvents()
    event_id = with_session(app)
    register(app, event_id, "ana")
    app.clock.now = START - timedelta(days=6)
    app.handle(SendDueReminders())
    publish(app, event_id)
    app.clock.now = START + timedelta(hours=4)
    app.handle(SendDueReminders())

    before, after = app.published("ReminderDue")
    assert before["materials"] == []
    assert after["reminder"] == "after"
    assert after["materials"] == [
        {"title": "Recording of the opening", "url": "https://video.example/opening",
         "session_id": "s1"}
    ]  # fmt: skip


def test_a_material_published_after_the_reminder_after_the_event_is_announced_once() -> None:
    app = InMemoryEvents()
    event_id = with_session(app, waiting_list=True)
    ana, _ = register(app, event_id, "ana"), register(app, event_id, "ben")  # ben waits
    publish(app, event_id)  # before the reminder: the reminder names it, nothing else
    assert app.published("MaterialsPublished") == []
    app.clock.now = START + timedelta(hours=4)
    app.handle(SendDueReminders())

    first = publish(app, event_id, request_id="slides-1")
    again = publish(app, event_id, request_id="slides-1")  # a retry: the same, not again

    assert again == first
    [announced] = app.published("MaterialsPublished")
    assert announced["registration_id"] == ana and announced["person_id"] == "ana"
    assert announced["materials"] == [{"title": first.title, "url": first.url, "session_id": "s1"}]
    assert len(app.handle(ListMaterials(actor=EDITOR, event_id=event_id))) == 2
