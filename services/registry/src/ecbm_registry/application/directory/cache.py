"""Answers of the directory, kept while the directory does not change.

The map of Europe and the first page of a search are asked for over and over and change
only when a programme or a label does. Each answer is kept under the directory's
(epoch, version), which every change moves, so a kept answer is never stale: checking
costs one primary-key read. Bounded, least recently used first out; thread-safe (the
gRPC server answers from a thread pool).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from prometheus_client import Counter

MAX_ANSWERS = 256

lookups = Counter(
    "ecbm_directory_cache_lookups",
    "Directory answers (and facet indexes) looked up in the cache.",
    ("kind", "outcome"),
)


class AnswerCache:
    def __init__(self, kind: str, size: int = MAX_ANSWERS) -> None:
        self._kind = kind
        self._size = size
        self._answers: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
        lookups.labels(self._kind, "hit" if answer is not None else "miss").inc()
        return answer

    def put(self, key: Hashable, answer: object) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
