"""Organisers change an event's places after publishing; freed places go to the waiting list.

Never overbooked, as registering: the change is decided on the counts it read, and the
places counters' check constraint (``taken <= places``) refuses a limit that a concurrent
registration passed in between; the change is then decided again on fresh counts, and is
refused (``PlacesTaken``) if it would now take a confirmed place away. It holds the store's
append lock, as cancelling does, so places it frees are offered once.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from ecbm_events.application.registrations.commands import ChangePlaces
from ecbm_events.application.registrations.handlers import (
    ADMISSION_ATTEMPTS,
    event_for,
    offer_freed,
)
from ecbm_events.domain.places import Mode
from ecbm_events.domain.registration import AdmissionRaced

if TYPE_CHECKING:
    from ecbm_events.application.dependencies import EventsDependencies


def change_places(command: ChangePlaces, deps: EventsDependencies) -> str:
    """The event's id; raised limits offer their places to the people waiting."""
    for _ in range(ADMISSION_ATTEMPTS - 1):
        with contextlib.suppress(AdmissionRaced):
            return _change(command, deps)
    return _change(command, deps)


def _change(command: ChangePlaces, deps: EventsDependencies) -> str:
    command.actor.require_editor("change an event's places")
    with deps.uow() as work:
        work.lock_appends()
        event = event_for(work, command.event_id, command.actor)
        occupancy = work.views.registrations.occupancy(event.id)
        quotas = tuple((q.name, q.places) for q in command.quotas)
        if event.change_places(command.on_site_places, command.online_places, quotas, occupancy):
            for mode in Mode:  # one occupancy: a quota may cover both modes
                occupancy = offer_freed(work, deps, event, mode, occupancy)
            work.commit()
    return event.id
