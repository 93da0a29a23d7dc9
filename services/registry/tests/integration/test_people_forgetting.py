"""Crypto-shredding: a forgotten person is gone from every table, even after a replay."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, MetaData, select

from ecbm_registry.application.people import commands, queries
from ecbm_registry.bootstrap import WIRED, Registry
from ecbm_registry.domain.people_errors import PersonNotFound
from ecbm_runtime.actor import Actor
from ecbm_runtime.projections import replay
from ecbm_runtime.tables import events, outbox

EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))
NAME, EMAIL, BIO = "Jolanta Wiśniewska", "jolanta@example.org", "Coordinator at Mentoring Łódź"


def join(registry: Registry, request_id: str, name: str, email: str, bio: str = "") -> str:
    person = commands.PersonDetails(
        display_name=name, email=email, bio=bio, country="PL", listed_in_directory=True
    )
    joined = registry.bus.handle(
        commands.JoinNetwork(request_id=request_id, actor=EDITOR, person=person)
    )
    return str(joined.id)


def a_full_history(registry: Registry) -> str:
    person_id = join(registry, "jolanta", NAME, EMAIL, BIO)
    themself = Actor(subject=person_id, roles=frozenset({"member"}))
    expertise = commands.ExpertiseInput(topic="matching", level="expert", description=BIO)
    registry.bus.handle(
        commands.DeclareExpertise(actor=themself, person_id=person_id, expertise=expertise)
    )
    registry.bus.handle(
        commands.UpdatePerson(
            actor=themself, person_id=person_id, person=commands.PersonChanges(country="DE")
        )
    )
    registry.bus.handle(
        commands.ApplyForMembership(actor=themself, person_id=person_id, motivation=NAME)
    )
    registry.bus.handle(commands.ApproveMembership(actor=EDITOR, person_id=person_id))
    return person_id


def every_text(engine: Engine) -> str:
    """All rows of all tables as one string (JSON columns included)."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in tables.sorted_tables
            for row in connection.execute(select(table))
        )


def forget(registry: Registry, person_id: str) -> None:
    themself = Actor(subject=person_id, roles=frozenset({"member"}))
    registry.bus.handle(commands.ForgetPerson(actor=themself, person_id=person_id))


def test_stored_events_never_hold_personal_data_in_clear(registry: Registry) -> None:
    a_full_history(registry)

    with registry.engine.connect() as connection:
        stored = repr(connection.execute(select(events.c.data)).all())

    assert NAME not in stored and EMAIL not in stored and BIO not in stored


def test_a_forgotten_person_is_not_found(registry: Registry) -> None:
    person_id = a_full_history(registry)

    forget(registry, person_id)

    with pytest.raises(PersonNotFound):
        registry.bus.handle(queries.GetPerson(person_id=person_id, actor=EDITOR))


def test_nothing_readable_remains_in_any_table_after_forgetting(registry: Registry) -> None:
    person_id = a_full_history(registry)
    other = join(registry, "other", "Piet Jansen", "piet@example.org")

    forget(registry, person_id)

    text = every_text(registry.engine)
    assert NAME not in text and EMAIL not in text and BIO not in text
    assert "piet@example.org" in text  # the scan does see people who were not forgotten
    assert other in text


def test_a_replay_does_not_bring_a_forgotten_person_back(registry: Registry) -> None:
    person_id = a_full_history(registry)
    join(registry, "other", "Piet Jansen", "piet@example.org")
    forget(registry, person_id)

    replay(registry.engine, registry.wiring, WIRED.read_model_tables)

    text = every_text(registry.engine)
    assert NAME not in text and EMAIL not in text and BIO not in text
    with pytest.raises(PersonNotFound):
        registry.bus.handle(queries.GetPerson(person_id=person_id, actor=EDITOR))
    piet = registry.bus.handle(queries.ListPeople(actor=EDITOR)).people
    assert [p.email for p in piet] == ["piet@example.org"]


def test_forgetting_publishes_only_the_id_and_ends_the_membership(registry: Registry) -> None:
    person_id = a_full_history(registry)

    forget(registry, person_id)

    with registry.engine.connect() as connection:
        rows = connection.execute(select(outbox.c.routing_key, outbox.c.body)).all()
    published = {key: json.loads(body) for key, body in rows}
    assert set(published["PersonForgotten"]) == {"person_id", "occurred_at"}
    assert published["MembershipEnded"]["person_id"] == person_id
    assert "PersonJoined" not in published  # scrubbed: it carried the e-mail address
