"""The Atom feed builder: valid RFC 4287 for any text a story may hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.adapters.resources.atom_feed import (
    ATOM_NS,
    FeedEntry,
    FeedHead,
    build_feed,
    xml_text,
)

HEAD = FeedHead("urn:ecbm:stories", "Stories", "https://e.org/s", "https://e.org/s.atom")
NOW = datetime(2026, 5, 1, tzinfo=UTC)
A = f"{{{ATOM_NS}}}"


def entry(n: int, title: str = "t", summary: str = "s") -> FeedEntry:
    return FeedEntry(
        id=f"urn:uuid:{n}", title=title, summary=summary, author="Rita", link=f"https://e.org/{n}",
        updated=NOW - timedelta(days=n),
    )  # fmt: skip


@given(title=st.text(), summary=st.text(), author=st.text())
def test_any_text_gives_well_formed_atom_that_keeps_the_text(
    title: str, summary: str, author: str
) -> None:
    story = FeedEntry("urn:uuid:1", title, summary, author, "https://e.org/1?a=1&b=<2>", NOW)

    root = ET.fromstring(build_feed(HEAD, [story], NOW))

    parsed = root.find(f"{A}entry")
    assert parsed is not None
    assert (parsed.findtext(f"{A}title") or "") == xml_text(title)
    assert (parsed.findtext(f"{A}summary") or "") == xml_text(summary)
    assert parsed.find(f"{A}link").get("href") == "https://e.org/1?a=1&b=<2>"  # type: ignore[union-attr]
    assert parsed.findtext(f"{A}author/{A}name")


def test_entries_come_newest_first_and_the_feed_is_as_new_as_its_newest() -> None:
    root = ET.fromstring(build_feed(HEAD, [entry(3), entry(1), entry(2)], NOW))

    assert [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")] == [
        "urn:uuid:1", "urn:uuid:2", "urn:uuid:3",
    ]  # fmt: skip
    assert root.findtext(f"{A}updated") == "2026-04-30T00:00:00Z"


def test_every_entry_has_the_elements_rfc_4287_requires() -> None:
    root = ET.fromstring(build_feed(HEAD, [entry(1)], NOW))

    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author/{A}name", "link", "summary"):
        assert root.find(f"{A}entry/{A}{tag.format(A=A)}") is not None


def test_an_empty_feed_is_still_valid_and_dated_now() -> None:
    root = ET.fromstring(build_feed(HEAD, [], NOW))

    assert root.findtext(f"{A}updated") == "2026-05-01T00:00:00Z"
    assert root.find(f"{A}link[@rel='self']") is not None
