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
from ecbm_notify.domain.recipients import normalised_email, recipient_id_for


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

    def remember_person(self, person: PersonDetails) -> str:
        """Upsert the person's recipient; an organisation contact with their address is them."""
        email = normalised_email(person.email)
        by_email = self.connection.execute(
            select(recipients.c.id).where(recipients.c.email == email)
        ).scalar_one_or_none()
        recipient_id = self.recipient_of_person(person.person_id)
        if recipient_id is None:
            recipient_id = by_email
        elif by_email is not None and by_email != recipient_id:
            self._absorb_contact(by_email, into=recipient_id)
        values = {
            "email": email,
            "display_name": person.display_name,
            "person_id": person.person_id,
            "preferred_language": person.preferred_language,
            "contact_by_email": person.contact_by_email,
        }
        if recipient_id is None:
            recipient_id = recipient_id_for(email)
            self.connection.execute(insert(recipients).values(id=recipient_id, **values))
        else:
            # The id stays the one first derived, so the person's inbox survives an address change.
            self.connection.execute(
                update(recipients).where(recipients.c.id == recipient_id).values(values)
            )
        return recipient_id

    def _absorb_contact(self, contact_id: str, into: str) -> None:
        """The person moved to an organisation contact's address: that contact is them now.

        The contact's organisations follow; notifications already sent stay in the old inbox.
        Two people with one address is the registry's to prevent, so it fails here.
        """
        self.connection.execute(
            update(organisation_contacts)
            .where(organisation_contacts.c.recipient_id == contact_id)
            .values(recipient_id=into)
        )
        self.connection.execute(
            delete(recipients).where(
                recipients.c.id == contact_id, recipients.c.person_id.is_(None)
            )
        )

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
        self._delete_parked_mentioning([person_id, row.email, row.display_name])
        self.connection.execute(
            delete(organisation_contacts).where(organisation_contacts.c.recipient_id == row.id)
        )
        self.connection.execute(delete(recipients).where(recipients.c.id == row.id))
        return str(row.id)

    def _delete_parked_mentioning(self, needles: list[str]) -> None:
        """Parked organisation events are few; their JSON bodies are searched here, not in SQL."""
        wanted = [needle.lower() for needle in needles]
        rows = self.connection.execute(
            select(awaiting_organisation.c.id, awaiting_organisation.c.body)
        )
        doomed = [row.id for row in rows if any(n in row.body.lower() for n in wanted)]
        if doomed:
            self.connection.execute(
                delete(awaiting_organisation).where(awaiting_organisation.c.id.in_(doomed))
            )
