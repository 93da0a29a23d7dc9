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
from ecbm_notify.domain.recipients import normalised_email, recipient_id_for


def remember_recipient(connection: Connection, email: str, display_name: str) -> str:
    """The recipient with this address (a person may have moved to it), else a new one."""
    email = normalised_email(email)
    recipient_id = connection.execute(
        select(recipients.c.id).where(recipients.c.email == email)
    ).scalar_one_or_none()
    if recipient_id is not None:
        connection.execute(
            update(recipients)
            .where(recipients.c.id == recipient_id)
            .values(display_name=display_name)
        )
        return str(recipient_id)
    recipient_id = recipient_id_for(email)
    connection.execute(
        insert(recipients).values(id=recipient_id, email=email, display_name=display_name)
    )
    return recipient_id


def remember_contact(connection: Connection, organisation_id: str, recipient_id: str) -> None:
    connection.execute(
        delete(organisation_contacts).where(
            organisation_contacts.c.organisation_id == organisation_id
        )
    )
    connection.execute(
        insert(organisation_contacts).values(
            organisation_id=organisation_id, recipient_id=recipient_id
        )
    )


def contact_of(connection: Connection, organisation_id: str) -> str | None:
    query = select(organisation_contacts.c.recipient_id).where(
        organisation_contacts.c.organisation_id == organisation_id
    )
    return connection.execute(query).scalar_one_or_none()


def park(connection: Connection, organisation_id: str, event: BaseModel) -> None:
    connection.execute(
        insert(awaiting_organisation).values(
            organisation_id=organisation_id,
            event_type=type(event).__name__,
            body=event.model_dump_json(),
        )
    )


def take_parked(
    connection: Connection, organisation_id: str
) -> list[tuple[str, dict[str, object]]]:
    """Events parked for this organisation, oldest first; removed in the same transaction."""
    where = awaiting_organisation.c.organisation_id == organisation_id
    rows = connection.execute(
        select(awaiting_organisation.c.event_type, awaiting_organisation.c.body)
        .where(where)
        .order_by(awaiting_organisation.c.id)
    ).all()
    connection.execute(delete(awaiting_organisation).where(where))
    return [(row.event_type, json.loads(row.body)) for row in rows]
