"""Ranking candidates for a need: factors in [0, 1], weighted, explained in plain words.

One vectorised engine serves a single request's top-k and the whole-pool score matrix, so
the recommendations a person sees and the assignment an admin publishes agree.

Factors (each in [0, 1]):
- ``topics``: share of the need's taxonomy topics the candidate knows, weighted by depth;
- ``text``: TF-IDF cosine similarity of the free texts;
- ``languages``: 1 when they share a language;
- ``country``: 1 for the same country ("near") or a different one ("cross"); 0 for "any";
- ``evidence``: evidence and quality level (evaluation design, quality labels);
- ``capacity``: share of the candidate's capacity still free;
- ``feedback``: past ratings, shrunk towards neutral, minus no-shows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import sparse

FACTORS = ("topics", "text", "languages", "country", "evidence", "capacity", "feedback")
LEVELS = {"aware": 0.4, "practising": 0.7, "expert": 1.0}
EVIDENCE_DESIGNS = ("NONE", "DESCRIPTIVE", "PRE_POST", "QUASI_EXPERIMENTAL", "RANDOMISED")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    [
        "and",
        "the",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "have",
        "has",
        "into",
        "their",
        "our",
        "not",
        "but",
        "who",
        "how",
        "what",
        "which",
        "about",
        "also",
        "more",
        "its",
        "they",
        "them",
        "than",
        "can",
        "will",
        "all",
        "any",
        "des",
        "les",
        "une",
        "pour",
        "und",
        "der",
        "die",
        "das",
    ]
)


class CountryPreference(StrEnum):
    ANY = "any"
    NEAR = "near"
    CROSS = "cross"


@dataclass(frozen=True)
class Candidate:
    """Someone (a person or a programme) who can answer needs: what matching knows of them."""

    id: str
    organisation_id: str = ""
    country: str = ""
    languages: frozenset[str] = frozenset()
    topics: Mapping[str, str] = field(default_factory=dict)  # topic -> level
    text: str = ""
    evidence: int = 0  # index in EVIDENCE_DESIGNS
    quality_labels: int = 0
    capacity: int = 1
    load: int = 0
    ratings: tuple[int, ...] = ()  # 1..5
    no_shows: int = 0

    @property
    def capacity_left(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Need:
    """What a request looks for."""

    id: str
    owner_id: str
    organisation_id: str = ""
    topics: frozenset[str] = frozenset()
    text: str = ""
    languages: frozenset[str] = frozenset()
    country: str = ""
    country_preference: CountryPreference = CountryPreference.ANY
    exclude_same_organisation: bool = False


@dataclass(frozen=True)
class Blocks:
    """Pairs that must never be proposed: declined before, declared conflicts, dismissed."""

    pairs: frozenset[tuple[str, str]] = frozenset()  # (need owner or need id, candidate id)

    def blocks(self, need: Need, candidate_id: str) -> bool:
        return (need.owner_id, candidate_id) in self.pairs or (
            need.id,
            candidate_id,
        ) in self.pairs


@dataclass(frozen=True)
class Weights:
    """Per-kind weights of the factors; only their ratios matter."""

    topics: float = 3.0
    text: float = 2.0
    languages: float = 1.0
    country: float = 0.5
    evidence: float = 1.0
    capacity: float = 0.5
    feedback: float = 1.0

    def vector(self) -> npt.NDArray[np.float64]:
        values = np.array([getattr(self, name) for name in FACTORS], dtype=np.float64)
        if (values < 0).any() or not np.isfinite(values).all() or values.sum() <= 0:
            raise ValueError("weights must be finite, non-negative and not all zero")
        normalised: npt.NDArray[np.float64] = values / values.sum()
        return normalised


@dataclass(frozen=True)
class Recommendation:
    candidate_id: str
    score: float
    factors: dict[str, float]
    explanation: str


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


class TextIndex:
    """TF-IDF (sublinear tf, smoothed idf) over the candidates' texts, rows L2-normalised."""

    def __init__(self, texts: Sequence[str]) -> None:
        counts = [Counter(words(t)) for t in texts]
        self.vocabulary: dict[str, int] = {}
        for count in counts:
            for word in count:
                self.vocabulary.setdefault(word, len(self.vocabulary))
        df = np.zeros(len(self.vocabulary))
        rows, cols, vals = [], [], []
        for row, count in enumerate(counts):
            for word, n in count.items():
                col = self.vocabulary[word]
                df[col] += 1
                rows.append(row)
                cols.append(col)
                vals.append(1.0 + math.log(n))
        self.idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
        matrix = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(texts), len(self.vocabulary)), dtype=np.float64
        )
        self.matrix = _normalised(matrix @ sparse.diags(self.idf))

    def vector(self, text: str) -> npt.NDArray[np.float64]:
        """The text's TF-IDF vector (dense, L2-normalised) in this index's vocabulary."""
        query = np.zeros(len(self.vocabulary))
        for word, n in Counter(w for w in words(text) if w in self.vocabulary).items():
            column = self.vocabulary[word]
            query[column] = (1.0 + math.log(n)) * self.idf[column]
        norm = float(np.linalg.norm(query))
        return query / norm if norm else query


def _normalised(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


class CandidatePool:
    """The candidates as vectors: built once, ranked against many needs."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = list(candidates)
        self.ids = [c.id for c in self.candidates]
        self.index_of = {cid: i for i, cid in enumerate(self.ids)}
        n = len(self.candidates)
        self.text = TextIndex([c.text for c in self.candidates])
        self.topic_ids: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for row, c in enumerate(self.candidates):
            for topic, level in sorted(c.topics.items()):
                rows.append(row)
                cols.append(self.topic_ids.setdefault(topic, len(self.topic_ids)))
                vals.append(LEVELS.get(level, LEVELS["aware"]))
        self.topics = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(n, len(self.topic_ids)), dtype=np.float64
        )
        self.languages = [c.languages for c in self.candidates]
        self.language_ids: dict[str, int] = {}
        lang_rows, lang_cols = [], []
        for row, langs in enumerate(self.languages):
            for lang in sorted(langs):
                lang_rows.append(row)
                lang_cols.append(self.language_ids.setdefault(lang, len(self.language_ids)))
        self.language_matrix = sparse.csr_matrix(
            (np.ones(len(lang_rows)), (lang_rows, lang_cols)),
            shape=(n, len(self.language_ids)),
        )
        self.country_codes: dict[str, int] = {"": -1}
        self.country_of = np.array(
            [self.country_codes.setdefault(c.country, len(self.country_codes)) for c in candidates],
            dtype=np.int32,
        )
        evidence = np.array([c.evidence for c in self.candidates], dtype=np.float64)
        labels = np.array([c.quality_labels for c in self.candidates], dtype=np.float64)
        self.evidence = np.clip(
            np.maximum(evidence / (len(EVIDENCE_DESIGNS) - 1), labels / 2.0), 0.0, 1.0
        )
        capacity = np.array([max(c.capacity, 0) for c in self.candidates], dtype=np.float64)
        left = np.array([c.capacity_left for c in self.candidates], dtype=np.float64)
        self.capacity_left = left
        self.capacity = np.divide(left, capacity, out=np.zeros(n), where=capacity > 0)
        self.feedback = np.array([feedback_factor(c) for c in self.candidates])
        # The inverted index: per topic, word and language, the candidates that have it.
        self._topic_index = sparse.csc_matrix(self.topics)
        self._text_index = sparse.csc_matrix(self.text.matrix)
        self._language_index = sparse.csc_matrix(self.language_matrix)
        self._has_capacity = left > 0
        self._organisation_codes: dict[str, int] = {}
        self._organisation_of = np.array(
            [
                self._organisation_codes.setdefault(
                    c.organisation_id, len(self._organisation_codes)
                )
                for c in self.candidates
            ],
            dtype=np.int64,
        )
        self._id_rank = np.empty(n, dtype=np.int64)
        self._id_rank[sorted(range(n), key=self.ids.__getitem__)] = np.arange(n)

    def __len__(self) -> int:
        return len(self.candidates)

    def factor_rows(self, need: Need) -> list[npt.NDArray[np.float64]]:
        """Every candidate's factors for ``need``, one array per factor (in FACTORS order),
        each in [0, 1] by construction.

        Topics, text and languages are summed from the inverted index (the candidates of
        each of the need's terms, in column order: the products a sparse matrix-vector
        product adds, in the same order), so only candidates sharing a term are touched."""
        n = len(self.candidates)
        topics = np.zeros(n)
        known = sorted(self.topic_ids[t] for t in need.topics if t in self.topic_ids)
        if known:
            _accumulate(topics, self._topic_index, known, 1.0 / len(need.topics))
        text = np.zeros(n)
        if need.text and self.text.vocabulary:
            query = self.text.vector(need.text)
            columns = np.flatnonzero(query)
            _accumulate(text, self._text_index, columns, query[columns])
        languages = np.zeros(n)
        for lang in sorted(need.languages):
            if lang in self.language_ids:
                column = self.language_ids[lang]
                index = self._language_index
                languages[index.indices[index.indptr[column] : index.indptr[column + 1]]] = 1.0
        country = np.zeros(n)
        if need.country and need.country_preference is not CountryPreference.ANY:
            same = self.country_of == self.country_codes.get(need.country, -2)
            if need.country_preference is CountryPreference.CROSS:
                same = ~same & (self.country_of != -1)
            country = same.astype(np.float64)
        return [topics, text, languages, country, self.evidence, self.capacity, self.feedback]

    def factor_matrix(self, need: Need) -> npt.NDArray[np.float64]:
        """Every candidate's factors for ``need``: shape (len(FACTORS), candidates)."""
        return np.stack(self.factor_rows(need))

    def allowed(self, need: Need, blocks: Blocks) -> npt.NDArray[np.bool_]:
        """Who may be proposed for ``need``: not the owner, not blocked, not at capacity."""
        ok = self._has_capacity.copy()
        if need.exclude_same_organisation and need.organisation_id:
            code = self._organisation_codes.get(need.organisation_id)
            if code is not None:
                ok &= self._organisation_of != code
        for i in (self.index_of.get(need.owner_id),):
            if i is not None:
                ok[i] = False
        for owner, candidate in blocks.pairs:
            if owner in (need.owner_id, need.id) and candidate in self.index_of:
                ok[self.index_of[candidate]] = False
        return ok

    def scores(self, need: Need, weights: Weights) -> npt.NDArray[np.float64]:
        return weighted(weights, self.factor_rows(need))

    def rank(
        self, need: Need, weights: Weights, blocks: Blocks = Blocks(), k: int = 20
    ) -> list[Recommendation]:
        """The ``k`` best allowed candidates, best first (ties by id), each explained."""
        factors = self.factor_rows(need)
        scores = weighted(weights, factors)
        allowed = self.allowed(need, blocks)
        count = int(np.count_nonzero(allowed))
        if k <= 0 or not count:
            return []
        if count < len(allowed):
            scores[~allowed] = -np.inf  # scores is ours: weighted() made it
        picked = self._best(scores, min(k, count))
        return [
            Recommendation(
                self.ids[i],
                round(float(scores[i]), 6),
                {name: round(float(row[i]), 4) for name, row in zip(FACTORS, factors, strict=True)},
                explain(need, self.candidates[i], [float(row[i]) for row in factors]),
            )
            for i in picked
        ]

    def _best(self, scores: npt.NDArray[np.float64], k: int) -> list[int]:
        """Indices of the ``k`` best scores (1 <= k <= finite scores) by (score rounded to
        6 places, highest first; then id), in that order. Only the candidates that can tie
        with the k-th best (within the rounding) are sorted; the rest never leave numpy."""
        n = len(scores)
        kth = np.partition(scores, n - k)[n - k]
        near = np.flatnonzero(scores >= kth - 1e-6)
        if len(near) > 4 * k + 64:  # many ties: order them in numpy first
            order = np.lexsort((self._id_rank[near], -np.round(scores[near], 6)))
            near = near[order[: 4 * k + 64]]
        ranked = sorted(near.tolist(), key=lambda i: (-round(float(scores[i]), 6), self.ids[i]))
        return ranked[:k]


def weighted(
    weights: Weights, factors: Sequence[npt.NDArray[np.float64]]
) -> npt.NDArray[np.float64]:
    """The score: the factors' weighted mean in [0, 1], summed factor by factor in FACTORS
    order (the same arithmetic for one request's top-k and a round's matrix)."""
    w = weights.vector()
    score = factors[0] * w[0]
    buffer = np.empty_like(score)
    for weight, row in zip(w[1:], factors[1:], strict=True):
        np.multiply(row, weight, out=buffer)
        score += buffer
    clipped: npt.NDArray[np.float64] = np.clip(score, 0.0, 1.0, out=score)
    return clipped


def _accumulate(
    out: npt.NDArray[np.float64],
    index: sparse.csc_matrix,
    columns: Sequence[int] | npt.NDArray[np.intp],
    values: float | npt.NDArray[np.float64],
) -> None:
    """``out += index[:, columns] @ values``, one posting list after another (columns in
    increasing order), touching only the rows in those lists."""
    weights = np.broadcast_to(np.asarray(values, dtype=np.float64), (len(columns),))
    for column, value in zip(columns, weights, strict=True):
        start, end = index.indptr[column], index.indptr[column + 1]
        out[index.indices[start:end]] += index.data[start:end] * value


def feedback_factor(candidate: Candidate) -> float:
    """Mean rating mapped to [0, 1], shrunk towards 0.5 by three neutral votes; no-shows cost."""
    total = sum((r - 1) / 4 for r in candidate.ratings) + 1.5
    value = total / (len(candidate.ratings) + 3) - 0.15 * candidate.no_shows
    return min(1.0, max(0.0, value))


def _topic_words(topic: str) -> str:
    return topic.replace("-", " ")


def explain(need: Need, candidate: Candidate, factors: Iterable[float]) -> str:
    """The factors that speak for the match, in plain words."""
    f = dict(zip(FACTORS, factors, strict=True))
    parts: list[str] = []
    shared = sorted(need.topics & candidate.topics.keys())
    if shared:
        parts.append("both work on " + ", ".join(_topic_words(t) for t in shared))
    if f["text"] >= 0.05:
        common = sorted(set(words(need.text)) & set(words(candidate.text)))[:3]
        parts.append("similar descriptions" + (f" ({', '.join(common)})" if common else ""))
    languages = sorted(need.languages & candidate.languages)
    if languages:
        parts.append("speaks " + ", ".join(languages))
    if f["country"] > 0:
        same = need.country_preference is CountryPreference.NEAR
        parts.append(f"{'same country' if same else 'another country'} ({candidate.country})")
    if candidate.evidence > 0:
        design = EVIDENCE_DESIGNS[min(candidate.evidence, len(EVIDENCE_DESIGNS) - 1)]
        parts.append(f"evidence level {design.lower().replace('_', '-')}")
    if candidate.quality_labels:
        parts.append(f"{candidate.quality_labels} quality label(s)")
    if candidate.capacity:
        parts.append(f"{candidate.capacity_left} of {candidate.capacity} places free")
    if candidate.ratings:
        mean = sum(candidate.ratings) / len(candidate.ratings)
        parts.append(f"rated {mean:.1f}/5 by {len(candidate.ratings)}")
    if candidate.no_shows:
        parts.append(f"{candidate.no_shows} missed meeting(s)")
    return "; ".join(parts) or "no factor in common"


def score_matrix(
    pool: CandidatePool, needs: Sequence[Need], weights: Weights, blocks: Blocks = Blocks()
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Scores and allowed pairs of every need against every candidate (for a round)."""
    scores = np.zeros((len(needs), len(pool)))
    allowed = np.zeros((len(needs), len(pool)), dtype=bool)
    for row, need in enumerate(needs):
        scores[row] = pool.scores(need, weights)
        allowed[row] = pool.allowed(need, blocks)
    return scores, allowed
