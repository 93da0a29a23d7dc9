"""Recordings and materials: editors publish them; the event's registrants see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecbm_events.application.programme import integration
from ecbm_events.application.programme.commands import PublishMaterial
from ecbm_events.application.programme.handlers import visible_event
from ecbm_events.application.programme.queries import ListMaterials
from ecbm_events.domain.event import Event, EventNotFound
from ecbm_events.domain.materials import Material, NotARegistrant

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies


def publish_material(command: PublishMaterial, deps: EventsDependencies) -> Material:
    """The material as published; a retried ``request_id`` gets the first one.

    The reminder after the event names the materials published by then. One published
    after that reminder went out is announced to everyone holding a place
    (``MaterialsPublished``), in the commit that publishes it: the reminder and the
    material are both appended to the event's stream, so whichever commits second sees
    the other (or fails on the stream's version), and a material is announced once, either
    in the reminder or on its own.
    """
    now = deps.clock()
    with deps.uow() as work:
        claim = work.claim_request("material", command.request_id, command)
        event = work.repository(Event).find(command.event_id)
        if event is None:
            raise EventNotFound(f"event {command.event_id!r} does not exist")
        if claim.repeated:
            return next(m for m in event.materials if m.id == claim.resource_id)
        material = Material(
            id=claim.resource_id, published_at=now,
            **command.material.model_dump(),
        )  # fmt: skip
        event.publish_material(material)
        if "after" in event.reminded:
            for registration_id, person_id in work.views.registrations.holders(event.id):
                message = integration.materials_published(
                    event, [material], registration_id, person_id, now
                )
                work.publish(message, subject=person_id)
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
