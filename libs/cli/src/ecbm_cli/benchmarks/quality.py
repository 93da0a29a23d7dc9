"""The ``quality`` suite: verifying a label by its code through gRPC against the bare echo
server in the same run (``verify_ratio``), and the public register's listing with 10,000
labels (``register_p95_ms``), on PostgreSQL.

The register is seeded straight into the read model (programmes and labels, as the api
reads them): what is measured is the read, not the accreditation that precedes it.
VerifyLabel is public: no token, per-client limits off (``ECBM_GRPC_RATE_LIMIT_SCALE=0``).
The echo server gets the same request bytes and the api's thread pool; rounds alternate.
ListLabels is called one at a time, cycling through filters (none, a step, a country, a
name, a later page), after a warm-up. The committee's follow-up list (labels with open
conditions, due before a date; ``conditions_p95_ms``) is timed on its own: one label in 20
has conditions, half of them met.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from ecbm.quality.v1 import quality_pb2 as pb
from ecbm.quality.v1.quality_pb2_grpc import QualityServiceStub
from ecbm_cli.benchmarks import foundation
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
    wait_for,
    wait_grpc_serving,
)
from ecbm_runtime.bench.load import ECHO_METHOD, grpc_caller, timed
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service

START_TIMEOUT_SECONDS = 90.0
VERIFY = "/ecbm.quality.v1.QualityService/VerifyLabel"
COUNTRIES = ("BE", "NL", "FR", "DE", "PT", "ES", "IT", "PL", "RO", "SE")
STEPS = ("accredited", "distinction")


@dataclass(frozen=True)
class Scale:
    name: str
    labels: int
    threads: int
    warmup_seconds: float
    measure_seconds: float
    rounds: int
    listings: int


SCALES = {
    "full": Scale("full", labels=10_000, threads=8, warmup_seconds=2.0, measure_seconds=6.0,
                  rounds=2, listings=400),
    "tiny": Scale("tiny", labels=200, threads=2, warmup_seconds=0.3, measure_seconds=1.0,
                  rounds=1, listings=30),
}  # fmt: skip

# The speed targets of the quality issue.
TARGETS = {
    "verify_ratio": Target(">=", 0.5),
    "register_p95_ms": Target("<", 50.0, "ms"),
}


def headline(measured: dict[str, Any]) -> dict[str, float]:
    verify, register = measured["verify"], measured["register"]
    return {
        "verify_ratio": verify["ratio"],
        "verify_per_second": verify["VerifyLabel"]["per_second"],
        "echo_per_second": verify["echo"]["per_second"],
        "register_p95_ms": register["p95_ms"],
        "conditions_p95_ms": measured["conditions"]["p95_ms"],
        "labels": float(measured["labels"]),
    }


def table(results: dict[str, Any]) -> str:
    verify, register = results["verify"], results["register"]
    rows = [
        ("verify_ratio", results["verify_ratio"],
         f"VerifyLabel {verify['VerifyLabel']['per_second']:,.0f}/s vs echo "
         f"{verify['echo']['per_second']:,.0f}/s ({verify['VerifyLabel']['threads']} threads)"),
        ("register_p95_ms", results["register_p95_ms"],
         f"ListLabels over {results['labels']:,} labels; p50 {register['p50_ms']} ms, "
         f"p99 {register['p99_ms']} ms"),
        ("conditions_p95_ms", results["conditions_p95_ms"],
         f"ListLabels with open conditions (due before a date, a second page); p50 "
         f"{results['conditions']['p50_ms']} ms"),
    ]  # fmt: skip
    return figures_table("quality", results, rows)


def run(scale: Scale) -> dict[str, Any]:
    with databases() as dbs, private_vhost() as (amqp_url, _isolated):
        url = dbs.create("quality")
        ports = dict(zip(("api", "metrics", "worker", "http", "echo"), free_ports(5), strict=True))
        processes = Processes(_child_env(amqp_url, url, ports))
        ok = False
        try:
            upgrade(load_service("quality").migrations, url)
            codes = seed(libpq_url(url), scale.labels)
            workers = foundation.grpc_pool_size()
            processes.start("echo", ["-m", "ecbm_cli.benchmarks.echo_server",
                                     str(ports["echo"]), str(workers)])  # fmt: skip
            processes.start("quality.api", ["-m", "ecbm_runtime.api_main", "quality"])
            target, echo_target = f"127.0.0.1:{ports['api']}", f"127.0.0.1:{ports['echo']}"
            wait_grpc_serving(target, START_TIMEOUT_SECONDS, processes.check_alive)
            results = {
                "labels": scale.labels,
                "api_processes": foundation.api_processes(),
                "verify": verify_phase(target, echo_target, codes, scale, processes),
                "register": register_phase(target, scale),
                "conditions": conditions_phase(target, scale),
            }
            ok = True
            return results
        finally:
            say("stopping the quality api and the echo server, dropping databases")
            processes.finish(ok)


def _child_env(amqp_url: str, database_url: str, ports: dict[str, int]) -> dict[str, str]:
    quality = service_env("quality", database_url, ports["api"], ports["metrics"], ports["worker"])
    return child_env(
        amqp_url,
        quality
        | {
            "ECBM_QUALITY_VERIFY_HTTP_PORT": str(ports["http"]),
            "ECBM_QUALITY_API_PROCESSES": str(foundation.api_processes()),
        },
        log_level="WARNING",
    )


def seed(conninfo: str, count: int) -> list[str]:
    """``count`` programmes with one label each (a tenth suspended, expired or revoked)."""
    say(f"seeding {count:,} labels")
    rng = random.Random(13)
    now = datetime.now(UTC)
    codes = [f"Q-{i:04d}-{rng.randrange(10_000):04d}" for i in range(count)]
    programmes = [
        (f"p{i}", f"org{i % 997}", f"Programme {i} {rng.choice(['Buddy', 'Link', 'Step'])}",
         COUNTRIES[i % len(COUNTRIES)], STEPS[i % 2])
        for i in range(count)
    ]  # fmt: skip
    labels = []
    for i, code in enumerate(codes):
        standing = ("suspended", "expired", "revoked")[i % 3] if i % 10 == 9 else "valid"
        start = now - timedelta(days=rng.randrange(900))
        name, country = programmes[i][2], programmes[i][3]
        deadline = now + timedelta(days=rng.randrange(1, 365)) if i % 20 == 3 else None
        due = deadline if i % 40 == 3 else None  # the other half: met
        labels.append((code, f"p{i}", name, country, f"org{i % 997}", STEPS[i % 2], "v1",
                       start, start + timedelta(days=3 * 365), standing, "", 0, due,
                       deadline))  # fmt: skip
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        with cursor.copy(
            "COPY quality_programmes (programme_id, organisation_id, display_name, country,"
            " published_step) FROM STDIN"
        ) as copy:
            for row in programmes:
                copy.write_row(row)
        with cursor.copy(
            "COPY quality_labels (code, programme_id, programme_name, country, organisation_id,"
            " step, criteria_set, valid_from, valid_until, standing, reason, reminded,"
            " conditions_due, conditions_deadline) FROM STDIN"
        ) as copy:
            for label in labels:
                copy.write_row(label)
        cursor.execute("ANALYZE quality_labels; ANALYZE quality_programmes")
    return [label[0] for label in labels if label[9] == "valid"]


def verify_phase(
    target: str, echo_target: str, codes: list[str], scale: Scale, processes: Processes
) -> dict[str, Any]:
    """VerifyLabel of one code, against the echo server answering the same bytes."""
    request = pb.VerifyLabelRequest(name=f"labels/{codes[0]}").SerializeToString()
    api = grpc_caller(target, VERIFY, request)
    with api() as call:
        answer = pb.Label.FromString(call())  # type: ignore[arg-type]
        if answer.code != codes[0] or answer.standing != "valid":
            raise RuntimeError(f"VerifyLabel answered {answer.code!r} {answer.standing!r}")
    echo = grpc_caller(echo_target, ECHO_METHOD, request)
    with echo() as call:
        wait_for(call, START_TIMEOUT_SECONDS, "echo server answering", alive=processes.check_alive)
    rounds = replace(
        foundation.SCALES["full"], threads=scale.threads, warmup_seconds=scale.warmup_seconds,
        measure_seconds=scale.measure_seconds, rounds=scale.rounds,
    )  # fmt: skip
    return foundation.compare("verify", api, "VerifyLabel", echo, "echo", rounds)


def register_phase(target: str, scale: Scale) -> dict[str, Any]:
    """ListLabels one call at a time, cycling through the register's filters."""
    import grpc

    requests = [
        pb.ListLabelsRequest(),
        pb.ListLabelsRequest(step=pb.STEP_DISTINCTION),
        pb.ListLabelsRequest(country="PT"),
        pb.ListLabelsRequest(query="buddy", country="BE"),
        pb.ListLabelsRequest(step=pb.STEP_ACCREDITED, page_size=50),
    ]
    with grpc.insecure_channel(target) as channel:
        stub = QualityServiceStub(channel)
        first = stub.ListLabels(requests[-1])
        requests.append(pb.ListLabelsRequest(step=pb.STEP_ACCREDITED,
                                             page_token=first.next_page_token))  # fmt: skip
        say(f"ListLabels: {scale.listings} calls over {first.total_size:,} accredited labels")
        calls = list(itertools.islice(itertools.cycle(requests), scale.listings))
        return timed(lambda r: stub.ListLabels(r, timeout=10), [(r,) for r in calls],
                      warmup=len(requests), budget=120.0)  # fmt: skip


def conditions_phase(target: str, scale: Scale) -> dict[str, Any]:
    """The committee's follow-up list: open conditions, due within 90 days, a second page."""
    import grpc
    from google.protobuf.timestamp_pb2 import Timestamp

    before = Timestamp()
    before.FromDatetime(datetime.now(UTC) + timedelta(days=90))
    requests = [
        pb.ListLabelsRequest(open_conditions=True),
        pb.ListLabelsRequest(conditions_due_before=before),
        pb.ListLabelsRequest(open_conditions=True, page_size=100),
    ]
    with grpc.insecure_channel(target) as channel:
        stub = QualityServiceStub(channel)
        first = stub.ListLabels(requests[-1])
        requests.append(pb.ListLabelsRequest(open_conditions=True, page_size=100,
                                             page_token=first.next_page_token))  # fmt: skip
        say(f"ListLabels: {first.total_size:,} labels with open conditions")
        calls = list(itertools.islice(itertools.cycle(requests), scale.listings // 4))
        return timed(lambda r: stub.ListLabels(r, timeout=10), [(r,) for r in calls],
                      warmup=len(requests), budget=60.0)  # fmt: skip
