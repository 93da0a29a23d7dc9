"""gRPC servicer of the programme directory: proto → query → bus → proto."""

from __future__ import annotations

from typing import Any

from ecbm.registry.v1 import directory_pb2 as pb
from ecbm.registry.v1 import directory_pb2_grpc, registry_pb2
from ecbm_registry.application.directory import queries
from ecbm_registry.application.directory.results import DirectoryHit, SearchResult
from ecbm_registry.domain.programme import ProgrammeStatus
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    enum_name,
)
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["DirectoryService"].full_name
_STATUS_PREFIX = "PROGRAMME_STATUS_"

# The map of mentoring in Europe is for everyone.


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        directory_pb2_grpc.add_DirectoryServiceServicer_to_server,
        DirectoryServicer(bus),
        SERVICE_NAME,
    )


class DirectoryServicer(directory_pb2_grpc.DirectoryServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def SearchProgrammes(
        self, request: pb.SearchProgrammesRequest, context: Any
    ) -> pb.SearchProgrammesResponse:
        position = decode_page_token(request.page_token)
        offset, key = position.get("offset", 0), position.get("key")
        if request.page_token and not (isinstance(offset, int) and isinstance(key, str)):
            raise InvalidArgument(FieldViolation("page_token", "not a token of this search"))
        query = queries.SearchProgrammes.model_validate(
            {
                "query": request.query,
                "filter": _filter(request.filter),
                "page_size": clamp_page_size(request.page_size, default=20, maximum=100),
                "offset": offset,
                "page_key": key,
                "language": request.language or "en",
            }
        )
        result: SearchResult = self.bus.handle(query)
        token = ""
        if result.next_offset is not None:
            token = encode_page_token({"offset": result.next_offset, "key": result.key})
        return pb.SearchProgrammesResponse(
            results=[_hit(hit) for hit in result.hits],
            next_page_token=token,
            total_size=result.total_size,
            facets=[
                pb.Facet(
                    field=facet.field,
                    label=facet.label,
                    values=[
                        pb.FacetValue(value=v.value, label=v.label, count=v.count)
                        for v in facet.values
                    ],
                )
                for facet in result.facets
            ],
            did_you_mean=list(result.did_you_mean),
        )

    def GetMap(self, request: pb.GetMapRequest, context: Any) -> pb.GetMapResponse:
        query = queries.GetMap.model_validate(
            {"query": request.query, "filter": _filter(request.filter)}
        )
        result = self.bus.handle(query)
        return pb.GetMapResponse(
            geojson=result.geojson,
            countries=[
                pb.CountryAggregate(
                    country=c.country,
                    count=c.count,
                    target_groups=c.target_groups,
                    formats=c.formats,
                    evidence_levels=c.evidence_levels,
                )
                for c in result.countries
            ],
            total_size=result.total_size,
        )


def _filter(message: pb.DirectoryFilter) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "countries": list(message.countries),
        "target_groups": list(message.target_groups),
        "formats": list(message.formats),
        "focus_areas": list(message.focus_areas),
        "evidence_levels": list(message.evidence_levels),
        "quality_levels": list(message.quality_levels),
    }
    if message.status:
        name = enum_name(registry_pb2.ProgrammeStatus, message.status, "filter.status")
        fields["status"] = name.removeprefix(_STATUS_PREFIX).lower()
    return fields


def _hit(hit: DirectoryHit) -> pb.ProgrammeHit:
    location = None
    if hit.latitude is not None and hit.longitude is not None:
        location = registry_pb2.Location(latitude=hit.latitude, longitude=hit.longitude)
    return pb.ProgrammeHit(
        name=f"programmes/{hit.programme_id}",
        display_name=hit.display_name,
        organisation=f"organisations/{hit.organisation_id}",
        organisation_display_name=hit.organisation_name,
        countries=list(hit.countries),
        city=hit.city,
        snippet=hit.snippet,
        score=hit.score,
        quality_level=hit.quality_level,
        evidence_level=hit.evidence_level,
        target_groups=list(hit.target_groups),
        formats=list(hit.formats),
        focus_areas=list(hit.focus_areas),
        location=location,
        status=registry_pb2.ProgrammeStatus.Value(
            _STATUS_PREFIX + ProgrammeStatus(hit.status).name
        ),
    )
