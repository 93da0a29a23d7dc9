"""gRPC servicer of notify: the web inbox, translated to and from queries."""

from __future__ import annotations

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm.notify.v1 import notify_pb2_grpc
from ecbm_notify.adapters.views import NotificationView, RecipientView
from ecbm_notify.application import queries
from ecbm_runtime.auth import AccessPolicy, allow
from ecbm_runtime.grpc.convert import clamp_page_size, decode_page_token, encode_page_token
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["NotifyService"].full_name

ACCESS: AccessPolicy = {
    # Members read their own inbox (checked in the use case); editors read any.
    "ListNotifications": allow("member", "editor", "auditor", "integrator"),
    "LookupRecipient": allow("editor", "integrator"),
}


class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    def __init__(self, bus: MessageBus) -> None:
        self.bus = bus

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


def notification_to_proto(view: NotificationView) -> pb.Notification:
    created = Timestamp()
    created.FromDatetime(view.create_time)
    return pb.Notification(
        name=f"recipients/{view.recipient_id}/notifications/{view.id}",
        topic=view.topic,
        title=view.title,
        body=view.body,
        link=view.link,
        source_event_type=view.source_event_type,
        read=view.read,
        create_time=created,
    )


def recipient_to_proto(view: RecipientView) -> pb.Recipient:
    return pb.Recipient(
        name=f"recipients/{view.id}", display_name=view.display_name, email=view.email
    )
