"""The registrations area: everything it wires into the events service."""

from __future__ import annotations

from ecbm_events.adapters.registrations.projections import (
    CHANGED_BY,
    project_attendance_recorded,
    project_event_places,
    project_places_changed,
    project_registration_changed,
    project_registration_requested,
)
from ecbm_events.adapters.registrations.tables import event_places, registrations
from ecbm_events.application.registrations import (
    attendance,
    commands,
    handlers,
    places,
    privacy,
    queries,
)
from ecbm_events.domain.event import EventScheduled, PlacesChanged
from ecbm_events.domain.registration import AttendanceRecorded, RegistrationRequested
from ecbm_integration import registry
from ecbm_runtime.uow import Projection
from ecbm_runtime.wiring import Area

_PROJECTIONS: dict[type, list[Projection]] = {
    EventScheduled: [project_event_places],
    PlacesChanged: [project_places_changed],
    RegistrationRequested: [project_registration_requested],
    AttendanceRecorded: [project_attendance_recorded],
    **{changed: [project_registration_changed] for changed in CHANGED_BY},
}

AREA = Area(
    domain_events=[RegistrationRequested, AttendanceRecorded, *CHANGED_BY],
    projections=_PROJECTIONS,
    handlers={
        commands.RegisterForEvent: handlers.register_for_event,
        commands.ApproveRegistration: handlers.approve_registration,
        commands.DeclineRegistration: handlers.decline_registration,
        commands.CancelRegistration: handlers.cancel_registration,
        commands.AcceptPlace: handlers.accept_place,
        commands.IssueTicket: attendance.issue_ticket,
        commands.CheckIn: attendance.check_in,
        commands.RecordNoShow: attendance.record_no_show,
        commands.IssueCertificate: attendance.issue_certificate,
        commands.VerifyCertificate: attendance.verify_certificate,
        commands.JoinOnline: attendance.join_online,
        commands.LapseOffers: handlers.lapse_offers,
        commands.ChangePlaces: places.change_places,
        commands.EraseExpiredAnswers: privacy.erase_expired_answers,
        queries.GetRegistration: handlers.get_registration,
        queries.ListRegistrations: handlers.list_registrations,
        queries.GetMyCalendar: handlers.get_my_calendar,
        queries.GetCalendarFeed: handlers.get_calendar_feed,
        registry.PersonForgotten: privacy.on_person_forgotten,
    },
    read_model_tables=[registrations, event_places],
)
