"""Which integration events become which notifications, for whom, saying what.

Adding a notification type is one entry in `CATALOGUE` (the registry's, here) or in its
source's ``catalogue_<source>.py``, and one template folder ``templates/<name>/``
(subject.txt, body.txt, body.html); the web inbox text comes from
``message`` and the e-mail's variables from ``context``. ``sample`` holds example variables:
every template is rendered with them, in every language, at startup and in a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ecbm_integration import registry
from ecbm_notify.domain.catalogue_alerts import ALERTS_CATALOGUE
from ecbm_notify.domain.catalogue_events import EVENTS_CATALOGUE
from ecbm_notify.domain.catalogue_matching import MATCHING_CATALOGUE
from ecbm_notify.domain.catalogue_quality import QUALITY_CATALOGUE, QUALITY_COMMITTEE_CATALOGUE
from ecbm_notify.domain.notification_type import Audience, Message, NotificationType
from ecbm_notify.domain.preferences import Topic
from ecbm_notify.domain.verification import VERIFICATION_SAMPLE, VERIFICATION_TYPE


def _programme_message(event: registry.ProgrammeRegistered) -> Message:
    return Message(
        title=f"{event.display_name} is now in the registry",
        body=f"Your programme {event.display_name} ({', '.join(event.countries)}) was "
        "registered and is visible on the map of mentoring in Europe.",
        link=f"programmes/{event.programme_id}",
    )


def _programme_context(event: registry.ProgrammeRegistered) -> dict[str, str]:
    return {"programme_name": event.display_name, "countries": ", ".join(event.countries)}


def _membership_message(event: registry.MembershipApproved) -> Message:
    return Message(
        title="Welcome: your membership of the Center is approved",
        body="An editor approved your membership of the European Center for Mentoring. "
        "You can now take part in the network's activities.",
        link=f"people/{event.person_id}",
    )


CATALOGUE: dict[type[BaseModel], NotificationType] = {
    registry.ProgrammeRegistered: NotificationType(
        name="programme_registered",
        topic=Topic.REGISTRY,
        audience=Audience.ORGANISATION_CONTACT,
        message=_programme_message,
        context=_programme_context,
        sample={"programme_name": "Buddy Up", "countries": "BE, NL"},
    ),
    registry.MembershipApproved: NotificationType(
        name="membership_approved",
        topic=Topic.REGISTRY,
        audience=Audience.PERSON,
        message=_membership_message,
        context=lambda event: {},
        sample={},
        critical=True,  # a registration confirmation
    ),
    **QUALITY_CATALOGUE,
    **EVENTS_CATALOGUE,
    **ALERTS_CATALOGUE,
    **MATCHING_CATALOGUE,
}

FOR_ORGANISATION_CONTACT = {
    event: kind
    for event, kind in CATALOGUE.items()
    if kind.audience is Audience.ORGANISATION_CONTACT
}
FOR_PERSON = {event: kind for event, kind in CATALOGUE.items() if kind.audience is Audience.PERSON}
# Told to the committee as well as to the audience of the event's CATALOGUE entry.
FOR_COMMITTEE: dict[type[BaseModel], NotificationType] = QUALITY_COMMITTEE_CATALOGUE

# The digest e-mail merges pending messages; its template gets these variables.
DIGEST_SAMPLE: dict[str, Any] = {
    "recipient_name": "An Peeters",
    "count": 2,
    "unsubscribe_url": "https://ecbm.example/unsubscribe?token=t",
    "groups": [
        {
            "topic_label": "Registry",
            "items": [{"title": "Buddy Up is now in the registry", "body": "…", "link": "x"}],
        }
    ],
}


def template_samples() -> dict[str, Mapping[str, Any]]:
    """Every template folder with example variables: what startup validation renders."""
    return {
        **{kind.name: kind.sample_context() for kind in CATALOGUE.values()},
        **{kind.name: kind.sample_context() for kind in FOR_COMMITTEE.values()},
        "digest": DIGEST_SAMPLE,
        VERIFICATION_TYPE: VERIFICATION_SAMPLE,
    }
