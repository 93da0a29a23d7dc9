"""The programme area: everything it wires into the events service."""

from __future__ import annotations

from ecbm_events.adapters.programme.projections import (
    project_event_published,
    project_event_scheduled,
    project_material_published,
    project_places_changed_listing,
    project_reminders_sent,
    project_series_chosen,
    project_session_added,
)
from ecbm_events.adapters.programme.tables import (
    event_listings,
    event_materials,
    event_reminders,
    event_sessions,
)
from ecbm_events.application.programme import handlers, materials
from ecbm_events.application.programme.commands import (
    AddSession,
    CreateEvent,
    PublishEvent,
    PublishMaterial,
    SendDueReminders,
    SetEventSeries,
)
from ecbm_events.application.programme.queries import (
    GetEvent,
    GetEventCalendar,
    ListEvents,
    ListMaterials,
)
from ecbm_events.domain.event import (
    EventPublished,
    EventScheduled,
    PlacesChanged,
    RemindersSent,
    SeriesChosen,
    SessionAdded,
)
from ecbm_events.domain.materials import MaterialPublished
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=[
        EventScheduled,
        EventPublished,
        SessionAdded,
        RemindersSent,
        MaterialPublished,
        PlacesChanged,
        SeriesChosen,
    ],
    projections={
        EventScheduled: [project_event_scheduled],
        EventPublished: [project_event_published],
        SessionAdded: [project_session_added],
        RemindersSent: [project_reminders_sent],
        MaterialPublished: [project_material_published],
        PlacesChanged: [project_places_changed_listing],
        SeriesChosen: [project_series_chosen],
    },
    handlers={
        CreateEvent: handlers.create_event,
        PublishEvent: handlers.publish_event,
        AddSession: handlers.add_session,
        SetEventSeries: handlers.set_event_series,
        SendDueReminders: handlers.send_due_reminders,
        GetEvent: handlers.get_event,
        ListEvents: handlers.list_events,
        GetEventCalendar: handlers.get_event_calendar,
        PublishMaterial: materials.publish_material,
        ListMaterials: materials.list_materials,
    },
    read_model_tables=[event_materials, event_reminders, event_sessions, event_listings],
)
