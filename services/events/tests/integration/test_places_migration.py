"""events_0005 counts the places of events registered before it, and rolls back, on both
databases."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, inspect, text

from ecbm_events.bootstrap import SERVICE
from ecbm_runtime.db import normalise_url
from ecbm_runtime.migrations import alembic_config, upgrade

NOW = datetime(2030, 1, 1, tzinfo=UTC)
LISTING = (
    "INSERT INTO event_listings (id, kind, title, description, time_zone, starts_at, ends_at,"
    " venue, on_site_places, online_places, waiting_list, moderated, series, stream_url, state,"
    " version, create_time, update_time) VALUES ('e1', 'seminar', 'T', '', 'Europe/Brussels',"
    " :now, :now, '', 3, 10, true, false, '', '', 'published', 2, :now, :now)"
)
REGISTRATION = (
    "INSERT INTO registrations (id, event_id, person_id, mode, state, answers, reason,"
    " attended_sessions, version, create_time, update_time) VALUES (:id, 'e1', :id, :mode,"
    " :state, '{}', '', '[]', 1, :now, :now)"
)


def test_the_places_counters_start_from_the_registrations_already_made(
    database_url: str,
) -> None:
    config = alembic_config(SERVICE.migrations, database_url)
    command.upgrade(config, "events_0004")
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as connection:
            connection.execute(text(LISTING), {"now": NOW})
            for id, mode, state in (
                ("r1", "on_site", "confirmed"), ("r2", "on_site", "attended"),
                ("r3", "on_site", "waitlisted"), ("r4", "online", "offered"),
                ("r5", "online", "cancelled"),
            ):  # fmt: skip
                connection.execute(
                    text(REGISTRATION), {"id": id, "mode": mode, "state": state, "now": NOW}
                )
        upgrade(SERVICE.migrations, database_url)
        with engine.connect() as connection:
            counted = connection.execute(
                text("SELECT pool, places, taken, waiting FROM event_places ORDER BY pool")
            ).all()
        assert [tuple(row) for row in counted] == [
            ("mode:on_site", 3, 2, 1),
            ("mode:online", 10, 1, 0),
        ]
        command.downgrade(config, "events_0004")
        assert "event_places" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
