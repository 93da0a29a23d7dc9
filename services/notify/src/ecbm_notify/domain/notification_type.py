"""What a notification type is: who gets it, under which topic, saying what.

The catalogue of every source (``catalogue.py`` and ``catalogue_<source>.py``) is made
of these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ecbm_notify.domain.preferences import Topic


@dataclass(frozen=True)
class Message:
    """What the web inbox shows (English, plain text)."""

    title: str
    body: str
    link: str


class Audience(StrEnum):
    # The contact person of the event's ``organisation_id``.
    ORGANISATION_CONTACT = "organisation_contact"
    # The person the event is about (its ``person_id``).
    PERSON = "person"
    # The quality committee (the Center's editors): the inbox ``recipients/committee``,
    # which editors read, and the committee's shared address when one is set
    # (``ECBM_NOTIFY_COMMITTEE_EMAIL``).
    COMMITTEE = "committee"


@dataclass(frozen=True)
class NotificationType:
    name: str
    topic: Topic
    audience: Audience
    message: Callable[[Any], Message]
    context: Callable[[Any], dict[str, str]]
    sample: Mapping[str, str]
    # Critical messages ignore "off" (registration confirmations, security, audit decisions).
    critical: bool = False

    def sample_context(self) -> dict[str, str]:
        """``sample`` plus what every template gets at send time."""
        return {
            "recipient_name": "An Peeters",
            "link": "https://ecbm.example/inbox",
            "unsubscribe_url": "https://ecbm.example/unsubscribe?token=t",
            **self.sample,
        }
