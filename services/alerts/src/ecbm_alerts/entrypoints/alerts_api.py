"""The servicer of AlertsService: proto -> message -> bus -> proto; nothing else."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.alerts.v1 import alerts_pb2 as pb
from ecbm.alerts.v1 import alerts_pb2_grpc
from ecbm_alerts.application import commands as c
from ecbm_alerts.entrypoints.messages import (
    enum_in,
    item_id,
    item_kinds,
    item_proto,
    source_id,
    source_proto,
    subscription_id,
    subscription_proto,
    terms_fields,
)
from ecbm_runtime.actor import current_actor
from ecbm_runtime.grpc.convert import clamp_page_size, decode_page_token, encode_page_token
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

Context = grpc.ServicerContext
_SOURCE = {"": "source", "name": "source.display_name"}
_SUBSCRIPTION = {
    "terms.name": "subscription.display_name",
    "terms.organisation_id": "subscription.organisation",
    "terms": "subscription",
}


class AlertsServicer(alerts_pb2_grpc.AlertsServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    # --- sources
    def CreateSource(self, request: pb.CreateSourceRequest, context: Context) -> pb.Source:
        s = request.source
        fields = {
            "actor": current_actor(),
            "name": s.display_name,
            "kind": enum_in(pb.SourceKind, "SOURCE_KIND_", s.kind, "source.kind"),
            "url": s.url,
            "item_kind": enum_in(pb.ItemKind, "ITEM_KIND_", s.item_kind, "source.item_kind")
            or "policy_document",
            "query": s.query,
            "interval_minutes": s.interval_minutes or 60,
            "request_id": request.request_id,
        }
        command = validated(c.AddSource, fields, {**_SOURCE, "request_id": "request_id"})
        return self._source(self.bus.handle(command))

    def GetSource(self, request: pb.GetSourceRequest, context: Context) -> pb.Source:
        return self._source(source_id(request.name))

    def ListSources(
        self, request: pb.ListSourcesRequest, context: Context
    ) -> pb.ListSourcesResponse:
        found = self.bus.handle(c.ListSources(actor=current_actor()))
        return pb.ListSourcesResponse(sources=[source_proto(s) for s in found])

    def PauseSource(self, request: pb.PauseSourceRequest, context: Context) -> pb.Source:
        self.bus.handle(c.PauseSource(actor=current_actor(), source_id=source_id(request.name)))
        return self._source(source_id(request.name))

    def ResumeSource(self, request: pb.ResumeSourceRequest, context: Context) -> pb.Source:
        self.bus.handle(c.ResumeSource(actor=current_actor(), source_id=source_id(request.name)))
        return self._source(source_id(request.name))

    def DeleteSource(
        self, request: pb.DeleteSourceRequest, context: Context
    ) -> pb.DeleteSourceResponse:
        self.bus.handle(c.RemoveSource(actor=current_actor(), source_id=source_id(request.name)))
        return pb.DeleteSourceResponse()

    def PollSource(self, request: pb.PollSourceRequest, context: Context) -> pb.PollSourceResponse:
        id = source_id(request.name)
        result = self.bus.handle(c.PollSource(actor=current_actor(), source_id=id))
        return pb.PollSourceResponse(
            source=self._source(id), new_items=result.new, merged_items=result.merged
        )

    def _source(self, id: str) -> pb.Source:
        return source_proto(self.bus.handle(c.GetSource(actor=current_actor(), source_id=id)))

    # --- items
    def CreateItem(self, request: pb.CreateItemRequest, context: Context) -> pb.Item:
        i = request.item
        fields = {
            "actor": current_actor(),
            "kind": enum_in(pb.ItemKind, "ITEM_KIND_", i.kind, "item.kind"),
            "title": i.title,
            "url": i.url,
            "summary": i.summary,
            "identifier": i.identifier,
            "deadlines": list(i.deadlines),
            "status": i.status or None,
            "programme": i.programme,
            "countries": list(i.countries),
        }
        command = validated(c.CreateItem, fields, {"": "item"})
        return self._item(self.bus.handle(command))

    def GetItem(self, request: pb.GetItemRequest, context: Context) -> pb.Item:
        return self._item(item_id(request.name))

    def ListItems(self, request: pb.ListItemsRequest, context: Context) -> pb.ListItemsResponse:
        fields = {
            "actor": current_actor(),
            "query": request.query,
            "kinds": item_kinds(request.kinds, "kinds"),
            "topic": request.topic,
            "best_only": request.best_only,
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(c.ListItems, fields, {}))
        token = encode_page_token({"offset": page.next_offset}) if page.next_offset else ""
        return pb.ListItemsResponse(
            items=[item_proto(i) for i in page.rows],
            next_page_token=token,
            total_size=page.total_size,
        )

    def CurateItem(self, request: pb.CurateItemRequest, context: Context) -> pb.Item:
        fields = {
            "actor": current_actor(),
            "item_id": item_id(request.name),
            "pinned": request.pinned,
            "hidden": request.hidden,
            "note": request.note,
        }
        return self._item(self.bus.handle(validated(c.CurateItem, fields, {})))

    def PickItemForNewsletter(
        self, request: pb.PickItemForNewsletterRequest, context: Context
    ) -> pb.Item:
        command = c.PickForNewsletter(actor=current_actor(), item_id=item_id(request.name))
        return self._item(self.bus.handle(command))

    def FindPartners(
        self, request: pb.FindPartnersRequest, context: Context
    ) -> pb.FindPartnersResponse:
        fields = {
            "actor": current_actor(),
            "item_id": item_id(request.name),
            "message": request.message,
        }
        request_id = self.bus.handle(validated(c.FindPartners, fields, {}))
        return pb.FindPartnersResponse(request_id=request_id)

    def _item(self, id: str) -> pb.Item:
        return item_proto(self.bus.handle(c.GetItem(actor=current_actor(), item_id=id)))

    # --- subscriptions
    def CreateSubscription(
        self, request: pb.CreateSubscriptionRequest, context: Context
    ) -> pb.Subscription:
        fields = {
            "actor": current_actor(),
            "terms": terms_fields(request.subscription),
            "request_id": request.request_id,
        }
        command = validated(c.CreateSubscription, fields, _SUBSCRIPTION)
        return self._subscription(self.bus.handle(command))

    def GetSubscription(
        self, request: pb.GetSubscriptionRequest, context: Context
    ) -> pb.Subscription:
        return self._subscription(subscription_id(request.name))

    def ListSubscriptions(
        self, request: pb.ListSubscriptionsRequest, context: Context
    ) -> pb.ListSubscriptionsResponse:
        found = self.bus.handle(c.ListSubscriptions(actor=current_actor()))
        return pb.ListSubscriptionsResponse(subscriptions=[subscription_proto(s) for s in found])

    def UpdateSubscription(
        self, request: pb.UpdateSubscriptionRequest, context: Context
    ) -> pb.Subscription:
        id = subscription_id(request.subscription.name, "subscription.name")
        fields = {
            "actor": current_actor(),
            "subscription_id": id,
            "terms": terms_fields(request.subscription),
        }
        self.bus.handle(validated(c.UpdateSubscription, fields, _SUBSCRIPTION))
        return self._subscription(id)

    def DeleteSubscription(
        self, request: pb.DeleteSubscriptionRequest, context: Context
    ) -> pb.DeleteSubscriptionResponse:
        id = subscription_id(request.name)
        self.bus.handle(c.DeleteSubscription(actor=current_actor(), subscription_id=id))
        return pb.DeleteSubscriptionResponse()

    def _subscription(self, id: str) -> pb.Subscription:
        query = c.GetSubscription(actor=current_actor(), subscription_id=id)
        return subscription_proto(self.bus.handle(query))
