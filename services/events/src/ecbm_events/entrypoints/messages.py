"""Proto ↔ messages and views of the events api: names, enums, times."""

from __future__ import annotations

from typing import Any

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from ecbm.events.v1 import events_pb2
from ecbm_events.adapters.contributions.views import ContributionView
from ecbm_events.adapters.registrations.views import RegistrationView
from ecbm_events.application.programme.handlers import EventWithPlaces
from ecbm_events.application.registrations.attendance import CertificateFile
from ecbm_events.domain.materials import Material
from ecbm_events.domain.places import Mode, Quota
from ecbm_events.domain.times import DEFAULT_TIME_ZONE, shown
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import timestamp
from ecbm_runtime.grpc.names import resource_id


def enum_in(enum: EnumTypeWrapper, prefix: str, value: int) -> str | None:
    """The domain's value of a proto enum ("EVENT_KIND_SHORT_COURSE" -> "short_course")."""
    if value == 0:
        return None
    try:
        return enum.Name(value).removeprefix(prefix).lower()
    except ValueError:
        return f"unknown value {value}"


def enum_out(enum: EnumTypeWrapper, prefix: str, value: str) -> Any:
    return enum.Value(prefix + value.upper())


def child_name(name: str, collection: str, field: str = "name") -> tuple[str, str]:
    """(event id, child id) of ``events/{event}/{collection}/{id}``."""
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != "events" or parts[2] != collection or not all(parts):
        raise InvalidArgument(
            FieldViolation(field, f"expected 'events/{{event}}/{collection}/{{id}}', got {name!r}")
        )
    return parts[1], parts[3]


def registration_name(name: str, field: str = "name") -> tuple[str, str]:
    """(event id, registration id) of ``events/{event}/registrations/{registration}``."""
    return child_name(name, "registrations", field)


def certificate_proto(found: CertificateFile) -> events_pb2.Certificate:
    return events_pb2.Certificate(
        verification_code=found.code,
        holder_name=found.holder_name,
        event=f"events/{found.event_id}",
        event_title=found.event_title,
        start_time=shown(found.starts_at, found.time_zone),
        end_time=shown(found.ends_at, found.time_zone),
        issue_time=timestamp(found.issued_at),
        pdf=found.pdf,
    )


def contribution_proto(view: ContributionView) -> events_pb2.Contribution:
    return events_pb2.Contribution(
        name=f"events/{view.event_id}/contributions/{view.id}",
        proposer=f"people/{view.person_id}" if view.person_id else "",
        title=view.title,
        abstract=view.abstract,
        state=enum_out(events_pb2.ContributionState, "CONTRIBUTION_STATE_", view.state.value),
        review_note=view.review_note,
        session_id=view.session_id,
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
    )


def event_id(name: str, field: str = "name") -> str:
    return resource_id(name, "events", field)


def series_id(name: str, field: str) -> str:
    """The id of an optional ``series/{series}`` ("" when empty)."""
    return resource_id(name, "series", field) if name else ""


def session_fields(session: events_pb2.Session) -> dict[str, Any]:
    return {
        "title": session.title,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "room": session.room,
        "online": session.online,
        "speakers": tuple(session.speakers),
        "abstract": session.abstract,
    }


def slot_fields(session: events_pb2.Session) -> dict[str, Any]:
    """When and where, for an accepted contribution."""
    return {
        "start_time": session.start_time,
        "end_time": session.end_time,
        "room": session.room,
        "online": session.online,
    }


def event_fields(event: events_pb2.Event) -> dict[str, Any]:
    return {
        "kind": enum_in(events_pb2.EventKind, "EVENT_KIND_", event.kind),
        "title": event.title,
        "description": event.description,
        "time_zone": event.time_zone or DEFAULT_TIME_ZONE,
        "start_time": event.start_time,
        "end_time": event.end_time,
        "venue": event.venue,
        "on_site_places": event.on_site_places,
        "online_places": event.online_places,
        "waiting_list": event.waiting_list,
        "moderated": event.moderated,
        "registration_close_time": event.registration_close_time or None,
        "series": event.series,
        "series_id": series_id(event.series_name, "event.series_name"),
        "stream_url": event.stream_url,
        "sessions": [session_fields(s) for s in event.sessions],
        "ticket_types": tuple(event.ticket_types),
        "quotas": [quota_fields(q) for q in event.quotas],
    }


def quota_fields(quota: events_pb2.Quota) -> dict[str, Any]:
    return {
        "name": quota.name,
        "places": quota.places,
        "mode": enum_in(events_pb2.ParticipationMode, "PARTICIPATION_MODE_", quota.mode),
        "ticket_types": tuple(quota.ticket_types),
        "countries": tuple(quota.countries),
        "roles": tuple(quota.roles),
    }


def quota_proto(quota: Quota, taken: int) -> events_pb2.Quota:
    mode = quota.mode.value if quota.mode else "unspecified"
    return events_pb2.Quota(
        name=quota.name,
        places=quota.places,
        mode=enum_out(events_pb2.ParticipationMode, "PARTICIPATION_MODE_", mode),
        ticket_types=list(quota.ticket_types),
        countries=list(quota.countries),
        roles=list(quota.roles),
        taken=taken,
    )


def event_proto(item: EventWithPlaces, display_zone: str = "") -> events_pb2.Event:
    view, occupancy = item.event, item.occupancy
    d = view.details
    zone = display_zone or d.time_zone
    closes = d.registration_closes_at
    return events_pb2.Event(
        name=f"events/{view.id}",
        kind=enum_out(events_pb2.EventKind, "EVENT_KIND_", d.kind.value),
        title=d.title,
        description=d.description,
        time_zone=d.time_zone,
        start_time=shown(d.starts_at, zone),
        end_time=shown(d.ends_at, zone),
        venue=d.venue,
        on_site_places=d.on_site_places,
        online_places=d.online_places,
        waiting_list=d.waiting_list,
        moderated=d.moderated,
        registration_close_time=shown(closes, zone) if closes else "",
        series=d.series,
        series_name=f"series/{d.series_id}" if d.series_id else "",
        state=enum_out(events_pb2.EventState, "EVENT_STATE_", view.state),
        sessions=[
            events_pb2.Session(
                id=s.id,
                title=s.title,
                start_time=shown(s.starts_at, zone),
                end_time=shown(s.ends_at, zone),
                room=s.room,
                online=s.online,
                speakers=list(s.speakers),
                abstract=s.abstract,
            )
            for s in view.sessions
        ],
        on_site_taken=occupancy.taken_of(Mode.ON_SITE),
        online_taken=occupancy.taken_of(Mode.ONLINE),
        waiting=occupancy.waiting_of(Mode.ON_SITE) + occupancy.waiting_of(Mode.ONLINE),
        ticket_types=list(d.ticket_types),
        quotas=[quota_proto(q, occupancy.quota_taken_of(q.name)) for q in d.quotas],
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
    )


def registration_proto(view: RegistrationView) -> events_pb2.Registration:
    return events_pb2.Registration(
        name=f"events/{view.event_id}/registrations/{view.id}",
        event=f"events/{view.event_id}",
        person=f"people/{view.person_id}" if view.person_id else "",
        mode=enum_out(events_pb2.ParticipationMode, "PARTICIPATION_MODE_", view.mode.value),
        state=enum_out(events_pb2.RegistrationState, "REGISTRATION_STATE_", view.state.value),
        answers=view.answers,
        ticket_type=view.ticket_type,
        country=view.country,
        role=view.role,
        quotas=list(view.quotas),
        waitlist_position=view.waitlist_position,
        offer_expire_time=timestamp(view.offer_expires_at),
        reason=view.reason,
        attended_sessions=list(view.attended_sessions),
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
    )


def material_fields(material: events_pb2.Material) -> dict[str, Any]:
    return {
        "title": material.title,
        "url": material.url,
        "kind": enum_in(events_pb2.MaterialKind, "MATERIAL_KIND_", material.kind),
        "session_id": material.session_id,
        "file_name": material.file_name,
        "media_type": material.media_type,
        "size_bytes": material.size_bytes,
    }


def material_proto(event_id: str, material: Material) -> events_pb2.Material:
    return events_pb2.Material(
        name=f"events/{event_id}/materials/{material.id}",
        title=material.title,
        url=material.url,
        kind=enum_out(events_pb2.MaterialKind, "MATERIAL_KIND_", material.kind.value),
        session_id=material.session_id,
        file_name=material.file_name,
        media_type=material.media_type,
        size_bytes=material.size_bytes,
        publish_time=timestamp(material.published_at),
    )
