"""Notify's use cases: integration events in, notifications out; inbox queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from ecbm_integration import registry
from ecbm_notify.adapters import contacts, views
from ecbm_notify.application import queries
from ecbm_notify.domain.catalogue import FOR_ORGANISATION_CONTACT
from ecbm_notify.domain.notification import Notification, NotificationCreated
from ecbm_notify.domain.recipients import recipient_id_for
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import NotFound, PermissionDenied
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]
EVENTS_BY_NAME: dict[str, type[BaseModel]] = {cls.__name__: cls for cls in FOR_ORGANISATION_CONTACT}


def on_organisation_registered(
    event: registry.OrganisationRegistered, uow: UnitOfWorkFactory
) -> None:
    with uow() as work:
        recipient_id = contacts.remember_recipient(
            work.connection, event.contact_email, event.contact_name
        )
        contacts.remember_contact(work.connection, event.organisation_id, recipient_id)
        for event_type, body in contacts.take_parked(work.connection, event.organisation_id):
            parked = EVENTS_BY_NAME[event_type].model_validate(body)
            _notify(work, recipient_id, parked)
        work.commit()


def on_organisation_event(event: Any, uow: UnitOfWorkFactory) -> None:
    """An event about one organisation: tell its contact, or wait until notify knows them."""
    with uow() as work:
        recipient_id = contacts.contact_of(work.connection, event.organisation_id)
        if recipient_id is None:
            contacts.park(work.connection, event.organisation_id, event)
        else:
            _notify(work, recipient_id, event)
        work.commit()


def _notify(work: UnitOfWork, recipient_id: str, event: BaseModel) -> None:
    message = FOR_ORGANISATION_CONTACT[type(event)](event)
    created = NotificationCreated(
        recipient_id=recipient_id,
        topic=message.topic,
        title=message.title,
        body=message.body,
        link=message.link,
        source_event_type=type(event).__name__,
    )
    work.repository(Notification).add(Notification.create(new_id("notification"), created))


def list_notifications(
    query: queries.ListNotifications, read: ReadConnection
) -> views.NotificationPage:
    _check_may_read_inbox(query.recipient_id)
    with read() as connection:
        return views.list_notifications(connection, query)


def lookup_recipient(query: queries.LookupRecipient, read: ReadConnection) -> views.RecipientView:
    with read() as connection:
        found = views.recipient_by_email(connection, str(query.email))
    if found is None:
        raise NotFound("no recipient has this email address")
    return found


def _check_may_read_inbox(recipient_id: str) -> None:
    """Editors and admins read any inbox; everyone else only their own."""
    principal = current_principal()
    if principal is None:
        raise PermissionDenied("reading an inbox needs a token")
    if principal.has_any_role({"editor"}) or principal.subject == recipient_id:
        return
    if principal.email and recipient_id_for(principal.email) == recipient_id:
        return
    raise PermissionDenied("this is another person's inbox")


EVENT_HANDLERS: dict[type, Callable[..., None]] = {
    registry.OrganisationRegistered: on_organisation_registered,
    **{event_class: on_organisation_event for event_class in FOR_ORGANISATION_CONTACT},
}
QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.ListNotifications: list_notifications,
    queries.LookupRecipient: lookup_recipient,
}
