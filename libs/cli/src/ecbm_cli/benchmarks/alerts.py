"""The ``alerts`` suite: ingesting items against feedparser's parse of the same documents in
the same run (``ingest_ratio``), and matching new items against saved searches
(``match_s``). Both run in process; see ``ecbm_alerts.entrypoints.bench`` for what is timed.
"""

from __future__ import annotations

from typing import Any

from ecbm_runtime.bench import Target, figures_table

SCALES: dict[str, Any] = {
    "full": {"name": "full", "items": 10_000, "per_document": 100, "searches": 5_000},
    "tiny": {"name": "tiny", "items": 400, "per_document": 100, "searches": 200},
}

# The speed targets of the alerts issue.
TARGETS = {
    "ingest_ratio": Target(">=", 0.25),
    "ingest_ratio_postgresql": Target(">=", 0.25),
    "match_s": Target("<", 10.0, "s"),
}


def run(scale: dict[str, Any]) -> dict[str, Any]:
    """Ingest on SQLite (the embedded default) and on PostgreSQL, then matching."""
    from ecbm_alerts.entrypoints.bench import Scale, measure_ingest, measure_match
    from ecbm_runtime.bench.environment import databases

    chosen = Scale(**scale)
    with databases() as created:
        on_postgres = measure_ingest(chosen, created.create("alerts"))
    return {
        "ingest": measure_ingest(chosen),
        "ingest_postgresql": on_postgres,
        "match": measure_match(chosen),
    }


def headline(measured: dict[str, Any]) -> dict[str, float]:
    ingest, match = measured["ingest"], measured["match"]
    return {
        "ingest_ratio": ingest["ratio"],
        "ingest_ratio_postgresql": measured["ingest_postgresql"]["ratio"],
        "ingest_items_per_second": ingest["items_per_second"],
        "feedparser_s": ingest["feedparser_s"],
        "ingest_s": ingest["ingest_s"],
        "match_s": match["match_s"],
        "matches": float(match["matches"]),
    }


def table(results: dict[str, Any]) -> str:
    ingest, match = results["ingest"], results["match"]
    return figures_table(
        "alerts",
        results,
        [
            ("feedparser_s", ingest["feedparser_s"], f"parse {ingest['items']} items"),
            ("ingest_s", ingest["ingest_s"], f"parse+store, {ingest['database']}"),
            ("ingest_ratio", ingest["ratio"], "feedparser / ingest"),
            ("ingest_ratio_postgresql", results["ingest_postgresql"]["ratio"], "on PostgreSQL"),
            ("match_s", match["match_s"], f"{match['items']} items x {match['searches']} searches"),
            ("matches", float(match["matches"]), "search-item pairs"),
        ],
    )
