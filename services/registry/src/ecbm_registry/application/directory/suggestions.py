"""'Did you mean': programme names close to a query that found (almost) nothing."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

FEW_HITS = 3  # suggest only when a search found fewer programmes than this
MAX_SUGGESTIONS = 3
MIN_SIMILARITY = 70.0  # 0..100 (rapidfuzz WRatio on folded text)


def did_you_mean(query: str, names: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The names most similar to ``query``, best first (ties by name); none equal to it.

    WRatio tolerates typos and word order ("mentorin lab" → "Mentoring Lab"); names are
    compared case-insensitively without punctuation.
    """
    wanted = utils.default_process(query)
    if not wanted:
        return []
    candidates = [n for n in sorted(set(names)) if utils.default_process(n) != wanted]
    matches = process.extract(
        wanted,
        candidates,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=MIN_SIMILARITY,
    )
    return [name for name, _score, _index in matches]
