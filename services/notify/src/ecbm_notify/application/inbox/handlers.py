"""Notify's use cases: integration events in, notifications out; inbox queries."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection

from ecbm_integration import registry
from ecbm_notify.adapters import contacts, deliveries, people, views
from ecbm_notify.adapters.erasure import erase_notifications
from ecbm_notify.application import commands, email, queries
from ecbm_notify.application.access import Owner, check_may_use_inbox
from ecbm_notify.application.watching import watch_inbox
from ecbm_notify.domain.catalogue import CATALOGUE, FOR_ORGANISATION_CONTACT, FOR_PERSON
from ecbm_notify.domain.notification import (
    Notification,
    NotificationCreated,
    NotificationNotFound,
)
from ecbm_runtime.errors import NotFound
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

T = TypeVar("T")
UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]
EVENTS_BY_NAME: dict[str, type[BaseModel]] = {cls.__name__: cls for cls in CATALOGUE}


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


def on_person_changed(
    event: registry.PersonJoined | registry.PersonUpdated, uow: UnitOfWorkFactory
) -> None:
    """Upsert the person's recipient, then deliver what waited for them."""
    with uow() as work:
        if not people.is_forgotten(work.connection, event.person_id):
            recipient_id = people.remember_person(work.connection, _details(event))
            for event_type, body in people.take_parked(work.connection, event.person_id):
                _notify(work, recipient_id, EVENTS_BY_NAME[event_type].model_validate(body))
        work.commit()


def _details(event: registry.PersonJoined | registry.PersonUpdated) -> people.PersonDetails:
    return people.PersonDetails(
        person_id=event.person_id,
        email=event.email,
        display_name=event.display_name,
        preferred_language=event.preferred_language,
        contact_by_email=event.contact_by_email,
    )


def on_person_event(event: Any, uow: UnitOfWorkFactory) -> None:
    """An event about one person: tell them, or wait until notify knows them."""
    with uow() as work:
        recipient_id = people.recipient_of_person(work.connection, event.person_id)
        if recipient_id is not None:
            _notify(work, recipient_id, event)
        elif not people.is_forgotten(work.connection, event.person_id):
            people.park(work.connection, event.person_id, event)
        work.commit()


def on_person_forgotten(event: registry.PersonForgotten, uow: UnitOfWorkFactory) -> None:
    """Nothing readable about the person stays: recipient, links, parked events, inbox."""
    with uow() as work:
        recipient_id = people.forget_person(work.connection, event.person_id)
        if recipient_id is not None:
            erase_notifications(work.connection, recipient_id)
            deliveries.erase_recipient(work.connection, recipient_id)
        work.commit()


def _notify(work: UnitOfWork, recipient_id: str, event: BaseModel) -> None:
    """E-mail as the person's preferences say; the web inbox unless they turned it off."""
    kind = CATALOGUE[type(event)]
    message = kind.message(event)
    if not email.route(work.connection, recipient_id, event, kind, message, email.utc_now()):
        return
    created = NotificationCreated(
        recipient_id=recipient_id,
        topic=kind.topic,
        title=message.title,
        body=message.body,
        link=message.link,
        source_event_type=type(event).__name__,
    )
    work.repository(Notification).add(Notification.create(new_id("notification"), created))


def list_notifications(
    query: queries.ListNotifications, read: ReadConnection
) -> views.NotificationPage:
    check_may_use_inbox(query.recipient_id, owner_via(read, query.recipient_id))
    with read() as connection:
        return views.list_notifications(connection, query)


def mark_read(command: commands.MarkRead, uow: UnitOfWorkFactory) -> views.NotificationView:
    """Idempotent for the caller: an already read notification is returned as it is."""
    return _once_more_on_conflict(partial(_mark_read_once, command, uow))


def _mark_read_once(command: commands.MarkRead, uow: UnitOfWorkFactory) -> views.NotificationView:
    with uow() as work:
        owner = partial(views.recipient, work.connection, command.recipient_id)
        check_may_use_inbox(command.recipient_id, owner)
        notification = work.repository(Notification).find(command.notification_id)
        if notification is None or notification.recipient_id != command.recipient_id:
            raise NotificationNotFound(f"no notification {command.notification_id!r} here")
        if not notification.read:
            notification.mark_read()
        work.flush()
        view = views.notification(work.connection, command.notification_id)
        work.commit()
    assert view is not None, "projected in the same transaction"
    return view


def mark_all_read(command: commands.MarkAllRead, uow: UnitOfWorkFactory) -> int:
    """Marks what is unread now; returns how many. Retried once on a concurrent MarkRead."""
    return _once_more_on_conflict(partial(_mark_all_read_once, command, uow))


def _once_more_on_conflict(attempt: Callable[[], T]) -> T:
    """A concurrent MarkRead of the same notification wins the race; the retry sees it read."""
    try:
        return attempt()
    except VersionConflict:
        return attempt()


def _mark_all_read_once(command: commands.MarkAllRead, uow: UnitOfWorkFactory) -> int:
    with uow() as work:
        owner = partial(views.recipient, work.connection, command.recipient_id)
        check_may_use_inbox(command.recipient_id, owner)
        marked = 0
        repository = work.repository(Notification)
        for notification_id in views.unread_ids(work.connection, command.recipient_id):
            notification = repository.get(notification_id)
            if not notification.read:
                notification.mark_read()
                marked += 1
        work.commit()
    return marked


def unread_count(query: queries.UnreadCount, read: ReadConnection) -> int:
    check_may_use_inbox(query.recipient_id, owner_via(read, query.recipient_id))
    with read() as connection:
        return views.unread_counts(connection, [query.recipient_id])[query.recipient_id]


def owner_via(read: ReadConnection, recipient_id: str) -> Owner:
    """Who owns the inbox, looked up on its own connection when the access check asks."""

    def owner() -> views.RecipientView | None:
        with read() as connection:
            return views.recipient(connection, recipient_id)

    return owner


def lookup_recipient(query: queries.LookupRecipient, read: ReadConnection) -> views.RecipientView:
    with read() as connection:
        found = views.recipient_by_email(connection, str(query.email))
    if found is None:
        raise NotFound("no recipient has this email address")
    return found


EVENT_HANDLERS: dict[type, Callable[..., None]] = {
    registry.OrganisationRegistered: on_organisation_registered,
    **{event_class: on_organisation_event for event_class in FOR_ORGANISATION_CONTACT},
    registry.PersonJoined: on_person_changed,
    registry.PersonUpdated: on_person_changed,
    registry.PersonForgotten: on_person_forgotten,
    **{event_class: on_person_event for event_class in FOR_PERSON},
}
COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    commands.MarkRead: mark_read,
    commands.MarkAllRead: mark_all_read,
    commands.UpdatePreferences: email.update_preferences,
}
QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.ListNotifications: list_notifications,
    queries.LookupRecipient: lookup_recipient,
    queries.UnreadCount: unread_count,
    queries.GetPreferences: email.get_preferences,
    queries.ListDeliveries: email.list_deliveries,
}
# Need the unsubscribe keys besides a unit of work or nothing.
UNSUBSCRIBE_COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    commands.Unsubscribe: email.unsubscribe_by_link,
}
UNSUBSCRIBE_QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.CheckUnsubscribeToken: email.check_unsubscribe_token,
}
# Needs the api process's fan-out besides a read connection.
LIVE_QUERY_HANDLERS: dict[type, Callable[..., Any]] = {queries.WatchInbox: watch_inbox}
