"""What a connector makes of one document entry: a normalised entry, before deduplication.

Every source shape (RSS/Atom, EUR-Lex, the Legislative Observatory, the Funding & Tenders
search API, an editor's manual entry) becomes an ``Entry``; items are built from entries.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class ItemKind(StrEnum):
    POLICY_DOCUMENT = "policy_document"
    PROCEDURE = "procedure"
    NETWORK = "network"
    EVENT = "event"
    FUNDING_CALL = "funding_call"


class CallStatus(StrEnum):
    FORTHCOMING = "forthcoming"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Rapporteur:
    name: str
    role: str = "rapporteur"  # or "shadow"
    group: str = ""


@dataclass(frozen=True)
class Entry:
    """One normalised entry. ``identifier`` is the natural key when the shape has one:
    a call topic's identifier, a CELEX number, a procedure reference."""

    kind: ItemKind
    title: str
    url: str = ""
    summary: str = ""
    identifier: str = ""
    language: str = ""
    published_at: datetime | None = None
    # Funding calls
    programme: str = ""
    status: CallStatus | None = None
    opening_date: date | None = None
    deadlines: tuple[date, ...] = ()
    budget_eur: int = 0
    keywords: tuple[str, ...] = ()
    # EUR-Lex
    oj_series: str = ""
    # Procedures
    stage: str = ""
    committee: str = ""
    rapporteurs: tuple[Rapporteur, ...] = field(default=())
    countries: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What relevance and saved-search queries read."""
        return " ".join((self.title, self.summary, " ".join(self.keywords), self.programme))


_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_[a-z]+|ref|source)$")
_LANGUAGE_PARAMS = {"lang", "locale", "language", "hl"}
_LANGUAGE_SEGMENT = re.compile(
    r"^(bg|cs|da|de|el|en|es|et|fi|fr|ga|hr|hu|it|lt|lv|mt|nl|pl|pt|ro|sk|sl|sv)$", re.I
)


@lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """One spelling of a document's address for all its copies and language versions.

    Lower-case scheme and host, no ``www.``, no fragment, no tracking or language
    parameters, no language path segment (``/en/``, ``/FR/``), sorted query, no trailing slash.
    """
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = "/".join(s for s in parts.path.split("/") if not _LANGUAGE_SEGMENT.match(s))
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(k.lower()) and k.lower() not in _LANGUAGE_PARAMS
    )
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, host, path.rstrip("/") or "/", urlencode(query), ""))


@lru_cache(maxsize=4096)
def normalised_title(title: str) -> str:
    """Case, accents, punctuation and spacing removed: the form titles are compared in."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


@lru_cache(maxsize=4096)
def title_block(title: str) -> str:
    """The two longest words of a normalised title, sorted: fuzzy comparison only happens
    among titles sharing it (10,000 titles compared pairwise would be 50 million calls)."""
    words = sorted(set(normalised_title(title).split()), key=lambda w: (-len(w), w))[:2]
    return " ".join(sorted(words))


def item_key(entry: Entry) -> str:
    """The item's natural key: kind-scoped identifier, else the canonical URL, else the title."""
    if entry.identifier:
        return f"{entry.kind.value}:{entry.identifier.strip().upper()}"
    basis = canonical_url(entry.url) or normalised_title(entry.title)
    return "url:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def item_id(key: str) -> str:
    """A stable id of 32 hex characters for a natural key (ids must fit resource names)."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]
