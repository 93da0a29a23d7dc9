"""The web inbox: notifications, their read model, and what people do with them."""

from __future__ import annotations

from ecbm_notify.adapters.inbox.projections import PROJECTIONS
from ecbm_notify.adapters.read_models import notifications
from ecbm_notify.application.inbox import commands, handlers, queries
from ecbm_notify.application.inbox.watching import watch_inbox
from ecbm_notify.domain.notification import NotificationCreated, NotificationRead
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=[NotificationCreated, NotificationRead],
    projections=PROJECTIONS,
    handlers={
        commands.MarkRead: handlers.mark_read,
        commands.MarkAllRead: handlers.mark_all_read,
        queries.ListNotifications: handlers.list_notifications,
        queries.GetNotification: handlers.get_notification,
        queries.LookupRecipient: handlers.lookup_recipient,
        queries.UnreadCount: handlers.unread_count,
        queries.WatchInbox: watch_inbox,
    },
    read_model_tables=[notifications],
)
