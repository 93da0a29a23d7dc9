"""The web inbox's use cases: reading notifications and marking them read."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from ecbm_notify.adapters.inbox.views import NotificationPage, NotificationView, RecipientView
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.access import check_may_use_inbox, resolve_recipient
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.inbox import commands, queries
from ecbm_notify.domain.notification import Notification, NotificationNotFound
from ecbm_runtime.errors import NotFound
from ecbm_runtime.eventstore import VersionConflict

T = TypeVar("T")


def check_owner(views: NotifyViews, recipient_id: str) -> str:
    """The inbox's id (``me``: the caller's own) once the caller may use it."""
    recipient_id = resolve_recipient(recipient_id, views.people.recipient_of_person)
    check_may_use_inbox(
        partial(views.inbox.recipient, recipient_id), views.people.verified_address_of
    )
    return recipient_id


def mark_read(command: commands.MarkRead, deps: NotifyDependencies) -> None:
    """Idempotent for the caller: an already read notification stays as it is."""
    _once_more_on_conflict(partial(_mark_read_once, command, deps))


def _mark_read_once(command: commands.MarkRead, deps: NotifyDependencies) -> None:
    with deps.uow() as work:
        recipient_id = check_owner(work.views, command.recipient_id)
        notification = work.repository(Notification).find(command.notification_id)
        if notification is None or notification.recipient_id != recipient_id:
            raise NotificationNotFound(f"no notification {command.notification_id!r} here")
        if not notification.read:
            notification.mark_read()
        work.commit()


def mark_all_read(command: commands.MarkAllRead, deps: NotifyDependencies) -> int:
    """Marks what is unread now; returns how many. Retried once on a concurrent MarkRead."""
    return _once_more_on_conflict(partial(_mark_all_read_once, command, deps))


def _once_more_on_conflict(attempt: Callable[[], T]) -> T:
    """A concurrent MarkRead of the same notification wins the race; the retry sees it read."""
    try:
        return attempt()
    except VersionConflict:
        return attempt()


def _mark_all_read_once(command: commands.MarkAllRead, deps: NotifyDependencies) -> int:
    with deps.uow() as work:
        recipient_id = check_owner(work.views, command.recipient_id)
        marked = 0
        repository = work.repository(Notification)
        for notification_id in work.views.inbox.unread_ids(recipient_id):
            notification = repository.get(notification_id)
            if not notification.read:
                notification.mark_read()
                marked += 1
        work.commit()
    return marked


def list_notifications(
    query: queries.ListNotifications, deps: NotifyDependencies
) -> NotificationPage:
    with deps.read() as views:
        recipient_id = check_owner(views, query.recipient_id)
        return views.inbox.list_notifications(
            query.model_copy(update={"recipient_id": recipient_id})
        )


def get_notification(query: queries.GetNotification, deps: NotifyDependencies) -> NotificationView:
    with deps.read() as views:
        recipient_id = check_owner(views, query.recipient_id)
        view = views.inbox.notification(query.notification_id)
    if view is None or view.recipient_id != recipient_id:
        raise NotificationNotFound(f"no notification {query.notification_id!r} here")
    return view


def unread_count(query: queries.UnreadCount, deps: NotifyDependencies) -> int:
    with deps.read() as views:
        recipient_id = check_owner(views, query.recipient_id)
        return views.inbox.unread_counts([recipient_id])[recipient_id]


def lookup_recipient(query: queries.LookupRecipient, deps: NotifyDependencies) -> RecipientView:
    with deps.read() as views:
        found = views.inbox.recipient_by_email(str(query.email))
    if found is None:
        raise NotFound("no recipient has this email address")
    return found
