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
    # Critical messages reach the web inbox whatever the person chose about e-mail.
    critical: bool = False


def programme_registered(event: registry.ProgrammeRegistered) -> Message:
    countries = ", ".join(event.countries)
    return Message(
        topic="registry",
        title=f"{event.display_name} is now in the registry",
        body=f"Your programme {event.display_name} ({countries}) was registered "
        "and is visible on the map of mentoring in Europe.",
        link=f"programmes/{event.programme_id}",
    )


def membership_approved(event: registry.MembershipApproved) -> Message:
    return Message(
        topic="membership",
        title="Welcome: your membership of the Center is approved",
        body="An editor approved your membership of the European Center for Mentoring. "
        "You can now take part in the network's activities.",
        link=f"people/{event.person_id}",
        critical=True,
    )


# For the organisation's contact: events that concern one organisation.
FOR_ORGANISATION_CONTACT: dict[type[BaseModel], Callable[..., Message]] = {
    registry.ProgrammeRegistered: programme_registered,
}

# For the person an event is about (its ``person_id``).
FOR_PERSON: dict[type[BaseModel], Callable[..., Message]] = {
    registry.MembershipApproved: membership_approved,
}

CATALOGUE: dict[type[BaseModel], Callable[..., Message]] = {
    **FOR_ORGANISATION_CONTACT,
    **FOR_PERSON,
}
