"""Connectors: the shapes of real sources turned into normalised entries.

- RSS and Atom feeds (feedparser); items take the source's item kind.
- EUR-Lex RSS: policy documents keyed by CELEX number, with the Official Journal series.
- Legislative Observatory procedure files (JSON: reference, title, stage, committee,
  rapporteurs and shadow rapporteurs).
- The Funding & Tenders search API (``POST …/search?text=…`` answered with ``results`` whose
  ``metadata`` holds lists of strings: identifier, title, status code, frameworkProgramme,
  startDate, deadlineDate, budgetOverview, keywords).
A document that is not in its shape raises ``NotAFeed``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from xml.sax import SAXException

import feedparser

from ecbm_alerts.domain.entry import CallStatus, Entry, ItemKind, Rapporteur
from ecbm_alerts.domain.source import SourceKind


class NotAFeed(Exception):
    """The document is not a feed (or not the source's shape)."""


CELEX = re.compile(r"\b([0-9CE]\d{4}[A-Z]{1,2}\d{4,6}(?:\(\d{2}\))?)\b")
OJ_SERIES = re.compile(r"\bOJ\s+(L|C)\b|\bJO\s+(L|C)\b|\bABl\.?\s+(L|C)\b")
# The portal's status codes (metadata.status) and the programmes we meet most.
CALL_STATUS = {
    "31094501": CallStatus.FORTHCOMING,
    "31094502": CallStatus.OPEN,
    "31094503": CallStatus.CLOSED,
}
PROGRAMMES = {
    "43108390": "Horizon Europe",
    "43353764": "Erasmus+",
    "43251589": "CERV",
    "43152860": "ESF+",
}
TOPIC_URL = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "topic-details/{}"
)


def parse(kind: SourceKind, body: bytes, item_kind: ItemKind) -> list[Entry]:
    parser: Callable[[bytes, ItemKind], list[Entry]] = _PARSERS[kind]
    return parser(body, item_kind)


def _feed(body: bytes) -> Any:
    """A well-formed RSS or Atom document. feedparser would read broken XML leniently; we
    refuse it, so a half-delivered or garbled feed marks its source degraded instead of
    storing fragments (an encoding declared wrongly is tolerated)."""
    parsed = feedparser.parse(body)
    error = parsed.get("bozo_exception")
    if not parsed.get("version") or isinstance(error, SAXException):
        raise NotAFeed(f"not a well-formed RSS or Atom feed ({_reason(parsed)})")
    return parsed


def _reason(parsed: Any) -> str:
    error = parsed.get("bozo_exception")
    return str(error)[:200] if error else "no feed element"


def _when(entry: Any) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    year, month, day, hour, minute, second = stamp[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def feed_entries(body: bytes, item_kind: ItemKind) -> list[Entry]:
    parsed = _feed(body)
    language = (parsed.feed.get("language") or "")[:2].lower()
    return [
        Entry(
            kind=item_kind,
            title=_text(e.get("title")),
            url=e.get("link", ""),
            summary=_text(e.get("summary")),
            language=language,
            published_at=_when(e),
            keywords=tuple(t.get("term", "") for t in e.get("tags", []) if t.get("term")),
        )
        for e in parsed.entries
        if e.get("title")
    ]


def eurlex_entries(body: bytes, item_kind: ItemKind) -> list[Entry]:
    return [_with_celex(entry) for entry in feed_entries(body, ItemKind.POLICY_DOCUMENT)]


def _with_celex(entry: Entry) -> Entry:
    text = f"{entry.title} {entry.summary}"
    found = CELEX.search(entry.url) or CELEX.search(text)
    series = OJ_SERIES.search(text)
    return replace(
        entry,
        identifier=found.group(1) if found else "",
        oj_series=next((g for g in series.groups() if g), "") if series else "",
    )


def oeil_entries(body: bytes, item_kind: ItemKind) -> list[Entry]:
    document = _json(body)
    procedures = document.get("procedures") if isinstance(document, dict) else None
    if not isinstance(procedures, list):
        raise NotAFeed("not a procedure file list (no 'procedures')")
    return [
        Entry(
            kind=ItemKind.PROCEDURE,
            identifier=str(p["reference"]),
            title=str(p.get("title", "")),
            url=str(p.get("link", "")),
            summary=str(p.get("summary", "")),
            stage=str(p.get("stage", "")),
            committee=str(p.get("committee", "")),
            rapporteurs=tuple(
                Rapporteur(
                    str(r.get("name", "")),
                    "shadow" if "shadow" in str(r.get("role", "")).lower() else "rapporteur",
                    str(r.get("group", "")),
                )
                for r in p.get("rapporteurs", [])
                if isinstance(r, dict) and r.get("name")
            ),
            published_at=_datetime(p.get("last_event_date")),
        )
        for p in procedures
        if isinstance(p, dict) and p.get("reference") and p.get("title")
    ]


def funding_entries(body: bytes, item_kind: ItemKind) -> list[Entry]:
    document = _json(body)
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list):
        raise NotAFeed("not a Funding & Tenders search answer (no 'results')")
    entries = []
    for result in results:
        meta = result.get("metadata", {}) if isinstance(result, dict) else {}
        identifier, title = _first(meta, "identifier"), _first(meta, "title")
        if not identifier or not title:
            continue
        programme = _first(meta, "frameworkProgramme")
        entries.append(
            Entry(
                kind=ItemKind.FUNDING_CALL,
                identifier=identifier,
                title=title,
                url=result.get("url") or TOPIC_URL.format(identifier.lower()),
                summary=_first(meta, "descriptionByte") or _first(meta, "description"),
                programme=PROGRAMMES.get(programme, programme),
                status=CALL_STATUS.get(_first(meta, "status")),
                opening_date=_date(_first(meta, "startDate")),
                deadlines=tuple(sorted(d for d in map(_date, meta.get("deadlineDate", [])) if d)),
                budget_eur=_budget(_first(meta, "budgetOverview")),
                keywords=tuple(str(k) for k in meta.get("keywords", [])),
                language=_first(meta, "language")[:2].lower(),
            )
        )
    return entries


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise NotAFeed(f"not JSON: {error}") from error


def _first(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def _date(value: str) -> date | None:
    stamp = _datetime(value)
    return stamp.date() if stamp else None


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    text = str(value).replace("+0000", "+00:00").replace("Z", "+00:00")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _budget(overview: str) -> int:
    """The sum of the yearly amounts in the portal's budgetOverview (a JSON string)."""
    try:
        actions = json.loads(overview).get("budgetTopicActionMap", {}) if overview else {}
    except (ValueError, AttributeError):
        return 0
    return sum(
        int(amount)
        for parts in actions.values()
        for part in parts
        for amount in part.get("budgetYearMap", {}).values()
        if str(amount).isdigit()
    )


def _text(value: Any) -> str:
    return re.sub(r"<[^>]+>", " ", str(value or "")).strip()


_PARSERS: dict[SourceKind, Callable[[bytes, ItemKind], list[Entry]]] = {
    SourceKind.FEED: feed_entries,
    SourceKind.EURLEX: eurlex_entries,
    SourceKind.OEIL: oeil_entries,
    SourceKind.FUNDING: funding_entries,
}
