"""The series' RPCs of EventsService (a mixin of ``EventsServicer``)."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.events.v1 import events_pb2
from ecbm_events.adapters.series.views import SeriesView
from ecbm_events.application.series import commands
from ecbm_events.entrypoints.messages import enum_in, enum_out
from ecbm_runtime.actor import current_actor
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    timestamp,
)
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

Context = grpc.ServicerContext
_RENAMED = {
    "kind": "series.kind",
    "title": "series.title",
    "description": "series.description",
    "published": "series.published",
}


class SeriesApi:
    bus: MessageBus[Any]

    def CreateSeries(
        self, request: events_pb2.CreateSeriesRequest, context: Context
    ) -> events_pb2.Series:
        fields = {
            "actor": current_actor(),
            "kind": enum_in(events_pb2.EventKind, "EVENT_KIND_", request.series.kind),
            "title": request.series.title,
            "description": request.series.description,
            "published": request.series.published,
            "request_id": request.request_id,
        }
        command = validated(commands.CreateSeries, fields, _RENAMED)
        return self._series(self.bus.handle(command))

    def UpdateSeries(
        self, request: events_pb2.UpdateSeriesRequest, context: Context
    ) -> events_pb2.Series:
        fields = {
            "actor": current_actor(),
            "series_id": resource_id(request.series.name, "series", "series.name"),
            "title": request.series.title,
            "description": request.series.description,
            "published": request.series.published,
        }
        command = validated(commands.UpdateSeries, fields, _RENAMED)
        return self._series(self.bus.handle(command))

    def GetSeries(
        self, request: events_pb2.GetSeriesRequest, context: Context
    ) -> events_pb2.Series:
        return self._series(resource_id(request.name, "series", "name"))

    def ListSeries(
        self, request: events_pb2.ListSeriesRequest, context: Context
    ) -> events_pb2.ListSeriesResponse:
        fields = {
            "actor": current_actor(),
            "kind": enum_in(events_pb2.EventKind, "EVENT_KIND_", request.kind),
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(commands.ListSeries, fields, {}))
        return events_pb2.ListSeriesResponse(
            series=[series_proto(s) for s in page.series],
            next_page_token=(
                encode_page_token({"offset": page.next_offset})
                if page.next_offset is not None
                else ""
            ),
            total_size=page.total_size,
        )

    def _series(self, series_id: str) -> events_pb2.Series:
        query = commands.GetSeries(actor=current_actor(), series_id=series_id)
        return series_proto(self.bus.handle(query))


def series_proto(view: SeriesView) -> events_pb2.Series:
    return events_pb2.Series(
        name=f"series/{view.id}",
        kind=enum_out(events_pb2.EventKind, "EVENT_KIND_", view.kind.value),
        title=view.title,
        description=view.description,
        published=view.published,
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
    )
