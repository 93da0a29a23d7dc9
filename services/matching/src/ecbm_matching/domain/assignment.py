"""Whole-pool assignment of a round: each need at most one candidate, each candidate at most
its capacity, blocked pairs never; the total score as high as it gets.

The optimum is a min-cost flow (OR-Tools): source → need (1) → candidate (score) →
sink (capacity), with a free source → sink arc so leaving a need unmatched is allowed.
Large pools keep each need's ``keep_best`` edges plus greedy's picks, so the optimum over
that graph is never below greedy's total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_SCALE = 1_000_000  # scores are integers of micro-points for the flow


@dataclass(frozen=True)
class Assignment:
    pairs: list[tuple[int, int]]  # (need row, candidate column)
    total: float


def total_of(scores: npt.NDArray[np.float64], pairs: list[tuple[int, int]]) -> float:
    return float(sum(scores[r, c] for r, c in pairs))


def greedy(
    scores: npt.NDArray[np.float64],
    allowed: npt.NDArray[np.bool_],
    capacities: npt.NDArray[np.int64],
    keep_best: int | None = None,
) -> Assignment:
    """Best pair first (ties by row, column) while capacity lasts: the baseline.

    With ``keep_best`` it walks only each need's best pairs (ties at the edge included),
    and walks them all when a need ran out of its best before being served: the picks are
    the same as walking every pair."""
    usable = allowed & (scores > 0) & (np.asarray(capacities) > 0)[None, :]
    if keep_best is not None and keep_best < scores.shape[1]:
        kept = best_per_need(scores, usable, keep_best)
        pairs = _walk(scores, kept, capacities)
        served = np.zeros(scores.shape[0], dtype=bool)
        served[[r for r, _ in pairs]] = True
        # an unserved need with pairs left out would go on to them: walk everything then
        if not (~served & (kept.sum(axis=1) < usable.sum(axis=1))).any():
            return Assignment(sorted(pairs), total_of(scores, pairs))
    pairs = _walk(scores, usable, capacities)
    return Assignment(sorted(pairs), total_of(scores, pairs))


def best_per_need(
    scores: npt.NDArray[np.float64], usable: npt.NDArray[np.bool_], keep_best: int
) -> npt.NDArray[np.bool_]:
    """Each need's ``keep_best`` highest usable pairs, and any tied with the lowest of them."""
    masked = np.where(usable, scores, -1.0)
    best = np.argpartition(-masked, keep_best - 1, axis=1)[:, :keep_best]
    edge = np.take_along_axis(masked, best, axis=1).min(axis=1)
    kept: npt.NDArray[np.bool_] = usable & (masked >= edge[:, None])
    return kept


def _walk(
    scores: npt.NDArray[np.float64],
    usable: npt.NDArray[np.bool_],
    capacities: npt.NDArray[np.int64],
) -> list[tuple[int, int]]:
    """Greedy over the usable pairs, best first, ties by (row, column)."""
    rows, cols = np.nonzero(usable)
    order = np.lexsort((cols, rows, -scores[rows, cols]))
    left = np.array(capacities, dtype=np.int64).copy()
    taken = np.zeros(scores.shape[0], dtype=bool)
    pairs: list[tuple[int, int]] = []
    for r, c in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if not taken[r] and left[c] > 0:
            taken[r] = True
            left[c] -= 1
            pairs.append((r, c))
            if len(pairs) == scores.shape[0]:
                break
    return pairs


def optimal(
    scores: npt.NDArray[np.float64],
    allowed: npt.NDArray[np.bool_],
    capacities: npt.NDArray[np.int64],
    keep_best: int | None = None,
) -> Assignment:
    """The maximum-score assignment (over each need's ``keep_best`` edges plus greedy's)."""
    from ortools.graph.python import min_cost_flow  # imported when a round is made

    n_needs, n_candidates = scores.shape
    usable = allowed & (scores > 0) & (np.asarray(capacities) > 0)[None, :]
    if keep_best is not None and keep_best < n_candidates:
        keep = best_per_need(scores, usable, keep_best)
        for r, c in greedy(scores, allowed, capacities, keep_best).pairs:
            keep[r, c] = True
        usable &= keep
    rows, cols = np.nonzero(usable)
    if not len(rows):
        return Assignment([], 0.0)
    source, sink = n_needs + n_candidates, n_needs + n_candidates + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    costs = -np.rint(scores[rows, cols] * _SCALE).astype(np.int64)
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        rows.astype(np.int32),
        (cols + n_needs).astype(np.int32),
        np.ones(len(rows), dtype=np.int64),
        costs,
    )
    needs = np.arange(n_needs, dtype=np.int32)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n_needs, source, dtype=np.int32),
        needs,
        np.ones(n_needs, dtype=np.int64),
        np.zeros(n_needs, dtype=np.int64),
    )
    used = np.unique(cols)
    flow.add_arcs_with_capacity_and_unit_cost(
        (used + n_needs).astype(np.int32),
        np.full(len(used), sink, dtype=np.int32),
        np.asarray(capacities, dtype=np.int64)[used],
        np.zeros(len(used), dtype=np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, n_needs, 0)
    flow.set_node_supply(source, n_needs)
    flow.set_node_supply(sink, -n_needs)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: status {status}")
    flows = flow.flows(pair_arcs)
    chosen = [(int(r), int(c)) for r, c, f in zip(rows, cols, flows, strict=True) if f > 0]
    return Assignment(sorted(chosen), total_of(scores, chosen))
