"""``MatchingDependencies``: what every handler of the matching service may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ecbm_matching.adapters.views import MatchingViews
from ecbm_runtime.messagebus import Dependencies


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class MatchingDependencies(Dependencies[MatchingViews]):
    clock: Callable[[], datetime] = field(default=utc_now)
