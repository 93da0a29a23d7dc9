"""The call for contributions' RPCs of EventsService (a mixin of ``EventsServicer``)."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.events.v1 import events_pb2
from ecbm_events.application.contributions import commands as contrib
from ecbm_events.entrypoints.messages import (
    child_name,
    contribution_proto,
    enum_in,
    event_id,
    slot_fields,
)
from ecbm_runtime.actor import current_actor
from ecbm_runtime.grpc.convert import clamp_page_size, decode_page_token, encode_page_token
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

Context = grpc.ServicerContext


class ContributionsApi:
    bus: MessageBus[Any]

    def ProposeContribution(
        self, request: events_pb2.ProposeContributionRequest, context: Context
    ) -> events_pb2.Contribution:
        fields = {
            "actor": current_actor(),
            "event_id": event_id(request.parent, "parent"),
            "title": request.contribution.title,
            "abstract": request.contribution.abstract,
            "request_id": request.request_id,
        }
        renamed = {"title": "contribution.title", "abstract": "contribution.abstract"}
        command = validated(contrib.ProposeContribution, fields, renamed)
        return self._contribution(command.event_id, self.bus.handle(command))

    def GetContribution(
        self, request: events_pb2.GetContributionRequest, context: Context
    ) -> events_pb2.Contribution:
        return self._contribution(*child_name(request.name, "contributions"))

    def ListContributions(
        self, request: events_pb2.ListContributionsRequest, context: Context
    ) -> events_pb2.ListContributionsResponse:
        fields = {
            "actor": current_actor(),
            "event_id": event_id(request.parent, "parent"),
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(contrib.ListContributions, fields, {}))
        return events_pb2.ListContributionsResponse(
            contributions=[contribution_proto(c) for c in page.contributions],
            next_page_token=_token(page.next_offset),
            total_size=page.total_size,
        )

    def ReviewContribution(
        self, request: events_pb2.ReviewContributionRequest, context: Context
    ) -> events_pb2.Contribution:
        event, contribution = child_name(request.name, "contributions")
        fields = {
            "actor": current_actor(),
            "event_id": event,
            "contribution_id": contribution,
            "decision": enum_in(events_pb2.ReviewDecision, "REVIEW_DECISION_", request.decision),
            "note": request.note,
            "session": slot_fields(request.session) if request.HasField("session") else None,
        }
        self.bus.handle(validated(contrib.ReviewContribution, fields, {}))
        return self._contribution(event, contribution)

    def ReviseContribution(
        self, request: events_pb2.ReviseContributionRequest, context: Context
    ) -> events_pb2.Contribution:
        event, contribution = child_name(request.name, "contributions")
        fields = {
            "actor": current_actor(),
            "event_id": event,
            "contribution_id": contribution,
            "title": request.contribution.title,
            "abstract": request.contribution.abstract,
        }
        renamed = {"title": "contribution.title", "abstract": "contribution.abstract"}
        self.bus.handle(validated(contrib.ReviseContribution, fields, renamed))
        return self._contribution(event, contribution)

    def _contribution(self, event: str, contribution: str) -> events_pb2.Contribution:
        query = contrib.GetContribution(
            actor=current_actor(), event_id=event, contribution_id=contribution
        )
        return contribution_proto(self.bus.handle(query))


def _token(next_offset: int | None) -> str:
    return encode_page_token({"offset": next_offset}) if next_offset is not None else ""
