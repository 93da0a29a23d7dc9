"""``QualityDependencies``: what every handler of the quality service may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ecbm_quality.adapters.recent import RecentLabels
from ecbm_quality.adapters.views import QualityViews
from ecbm_quality.domain.label import CONDITIONS_NOTICE, RENEWAL_NOTICE, VALIDITY
from ecbm_runtime.messagebus import Dependencies


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class QualityDependencies(Dependencies[QualityViews]):
    # How long a label is valid, and how long before expiry RenewalDue goes out.
    validity: timedelta = VALIDITY
    renewal_notice: timedelta = RENEWAL_NOTICE
    # An auditor who sat on a programme's panel this recently may not audit it again.
    rotation: timedelta = timedelta(days=3 * 365)
    # An auditor introduced (matching) to someone of the organisation this recently may not
    # audit its programmes.
    collaboration: timedelta = timedelta(days=730)
    # How long before the deadline of open conditions ConditionsDue goes out.
    conditions_notice: timedelta = CONDITIONS_NOTICE
    clock: Callable[[], datetime] = field(default=utc_now)
    # Labels verified in the last seconds (this process): the badge path's cache.
    recent_labels: RecentLabels = field(default_factory=lambda: RecentLabels(0))
