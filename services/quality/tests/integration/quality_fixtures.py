"""Fixtures of the quality service's integration tests: the application on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ecbm_quality.bootstrap import SERVICE, Quality, QualitySettings, bootstrap
from ecbm_runtime.migrations import upgrade


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def quality_app(database_url: str, clock: Clock) -> Iterator[Quality]:
    """The quality application (as its worker runs it) on a fresh, migrated database."""
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(database_url=database_url)
    assert isinstance(settings, QualitySettings)
    app = bootstrap(settings, clock=clock)
    yield app
    app.close()
