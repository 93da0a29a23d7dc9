"""Sources on SQLite and PostgreSQL: creation checks, polling, health, bad feeds isolated."""

from __future__ import annotations

import pytest
from alerts_feeds import FeedServer, fixture
from alerts_fixtures import (  # noqa: F401
    EDITOR,
    Clock,
    alerts_app_fixture,
    alerts_settings,
    clock_fixture,
    feeds_fixture,
)
from sqlalchemy import func, select

from ecbm_alerts.application import commands as c
from ecbm_alerts.bootstrap import Alerts, bootstrap
from ecbm_alerts.domain.entry import ItemKind
from ecbm_alerts.domain.source import SourceKind
from ecbm_runtime.errors import InvalidArgument
from ecbm_runtime.tables import events as store


def add(app: Alerts, url: str, kind: SourceKind = SourceKind.FEED, **extra: object) -> str:
    command = c.AddSource.model_validate(
        {"actor": EDITOR, "name": "A source", "kind": kind, "url": url, **extra}
    )
    source_id: str = app.bus.handle(command)
    return source_id


def test_a_url_that_is_not_a_feed_or_points_inside_is_refused_at_creation(
    alerts_app: Alerts, feeds: FeedServer
) -> None:
    page = feeds.serve("/news.html", b"<html><body>News</body></html>", content_type="text/html")
    for url, reason in ((page, "not a readable feed"), ("http://127.0.0.3/feed", "private")):
        with pytest.raises(InvalidArgument) as refused:
            add(alerts_app, url)
        [violation] = refused.value.violations
        assert violation.field == "source.url" and reason in violation.description
    with alerts_app.dependencies.read() as views:
        assert views.sources() == []


def test_one_bad_feed_degrades_its_source_and_leaves_the_others_untouched(
    alerts_app: Alerts, feeds: FeedServer, clock: Clock
) -> None:
    good = add(alerts_app, feeds.serve("/policy.rss", fixture("policy.rss"), etag='"1"'))
    bad = {
        "malformed": feeds.serve("/malformed.rss", fixture("policy.rss")),
        "huge": feeds.serve("/huge.rss", fixture("policy.rss")),
        "slow": feeds.serve("/slow.rss", fixture("policy.rss")),
        "loop": feeds.serve("/loop.rss", fixture("policy.rss")),
    }
    ids = {name: add(alerts_app, url) for name, url in bad.items()}
    # Once accepted, the sources turn bad.
    feeds.serve("/malformed.rss", fixture("policy.rss")[:700])
    feeds.serve("/huge.rss", fixture("policy.rss") + b"<!--" + b"x" * 6_000_000 + b"-->")
    feeds.serve("/slow.rss", fixture("policy.rss"), delay=2.0)
    feeds.serve("/loop.rss", b"", status=302, location="/loop.rss")

    polled = alerts_app.bus.handle(c.PollSources())

    with alerts_app.dependencies.read() as views:
        health = {s.id: (s.health, s.last_error) for s in views.sources()}
        assert views.count_items() == 3
    assert polled == 5
    assert health[good] == ("ok", "")
    assert health[ids["malformed"]][1].startswith("not a well-formed RSS or Atom feed")
    assert "larger than" in health[ids["huge"]][1]
    assert "redirects" in health[ids["loop"]][1]
    assert all(health[i][0] == "degraded" for i in ids.values())
    assert health[ids["slow"]][1]


def test_sources_are_polled_on_their_own_schedule_with_conditional_get(
    alerts_app: Alerts, feeds: FeedServer, clock: Clock, database_url: str
) -> None:
    add(alerts_app, feeds.serve("/policy.rss", fixture("policy.rss"), etag='"1"'))
    add(alerts_app, feeds.serve("/daily.atom", fixture("network.atom")), interval_minutes=1440,
        item_kind=ItemKind.NETWORK)  # fmt: skip
    assert alerts_app.bus.handle(c.PollSources()) == 2
    with alerts_app.engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(store)).scalar_one()

    clock.advance(minutes=30)
    assert alerts_app.bus.handle(c.PollSources()) == 0
    clock.advance(minutes=31)
    assert alerts_app.bus.handle(c.PollSources()) == 1  # the hourly one only: answered 304

    with alerts_app.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(store)).scalar_one() == stored
    assert feeds.hits == {"/policy.rss": 3, "/daily.atom": 2}

    # A restarted worker (a new application over the same database) keeps the schedule:
    # nothing is polled early, and the daily source is polled when its day has passed.
    alerts_app.close()
    settings = alerts_settings(database_url=database_url)
    restarted = bootstrap(settings, clock=clock, fetcher=feeds.fetcher(timeout_seconds=1.0))
    try:
        clock.advance(minutes=30)
        assert restarted.bus.handle(c.PollSources()) == 0
        clock.advance(minutes=1440 - 91)
        assert restarted.bus.handle(c.PollSources()) == 2
    finally:
        restarted.close()
    assert feeds.hits == {"/policy.rss": 4, "/daily.atom": 3}


def test_a_paused_source_is_not_polled_until_resumed(alerts_app: Alerts, feeds: FeedServer) -> None:
    source = add(alerts_app, feeds.serve("/policy.rss", fixture("policy.rss")))
    alerts_app.bus.handle(c.PauseSource(actor=EDITOR, source_id=source))
    assert alerts_app.bus.handle(c.PollSources()) == 0
    alerts_app.bus.handle(c.ResumeSource(actor=EDITOR, source_id=source))
    assert alerts_app.bus.handle(c.PollSources()) == 1


def test_the_migration_makes_exactly_the_tables_the_code_reads(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ecbm_alerts.adapters.tables import metadata
    from ecbm_alerts.bootstrap import SERVICE
    from ecbm_runtime.db import make_engine
    from ecbm_runtime.migrations import upgrade

    upgrade(SERVICE.migrations, database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            ours = {"include_name": lambda name, kind, _: kind != "table" or "alert_" in name}
            diff = compare_metadata(MigrationContext.configure(connection, opts=ours), metadata)
    finally:
        engine.dispose()
    assert diff == []
