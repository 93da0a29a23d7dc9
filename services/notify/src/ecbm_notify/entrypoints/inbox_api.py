"""gRPC servicer of notify: the web inbox, translated to and from queries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import grpc

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm.notify.v1 import notify_pb2_grpc
from ecbm_notify.adapters.email.deliveries import DeliveryView
from ecbm_notify.adapters.inbox.views import NotificationView, RecipientView
from ecbm_notify.adapters.live import InboxUpdate
from ecbm_notify.application.email import commands as email_commands
from ecbm_notify.application.email import queries as email_queries
from ecbm_notify.application.inbox import commands, queries
from ecbm_notify.domain.preferences import Preference
from ecbm_runtime.grpc.access import by_method_name, policy_of
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    timestamp,
)
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["NotifyService"].full_name
# The HTTP inbox routes share the gRPC methods' declared access (notify.proto).
ACCESS = by_method_name(policy_of([SERVICE_NAME]), SERVICE_NAME)

_FREQUENCIES = {
    "off": pb.FREQUENCY_OFF,
    "immediately": pb.FREQUENCY_IMMEDIATELY,
    "daily": pb.FREQUENCY_DAILY_DIGEST,
    "weekly": pb.FREQUENCY_WEEKLY_DIGEST,
}
_FREQUENCY_NAMES = {number: name for name, number in _FREQUENCIES.items()}
_CHANGES = {
    "unread_count": pb.WatchNotificationsResponse.CHANGE_UNREAD_COUNT,
    "created": pb.WatchNotificationsResponse.CHANGE_CREATED,
    "read": pb.WatchNotificationsResponse.CHANGE_READ,
    "resync": pb.WatchNotificationsResponse.CHANGE_RESYNC,
}


class StreamSlots:
    """Caps open WatchNotifications streams: each holds a server thread until it ends,
    so without a cap watchers could take every thread and starve unary calls."""

    def __init__(self, limit: int) -> None:
        self._free = threading.BoundedSemaphore(limit)

    def take(self, context: grpc.ServicerContext) -> None:
        if not self._free.acquire(blocking=False):
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "too many open watches; retry later")
        context.add_callback(self._free.release)


class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    def __init__(self, bus: MessageBus[Any], stream_slots: StreamSlots) -> None:
        self.bus = bus
        self.stream_slots = stream_slots

    def ListNotifications(
        self, request: pb.ListNotificationsRequest, context: grpc.ServicerContext
    ) -> pb.ListNotificationsResponse:
        after = decode_page_token(request.page_token).get("after", "") if request.page_token else ""
        query = queries.ListNotifications(
            recipient_id=resource_id(request.parent, "recipients", "parent"),
            page_size=clamp_page_size(request.page_size),
            after=str(after),
            unread_only=request.unread_only,
        )
        page = self.bus.handle(query)
        return pb.ListNotificationsResponse(
            notifications=[notification_to_proto(n) for n in page.notifications],
            next_page_token=encode_page_token({"after": page.next_after})
            if page.next_after
            else "",
            total_size=page.total_size,
        )

    def LookupRecipient(
        self, request: pb.LookupRecipientRequest, context: grpc.ServicerContext
    ) -> pb.Recipient:
        return recipient_to_proto(self.bus.handle(queries.LookupRecipient(email=request.email)))

    def MarkRead(
        self, request: pb.MarkReadRequest, context: grpc.ServicerContext
    ) -> pb.Notification:
        recipient_id, notification_id = notification_ids(request.name)
        command = commands.MarkRead(recipient_id=recipient_id, notification_id=notification_id)
        self.bus.handle(command)
        query = queries.GetNotification(recipient_id=recipient_id, notification_id=notification_id)
        return notification_to_proto(self.bus.handle(query))

    def MarkAllRead(
        self, request: pb.MarkAllReadRequest, context: grpc.ServicerContext
    ) -> pb.MarkAllReadResponse:
        recipient_id = resource_id(request.parent, "recipients", "parent")
        marked = self.bus.handle(commands.MarkAllRead(recipient_id=recipient_id))
        return pb.MarkAllReadResponse(marked_count=marked)

    def UnreadCount(
        self, request: pb.UnreadCountRequest, context: grpc.ServicerContext
    ) -> pb.UnreadCountResponse:
        recipient_id = resource_id(request.parent, "recipients", "parent")
        count = self.bus.handle(queries.UnreadCount(recipient_id=recipient_id))
        return pb.UnreadCountResponse(unread_count=count)

    def WatchNotifications(
        self, request: pb.WatchNotificationsRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchNotificationsResponse]:
        recipient_id = resource_id(request.parent, "recipients", "parent")
        self.stream_slots.take(context)
        watch = self.bus.handle(queries.WatchInbox(recipient_id=recipient_id))
        context.add_callback(watch.close)  # cancelled by the client or by the server's stop
        yield from (update_to_proto(update) for update in watch)
        if context.is_active():  # the server is stopping: tell the client to watch again
            context.abort(grpc.StatusCode.UNAVAILABLE, "notify is stopping; watch again")

    def GetPreferences(
        self, request: pb.GetPreferencesRequest, context: grpc.ServicerContext
    ) -> pb.Preferences:
        recipient_id = preferences_owner(request.name, "name")
        chosen = self.bus.handle(email_queries.GetPreferences(recipient_id=recipient_id))
        return preferences_to_proto(recipient_id, chosen)

    def UpdatePreferences(
        self, request: pb.UpdatePreferencesRequest, context: grpc.ServicerContext
    ) -> pb.Preferences:
        recipient_id = preferences_owner(request.preferences.name, "preferences.name")
        entries = [
            email_commands.PreferenceEntry(
                topic=entry.topic,
                channel=entry.channel,
                frequency=_FREQUENCY_NAMES.get(entry.frequency, "unspecified"),
            )
            for entry in request.preferences.preferences
        ]
        command = email_commands.UpdatePreferences(recipient_id=recipient_id, entries=entries)
        self.bus.handle(command)
        chosen = self.bus.handle(email_queries.GetPreferences(recipient_id=recipient_id))
        return preferences_to_proto(recipient_id, chosen)

    def ListDeliveries(
        self, request: pb.ListDeliveriesRequest, context: grpc.ServicerContext
    ) -> pb.ListDeliveriesResponse:
        after = decode_page_token(request.page_token).get("after")
        query = email_queries.ListDeliveries(
            recipient_id=resource_id(request.recipient, "recipients", "recipient")
            if request.recipient
            else "",
            notification_type=request.notification_type,
            status=request.status,
            channel=request.channel,
            page_size=clamp_page_size(request.page_size),
            after=tuple(after) if isinstance(after, list) and len(after) == 2 else None,
        )
        views, next_key, total = self.bus.handle(query)
        return pb.ListDeliveriesResponse(
            deliveries=[delivery_to_proto(view) for view in views],
            next_page_token=encode_page_token({"after": list(next_key)}) if next_key else "",
            total_size=total,
        )


def preferences_owner(name: str, field: str) -> str:
    """The recipient id of "recipients/{r}/preferences"."""
    return resource_id(name.removesuffix("/preferences"), "recipients", field)


def preferences_to_proto(recipient_id: str, chosen: list[Preference]) -> pb.Preferences:
    return pb.Preferences(
        name=f"recipients/{recipient_id}/preferences",
        preferences=[
            pb.Preference(
                topic=p.topic, channel=p.channel, frequency=_FREQUENCIES[p.frequency],
                is_default=p.is_default,
            )
            for p in chosen
        ],
    )  # fmt: skip


def delivery_to_proto(view: DeliveryView) -> pb.Delivery:
    return pb.Delivery(
        name=f"deliveries/{view.id}",
        recipient=f"recipients/{view.recipient_id}",
        channel=view.channel,
        notification_type=view.notification_type,
        topic=view.topic,
        status=view.status,
        attempts=view.attempts,
        last_error=view.last_error or "",
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
        send_time=timestamp(view.send_time),
        next_attempt_time=timestamp(view.next_attempt_time),
        history=[
            pb.DeliveryEvent(status=e.status, reason=e.reason or "", time=timestamp(e.time))
            for e in view.history
        ],
    )


def notification_ids(name: str) -> tuple[str, str]:
    """(recipient id, notification id) of "recipients/{r}/notifications/{n}"."""
    recipient, _, notification = name.partition("/notifications/")
    return resource_id(recipient, "recipients", "name"), resource_id(
        f"notifications/{notification}", "notifications", "name"
    )


def update_to_proto(update: InboxUpdate) -> pb.WatchNotificationsResponse:
    response = pb.WatchNotificationsResponse(
        change=_CHANGES[update.change], unread_count=update.unread_count
    )
    if update.notification is not None:
        response.notification.CopyFrom(notification_to_proto(update.notification))
    return response


def notification_to_proto(view: NotificationView) -> pb.Notification:
    return pb.Notification(
        name=f"recipients/{view.recipient_id}/notifications/{view.id}",
        topic=view.topic,
        title=view.title,
        body=view.body,
        link=view.link,
        source_event_type=view.source_event_type,
        read=view.read,
        create_time=timestamp(view.create_time),
    )


def recipient_to_proto(view: RecipientView) -> pb.Recipient:
    return pb.Recipient(
        name=f"recipients/{view.id}",
        display_name=view.display_name,
        email=view.email or view.pending_email or "",
    )
