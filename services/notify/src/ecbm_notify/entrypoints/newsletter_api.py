"""gRPC servicer of the newsletter: proto → command/query → bus → proto, nothing else."""

from __future__ import annotations

from datetime import UTC
from typing import Any, TypeVar

import grpc
from pydantic import BaseModel

from ecbm.notify.v1 import newsletter_pb2 as pb
from ecbm.notify.v1 import newsletter_pb2_grpc
from ecbm_notify.adapters.newsletter.views import CampaignView, Page, SubscriberView
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.entrypoints.public_limits import PublicLimits
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.convert import (
    apply_field_mask,
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    timestamp,
)
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.ratelimit import peer_address

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["NewsletterService"].full_name
UPDATABLE = frozenset({"title", "subject", "language", "template", "blocks", "audience"})
_KINDS = {
    pb.ContentBlock.KIND_HEADING: "heading",
    pb.ContentBlock.KIND_PARAGRAPH: "paragraph",
    pb.ContentBlock.KIND_LINK: "link",
}
_KIND_OF = {kind: value for value, kind in _KINDS.items()}
_STATES = {
    pb.CAMPAIGN_STATE_DRAFT: "draft", pb.CAMPAIGN_STATE_SCHEDULED: "scheduled",
    pb.CAMPAIGN_STATE_SENDING: "sending", pb.CAMPAIGN_STATE_PAUSED: "paused",
    pb.CAMPAIGN_STATE_SENT: "sent", pb.CAMPAIGN_STATE_CANCELLED: "cancelled",
}  # fmt: skip
_STATE_OF = {state: value for value, state in _STATES.items()}
_SUBSCRIBER_STATES = {
    pb.Subscriber.STATE_PENDING: "pending",
    pb.Subscriber.STATE_CONFIRMED: "confirmed",
    pb.Subscriber.STATE_UNSUBSCRIBED: "unsubscribed",
}
_SUBSCRIBER_STATE_OF = {state: value for value, state in _SUBSCRIBER_STATES.items()}
M = TypeVar("M", bound=BaseModel)


def registration(bus: MessageBus[Any], limits: PublicLimits) -> ServiceRegistration:
    return ServiceRegistration(
        newsletter_pb2_grpc.add_NewsletterServiceServicer_to_server,
        NewsletterServicer(bus, limits),
        SERVICE_NAME,
    )


# The commands on one campaign, each answered with the campaign as it now is.
CampaignChange = (
    commands.UpdateCampaign
    | commands.ScheduleCampaign
    | commands.PauseCampaign
    | commands.ResumeCampaign
    | commands.CancelCampaign
)


class NewsletterServicer(newsletter_pb2_grpc.NewsletterServiceServicer):
    def __init__(self, bus: MessageBus[Any], limits: PublicLimits) -> None:
        self.bus = bus
        self.limits = limits

    def _campaign(self, campaign_id: str) -> pb.Campaign:
        """The campaign as it is now: what every campaign command answers with."""
        return campaign_to_proto(self.bus.handle(queries.GetCampaign(campaign_id=campaign_id)))

    def _changed(self, command: CampaignChange) -> pb.Campaign:
        """Handle a command on one campaign and answer with the campaign as it now is."""
        self.bus.handle(command)
        return self._campaign(command.campaign_id)

    def CreateCampaign(
        self, request: pb.CreateCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        fields = {"request_id": request.request_id, "draft": _draft_fields(request.campaign)}
        command = validated(commands.CreateCampaign, fields, {"draft": "campaign"})
        return self._campaign(self.bus.handle(command))

    def UpdateCampaign(
        self, request: pb.UpdateCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        paths = apply_field_mask(request.update_mask.paths, UPDATABLE)
        if not paths:
            raise InvalidArgument(FieldViolation("update_mask", "name fields to change, or '*'"))
        campaign = request.campaign
        fields = {
            "campaign_id": resource_id(campaign.name, "campaigns", "campaign.name"),
            "expected_version": campaign.version,
            "changes": {k: v for k, v in _draft_fields(campaign).items() if k in paths},
        }
        renamed = {"changes": "campaign", "expected_version": "campaign.version"}
        return self._changed(validated(commands.UpdateCampaign, fields, renamed))

    def GetCampaign(
        self, request: pb.GetCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        return self._campaign(_campaign_id(request.name))

    def ListCampaigns(
        self, request: pb.ListCampaignsRequest, context: grpc.ServicerContext
    ) -> pb.ListCampaignsResponse:
        query = queries.ListCampaigns(
            state=_STATES.get(request.state), **_page(request.page_size, request.page_token)
        )
        page: Page = self.bus.handle(query)
        return pb.ListCampaignsResponse(
            campaigns=[campaign_to_proto(c) for c in page.items],
            next_page_token=_token(page),
            total_size=page.total_size,
        )

    def PreviewCampaign(
        self, request: pb.PreviewCampaignRequest, context: grpc.ServicerContext
    ) -> pb.PreviewCampaignResponse:
        fields: dict[str, Any] = {"campaign_id": _campaign_id(request.name)}
        if request.recipient_name:
            fields["recipient_name"] = request.recipient_name
        preview = self.bus.handle(validated(queries.PreviewCampaign, fields, {}))
        return pb.PreviewCampaignResponse(
            subject=preview.subject, text=preview.text, html=preview.html
        )

    def ScheduleCampaign(
        self, request: pb.ScheduleCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        if not request.HasField("send_time"):
            raise InvalidArgument(FieldViolation("send_time", "required; SendCampaign sends now"))
        return self._changed(
            commands.ScheduleCampaign(
                campaign_id=_campaign_id(request.name),
                send_at=request.send_time.ToDatetime(tzinfo=UTC),
            )
        )

    def SendCampaign(
        self, request: pb.SendCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        return self._changed(commands.ScheduleCampaign(campaign_id=_campaign_id(request.name)))

    def PauseCampaign(
        self, request: pb.PauseCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        return self._changed(commands.PauseCampaign(campaign_id=_campaign_id(request.name)))

    def ResumeCampaign(
        self, request: pb.ResumeCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        return self._changed(commands.ResumeCampaign(campaign_id=_campaign_id(request.name)))

    def CancelCampaign(
        self, request: pb.CancelCampaignRequest, context: grpc.ServicerContext
    ) -> pb.Campaign:
        return self._changed(commands.CancelCampaign(campaign_id=_campaign_id(request.name)))

    def Subscribe(
        self, request: pb.SubscribeRequest, context: grpc.ServicerContext
    ) -> pb.SubscribeResponse:
        subscriber = request.subscriber
        fields = {
            "email": subscriber.email,
            "interests": {
                "display_name": subscriber.display_name,
                "language": subscriber.language or "en",
                "country": subscriber.country or None,
                "topics": list(subscriber.topics),
            },
        }
        renamed = {"interests": "subscriber", "email": "subscriber.email"}
        command = validated(commands.Subscribe, fields, renamed)
        # Over the address's limit the answer is the same, and no further mail is queued.
        if not self.limits.subscribe_per_address.try_acquire(command.email):
            self.bus.handle(command)
        return pb.SubscribeResponse(confirmation_sent=True)

    def ConfirmSubscription(
        self, request: pb.ConfirmSubscriptionRequest, context: grpc.ServicerContext
    ) -> pb.Subscriber:
        self.limits.links_per_client.check(peer_address(context))
        command = validated(commands.ConfirmSubscription, {"token": request.token}, {})
        subscriber_id = self.bus.handle(command)
        public = subscriber_to_proto(
            self.bus.handle(queries.GetSubscriber(subscriber_id=subscriber_id))
        )
        public.email = ""  # the token's holder learns only that it worked
        return public

    def ListSubscribers(
        self, request: pb.ListSubscribersRequest, context: grpc.ServicerContext
    ) -> pb.ListSubscribersResponse:
        query = queries.ListSubscribers(
            state=_SUBSCRIBER_STATES.get(request.state),  # type: ignore[arg-type]
            **_page(request.page_size, request.page_token),
        )
        page: Page = self.bus.handle(query)
        return pb.ListSubscribersResponse(
            subscribers=[subscriber_to_proto(s) for s in page.items],
            next_page_token=_token(page),
            total_size=page.total_size,
        )


def _campaign_id(name: str) -> str:
    return resource_id(name, "campaigns", "name")


def _page(page_size: int, token: str) -> dict[str, int]:
    offset = decode_page_token(token).get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise InvalidArgument(FieldViolation("page_token", "not a page token of this API"))
    return {"page_size": clamp_page_size(page_size), "offset": offset}


def _token(page: Page) -> str:
    return encode_page_token({"offset": page.next_offset}) if page.next_offset else ""


def _draft_fields(campaign: pb.Campaign) -> dict[str, Any]:
    audience = campaign.audience
    return {
        "title": campaign.title,
        "subject": campaign.subject,
        "language": campaign.language or "en",
        "template": campaign.template or "newsletter",
        "blocks": [
            {"kind": _KINDS.get(block.kind, "unspecified"), "text": block.text, "url": block.url}
            for block in campaign.blocks
        ],
        "audience": {
            "countries": list(audience.countries),
            "roles": list(audience.roles),
            "topics": list(audience.topics),
            "include_members": not audience.exclude_members,
            "include_subscribers": not audience.exclude_subscribers,
        },
    }


def campaign_to_proto(view: CampaignView) -> pb.Campaign:
    counts = view.counts
    audience = view.audience
    return pb.Campaign(
        name=f"campaigns/{view.id}",
        title=view.title,
        subject=view.subject,
        language=view.language,
        template=view.template,
        blocks=[
            pb.ContentBlock(kind=_KIND_OF[block.kind], text=block.text, url=block.url)
            for block in view.blocks
        ],
        audience=pb.Audience(
            countries=audience.countries,
            roles=audience.roles,
            topics=audience.topics,
            exclude_members=not audience.include_members,
            exclude_subscribers=not audience.include_subscribers,
        ),
        state=_STATE_OF[view.state],
        send_time=timestamp(view.send_time),
        audience_size=view.audience_size or 0,
        counts=pb.CampaignCounts(
            queued=counts.queued,
            sent=counts.sent,
            failed=counts.failed,
            skipped=counts.skipped,
            unsubscribed=counts.unsubscribed,
        ),
        created_by=view.created_by,
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
        complete_time=timestamp(view.complete_time),
    )


def subscriber_to_proto(view: SubscriberView) -> pb.Subscriber:
    return pb.Subscriber(
        name=f"subscribers/{view.id}",
        email=view.email,
        display_name=view.display_name,
        language=view.language,
        country=view.country or "",
        topics=view.topics,
        state=_SUBSCRIBER_STATE_OF[view.state],
        create_time=timestamp(view.create_time),
    )
