"""``ecbm bench registry`` (the ``ecbm.benchmarks`` entry point): bulk import, directory search
and the map of Europe on PostgreSQL.

- import: the demo's programme generator writes N rows as a CSV; ``ecbm registry import``'s
  own code (``import_file``) parses and streams it to a registry api process. Baseline: COPY
  of the same rows (external id + the row as JSON) into a bare table.
- search: SearchProgrammes with two facet filters (a country and a target group, drawn at
  random per call), one call at a time. Baseline: the bare SQL of such a page and its count.
- map: GetMap of everything (all of Europe), one call at a time. Baseline: the bare SQL
  reading every mapped programme's point.

The latency figures are of single calls in sequence: what one user waits for.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import psycopg

from ecbm.registry.v1 import directory_pb2 as dpb
from ecbm.registry.v1 import directory_pb2_grpc
from ecbm_registry.adapters.imports.programme_csv import write_csv
from ecbm_registry.entrypoints.cli import import_file
from ecbm_registry.entrypoints.demo import COUNTRIES, programme_rows
from ecbm_runtime.auth import issue_token
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
from ecbm_runtime.bench.load import timed
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

START_TIMEOUT_SECONDS = 90.0
TARGET_GROUPS = ("youth", "students", "migrants-refugees", "job-seekers", "women", "children")


@dataclass(frozen=True)
class Scale:
    name: str
    programmes: int
    warmup_calls: int
    calls: int
    budget_seconds: float  # a phase stops measuring after this, with the samples it has


SCALES = {
    "full": Scale("full", programmes=10_000, warmup_calls=20, calls=200, budget_seconds=120),
    "tiny": Scale("tiny", programmes=200, warmup_calls=2, calls=10, budget_seconds=60),
}
CALL_TIMEOUT_SECONDS = 60.0

# The speed targets of the registry issue.
TARGETS = {
    "import_seconds": Target("<", 20.0, "s"),
    "search_two_facets_p95_ms": Target("<", 50.0, "ms"),
    "map_europe_p95_ms": Target("<", 100.0, "ms"),
}


def headline(measured: dict[str, Any]) -> dict[str, float]:
    imported, search, map_ = measured["import"], measured["search"], measured["map"]
    return {
        "import_seconds": imported["seconds"],
        "import_rows_per_second": imported["rows_per_second"],
        "import_to_copy": imported["ratio_to_copy"],
        "search_two_facets_p95_ms": search["api"]["p95_ms"],
        "search_to_sql_p95": search["ratio_p95"],
        "map_europe_p95_ms": map_["api"]["p95_ms"],
        "map_to_sql_p95": map_["ratio_p95"],
    }


def table(results: dict[str, Any]) -> str:
    imported, search, map_ = results["import"], results["search"], results["map"]
    rows = [
        ("import_seconds", results["import_seconds"],
         f"{imported['rows']:,} rows, {imported['rows_per_second']:,.0f} rows/s; COPY "
         f"{imported['copy_seconds']:.2f} s; again (all unchanged) {imported['again_seconds']} s"),
        ("import_to_copy", results["import_to_copy"], "times as long as COPY"),
        ("search_two_facets_p95_ms", results["search_two_facets_p95_ms"],
         f"p50 {search['api']['p50_ms']} ms; bare SQL p95 {search['sql']['p95_ms']} ms; "
         f"{search['mean_total_size']:.0f} matches on average"),
        ("map_europe_p95_ms", results["map_europe_p95_ms"],
         f"p50 {map_['api']['p50_ms']} ms; bare SQL p95 {map_['sql']['p95_ms']} ms; "
         f"{map_['features']:,} points"),
    ]  # fmt: skip
    return figures_table("registry", results, rows)


def run(scale: Scale) -> dict[str, Any]:
    with databases() as dbs, private_vhost() as (amqp_url, _isolated):
        urls = {name: dbs.create(name) for name in ("registry", "baseline")}
        ports = dict(zip(("api", "metrics", "worker"), free_ports(3), strict=True))
        registry = service_env(
            "registry", urls["registry"], ports["api"], ports["metrics"], ports["worker"]
        )
        processes = Processes(child_env(amqp_url, registry, log_level="WARNING"))
        ok = False
        try:
            upgrade(load_service("registry").migrations, urls["registry"])
            processes.start("registry.api", ["-m", "ecbm_runtime.api_main", "registry"])
            target = f"127.0.0.1:{ports['api']}"
            wait_grpc_serving(target, START_TIMEOUT_SECONDS, processes.check_alive)
            registry_db = libpq_url(urls["registry"])
            results = {
                "import": import_phase(target, libpq_url(urls["baseline"]), scale),
                "search": _reported(search_phase, target, registry_db, scale),
                "map": _reported(map_phase, target, registry_db, scale),
            }
            ok = True
            return results
        finally:
            say("stopping the registry api, dropping databases")
            processes.finish(ok)


def _reported(phase: Any, target: str, conninfo: str, scale: Scale) -> dict[str, Any]:
    """The phase's figures, or what failed: one slow RPC must not hide the other figures."""
    try:
        figures: dict[str, Any] = phase(target, conninfo, scale)
        return figures
    except grpc.RpcError as error:
        say(f"  failed: {error.code()} {error.details()}")  # type: ignore[attr-defined]
        missing = {"p50_ms": math.nan, "p95_ms": math.nan, "p99_ms": math.nan}
        failure = f"{error.code()}: {error.details()}"  # type: ignore[attr-defined]
        return {"error": failure, "api": missing, "sql": missing, "ratio_p95": math.nan,
                "mean_total_size": math.nan, "features": 0}  # fmt: skip


def import_phase(target: str, baseline: str, scale: Scale) -> dict[str, Any]:
    rows = programme_rows(scale.programmes)
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "bench", ["admin"], 3600)
    with tempfile.TemporaryDirectory(prefix="ecbm-bench-") as folder:
        path = Path(folder) / "programmes.csv"
        path.write_text(write_csv(rows), encoding="utf-8")
        say(f"phase import: {len(rows):,} CSV rows through ecbm registry import's code")
        report = import_file(path, target, token)
        if report.counts["created"] != len(rows):
            raise RuntimeError(f"expected {len(rows)} created, got {dict(report.counts)}: "
                               f"{report.bad_rows[:5]}")  # fmt: skip
        say(f"  {report.seconds:.2f} s; again (idempotent re-run)")
        again = import_file(path, target, token)
        if again.counts["unchanged"] != len(rows):
            raise RuntimeError(f"re-import changed something: {dict(again.counts)}")
    say("  baseline: COPY of the same rows into a bare table")
    copy_seconds = _copy(baseline, rows)
    return {
        "rows": len(rows),
        "seconds": round(report.seconds, 3),
        "rows_per_second": round(len(rows) / report.seconds, 1),
        "organisations_created": report.organisations_created,
        "again_seconds": round(again.seconds, 3),
        "copy_seconds": round(copy_seconds, 3),
        "ratio_to_copy": round(report.seconds / copy_seconds, 1),
    }


def _copy(conninfo: str, rows: list[dict[str, Any]]) -> float:
    with psycopg.connect(conninfo) as connection:
        connection.execute(
            "CREATE TABLE bench_programmes (external_id text PRIMARY KEY, row jsonb NOT NULL)"
        )
        connection.commit()
        started = time.perf_counter()
        statement = "COPY bench_programmes (external_id, row) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row((row["external_id"], json.dumps(row)))
        connection.commit()
        return time.perf_counter() - started


_SEARCH_SQL = """
SELECT d.programme_id, d.display_name, d.organisation_name, d.city, count(*) OVER () AS total
FROM programme_directory d
WHERE d.status = 'active'
  AND d.programme_id IN (SELECT programme_id FROM programme_directory_terms
                         WHERE facet = 'countries' AND value = %s)
  AND d.programme_id IN (SELECT programme_id FROM programme_directory_terms
                         WHERE facet = 'target_groups' AND value = %s)
ORDER BY d.quality_rank DESC, d.evidence_rank DESC, d.position
LIMIT 20
"""
_MAP_SQL = """
SELECT programme_id, display_name, organisation_name, latitude, longitude
FROM programme_directory WHERE status = 'active' AND latitude IS NOT NULL
"""


def search_phase(target: str, conninfo: str, scale: Scale) -> dict[str, Any]:
    rng = random.Random(7)
    filters = [(rng.choice(COUNTRIES), rng.choice(TARGET_GROUPS)) for _ in range(scale.calls)]
    say(f"phase search: SearchProgrammes with a country and a target group, {scale.calls} calls")
    totals: list[int] = []
    with grpc.insecure_channel(target) as channel:
        stub = directory_pb2_grpc.DirectoryServiceStub(channel)

        def search(country: str, group: str) -> None:
            request = dpb.SearchProgrammesRequest(
                filter=dpb.DirectoryFilter(countries=[country], target_groups=[group])
            )
            totals.append(stub.SearchProgrammes(request, timeout=CALL_TIMEOUT_SECONDS).total_size)

        api = timed(search, filters, scale.warmup_calls, scale.budget_seconds)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        sql = timed(
            lambda c, g: connection.execute(_SEARCH_SQL, (c, g)).fetchall(),
            filters,
            scale.warmup_calls,
            scale.budget_seconds,
        )
    return {
        "api": api,
        "sql": sql,
        "ratio_p95": round(api["p95_ms"] / sql["p95_ms"], 3),
        "mean_total_size": sum(totals) / len(totals),
    }


def map_phase(target: str, conninfo: str, scale: Scale) -> dict[str, Any]:
    say(f"phase map: GetMap of all of Europe, {scale.calls} calls")
    calls: list[tuple[()]] = [()] * scale.calls
    with grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", 2**28)]) as ch:
        stub = directory_pb2_grpc.DirectoryServiceStub(ch)

        def get_map() -> dpb.GetMapResponse:
            return stub.GetMap(dpb.GetMapRequest(), timeout=CALL_TIMEOUT_SECONDS)

        features = len(json.loads(get_map().geojson)["features"])
        api = timed(get_map, calls, scale.warmup_calls, scale.budget_seconds)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        sql = timed(
            lambda: connection.execute(_MAP_SQL).fetchall(),
            calls,
            scale.warmup_calls,
            scale.budget_seconds,
        )
    return {
        "api": api,
        "sql": sql,
        "ratio_p95": round(api["p95_ms"] / sql["p95_ms"], 3),
        "features": features,
    }
