"""The programme's integration events, built in one place."""

from __future__ import annotations

from datetime import datetime

from ecbm_events.domain.event import Event
from ecbm_integration import events as published


def event_published(event: Event, at: datetime) -> published.EventPublished:
    d = event.details
    return published.EventPublished(
        event_id=event.id,
        kind=d.kind.value,
        title=d.title,
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        time_zone=d.time_zone,
        on_site_places=d.on_site_places,
        online_places=d.online_places,
        occurred_at=at,
    )
