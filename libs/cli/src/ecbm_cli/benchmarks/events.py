"""The ``events`` suite: registrations per second for one popular event on PostgreSQL,
against single-row INSERT+COMMIT transactions in the same run, and zero overbooking.

16 closed-loop clients (one channel each) register distinct members for one event whose
places run out early in the run, so both paths are measured: confirmed while places last,
then waitlisted. Every confirmed registration updates the event's places counter, whose
check constraint keeps it from overbooking (see docs/events.md); this suite puts that
row under load. The baseline
is the same number of threads doing ``INSERT`` one row + ``COMMIT`` on their own
connections. Baseline and api rounds alternate, so drift on a noisy machine hits both.
``overbooked`` = confirmed registrations beyond the event's places, counted in the database
after the run: it must be 0.

``register_vs_echo`` (no target) puts the same registrations against a bare grpcio server
answering the same bytes with the same client, token minting included: what a gRPC call
costs on this machine before the platform does anything, so the ratio reads the same
on a machine whose disk commits faster or slower (INSERT+COMMIT is bound by the disk's
flushes, a registration by the CPU).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import psycopg

from ecbm.events.v1 import events_pb2 as pb
from ecbm.events.v1.events_pb2_grpc import EventsServiceStub
from ecbm_cli.benchmarks import foundation
from ecbm_runtime.auth import issue_token
from ecbm_runtime.bench import Target, figures_table
from ecbm_runtime.bench.environment import (
    Processes,
    databases,
    free_ports,
    libpq_url,
    private_vhost,
    say,
    wait_for,
    wait_grpc_serving,
)
from ecbm_runtime.bench.load import (
    CALL_TIMEOUT_SECONDS,
    ECHO_METHOD,
    Call,
    CallerFactory,
    LoadResult,
    drive,
    insert_caller,
)
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

START_TIMEOUT_SECONDS = 90.0
REGISTER = "/ecbm.events.v1.EventsService/RegisterForEvent"
BASELINE_TABLE = "bench_rows"
# About the size of a registration's stored event: the baseline row carries as much.
BASELINE_PAYLOAD = '{"event_id": "0123456789abcdef0123456789abcdef", "mode": "on_site"}' * 3


@dataclass(frozen=True)
class Scale:
    name: str
    threads: int
    warmup_seconds: float
    measure_seconds: float
    rounds: int
    places: int


SCALES = {
    "full": Scale(
        "full", threads=16, warmup_seconds=2.0, measure_seconds=8.0, rounds=2, places=500
    ),
    "tiny": Scale("tiny", threads=4, warmup_seconds=0.3, measure_seconds=1.0, rounds=1, places=20),
}

# The speed targets of the events issue.
TARGETS = {
    "register_ratio": Target(">=", 0.15),
    "overbooked": Target("<=", 0.0),
}


def headline(measured: dict[str, Any]) -> dict[str, float]:
    return {
        "register_ratio": measured["register"]["ratio"],
        "registrations_per_second": measured["register"]["RegisterForEvent"]["per_second"],
        "insert_commit_per_second": measured["register"]["insert_commit"]["per_second"],
        "overbooked": float(measured["capacity"]["overbooked"]),
        "register_vs_echo": measured["register"]["vs_echo"],
        "echo_per_second": measured["register"]["echo"]["per_second"],
        "confirmed": float(measured["capacity"]["confirmed"]),
    }


def table(results: dict[str, Any]) -> str:
    register, capacity = results["register"], results["capacity"]
    rows = [
        (
            "register_ratio",
            results["register_ratio"],
            f"RegisterForEvent {register['RegisterForEvent']['per_second']:,.0f}/s vs "
            f"INSERT+COMMIT {register['insert_commit']['per_second']:,.0f}/s "
            f"({register['RegisterForEvent']['threads']} threads each)",
        ),
        (
            "register_vs_echo",
            results["register_vs_echo"],
            f"vs a bare grpcio echo server {register['echo']['per_second']:,.0f}/s "
            "(same client and bytes; no target)",
        ),
        (
            "overbooked",
            results["overbooked"],
            f"{capacity['confirmed']} confirmed for {capacity['places']} places, "
            f"{capacity['waitlisted']} waitlisted",
        ),
    ]
    return figures_table("events", results, rows)


def run(scale: Scale) -> dict[str, Any]:
    """Every phase, with everything started torn down whatever happens."""
    with databases() as dbs, private_vhost() as (amqp_url, isolated):
        urls = {name: dbs.create(name) for name in ("events", "baseline")}
        grpc_port, metrics_port, worker_metrics_port, http_port, echo_port = free_ports(5)
        env = {key: value for key, value in os.environ.items() if not key.startswith("ECBM_")}
        env |= {
            "ECBM_AMQP_URL": amqp_url,
            "ECBM_MODE": "development",
            "ECBM_JWT_SECRET": DEVELOPMENT_JWT_SECRET,
            "ECBM_LOG_LEVEL": "INFO",
            "ECBM_EVENTS_DATABASE_URL": urls["events"],
            "ECBM_EVENTS_GRPC_HOST": "127.0.0.1",
            "ECBM_EVENTS_GRPC_PORT": str(grpc_port),
            "ECBM_EVENTS_METRICS_PORT": str(metrics_port),
            "ECBM_EVENTS_WORKER_METRICS_PORT": str(worker_metrics_port),
            "ECBM_EVENTS_HTTP_PORT": str(http_port),
            "ECBM_EVENTS_API_PROCESSES": str(foundation.api_processes()),
        }
        processes = Processes(env)
        ok = False
        try:
            results = measure(processes, urls, {"events": grpc_port, "echo": echo_port}, scale)
            results["environment"] = {
                "amqp_private_vhost": isolated,
                "api_processes": foundation.api_processes(),
            }
            ok = True
            return results
        finally:
            say("stopping processes, dropping databases")
            processes.finish(ok)


def measure(
    processes: Processes, urls: dict[str, str], ports: dict[str, int], scale: Scale
) -> dict[str, Any]:
    upgrade(load_service("events").migrations, urls["events"])
    baseline_conninfo = libpq_url(urls["baseline"])
    with psycopg.connect(baseline_conninfo) as connection:
        connection.execute(
            f"CREATE TABLE {BASELINE_TABLE} (id bigserial PRIMARY KEY,"
            " payload text NOT NULL, created_at timestamptz NOT NULL)"
        )
    say("starting the events api (PostgreSQL) and a bare echo server")
    processes.start("events.api", ["-m", "ecbm_runtime.api_main", "events"])
    echo_server = [str(ports["echo"]), str(foundation.grpc_pool_size())]
    processes.start("echo", ["-m", "ecbm_cli.benchmarks.echo_server", *echo_server])
    targets = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
    wait_grpc_serving(targets["events"], START_TIMEOUT_SECONDS, processes.check_alive)
    event_id = popular_event(targets["events"], scale.places)
    api = register_caller(targets["events"], REGISTER, event_id)
    echo = register_caller(targets["echo"], ECHO_METHOD, event_id)
    with echo() as call:
        wait_for(call, START_TIMEOUT_SECONDS, "echo server answering", alive=processes.check_alive)
    baseline = insert_caller(baseline_conninfo, BASELINE_TABLE, BASELINE_PAYLOAD)
    subjects: list[LoadResult] = []
    baselines: list[LoadResult] = []
    echoes: list[LoadResult] = []
    for round_ in range(1, scale.rounds + 1):
        for label, factory, results in (
            ("insert_commit", baseline, baselines),
            ("RegisterForEvent", api, subjects),
            ("echo", echo, echoes),
        ):
            say(f"round {round_}/{scale.rounds}: {label}, {scale.threads} threads")
            results.append(
                drive(factory, scale.threads, scale.warmup_seconds, scale.measure_seconds)
            )
            say(f"  {results[-1].per_second:,.0f}/s")
    subject, base, bare = _merged(subjects), _merged(baselines), _merged(echoes)
    return {
        "register": {
            "ratio": round(subject.per_second / base.per_second, 4),
            "vs_echo": round(subject.per_second / bare.per_second, 4),
            "RegisterForEvent": subject.summary(),
            "insert_commit": base.summary(),
            "echo": bare.summary(),
            "rounds": [
                {
                    "ratio": round(s.per_second / b.per_second, 4),
                    "vs_echo": round(s.per_second / e.per_second, 4),
                    "RegisterForEvent": round(s.per_second, 1),
                    "insert_commit": round(b.per_second, 1),
                    "echo": round(e.per_second, 1),
                }
                for s, b, e in zip(subjects, baselines, echoes, strict=True)
            ],
        },
        "capacity": capacity(libpq_url(urls["events"]), event_id, scale.places),
    }


def _editor() -> tuple[tuple[str, str]]:
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "bench-editor", ["editor"], 3600)
    return (("authorization", f"Bearer {token}"),)


def popular_event(target: str, places: int) -> str:
    """A published summit with ``places`` on-site places and a waiting list; its id."""
    start = datetime.now(UTC) + timedelta(days=30)
    event = pb.Event(
        kind=pb.EVENT_KIND_SUMMIT, title="Benchmark summit", start_time=start.isoformat(),
        end_time=(start + timedelta(days=1)).isoformat(), on_site_places=places, waiting_list=True,
    )  # fmt: skip
    with grpc.insecure_channel(target) as channel:
        stub = EventsServiceStub(channel)
        name = stub.CreateEvent(pb.CreateEventRequest(event=event), metadata=_editor()).name
        stub.PublishEvent(pb.PublishEventRequest(name=name), metadata=_editor())
    return str(name).removeprefix("events/")


_members = itertools.count(1)
_members_lock = threading.Lock()


def register_caller(target: str, method: str, event_id: str) -> CallerFactory:
    """One channel per thread; each call registers a new member with a token of their own
    (``method``: RegisterForEvent, or the echo server's method for the same bytes)."""
    registration = pb.Registration(mode=pb.PARTICIPATION_MODE_ON_SITE)
    request = pb.RegisterForEventRequest(event=f"events/{event_id}", registration=registration)
    body = request.SerializeToString()

    @contextmanager
    def open_caller() -> Iterator[Call]:
        channel = grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        rpc = channel.unary_unary(method, None, None)

        def call() -> object:
            with _members_lock:
                member = next(_members)
            token = issue_token(
                DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", f"m{member}", ["member"], 600
            )
            metadata = (("authorization", f"Bearer {token}"),)
            return rpc(body, timeout=CALL_TIMEOUT_SECONDS, metadata=metadata)

        try:
            yield call
        finally:
            channel.close()

    return open_caller


def capacity(conninfo: str, event_id: str, places: int) -> dict[str, int]:
    """Places taken and waiting as the database holds them after the run."""
    with psycopg.connect(conninfo) as connection:
        rows = connection.execute(
            "SELECT state, count(*) FROM registrations WHERE event_id = %s GROUP BY state",
            (event_id,),
        ).fetchall()
    counts = {str(state): int(count) for state, count in rows}
    holding = sum(counts.get(s, 0) for s in ("confirmed", "offered", "attended", "no_show"))
    return {
        "places": places,
        "confirmed": holding,
        "waitlisted": counts.get("waitlisted", 0),
        "overbooked": max(0, holding - places),
    }


def _merged(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        calls=sum(r.calls for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        threads=results[0].threads,
        latencies_ms=[ms for r in results for ms in r.latencies_ms],
    )
