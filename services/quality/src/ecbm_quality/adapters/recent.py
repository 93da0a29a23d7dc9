"""Labels verified recently, kept a few seconds per api process: the badge path's cache.

Verification is the public hot path (every page view of a programme's website that shows
its badge) and asks for the same few codes again and again; each lookup is one database
round trip, most of its time. A label's standing changes rarely and the HTTP answers are
already cacheable for five minutes, so a verification may be ``seconds`` old: changes
made through this process forget the code at once (suspension, revocation, surveillance,
the worker's follow-up runs elsewhere and is seen within ``seconds``). Expiry is never
stale: the standing is computed from ``valid_until`` at each answer. Unknown codes are not
kept (a miss costs a lookup, and guessing codes fills nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ecbm_quality.adapters.views import LabelView


class RecentLabels:
    def __init__(
        self,
        seconds: float,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds, self._size, self._clock = seconds, size, clock
        self._kept: dict[str, tuple[float, LabelView]] = {}

    def get(self, code: str) -> LabelView | None:
        found = self._kept.get(code)
        if found is None or found[0] <= self._clock():
            return None
        return found[1]

    def put(self, label: LabelView) -> None:
        if self._seconds <= 0:
            return
        if len(self._kept) >= self._size:
            self._kept = {}  # rare: as many distinct codes within seconds as labels exist
        self._kept[label.code] = (self._clock() + self._seconds, label)

    def forget(self, code: str) -> None:
        self._kept.pop(code, None)
