"""Interactions with policy contacts: meetings, advocacy visits, letters, petitions.

An interaction is its own aggregate, not an event on the contact's stream: the log grows
without bound (rebuilding a contact would replay all of it), and members logging visits
must never make an editor's stance change fail on a version conflict, or the reverse.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import PermissionDenied, RuleViolation


class InteractionKind(StrEnum):
    MEETING = "meeting"
    ADVOCACY_VISIT = "advocacy_visit"
    LETTER = "letter"
    PETITION = "petition"


class InteractionLogged(DomainEvent):
    contact_id: str
    kind: InteractionKind
    occurred_on: date
    participants: tuple[str, ...]  # people ids of network members who took part
    outcome: str
    logged_by: str


class NotAParticipant(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("members may only log interactions they took part in")


class InteractionWithoutParticipants(RuleViolation):
    def __init__(self) -> None:
        super().__init__("an interaction needs at least one participant from the network")


class Interaction(Aggregate):
    """One interaction with one policy contact; logged once, never edited.

    Invariants: at least one network member took part; whoever logs it without the right
    to log for others (``on_behalf_allowed`` false) is among the participants.
    """

    stream_prefix = "interaction"

    contact_id: str
    participants: tuple[str, ...]

    @classmethod
    def log(cls, id: str, event: InteractionLogged, on_behalf_allowed: bool) -> Self:
        if not event.participants:
            raise InteractionWithoutParticipants()
        if not on_behalf_allowed and event.logged_by not in event.participants:
            raise NotAParticipant()
        interaction = cls(id)
        interaction.record(event)
        return interaction

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: InteractionLogged) -> None:
        self.contact_id, self.participants = event.contact_id, event.participants
