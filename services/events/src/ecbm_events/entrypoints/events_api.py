"""The events servicer: proto request -> message -> bus -> proto (who may call: the proto)."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.events.v1 import events_pb2, events_pb2_grpc
from ecbm_events.application.programme.commands import (
    AddSession,
    CreateEvent,
    PublishEvent,
    PublishMaterial,
    SetEventSeries,
)
from ecbm_events.application.programme.handlers import CalendarFile
from ecbm_events.application.programme.queries import (
    DisplayIn,
    GetEvent,
    GetEventCalendar,
    ListEvents,
    ListMaterials,
)
from ecbm_events.application.registrations import commands as reg
from ecbm_events.application.registrations.handlers import RegistrationRef
from ecbm_events.application.registrations.queries import (
    GetMyCalendar,
    GetRegistration,
    ListRegistrations,
)
from ecbm_events.entrypoints.contributions_api import ContributionsApi
from ecbm_events.entrypoints.messages import (
    certificate_proto,
    enum_in,
    event_fields,
    event_id,
    event_proto,
    material_fields,
    material_proto,
    registration_name,
    registration_proto,
    series_id,
    session_fields,
)
from ecbm_events.entrypoints.series_api import SeriesApi
from ecbm_runtime.actor import current_actor
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    timestamp,
)
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

Context = grpc.ServicerContext


class EventsServicer(ContributionsApi, SeriesApi, events_pb2_grpc.EventsServiceServicer):
    """Every RPC of EventsService; the call for contributions' in ``ContributionsApi``,
    the series' in ``SeriesApi``."""

    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def CreateEvent(
        self, request: events_pb2.CreateEventRequest, context: Context
    ) -> events_pb2.Event:
        fields = {
            **event_fields(request.event),
            "actor": current_actor(),
            "request_id": request.request_id,
        }
        command = validated(CreateEvent, fields, {"request_id": "request_id", "": "event"})
        return self._event(self.bus.handle(command))

    def GetEvent(self, request: events_pb2.GetEventRequest, context: Context) -> events_pb2.Event:
        zone = validated(DisplayIn, {"display_time_zone": request.display_time_zone}, {})
        return self._event(event_id(request.name), zone.display_time_zone)

    def ListEvents(
        self, request: events_pb2.ListEventsRequest, context: Context
    ) -> events_pb2.ListEventsResponse:
        zone = validated(DisplayIn, {"display_time_zone": request.display_time_zone}, {})
        fields = {
            "actor": current_actor(),
            "kind": enum_in(events_pb2.EventKind, "EVENT_KIND_", request.kind),
            "series": request.series,
            "series_id": series_id(request.series_name, "series_name"),
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        listed, page = self.bus.handle(validated(ListEvents, fields, {}))
        return events_pb2.ListEventsResponse(
            events=[event_proto(item, zone.display_time_zone) for item in listed],
            next_page_token=_token(page.next_offset),
            total_size=page.total_size,
        )

    def PublishEvent(
        self, request: events_pb2.PublishEventRequest, context: Context
    ) -> events_pb2.Event:
        command = PublishEvent(actor=current_actor(), event_id=event_id(request.name))
        return self._event(self.bus.handle(command))

    def AddSession(
        self, request: events_pb2.AddSessionRequest, context: Context
    ) -> events_pb2.Event:
        fields = {
            "actor": current_actor(),
            "event_id": event_id(request.event, "event"),
            "session": session_fields(request.session),
        }
        return self._event(self.bus.handle(validated(AddSession, fields, {})))

    def SetEventSeries(
        self, request: events_pb2.SetEventSeriesRequest, context: Context
    ) -> events_pb2.Event:
        fields = {
            "actor": current_actor(),
            "event_id": event_id(request.name),
            "series_id": series_id(request.series_name, "series_name"),
        }
        return self._event(self.bus.handle(validated(SetEventSeries, fields, {})))

    def ChangePlaces(
        self, request: events_pb2.ChangePlacesRequest, context: Context
    ) -> events_pb2.Event:
        fields = {
            "actor": current_actor(),
            "event_id": event_id(request.name),
            "on_site_places": (
                request.on_site_places if request.HasField("on_site_places") else None
            ),
            "online_places": request.online_places if request.HasField("online_places") else None,
            "quotas": [{"name": q.name, "places": q.places} for q in request.quotas],
        }
        return self._event(self.bus.handle(validated(reg.ChangePlaces, fields, {})))

    def RegisterForEvent(
        self, request: events_pb2.RegisterForEventRequest, context: Context
    ) -> events_pb2.Registration:
        r = request.registration
        fields = {
            "actor": current_actor(),
            "event_id": event_id(request.event, "event"),
            "mode": enum_in(events_pb2.ParticipationMode, "PARTICIPATION_MODE_", r.mode),
            "answers": dict(r.answers),
            "ticket_type": r.ticket_type,
            "country": r.country,
            "role": r.role,
            "request_id": request.request_id,
        }
        renamed = {
            field: f"registration.{field}"
            for field in ("mode", "answers", "ticket_type", "country", "role")
        }
        return self._registration(self.bus.handle(validated(reg.RegisterForEvent, fields, renamed)))

    def GetRegistration(
        self, request: events_pb2.GetRegistrationRequest, context: Context
    ) -> events_pb2.Registration:
        return self._registration(RegistrationRef(*registration_name(request.name)))

    def ListRegistrations(
        self, request: events_pb2.ListRegistrationsRequest, context: Context
    ) -> events_pb2.ListRegistrationsResponse:
        everywhere = request.parent == "events/-"
        fields = {
            "actor": current_actor(),
            "event_id": None if everywhere else event_id(request.parent, "parent"),
            "state": enum_in(events_pb2.RegistrationState, "REGISTRATION_STATE_", request.state),
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(ListRegistrations, fields, {}))
        return events_pb2.ListRegistrationsResponse(
            registrations=[registration_proto(v) for v in page.registrations],
            next_page_token=_token(page.next_offset),
            total_size=page.total_size,
        )

    def ApproveRegistration(
        self, request: events_pb2.ApproveRegistrationRequest, context: Context
    ) -> events_pb2.Registration:
        return self._on_registration(reg.ApproveRegistration, request.name)

    def DeclineRegistration(
        self, request: events_pb2.DeclineRegistrationRequest, context: Context
    ) -> events_pb2.Registration:
        return self._on_registration(reg.DeclineRegistration, request.name, reason=request.reason)

    def CancelRegistration(
        self, request: events_pb2.CancelRegistrationRequest, context: Context
    ) -> events_pb2.Registration:
        return self._on_registration(reg.CancelRegistration, request.name, reason=request.reason)

    def AcceptPlace(
        self, request: events_pb2.AcceptPlaceRequest, context: Context
    ) -> events_pb2.Registration:
        return self._on_registration(reg.AcceptPlace, request.name)

    def IssueTicket(
        self, request: events_pb2.IssueTicketRequest, context: Context
    ) -> events_pb2.Ticket:
        event, registration = registration_name(request.name)
        command = reg.IssueTicket(
            actor=current_actor(), event_id=event, registration_id=registration
        )
        ticket = self.bus.handle(command)
        return events_pb2.Ticket(
            check_in_token=ticket.check_in_token,
            join_token=ticket.join_token,
            expire_time=timestamp(ticket.expires_at),
        )

    def CheckIn(
        self, request: events_pb2.CheckInRequest, context: Context
    ) -> events_pb2.Registration:
        fields = {
            "actor": current_actor(),
            "token": request.token,
            "session_id": request.session_id,
        }
        return self._registration(self.bus.handle(validated(reg.CheckIn, fields, {})))

    def RecordNoShow(
        self, request: events_pb2.RecordNoShowRequest, context: Context
    ) -> events_pb2.Registration:
        return self._on_registration(reg.RecordNoShow, request.name)

    def IssueCertificate(
        self, request: events_pb2.IssueCertificateRequest, context: Context
    ) -> events_pb2.Certificate:
        event, registration = registration_name(request.name)
        fields = {
            "actor": current_actor(),
            "event_id": event,
            "registration_id": registration,
            "holder_name": request.holder_name,
        }
        return certificate_proto(self.bus.handle(validated(reg.IssueCertificate, fields, {})))

    def VerifyCertificate(
        self, request: events_pb2.VerifyCertificateRequest, context: Context
    ) -> events_pb2.Certificate:
        fields = {"code": request.verification_code}
        query = validated(reg.VerifyCertificate, fields, {"code": "verification_code"})
        return certificate_proto(self.bus.handle(query))

    def JoinOnline(
        self, request: events_pb2.JoinOnlineRequest, context: Context
    ) -> events_pb2.JoinOnlineResponse:
        joined = self.bus.handle(validated(reg.JoinOnline, {"token": request.token}, {}))
        return events_pb2.JoinOnlineResponse(
            event=f"events/{joined.event_id}", stream_url=joined.stream_url
        )

    def GetEventCalendar(
        self, request: events_pb2.GetEventCalendarRequest, context: Context
    ) -> events_pb2.Calendar:
        query = GetEventCalendar(actor=current_actor(), event_id=event_id(request.name))
        return _calendar(self.bus.handle(query))

    def GetMyCalendar(
        self, request: events_pb2.GetMyCalendarRequest, context: Context
    ) -> events_pb2.Calendar:
        return _calendar(self.bus.handle(GetMyCalendar(actor=current_actor())))

    def PublishMaterial(
        self, request: events_pb2.PublishMaterialRequest, context: Context
    ) -> events_pb2.Material:
        event = event_id(request.parent, "parent")
        fields = {
            "actor": current_actor(),
            "event_id": event,
            "material": material_fields(request.material),
            "request_id": request.request_id,
        }
        return material_proto(event, self.bus.handle(validated(PublishMaterial, fields, {})))

    def ListMaterials(
        self, request: events_pb2.ListMaterialsRequest, context: Context
    ) -> events_pb2.ListMaterialsResponse:
        event = event_id(request.parent, "parent")
        found = self.bus.handle(ListMaterials(actor=current_actor(), event_id=event))
        return events_pb2.ListMaterialsResponse(materials=[material_proto(event, m) for m in found])

    def _event(self, id: str, display_zone: str = "") -> events_pb2.Event:
        return event_proto(
            self.bus.handle(GetEvent(actor=current_actor(), event_id=id)), display_zone
        )

    def _on_registration(
        self, command: type[reg.RegistrationCommand], name: str, **extra: str
    ) -> events_pb2.Registration:
        event, registration = registration_name(name)
        fields = {
            "actor": current_actor(),
            "event_id": event,
            "registration_id": registration,
            **extra,
        }
        return self._registration(self.bus.handle(validated(command, fields, {})))

    def _registration(self, ref: RegistrationRef) -> events_pb2.Registration:
        if ref.view is not None:  # the handler read it after its commit: no second read
            return registration_proto(ref.view)
        query = GetRegistration(
            actor=current_actor(), event_id=ref.event_id, registration_id=ref.registration_id
        )
        return registration_proto(self.bus.handle(query))


def _calendar(file: CalendarFile) -> events_pb2.Calendar:
    return events_pb2.Calendar(ics=file.ics, content_type=file.content_type, feed_url=file.feed_url)


def _token(next_offset: int | None) -> str:
    return encode_page_token({"offset": next_offset}) if next_offset is not None else ""
