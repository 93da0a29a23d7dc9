"""Recordings and materials: editors publish them; the event's registrants see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecbm_events.application.programme.commands import PublishMaterial
from ecbm_events.application.programme.handlers import visible_event
from ecbm_events.application.programme.queries import ListMaterials
from ecbm_events.domain.event import Event, EventNotFound
from ecbm_events.domain.materials import Material, NotARegistrant
from ecbm_runtime.ids import new_id

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies


def publish_material(command: PublishMaterial, deps: EventsDependencies) -> Material:
    """The material as published; the reminder after the event names it."""
    material = Material(
        id=new_id("material"), published_at=deps.clock(), **command.material.model_dump()
    )
    with deps.uow() as work:
        event = work.repository(Event).find(command.event_id)
        if event is None:
            raise EventNotFound(f"event {command.event_id!r} does not exist")
        event.publish_material(material)
        work.commit()
    return material


def list_materials(query: ListMaterials, deps: EventsDependencies) -> list[Material]:
    """Editors, and members holding a place at the event (PERMISSION_DENIED otherwise)."""
    actor = query.actor
    with deps.read() as views:
        visible_event(views.programme.event(query.event_id), query.event_id, actor)
        if not (
            actor.is_editor
            or views.registrations.holds_place(query.event_id, actor.require_subject())
        ):
            raise NotARegistrant("an event's materials are for the people registered for it")
        return views.programme.materials(query.event_id)
