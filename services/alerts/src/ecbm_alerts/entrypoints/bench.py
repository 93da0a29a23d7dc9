"""What ``ecbm bench alerts`` measures, in process; the suite itself (the ``ecbm.benchmarks``
entry point) is at the end.

- ``ingest``: documents of RSS items parsed, normalised, deduplicated, scored and stored
  (events, read models) in one commit per document, on SQLite (the embedded default) or the
  database given; the baseline is feedparser's parse alone of the same documents, in the same
  run, alternating per document. ``ingest_ratio`` = parse seconds / ingest seconds (1.0 would
  mean storing is free).
- ``match``: new items matched against saved searches through the ``SearchIndex``, from
  building the index to the list of (search, item) matches; ``match_s`` is that time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from xml.sax.saxutils import escape

import feedparser

from ecbm_alerts.adapters.connectors import parse
from ecbm_alerts.application.ingest import ingest
from ecbm_alerts.domain.entry import ItemKind
from ecbm_alerts.domain.relevance import TOPICS
from ecbm_alerts.domain.source import SourceKind
from ecbm_alerts.domain.subscription import Candidate, Rhythm, SavedSearch, SearchIndex, words
from ecbm_runtime.bench import Target, figures_table
from ecbm_runtime.bench.environment import databases

WORDS = (
    "mentoring",
    "youth",
    "refugees",
    "school",
    "inclusion",
    "employment",
    "skills",
    "digital",
    "career",
    "volunteer",
    "health",
    "entrepreneurship",
    "erasmus",
    "horizon",
    "council",
    "commission",
    "parliament",
    "strategy",
    "recommendation",
    "consultation",
    "network",
    "meeting",
    "call",
    "partnership",
    "innovation",
    "migrants",
    "teachers",
    "students",
    "apprenticeship",
    "cohesion",
    "regional",
    "fisheries",
    "agriculture",
    "transport",
    "energy",
    "climate",
    "budget",
    "procurement",
    "competition",
    "trade",
    "customs",
)
COUNTRIES = ("BE", "NL", "FR", "DE", "PT", "ES", "IT", "PL", "RO", "IE")
# Item texts also draw from a long tail of other words, as real titles and summaries do.
TAIL = [f"term{n}" for n in range(3000)]


def text(rng: random.Random, domain: int, tail: int) -> list[str]:
    return rng.choices(WORDS, k=domain) + rng.choices(TAIL, k=tail)


@dataclass(frozen=True)
class Scale:
    name: str
    items: int
    per_document: int
    searches: int


def documents(rng: random.Random, items: int, per_document: int) -> Iterator[bytes]:
    """RSS documents of ``per_document`` distinct items each, ``items`` in all."""
    at = datetime(2026, 11, 1, tzinfo=UTC)
    for start in range(0, items, per_document):
        entries = []
        for n in range(start, min(start + per_document, items)):
            title = " ".join(text(rng, 3, 3)) + f" {n}"
            summary = " ".join(text(rng, 10, 20))
            entries.append(
                f"<item><title>{escape(title)}</title>"
                f"<link>https://feeds.example.eu/{start}/items/{n}</link>"
                f"<description>{escape(summary)}</description>"
                f"<pubDate>{format_datetime(at)}</pubDate></item>"
            )
        yield (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Bench {start}</title><link>https://feeds.example.eu/</link>"
            f"<description>bench</description><language>en</language>{''.join(entries)}"
            "</channel></rss>"
        ).encode()


def measure_ingest(scale: Scale, database_url: str | None = None) -> dict[str, Any]:
    from ecbm_alerts.bootstrap import SERVICE, AlertsSettings, bootstrap
    from ecbm_runtime.migrations import upgrade

    docs = list(documents(random.Random(7), scale.items, scale.per_document))
    with TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'alerts-bench.db'}"
        upgrade(SERVICE.migrations, url)
        settings = SERVICE.load_settings(database_url=url)
        assert isinstance(settings, AlertsSettings)
        app = bootstrap(settings)
        deps, now = app.dependencies, datetime.now(UTC)
        parsed = stored = 0
        parse_s = ingest_s = 0.0
        try:
            # Baseline and ingest alternate per document: drift on a shared machine hits both.
            for doc in docs:
                started = time.perf_counter()
                parsed += len(feedparser.parse(doc).entries)
                parse_s += time.perf_counter() - started
                started = time.perf_counter()
                entries = parse(SourceKind.FEED, doc, ItemKind.POLICY_DOCUMENT)
                with deps.uow() as work:
                    result = ingest(work, entries, "bench", now, deps.fuzzy_title_threshold)
                    work.commit()
                ingest_s += time.perf_counter() - started
                stored += result.new
        finally:
            app.close()
    return {
        "items": parsed,
        "stored": stored,
        "documents": len(docs),
        "database": "postgresql" if database_url else "sqlite",
        "feedparser_s": round(parse_s, 3),
        "ingest_s": round(ingest_s, 3),
        "items_per_second": round(stored / ingest_s, 1),
        "ratio": round(parse_s / ingest_s, 3),
    }


def measure_match(scale: Scale) -> dict[str, Any]:
    rng = random.Random(11)
    topics = sorted(TOPICS)
    kinds = [k.value for k in ItemKind]
    searches = [
        SavedSearch(
            id=f"s{n}",
            person_id=f"p{n}",
            name="bench",
            # A query of one or two words (a domain word and a specific one) or, for one
            # in ten, none: then kinds, topics and countries choose.
            words=frozenset(text(rng, 1, rng.choice([0, 1, 1])) if rng.random() > 0.1 else ()),
            kinds=frozenset(rng.sample(kinds, rng.choice([1, 1, 2]))),
            topics=frozenset(rng.sample(topics, rng.choice([0, 1, 1]))),
            countries=frozenset(rng.sample(COUNTRIES, rng.choice([0, 1, 2]))),
            rhythm=Rhythm.DAILY,
            best_only=rng.random() < 0.3,
        )
        for n in range(scale.searches)
    ]
    items = [
        Candidate(
            kind=rng.choice(kinds),
            words=words(" ".join(text(rng, 12, 24))),
            topics=frozenset(rng.sample(topics, rng.choice([0, 1, 2]))),
            countries=frozenset(rng.sample(COUNTRIES, rng.choice([0, 0, 1]))),
            relevance=rng.random(),
        )
        for _ in range(scale.items)
    ]
    started = time.perf_counter()
    index = SearchIndex(searches)
    matched = sum(len(index.matching(item)) for item in items)
    match_s = time.perf_counter() - started
    return {
        "items": len(items),
        "searches": len(searches),
        "matches": matched,
        "match_s": round(match_s, 3),
    }


# --- the suite of ``ecbm bench alerts`` (see ecbm_runtime.bench) ----------------------------

SCALES = {
    "full": Scale("full", items=10_000, per_document=100, searches=5_000),
    "tiny": Scale("tiny", items=400, per_document=100, searches=200),
}

# The speed targets of the alerts issue.
TARGETS = {
    "ingest_ratio": Target(">=", 0.25),
    "ingest_ratio_postgresql": Target(">=", 0.25),
    "match_s": Target("<", 10.0, "s"),
}


def run(scale: Scale) -> dict[str, Any]:
    """Ingest on SQLite (the embedded default) and on PostgreSQL, then matching."""
    with databases() as created:
        on_postgres = measure_ingest(scale, created.create("alerts"))
    return {
        "ingest": measure_ingest(scale),
        "ingest_postgresql": on_postgres,
        "match": measure_match(scale),
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
