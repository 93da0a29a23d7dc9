"""Notify's copy of the registry's people: who they are as recipients, and forgetting them."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import Connection, delete, insert, select, update

from ecbm_notify.adapters.read_models import (
    awaiting_organisation,
    awaiting_person,
    forgotten_people,
    organisation_contacts,
    recipients,
)
from ecbm_notify.domain.recipients import Addresses
from ecbm_runtime.db import lock_for


@dataclass(frozen=True)
class PersonDetails:
    person_id: str
    email: str
    display_name: str
    preferred_language: str
    contact_by_email: bool


class People:
    """The registry's people as recipients, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def is_forgotten(self, person_id: str) -> bool:
        query = select(forgotten_people.c.person_id).where(
            forgotten_people.c.person_id == person_id
        )
        return self.connection.execute(query).first() is not None

    def addresses(self, recipient_id: str) -> Addresses:
        row = self.connection.execute(
            select(recipients.c.email, recipients.c.pending_email).where(
                recipients.c.id == recipient_id
            )
        ).first()
        return Addresses(row.email, row.pending_email) if row else Addresses()

    def consent_of(self, recipient_id: str) -> bool:
        query = select(recipients.c.contact_by_email).where(recipients.c.id == recipient_id)
        return self.connection.execute(query).scalar_one_or_none() is True

    def remember_person(
        self, person: PersonDetails, addresses: Addresses, new_recipient_id: str
    ) -> str:
        """Upsert the person's own recipient, found by person id only; its id.

        Never looks at who else has the address: an address makes nobody anybody.
        """
        values = {
            "email": addresses.verified,
            "pending_email": addresses.pending,
            "display_name": person.display_name,
            "person_id": person.person_id,
            "preferred_language": person.preferred_language,
            "contact_by_email": person.contact_by_email,
        }
        recipient_id = self.recipient_of_person(person.person_id)
        if recipient_id is None:
            recipient_id = new_recipient_id
            self.connection.execute(insert(recipients).values(id=recipient_id, **values))
        else:
            self.connection.execute(
                update(recipients).where(recipients.c.id == recipient_id).values(values)
            )
        return recipient_id

    def set_addresses(self, recipient_id: str, addresses: Addresses) -> None:
        self.connection.execute(
            update(recipients)
            .where(recipients.c.id == recipient_id)
            .values(email=addresses.verified, pending_email=addresses.pending)
        )

    def verified_address_of(self, person_id: str) -> str | None:
        query = select(recipients.c.email).where(recipients.c.person_id == person_id)
        return self.connection.execute(query).scalar_one_or_none()

    def lock(self, person_id: str) -> None:
        """Hold the person to the end of the transaction: delivering-or-parking an event
        about them, knowing them (then taking what is parked) and forgetting them each
        see the others' outcome, also from several workers at once."""
        lock_for(self.connection, "notify.person", person_id)

    def recipient_of_person(self, person_id: str) -> str | None:
        query = select(recipients.c.id).where(recipients.c.person_id == person_id)
        return self.connection.execute(query).scalar_one_or_none()

    def park(self, person_id: str, event: BaseModel) -> None:
        self.connection.execute(
            insert(awaiting_person).values(
                person_id=person_id, event_type=type(event).__name__, body=event.model_dump_json()
            )
        )

    def take_parked(self, person_id: str) -> list[tuple[str, dict[str, object]]]:
        """Events parked for this person, oldest first; removed in the same transaction."""
        where = awaiting_person.c.person_id == person_id
        rows = self.connection.execute(
            select(awaiting_person.c.event_type, awaiting_person.c.body)
            .where(where)
            .order_by(awaiting_person.c.id)
        ).all()
        self.connection.execute(delete(awaiting_person).where(where))
        return [(row.event_type, json.loads(row.body)) for row in rows]

    def forget_person(self, person_id: str) -> str | None:
        """Delete the person's recipient row, contact links and parked events; keep a tombstone.

        Returns the forgotten recipient's id (None when notify never knew them).
        """
        row = self.connection.execute(
            select(recipients.c.id, recipients.c.email, recipients.c.display_name).where(
                recipients.c.person_id == person_id
            )
        ).first()
        self.connection.execute(
            delete(awaiting_person).where(awaiting_person.c.person_id == person_id)
        )
        if not self.is_forgotten(person_id):
            self.connection.execute(insert(forgotten_people).values(person_id=person_id))
        if row is None:
            return None
        # Their verified address only: an unverified one may be someone else's.
        self._delete_parked_mentioning(
            [value for value in (person_id, row.email, row.display_name) if value]
        )
        self.connection.execute(  # links from before contacts and people were kept apart
            delete(organisation_contacts).where(organisation_contacts.c.recipient_id == row.id)
        )
        self.connection.execute(delete(recipients).where(recipients.c.id == row.id))
        return str(row.id)

    def _delete_parked_mentioning(self, needles: list[str]) -> None:
        """Parked organisation events that hold one of ``needles`` as a whole value.

        They are few; their JSON bodies are searched here, not in SQL. Whole values, not
        substrings: forgetting someone called "a" must not delete every parked event.
        """
        wanted = {needle.strip().casefold() for needle in needles if needle.strip()}
        rows = self.connection.execute(
            select(awaiting_organisation.c.id, awaiting_organisation.c.body)
        )
        doomed = [row.id for row in rows if wanted & _values(json.loads(row.body))]
        if doomed:
            self.connection.execute(
                delete(awaiting_organisation).where(awaiting_organisation.c.id.in_(doomed))
            )


def _values(document: object) -> set[str]:
    """Every string value in a JSON document, case-folded (keys are not values)."""
    if isinstance(document, str):
        return {document.strip().casefold()}
    if isinstance(document, dict):
        return set().union(*(_values(value) for value in document.values()))
    if isinstance(document, list):
        return set().union(*(_values(value) for value in document))
    return set()
