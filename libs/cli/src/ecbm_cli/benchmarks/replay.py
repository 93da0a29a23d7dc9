"""Projection replay speed: ``ecbm replay``'s code over N stored events vs a raw scan of them.

The registry's store is grown to N events by copying one of its ``ProgrammeRegistered``
events under new stream ids (each a new programme of the same organisation), then the
service's own ``replay`` (what ``ecbm replay registry`` runs: decode, upcast, every
projection, one transaction) rebuilds every read model; the baseline reads the same rows
with one psycopg server-side cursor, decoding their JSON, and does nothing with them.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from ecbm_runtime.service import load_service

_GROW = """
    INSERT INTO events (stream_id, version, type, data, metadata, recorded_at)
    SELECT 'programme-replay' || lpad(g::text, 9, '0'), 1, e.type, e.data, e.metadata,
           e.recorded_at
    FROM (SELECT * FROM events WHERE type = 'ProgrammeRegistered' LIMIT 1) AS e,
         generate_series(1, %s) AS g
"""
_SCAN = "SELECT position, stream_id, version, type, data, metadata, recorded_at FROM events"


def grow_store(conninfo: str, events: int) -> int:
    """Add copies of a ProgrammeRegistered event until the store holds ``events``; the count."""
    with psycopg.connect(conninfo) as connection:
        row = connection.execute("SELECT count(*) FROM events").fetchone()
        stored = int(row[0]) if row else 0
        if stored < events:
            connection.execute(_GROW, (events - stored,))
        row = connection.execute("SELECT count(*) FROM events").fetchone()
    return int(row[0]) if row else 0


def scan_per_second(conninfo: str) -> tuple[int, float]:
    """Every event row through a server-side cursor, in position order: (rows, seconds)."""
    with psycopg.connect(conninfo) as connection, connection.transaction():
        started = time.perf_counter()
        rows = 0
        with connection.cursor(name="bench_scan") as cursor:
            cursor.itersize = 1000
            cursor.execute(_SCAN + " ORDER BY position")
            for _row in cursor:
                rows += 1
        return rows, time.perf_counter() - started


def replay_seconds(database_url: str) -> tuple[int, float]:
    """The registry's ``replay`` (as ``ecbm replay registry`` runs it): (events, seconds)."""
    definition = load_service("registry")
    if definition.replay is None:
        raise RuntimeError("registry has no replay")
    settings = definition.settings_class(database_url=database_url)
    started = time.perf_counter()
    replayed = definition.replay(settings)
    return replayed, time.perf_counter() - started


def replay_phase(database_url: str, conninfo: str, events: int) -> dict[str, Any]:
    stored = grow_store(conninfo, events)
    scanned, scan_seconds = scan_per_second(conninfo)
    replayed, seconds = replay_seconds(database_url)
    if replayed != stored or scanned != stored:
        raise RuntimeError(f"replayed {replayed}, scanned {scanned} of {stored} events")
    replay_rate, scan_rate = replayed / seconds, scanned / scan_seconds
    return {
        "events": stored,
        "replay_seconds": round(seconds, 2),
        "replay_events_per_second": round(replay_rate, 1),
        "scan_seconds": round(scan_seconds, 2),
        "scan_events_per_second": round(scan_rate, 1),
        "ratio": round(replay_rate / scan_rate, 4),
    }
