"""Fixtures of the alerts tests (imported by the test modules: no conftest of our own, so
no clash with other services' conftest modules in one pytest run)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alerts_feeds import FeedServer, feed_server

from ecbm_alerts.bootstrap import SERVICE, Alerts, AlertsSettings, bootstrap
from ecbm_runtime.actor import Actor
from ecbm_runtime.migrations import upgrade

EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))


def member(person_id: str) -> Actor:
    return Actor(subject=person_id, roles=frozenset({"member"}))


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def alerts_settings(**overrides: Any) -> AlertsSettings:
    settings = SERVICE.load_settings(**overrides)
    assert isinstance(settings, AlertsSettings)
    return settings


@pytest.fixture(name="feeds")
def feeds_fixture() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock(datetime(2027, 1, 10, 9, 0, tzinfo=UTC))


@pytest.fixture(name="alerts_app")
def alerts_app_fixture(database_url: str, feeds: FeedServer, clock: Clock) -> Iterator[Alerts]:
    """The alerts application (as its worker runs it) on a fresh, migrated database, with a
    fetcher that may reach only the local feed server."""
    upgrade(SERVICE.migrations, database_url)
    settings = alerts_settings(database_url=database_url)
    app = bootstrap(settings, clock=clock, fetcher=feeds.fetcher(timeout_seconds=1.0))
    yield app
    app.close()
