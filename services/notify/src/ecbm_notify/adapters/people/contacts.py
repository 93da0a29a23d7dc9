"""Notify's copy of who is the contact of which organisation, learnt from registry events."""

from __future__ import annotations

import json

from pydantic import BaseModel
from sqlalchemy import Connection, delete, insert, select, update

from ecbm_notify.adapters.read_models import (
    awaiting_organisation,
    organisation_contacts,
    recipients,
)
from ecbm_notify.domain.recipients import COMMITTEE_NAME, COMMITTEE_RECIPIENT, normalised_email
from ecbm_runtime.db import lock_for
from ecbm_runtime.ids import new_id


class Contacts:
    """Organisation contacts and the events waiting for them, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def remember_recipient(self, email: str, display_name: str) -> str:
        """The organisation contact with this address, else a new one; never a person.

        A contact is its organisation's address, mailed as given; a person with the same
        address stays a recipient of their own (see `domain.recipients`).
        """
        email = normalised_email(email)
        recipient_id = (
            self.connection.execute(
                select(recipients.c.id).where(
                    recipients.c.email == email,
                    recipients.c.person_id.is_(None),
                    recipients.c.id != COMMITTEE_RECIPIENT,  # a contact of its own
                )
            )
            .scalars()
            .first()
        )
        if recipient_id is not None:
            self.connection.execute(
                update(recipients)
                .where(recipients.c.id == recipient_id)
                .values(display_name=display_name)
            )
            return str(recipient_id)
        recipient_id = new_id("recipient")
        self.connection.execute(
            insert(recipients).values(id=recipient_id, email=email, display_name=display_name)
        )
        return recipient_id

    def remember_committee(self, email: str) -> str:
        """The committee's recipient, with ``email`` as its address now ("": none)."""
        values = {"email": normalised_email(email) or None, "display_name": COMMITTEE_NAME}
        updated = self.connection.execute(
            update(recipients).where(recipients.c.id == COMMITTEE_RECIPIENT).values(**values)
        )
        if not updated.rowcount:
            self.connection.execute(insert(recipients).values(id=COMMITTEE_RECIPIENT, **values))
        return COMMITTEE_RECIPIENT

    def lock(self, organisation_id: str) -> None:
        """Hold the organisation to the end of the transaction (see ``People.lock``)."""
        lock_for(self.connection, "notify.organisation", organisation_id)

    def remember_contact(self, organisation_id: str, recipient_id: str) -> None:
        self.connection.execute(
            delete(organisation_contacts).where(
                organisation_contacts.c.organisation_id == organisation_id
            )
        )
        self.connection.execute(
            insert(organisation_contacts).values(
                organisation_id=organisation_id, recipient_id=recipient_id
            )
        )

    def contact_of(self, organisation_id: str) -> str | None:
        query = select(organisation_contacts.c.recipient_id).where(
            organisation_contacts.c.organisation_id == organisation_id
        )
        return self.connection.execute(query).scalar_one_or_none()

    def park(self, organisation_id: str, event: BaseModel) -> None:
        self.connection.execute(
            insert(awaiting_organisation).values(
                organisation_id=organisation_id,
                event_type=type(event).__name__,
                body=event.model_dump_json(),
            )
        )

    def take_parked(self, organisation_id: str) -> list[tuple[str, dict[str, object]]]:
        """Events parked for this organisation, oldest first; removed in the same transaction."""
        where = awaiting_organisation.c.organisation_id == organisation_id
        rows = self.connection.execute(
            select(awaiting_organisation.c.event_type, awaiting_organisation.c.body)
            .where(where)
            .order_by(awaiting_organisation.c.id)
        ).all()
        self.connection.execute(delete(awaiting_organisation).where(where))
        return [(row.event_type, json.loads(row.body)) for row in rows]
