"""``AlertsDependencies``: what every handler of the alerts service may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ecbm_alerts.adapters.fetch import Fetched
from ecbm_alerts.adapters.views import AlertsViews
from ecbm_alerts.application.ingest import SearchCache
from ecbm_runtime.messagebus import Dependencies


def utc_now() -> datetime:
    return datetime.now(UTC)


class Fetcher(Protocol):
    def fetch(
        self,
        url: str,
        etag: str = "",
        last_modified: str = "",
        post_json: dict[str, Any] | None = None,
    ) -> Fetched: ...


@dataclass(frozen=True, kw_only=True)
class AlertsDependencies(Dependencies[AlertsViews]):
    fetcher: Fetcher
    # The saved searches' index, reloaded only when they changed (application/ingest.py).
    searches: SearchCache = field(default_factory=SearchCache)
    # Days before a call's deadline at which its subscribers are reminded.
    reminder_days: tuple[int, ...] = (30, 7)
    # A title at least this similar (rapidfuzz token_sort_ratio) to a stored one of the
    # same kind is the same item.
    fuzzy_title_threshold: float = 92.0
    clock: Callable[[], datetime] = field(default=utc_now)
