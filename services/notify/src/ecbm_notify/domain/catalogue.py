"""Which integration events become which notifications, for whom, saying what.

Adding a notification type is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from ecbm_integration import registry


@dataclass(frozen=True)
class Message:
    topic: str
    title: str
    body: str
    link: str


def programme_registered(event: registry.ProgrammeRegistered) -> Message:
    countries = ", ".join(event.countries)
    return Message(
        topic="registry",
        title=f"{event.display_name} is now in the registry",
        body=f"Your programme {event.display_name} ({countries}) was registered "
        "and is visible on the map of mentoring in Europe.",
        link=f"programmes/{event.programme_id}",
    )


# For the organisation's contact: events that concern one organisation.
FOR_ORGANISATION_CONTACT: dict[type[BaseModel], Callable[..., Message]] = {
    registry.ProgrammeRegistered: programme_registered,
}
