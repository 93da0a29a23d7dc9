"""Atom (RFC 4287) feed of published stories, built with the standard library's ElementTree.

ElementTree escapes markup characters, but XML 1.0 cannot carry most control characters at
all and parsers turn CR and CRLF into LF; text is cleaned the same way up front so what a
reader parses is exactly what we meant to send.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# Characters outside XML 1.0's Char production (also lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedEntry:
    id: str  # an IRI that never changes, e.g. urn:uuid:…
    title: str
    summary: str
    author: str
    link: str
    updated: datetime
    published: datetime | None = None


@dataclass(frozen=True)
class FeedHead:
    id: str
    title: str
    link: str  # the page the feed stands for
    self_link: str  # where the feed itself is served


def xml_text(value: str) -> str:
    """``value`` as XML 1.0 can carry it and a parser will hand it back."""
    return _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def build_feed(head: FeedHead, entries: Sequence[FeedEntry], now: datetime) -> bytes:
    """The feed document; entries newest first; ``now`` is ``updated`` of an empty feed."""
    ET.register_namespace("", ATOM_NS)
    ordered = sorted(entries, key=lambda e: e.updated, reverse=True)
    feed = ET.Element(_q("feed"))
    _text(feed, "id", head.id)
    _text(feed, "title", head.title)
    _text(feed, "updated", _rfc3339(ordered[0].updated if ordered else now))
    _link(feed, head.link, "alternate")
    _link(feed, head.self_link, "self")
    for entry in ordered:
        _entry(feed, entry)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _entry(feed: ET.Element, entry: FeedEntry) -> None:
    element = ET.SubElement(feed, _q("entry"))
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _text(element, "updated", _rfc3339(entry.updated))
    if entry.published is not None:
        _text(element, "published", _rfc3339(entry.published))
    author = ET.SubElement(element, _q("author"))
    # atom:name must not be empty; an anonymous byline still names the network.
    _text(author, "name", xml_text(entry.author).strip() or "ECBM")
    _link(element, entry.link, "alternate")
    _text(element, "summary", entry.summary)


def _q(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    element.text = xml_text(value)
    return element


def _link(parent: ET.Element, href: str, rel: str) -> None:
    ET.SubElement(parent, _q("link"), {"rel": rel, "href": xml_text(href)})


def _rfc3339(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
