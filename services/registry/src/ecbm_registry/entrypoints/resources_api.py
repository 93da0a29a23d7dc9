"""gRPC servicer of shared resources: proto → command/query → bus → proto, nothing else."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.registry.v1 import resources_pb2 as pb
from ecbm.registry.v1 import resources_pb2_grpc
from ecbm_registry.adapters.paging import Page
from ecbm_registry.adapters.resources.views import ResourceView
from ecbm_registry.application.resources import commands, queries
from ecbm_registry.entrypoints.proto_fields import (
    domain_value,
    page_fields,
    page_token,
    proto_value,
)
from ecbm_runtime.actor import current_actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.convert import apply_field_mask, timestamp
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ResourcesService"].full_name
UPDATABLE = frozenset(commands.ResourceChanges.model_fields)
KIND, STATUS = "RESOURCE_KIND_", "RESOURCE_STATUS_"
STEP_PATHS = {"resource_id": "name", "expected_version": "version"}


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        resources_pb2_grpc.add_ResourcesServiceServicer_to_server,
        ResourcesServicer(bus),
        SERVICE_NAME,
    )


class ResourcesServicer(resources_pb2_grpc.ResourcesServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def _changed(self, command: commands.Action) -> pb.Resource:
        """Handle ``command``, then answer the resource it changed as its actor sees it."""
        query = queries.GetResource(actor=command.actor, resource_id=self.bus.handle(command))
        return resource_to_proto(self.bus.handle(query))

    def CreateResource(
        self, request: pb.CreateResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        fields = {
            "actor": current_actor(),
            "request_id": request.request_id,
            **_content_fields(request.resource),
        }
        fields["author_display_name"] = request.resource.author_display_name
        command = validated(
            commands.CreateResource, fields, {"request_id": "request_id", "": "resource"}
        )
        return self._changed(command)

    def GetResource(
        self, request: pb.GetResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        query = queries.GetResource(
            actor=current_actor(), resource_id=resource_id(request.name, "resources", "name")
        )
        return resource_to_proto(self.bus.handle(query))

    def UpdateResource(
        self, request: pb.UpdateResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        return self._changed(_update_command(request))

    def ArchiveResource(
        self, request: pb.ArchiveResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        return self._changed(_step(commands.ArchiveResource, request))

    def ListResources(
        self, request: pb.ListResourcesRequest, context: grpc.ServicerContext
    ) -> pb.ListResourcesResponse:
        page: Page = self.bus.handle(validated(queries.ListResources, _list_fields(request), {}))
        return pb.ListResourcesResponse(
            resources=[resource_to_proto(r) for r in page.items],
            next_page_token=page_token(page),
            total_size=page.total_size,
        )

    def SubmitResource(
        self, request: pb.SubmitResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        return self._changed(_step(commands.SubmitResource, request))

    def PublishResource(
        self, request: pb.PublishResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        return self._changed(_step(commands.PublishResource, request))

    def ReturnResource(
        self, request: pb.ReturnResourceRequest, context: grpc.ServicerContext
    ) -> pb.Resource:
        command = _step(commands.ReturnResource, request, comments=request.comments)
        return self._changed(command)

    def GetStoryFeed(
        self, request: pb.GetStoryFeedRequest, context: grpc.ServicerContext
    ) -> pb.StoryFeed:
        fields = {"max_entries": request.max_entries or 50, "language": request.language or None}
        feed = self.bus.handle(validated(queries.GetStoryFeed, fields, {}))
        return pb.StoryFeed(content_type=feed.content_type, data=feed.data)


def _content_fields(resource: pb.Resource) -> dict[str, Any]:
    return {
        "kind": domain_value(pb.ResourceKind, resource.kind, KIND, "resource.kind"),
        "title": resource.title,
        "summary": resource.summary, "body": resource.body, "link": resource.link or None,
        "language": resource.language or "en", "countries": list(resource.countries),
        "topics": list(resource.topics),
    }  # fmt: skip


def _update_command(request: pb.UpdateResourceRequest) -> commands.UpdateResource:
    paths = apply_field_mask(request.update_mask.paths, UPDATABLE)
    if not paths:
        raise InvalidArgument(FieldViolation("update_mask", "name the fields to change, or '*'"))
    resource = request.resource
    fields = {
        "actor": current_actor(),
        "resource_id": resource_id(resource.name, "resources", "resource.name"),
        "expected_version": resource.version,
        "changes": {k: v for k, v in _content_fields(resource).items() if k in paths},
    }
    renamed = {"changes": "resource", "expected_version": "resource.version"}
    return validated(commands.UpdateResource, fields, renamed)


def _step(command: type[commands.Step], request: Any, **more: Any) -> commands.Step:
    fields = {
        "actor": current_actor(),
        "resource_id": resource_id(request.name, "resources", "name"),
        **more,
    }
    return validated(command, {**fields, "expected_version": request.version}, STEP_PATHS)


def _list_fields(request: pb.ListResourcesRequest) -> dict[str, Any]:
    author = resource_id(request.author, "people", "author") if request.author else None
    return {
        **page_fields(request.page_size, request.page_token), "actor": current_actor(),
        "kind": domain_value(pb.ResourceKind, request.kind, KIND, "kind"),
        "status": domain_value(pb.ResourceStatus, request.status, STATUS, "status"),
        "author": author, "language": request.language or None, "order_by": request.order_by,
    }  # fmt: skip


def resource_to_proto(view: ResourceView) -> pb.Resource:
    return pb.Resource(
        name=f"resources/{view.id}", kind=proto_value(pb.ResourceKind, view.kind, KIND),
        title=view.title, summary=view.summary, body=view.body, link=view.link,
        language=view.language, countries=view.countries, topics=view.topics,
        author=f"people/{view.author}", author_display_name=view.author_display_name,
        status=proto_value(pb.ResourceStatus, view.status, STATUS),
        review_comments=view.review_comments, version=view.version,
        create_time=timestamp(view.create_time), update_time=timestamp(view.update_time),
        publish_time=timestamp(view.publish_time),
    )  # fmt: skip
