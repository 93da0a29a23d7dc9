"""Projection replay speed: ``ecbm replay``'s code over N stored events vs a raw scan of them.

The registry's store is grown to N events by copying one of its ``ProgrammeRegistered``
events under new stream ids (each a new programme of the same organisation), then the
service's own ``replay`` (what ``ecbm replay registry`` runs: decode, upcast, every
projection, one transaction) rebuilds every read model; the baseline reads the same rows
with one psycopg server-side cursor, decoding their JSON, and does nothing with them.

It is a phase of the ``foundation`` suite, and a suite of its own (``ecbm bench replay``,
``--quick``; ``ECBM_BENCH_REPLAY_EVENTS`` sets the store's size in both): a fresh
database, one organisation and one programme registered through a registry api process
that is stopped before the store is grown; nothing else runs in the database.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import psycopg

from ecbm_cli.benchmarks import registry_flow
from ecbm_runtime.bench import Target, figures_table
from ecbm_runtime.bench.environment import (
    Processes,
    child_env,
    databases,
    free_ports,
    libpq_url,
    private_vhost,
    say,
    service_env,
    wait_grpc_serving,
)
from ecbm_runtime.migrations import upgrade
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


def replay_seconds(database_url: str) -> tuple[int, float, float]:
    """The registry's ``replay`` (as ``ecbm replay registry`` runs it): (events, seconds,
    this process's CPU seconds: on a loaded machine, what the replay's Python cost)."""
    definition = load_service("registry")
    if definition.replay is None:
        raise RuntimeError("registry has no replay")
    settings = definition.settings_class(database_url=database_url)
    started, cpu = time.perf_counter(), time.process_time()
    replayed = definition.replay(settings)
    return replayed, time.perf_counter() - started, time.process_time() - cpu


def replay_phase(database_url: str, conninfo: str, events: int) -> dict[str, Any]:
    stored = grow_store(conninfo, events)
    scanned, scan_seconds = scan_per_second(conninfo)
    replayed, seconds, cpu_seconds = replay_seconds(database_url)
    if replayed != stored or scanned != stored:
        raise RuntimeError(f"replayed {replayed}, scanned {scanned} of {stored} events")
    replay_rate, scan_rate = replayed / seconds, scanned / scan_seconds
    return {
        "events": stored,
        "replay_seconds": round(seconds, 2),
        "replay_events_per_second": round(replay_rate, 1),
        "replay_cpu_seconds": round(cpu_seconds, 2),
        "replay_events_per_cpu_second": round(replayed / cpu_seconds, 1),
        "scan_seconds": round(scan_seconds, 2),
        "scan_events_per_second": round(scan_rate, 1),
        "ratio": round(replay_rate / scan_rate, 4),
    }


@dataclass(frozen=True)
class Scale:
    name: str
    events: int


SCALES = {
    "full": Scale("full", 200_000),
    "quick": Scale("quick", 50_000),
    "tiny": Scale("tiny", 2_000),
}
TARGETS = {"replay_events_per_second": Target(">=", 20_000.0, "/s")}
START_TIMEOUT_SECONDS = 90.0


def run(scale: Scale) -> dict[str, Any]:
    """The replay phase on a database of its own: seeded, grown, measured, dropped.

    The seed (one organisation, one programme) goes through a registry api process of its
    own, stopped before the replay: the CLI drives services from outside only.
    """
    events = int(os.environ.get("ECBM_BENCH_REPLAY_EVENTS", scale.events))
    with databases() as dbs, private_vhost() as (amqp_url, _isolated):
        url = dbs.create("replay")
        upgrade(load_service("registry").migrations, url)
        seed(url, amqp_url)
        say(f"phase replay: registry's replay over {events:,} events vs a raw scan")
        return {"replay": replay_phase(url, libpq_url(url), events)}


def seed(database_url: str, amqp_url: str) -> None:
    """One organisation and one programme, registered through a registry api process."""
    grpc_port, metrics_port, worker_metrics_port = free_ports(3)
    settings = service_env("registry", database_url, grpc_port, metrics_port, worker_metrics_port)
    processes = Processes(child_env(amqp_url, settings))
    ok = False
    try:
        processes.start("registry.api", ["-m", "ecbm_runtime.api_main", "registry"])
        target = f"127.0.0.1:{grpc_port}"
        wait_grpc_serving(target, START_TIMEOUT_SECONDS, processes.check_alive)
        metadata = registry_flow.admin_metadata()
        organisation = registry_flow.register_organisation(target, metadata)
        registry_flow.register_programme(target, organisation, metadata)
        ok = True
    finally:
        processes.finish(ok)


def headline(measured: dict[str, Any]) -> dict[str, float]:
    replayed = measured["replay"]
    return {
        "replay_events_per_second": replayed["replay_events_per_second"],
        "replay_ratio": replayed["ratio"],
    }


def table(results: dict[str, Any]) -> str:
    replayed = results["replay"]
    note = (
        f"{replayed['events']:,} events; raw scan {replayed['scan_events_per_second']:,.0f}/s "
        f"(replay_ratio {results['replay_ratio']:.3f}); "
        f"{replayed['replay_events_per_cpu_second']:,.0f} per CPU second of the replay's process"
    )
    return figures_table(
        "replay", results, [("replay_events_per_second", results["replay_events_per_second"], note)]
    )
