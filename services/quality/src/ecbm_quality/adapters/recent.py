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

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache

from ecbm_quality.adapters.views import LabelView


class RecentLabels:
    """A TTL cache of label views by code (cachetools), shared by the api's call threads."""

    def __init__(
        self,
        seconds: float,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on = seconds > 0
        self._kept: TTLCache[str, LabelView] = TTLCache(size, max(seconds, 1e-9), timer=clock)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    def get(self, code: str) -> LabelView | None:
        with self._lock:
            return self._kept.get(code)

    def put(self, label: LabelView) -> None:
        if self._on:
            with self._lock:
                self._kept[label.code] = label

    def forget(self, code: str) -> None:
        with self._lock:
            self._kept.pop(code, None)
