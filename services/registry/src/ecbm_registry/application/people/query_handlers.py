"""People queries: read models, filtered by what the caller may see."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Connection

from ecbm_registry.adapters import people_views
from ecbm_registry.adapters.people.views import (
    MembershipPage,
    MembershipView,
    PeoplePage,
    PersonView,
)
from ecbm_registry.application.people import queries
from ecbm_registry.application.actor import Actor
from ecbm_registry.application.people.handlers import UnitOfWorkFactory, people_work
from ecbm_registry.domain.membership import Membership
from ecbm_registry.domain.people_errors import MembershipNotFound, PersonNotFound
from ecbm_registry.domain.person import Person

ReadConnection = Callable[[], Connection]


def get_person(query: queries.GetPerson, read: ReadConnection) -> PersonView:
    """Unlisted people read as NOT_FOUND to anyone but themself and editors."""
    with read() as connection:
        found = people_views.person(connection, query.person_id)
    if found is None:
        raise PersonNotFound(query.person_id)
    if not (found.listed_in_directory or query.actor.sees_unlisted(query.person_id)):
        raise PersonNotFound(query.person_id)
    return as_seen_by(query.actor, found)


def list_people(query: queries.ListPeople, read: ReadConnection) -> PeoplePage:
    with read() as connection:
        page = people_views.list_people(connection, query, listed_only=not query.actor.is_editor)
    return replace(page, people=[as_seen_by(query.actor, p) for p in page.people])


def as_seen_by(actor: Actor, person: PersonView) -> PersonView:
    """E-mail addresses are for the person and editors; the directory hides them."""
    return person if actor.sees_unlisted(person.id) else replace(person, email="")


def get_membership(query: queries.GetMembership, read: ReadConnection) -> MembershipView:
    query.actor.require_self_or_editor(query.person_id)
    with read() as connection:
        found = people_views.membership(connection, query.person_id)
    if found is None:
        raise MembershipNotFound(query.person_id)
    return found


def list_memberships(query: queries.ListMemberships, read: ReadConnection) -> MembershipPage:
    query.actor.require_editor()
    with read() as connection:
        return people_views.list_memberships(connection, query)


def export_person(query: queries.ExportPerson, uow: UnitOfWorkFactory) -> str:
    """Everything held about a person as JSON: read models and their opened history.

    Runs in a read-only unit of work because opening sealed events needs the codec.
    """
    query.actor.require_self_or_editor(query.person_id)
    with people_work(uow, read_only=True) as work:
        person = people_views.person(work.connection, query.person_id)
        if person is None:
            raise PersonNotFound(query.person_id)
        membership = people_views.membership(work.connection, query.person_id)
        history = [
            _history_entry(record, work.codec.decode(record))
            for cls in (Person, Membership)
            for record in work.store.load(cls.stream_id_for(query.person_id))
        ]
    export = {
        "person": asdict(person),
        "membership": asdict(membership) if membership else None,
        "history": history,
    }
    return json.dumps(export, default=str, ensure_ascii=False, indent=2)


def _history_entry(record: Any, event: Any) -> dict[str, Any]:
    return {
        "stream": record.stream_id,
        "version": record.version,
        "type": record.type,
        "recorded_at": record.recorded_at.isoformat(),
        "data": event.model_dump(mode="json"),
    }
