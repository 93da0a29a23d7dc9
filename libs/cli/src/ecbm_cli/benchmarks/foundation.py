"""The ``foundation`` suite: queries, commands and event propagation against bare baselines.

Each figure is a ratio to (or a multiple of) a baseline measured in the same run on the
same machine with the same client, so a slow or noisy machine moves both sides.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_cli.benchmarks import registry_flow, replay
from ecbm_runtime.bench import Target, figures_table, messaging
from ecbm_runtime.bench.environment import (
    Processes,
    child_env,
    databases,
    free_ports,
    libpq_url,
    private_vhost,
    say,
    service_env,
    wait_for,
    wait_grpc_serving,
    wait_http_ok,
)
from ecbm_runtime.bench.load import (
    ECHO_METHOD,
    CallerFactory,
    LoadResult,
    drive,
    grpc_caller,
    insert_caller,
    percentile,
)
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service

REGISTRY_METHOD = "/ecbm.registry.v1.RegistryService/"
NOTIFY_QUEUES = (
    "evt-registry-OrganisationRegistered--notify.on_organisation_registered",
    "evt-registry-ProgrammeRegistered--notify.on_programme_registered",
)
START_TIMEOUT_SECONDS = 90.0
BASELINE_TABLE = "bench_rows"
# About the size of a ProgrammeRegistered event's JSON: the baseline row carries as much.
BASELINE_PAYLOAD = '{"display_name": "Benchmark programme", "languages": ["en", "fr"], ' * 4


@dataclass(frozen=True)
class Scale:
    """How long and how much: ``full`` for the figures, ``tiny`` for the smoke test."""

    name: str
    threads: int
    warmup_seconds: float
    measure_seconds: float
    rounds: int
    events: int
    event_warmup: int
    roundtrips: int
    replay_events: int


def api_processes() -> int:
    """The registry api's processes (``ECBM_BENCH_API_PROCESSES``, default 1)."""
    return int(os.environ.get("ECBM_BENCH_API_PROCESSES", "1"))


SCALES = {
    "full": Scale(
        "full",
        threads=8,
        warmup_seconds=2.0,
        measure_seconds=8.0,
        rounds=2,
        events=1000,
        event_warmup=20,
        roundtrips=1000,
        replay_events=200_000,
    ),
    # ``ecbm bench foundation --quick``: the same phases in about a third of the time.
    "quick": Scale(
        "quick",
        threads=8,
        warmup_seconds=1.0,
        measure_seconds=4.0,
        rounds=2,
        events=300,
        event_warmup=10,
        roundtrips=300,
        replay_events=50_000,
    ),
    "tiny": Scale(
        "tiny",
        threads=4,
        warmup_seconds=0.3,
        measure_seconds=1.0,
        rounds=1,
        events=20,
        event_warmup=2,
        roundtrips=20,
        replay_events=2_000,
    ),
}

# The speed targets of the foundation issue.
TARGETS = {
    "query_ratio": Target(">=", 0.5),
    "command_ratio": Target(">=", 0.2),
    "command_vs_peer": Target(">=", 1.0),
    "replay_events_per_second": Target(">=", 20_000.0, "/s"),
    "propagation_p99_ms": Target("<", 50.0, "ms"),
    "propagation_p50_to_raw_p50": Target("<=", 10.0, "x"),
}


def headline(measured: dict[str, Any]) -> dict[str, float]:
    propagation, raw = measured["propagation"], measured["raw_roundtrip"]
    multiple = round(propagation["p50_ms"] / raw["p50_ms"], 2) if raw["p50_ms"] > 0 else 0.0
    command, replayed = measured["command"], measured["replay"]
    return {
        "query_ratio": measured["query"]["ratio"],
        "command_ratio": command["ratio"],
        "command_peer_per_second": command["eventsourcing"]["per_second"],
        "command_vs_peer": command["vs_peer"],
        "replay_events_per_second": replayed["replay_events_per_second"],
        "replay_ratio": replayed["ratio"],
        "propagation_p50_ms": propagation["p50_ms"],
        "propagation_p99_ms": propagation["p99_ms"],
        "raw_roundtrip_p50_ms": raw["p50_ms"],
        "propagation_p50_to_raw_p50": multiple,
    }


def table(results: dict[str, Any]) -> str:
    query, command = results["query"], results["command"]
    propagation, raw = results["propagation"], results["raw_roundtrip"]
    rows = [
        (
            "query_ratio",
            results["query_ratio"],
            f"GetProgramme {query['GetProgramme']['per_second']:,.0f}/s vs echo "
            f"{query['echo']['per_second']:,.0f}/s",
        ),
        (
            "command_ratio",
            results["command_ratio"],
            f"RegisterProgramme {command['RegisterProgramme']['per_second']:,.0f}/s vs "
            f"INSERT+COMMIT {command['insert_commit']['per_second']:,.0f}/s "
            f"({command['insert_commit']['threads']} threads each)",
        ),
        (
            "command_vs_peer",
            results["command_vs_peer"],
            f"eventsourcing (PostgreSQL, in process) {results['command_peer_per_second']:,.0f}/s",
        ),
        (
            "replay_events_per_second",
            results["replay_events_per_second"],
            f"{results['replay']['events']:,} events; raw scan "
            f"{results['replay']['scan_events_per_second']:,.0f}/s "
            f"(replay_ratio {results['replay_ratio']:.3f})",
        ),
        ("propagation_p50_ms", results["propagation_p50_ms"], f"{propagation['samples']} events"),
        ("propagation_p99_ms", results["propagation_p99_ms"], f"max {propagation['max_ms']} ms"),
        ("raw_roundtrip_p50_ms", results["raw_roundtrip_p50_ms"], f"{raw['samples']} messages"),
    ]
    return figures_table("foundation", results, rows)


@dataclass
class Stack:
    """The run's processes, databases, broker and ports."""

    processes: Processes
    urls: dict[str, str]
    amqp_url: str
    ports: dict[str, int]

    def target(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def conninfo(self, database: str) -> str:
        return libpq_url(self.urls[database])


def run(scale: Scale) -> dict[str, Any]:
    """Every phase, with everything started torn down whatever happens."""
    with databases() as dbs, private_vhost() as (amqp_url, isolated):
        urls = {name: dbs.create(name) for name in ("registry", "notify", "baseline", "peer")}
        names = (
            "echo",
            "registry",
            "registry_metrics",
            "registry_worker_metrics",
            "notify",
            "notify_metrics",
            "notify_worker_metrics",
        )
        ports = dict(zip(names, free_ports(len(names)), strict=True))
        processes = Processes(services_env(amqp_url, urls, ports))
        stack = Stack(processes, urls, amqp_url, ports)
        ok = False
        try:
            results = measure(stack, scale)
            results["environment"] = {"amqp_private_vhost": isolated, **results["environment"]}
            ok = True
            return results
        finally:
            say("stopping processes, dropping databases")
            processes.finish(ok)


def services_env(amqp_url: str, urls: dict[str, str], ports: dict[str, int]) -> dict[str, str]:
    """The registry's and notify's settings, and nothing inherited that could change what is
    measured."""
    settings = {
        "ECBM_REGISTRY_API_PROCESSES": str(api_processes()),
        "ECBM_ACCESS_LOG_SAMPLE_RATE": access_log_sample_rate(),
    }
    for service in ("registry", "notify"):
        settings |= service_env(
            service,
            urls[service],
            ports[service],
            ports[f"{service}_metrics"],
            ports[f"{service}_worker_metrics"],
        )
    return child_env(amqp_url, settings)


def access_log_sample_rate() -> str:
    """The api's access log sampling (``ECBM_BENCH_ACCESS_LOG_SAMPLE_RATE``, default all)."""
    return os.environ.get("ECBM_BENCH_ACCESS_LOG_SAMPLE_RATE", "1.0")


def measure(stack: Stack, scale: Scale) -> dict[str, Any]:
    workers = grpc_pool_size()
    start_services(stack, workers)
    metadata = registry_flow.admin_metadata()
    organisation = registry_flow.register_organisation(stack.target("registry"), metadata)
    query = query_phase(stack, scale, organisation, metadata)
    command = command_phase(stack, scale, organisation, metadata)
    propagation = propagation_phase(stack, scale, metadata)
    say(f"phase raw broker roundtrip: {scale.roundtrips} messages one at a time")
    started = time.monotonic()
    raw = messaging.roundtrips_ms(stack.amqp_url, scale.roundtrips, warmup=scale.event_warmup)
    raw_summary = {**distribution(raw), "duration_seconds": round(time.monotonic() - started, 2)}
    events = int(os.environ.get("ECBM_BENCH_REPLAY_EVENTS", scale.replay_events))
    say(f"phase replay: registry's replay over {events:,} events vs a raw scan")
    replayed = replay.replay_phase(stack.urls["registry"], stack.conninfo("registry"), events)
    say(f"  replay {replayed['replay_events_per_second']:,.0f}/s, "
        f"scan {replayed['scan_events_per_second']:,.0f}/s")  # fmt: skip
    return {
        "query": query,
        "command": command,
        "propagation": propagation,
        "raw_roundtrip": raw_summary,
        "replay": replayed,
        "environment": {
            "grpc_max_workers": workers,
            "api_processes": api_processes(),
            "access_log_sample_rate": float(access_log_sample_rate()),
        },
    }


def grpc_pool_size() -> int:
    """The api's default thread pool; the echo baseline gets the same."""
    settings_class = load_service("registry").settings_class
    return int(settings_class.model_fields["grpc_max_workers"].default)


def start_services(stack: Stack, workers: int) -> None:
    """Migrate first (api and worker would race to), then start and wait for readiness."""
    say("starting echo server, registry api and worker (PostgreSQL)")
    for service in ("registry", "notify"):
        upgrade(load_service(service).migrations, stack.urls[service])
    with psycopg.connect(stack.conninfo("baseline")) as connection:
        connection.execute(
            f"CREATE TABLE {BASELINE_TABLE} (id bigserial PRIMARY KEY,"
            " payload text NOT NULL, created_at timestamptz NOT NULL)"
        )
    processes, alive = stack.processes, stack.processes.check_alive
    processes.start(
        "echo", ["-m", "ecbm_cli.benchmarks.echo_server", str(stack.ports["echo"]), str(workers)]
    )
    processes.start("registry.api", ["-m", "ecbm_runtime.api_main", "registry"])
    processes.start("registry.worker", ["-m", "ecbm_runtime.worker_main", "registry"])
    echo = grpc_caller(stack.target("echo"), ECHO_METHOD, b"ping")
    with echo() as call:
        wait_for(call, START_TIMEOUT_SECONDS, "echo server answering", alive=alive)
    wait_grpc_serving(stack.target("registry"), START_TIMEOUT_SECONDS, alive)
    worker_health = f"http://127.0.0.1:{stack.ports['registry_worker_metrics']}/healthz"
    wait_http_ok(worker_health, START_TIMEOUT_SECONDS, alive)


def query_phase(
    stack: Stack, scale: Scale, organisation: str, metadata: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    """GetProgramme (public: no token) against the echo server, same bytes, same client."""
    name = registry_flow.register_programme(stack.target("registry"), organisation, metadata)
    request = pb.GetProgrammeRequest(name=name).SerializeToString()
    api = grpc_caller(stack.target("registry"), REGISTRY_METHOD + "GetProgramme", request)
    with api() as call:
        answer = pb.Programme.FromString(call())  # type: ignore[arg-type]
        if answer.name != name:
            raise RuntimeError(f"GetProgramme answered {answer.name!r} for {name!r}")
    echo = grpc_caller(stack.target("echo"), ECHO_METHOD, request)
    return compare("query", api, "GetProgramme", echo, "echo", scale)


def command_phase(
    stack: Stack, scale: Scale, organisation: str, metadata: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    """RegisterProgramme (admin token) against single-row INSERT+COMMIT transactions, and
    against the eventsourcing library saving one new aggregate per call (the peer)."""
    from ecbm_cli.benchmarks import peer  # a dev dependency: only the bench needs it

    request = registry_flow.programme_request_bytes(organisation)
    api = grpc_caller(
        stack.target("registry"), REGISTRY_METHOD + "RegisterProgramme", request, metadata
    )
    baseline = insert_caller(stack.conninfo("baseline"), BASELINE_TABLE, BASELINE_PAYLOAD)
    with peer.peer_application(stack.urls["peer"], scale.threads) as application:
        others = {"eventsourcing": peer.peer_caller(application, organisation)}
        result = compare(
            "command", api, "RegisterProgramme", baseline, "insert_commit", scale, others
        )
    subject = result["RegisterProgramme"]["per_second"]
    result["vs_peer"] = round(subject / result["eventsourcing"]["per_second"], 4)
    with psycopg.connect(stack.conninfo("registry")) as connection:
        row = connection.execute("SELECT count(*) FROM programmes").fetchone()
    result["programmes_in_registry"] = int(row[0]) if row else 0
    return result


def compare(
    phase: str,
    subject: CallerFactory,
    subject_name: str,
    baseline: CallerFactory,
    baseline_name: str,
    scale: Scale,
    others: dict[str, CallerFactory] | None = None,
) -> dict[str, Any]:
    """Alternate baseline and subject rounds, so drift on a noisy machine hits both alike.

    ``others`` (a peer) run in the same rounds, after the subject.
    """
    subjects: list[LoadResult] = []
    baselines: list[LoadResult] = []
    extra: dict[str, list[LoadResult]] = {name: [] for name in others or {}}
    contenders = [
        (baseline_name, baseline, baselines),
        (subject_name, subject, subjects),
        *((name, factory, extra[name]) for name, factory in (others or {}).items()),
    ]
    for round_ in range(1, scale.rounds + 1):
        for name, factory, results in contenders:
            say(
                f"phase {phase} round {round_}/{scale.rounds}: {name}, {scale.threads} threads, "
                f"{scale.warmup_seconds:g}s warm-up + {scale.measure_seconds:g}s"
            )
            results.append(
                drive(factory, scale.threads, scale.warmup_seconds, scale.measure_seconds)
            )
            say(f"  {results[-1].per_second:,.0f}/s")
    subject_total, baseline_total = merged(subjects), merged(baselines)
    return {
        "ratio": round(subject_total.per_second / baseline_total.per_second, 4),
        subject_name: subject_total.summary(),
        baseline_name: baseline_total.summary(),
        **{name: merged(results).summary() for name, results in extra.items()},
        "rounds": [
            {
                "ratio": round(s.per_second / b.per_second, 4),
                subject_name: round(s.per_second, 1),
                baseline_name: round(b.per_second, 1),
            }
            for s, b in zip(subjects, baselines, strict=True)
        ],
    }


def merged(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        calls=sum(r.calls for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        threads=results[0].threads,
        latencies_ms=[ms for r in results for ms in r.latencies_ms],
    )


def propagation_phase(
    stack: Stack, scale: Scale, metadata: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    """Registry commit → outbox → RabbitMQ → notify worker → notification row, one at a time.

    notify starts only now: its queues do not exist before, so the command phase's events
    never reach it and it has no backlog to work through.
    """
    say("starting notify worker")
    processes, alive = stack.processes, stack.processes.check_alive
    processes.start("notify.worker", ["-m", "ecbm_runtime.worker_main", "notify"])
    wait_http_ok(
        f"http://127.0.0.1:{stack.ports['notify_worker_metrics']}/healthz",
        START_TIMEOUT_SECONDS,
        alive,
    )
    for queue in NOTIFY_QUEUES:
        wait_for(
            partial(messaging.consumers_on, stack.amqp_url, queue),
            START_TIMEOUT_SECONDS,
            f"a consumer on {queue}",
            interval=0.1,
            alive=alive,
        )
    target, notify = stack.target("registry"), stack.conninfo("notify")
    organisation = registry_flow.register_organisation(target, metadata)
    registry_flow.wait_contact_known(notify, organisation, alive)
    total = scale.event_warmup + scale.events
    say(f"phase propagation: {total} events one at a time ({scale.event_warmup} warm-up)")
    started = time.monotonic()
    ids = registry_flow.send_one_at_a_time(target, organisation, metadata, notify, total, alive)
    elapsed = time.monotonic() - started
    trips = registry_flow.journeys(stack.conninfo("registry"), notify, ids[scale.event_warmup :])
    steps = [trip.steps_ms() for trip in trips]
    return {
        **distribution([trip.total_ms() for trip in trips]),
        "duration_seconds": round(elapsed, 2),
        "steps_p50_ms": {k: round(percentile([s[k] for s in steps], 50), 3) for k in steps[0]},
        "steps_p99_ms": {k: round(percentile([s[k] for s in steps], 99), 3) for k in steps[0]},
    }


def distribution(samples_ms: list[float]) -> dict[str, Any]:
    return {
        "samples": len(samples_ms),
        **{f"p{p}_ms": round(percentile(samples_ms, p), 3) for p in (50, 90, 99)},
        "max_ms": round(max(samples_ms), 3),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 3),
    }
