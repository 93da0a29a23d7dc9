"""Fetching sources: conditional GET, limits, redirects, and no private addresses (SSRF)."""

from __future__ import annotations

import pytest
from alerts_feeds import FeedServer, fixture
from alerts_fixtures import feeds_fixture  # noqa: F401  (fixture)

from ecbm_alerts.adapters.fetch import AddressRefused, FetchFailed, FetchLimits, HttpFetcher


def test_a_feed_is_fetched_then_answered_not_modified_with_its_etag(feeds: FeedServer) -> None:
    url = feeds.serve("/policy.rss", fixture("policy.rss"), etag='"v1"')
    fetcher = feeds.fetcher()

    first = fetcher.fetch(url)
    again = fetcher.fetch(url, etag=first.etag)

    assert (first.status, first.etag, first.body) == (200, '"v1"', fixture("policy.rss"))
    assert again.not_modified and again.body == b""


def test_loopback_and_private_addresses_are_refused_outside_development() -> None:
    fetcher = HttpFetcher(FetchLimits())
    for url in ("http://127.0.0.1:9/feed", "http://10.0.0.7/feed", "http://[::1]/feed",
                "http://169.254.169.254/latest/meta-data", "http://localhost/feed"):  # fmt: skip
        with pytest.raises(AddressRefused):
            fetcher.fetch(url)


def test_development_mode_may_reach_loopback(feeds: FeedServer) -> None:
    url = feeds.serve("/policy.rss", fixture("policy.rss"))
    assert HttpFetcher(FetchLimits(allow_private=True)).fetch(url).status == 200


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(feeds: FeedServer) -> None:
    inner = "http://127.0.0.2:8080/admin"
    url = feeds.serve("/moved", b"", status=302, location=inner)
    with pytest.raises(AddressRefused):
        feeds.fetcher().fetch(url)


def test_redirects_are_followed_up_to_the_limit(feeds: FeedServer) -> None:
    feeds.serve("/feed", fixture("policy.rss"))
    url = feeds.serve("/old", b"", status=301, location="/feed")
    loop = feeds.serve("/loop", b"", status=302, location="/loop")

    assert feeds.fetcher().fetch(url).url.endswith("/feed")
    with pytest.raises(FetchFailed, match="redirects"):
        feeds.fetcher(max_redirects=3).fetch(loop)
    assert feeds.hits["/loop"] == 4


def test_a_huge_document_is_cut_off_whether_or_not_it_declares_its_length(
    feeds: FeedServer,
) -> None:
    declared = feeds.serve("/huge", b"<rss>" + b"x" * 200_000)
    undeclared = feeds.serve("/endless", b"<rss>" + b"x" * 200_000, declare_length=False)
    for url in (declared, undeclared):
        with pytest.raises(FetchFailed, match="larger than"):
            feeds.fetcher(max_bytes=100_000).fetch(url)


def test_a_slow_server_times_out(feeds: FeedServer) -> None:
    url = feeds.serve("/slow", fixture("policy.rss"), delay=1.5)
    with pytest.raises(FetchFailed):
        feeds.fetcher(timeout_seconds=0.3).fetch(url)


def test_a_server_error_is_a_failure(feeds: FeedServer) -> None:
    url = feeds.serve("/broken", b"oops", status=500)
    with pytest.raises(FetchFailed, match="HTTP 500"):
        feeds.fetcher().fetch(url)


def test_a_url_that_is_not_http_or_not_valid_is_a_failure() -> None:
    fetcher = HttpFetcher(FetchLimits())
    for url in ("ftp://example.org/feed", "http://example.org:99999/feed", "http://[::1/feed",
                "file:///etc/passwd", "no url at all"):  # fmt: skip
        with pytest.raises(FetchFailed):
            fetcher.fetch(url)
