"""The Meet & Match scheduler: accepted meetings into slots and tables.

Tables of a slot are interchangeable, so the model only chooses a slot per meeting
(CP-SAT): at most one slot each, a person in at most one meeting per slot, at most as many
meetings in a slot as tables, never a slot either side is unavailable for. It maximises
meetings held, a mutual request counting double. Tables are then dealt out per slot.
The bound is the LP relaxation of the same model (HiGHS through scipy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

MUTUAL_WEIGHT = 2


@dataclass(frozen=True)
class Meeting:
    id: str
    a: str
    b: str
    mutual: bool = False


@dataclass(frozen=True)
class Placement:
    meeting_id: str
    slot: int
    table: int


@dataclass(frozen=True)
class Schedule:
    placements: list[Placement]
    objective: int
    optimal: bool


def _options(
    meetings: Sequence[Meeting], slots: int, unavailable: Mapping[str, frozenset[int]]
) -> list[list[int]]:
    none: frozenset[int] = frozenset()
    return [
        [
            s
            for s in range(slots)
            if s not in unavailable.get(m.a, none) and s not in unavailable.get(m.b, none)
        ]
        if m.a != m.b
        else []
        for m in meetings
    ]


def _weight(meeting: Meeting) -> int:
    return MUTUAL_WEIGHT if meeting.mutual else 1


def first_fit(
    meetings: Sequence[Meeting], options: Sequence[Sequence[int]], tables: int
) -> list[tuple[int, int]]:
    """(meeting, slot) placed greedily, mutual first: the solver's starting point."""
    busy: set[tuple[str, int]] = set()
    used: dict[int, int] = defaultdict(int)
    placed: list[tuple[int, int]] = []
    for i in sorted(range(len(meetings)), key=lambda i: (-_weight(meetings[i]), i)):
        m = meetings[i]
        for s in options[i]:
            if used[s] < tables and (m.a, s) not in busy and (m.b, s) not in busy:
                busy.update({(m.a, s), (m.b, s)})
                used[s] += 1
                placed.append((i, s))
                break
    return placed


def schedule(
    meetings: Sequence[Meeting],
    slots: int,
    tables: int,
    unavailable: Mapping[str, frozenset[int]] | None = None,
    seconds: float = 4.0,
) -> Schedule:
    """Place what fits, starting from first fit; deterministic for the same input (one
    search worker, fixed seed; a time limit may stop it early, at a valid schedule)."""
    from ortools.sat.python import cp_model  # imported when scheduling: it loads pandas

    unavailable = unavailable or {}
    options = _options(meetings, slots, unavailable)
    model = cp_model.CpModel()
    chosen: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for i, meeting in enumerate(meetings):
        for s in options[i]:
            var = model.new_bool_var(f"m{i}s{s}")
            chosen[i, s] = var
            by_person_slot[meeting.a, s].append(var)
            by_person_slot[meeting.b, s].append(var)
            by_slot[s].append(var)
        if options[i]:
            model.add_at_most_one(chosen[i, s] for s in options[i])
    for group in by_person_slot.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    for group in by_slot.values():
        if len(group) > tables:
            model.add(cp_model.LinearExpr.sum(group) <= tables)
    start = first_fit(meetings, options, tables)
    for i, s in start:
        model.add_hint(chosen[i, s], 1)
    model.maximize(
        cp_model.LinearExpr.weighted_sum(
            list(chosen.values()), [_weight(meetings[i]) for i, _ in chosen]
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    solved = solver.status_name(status)
    placed: dict[int, list[str]] = defaultdict(list)
    if solved in ("OPTIMAL", "FEASIBLE"):
        for (i, s), var in sorted(chosen.items()):
            if solver.value(var):
                placed[s].append(meetings[i].id)
        objective = int(solver.objective_value)
    else:  # no solution in time: the greedy start is valid
        for i, s in sorted(start):
            placed[s].append(meetings[i].id)
        objective = sum(_weight(meetings[i]) for i, _ in start)
    placements = [
        Placement(meeting_id, slot, table)
        for slot in sorted(placed)
        for table, meeting_id in enumerate(placed[slot])
    ]
    return Schedule(placements, objective, solved == "OPTIMAL")


def upper_bound(
    meetings: Sequence[Meeting],
    slots: int,
    tables: int,
    unavailable: Mapping[str, frozenset[int]] | None = None,
    weighted: bool = True,
) -> float:
    """The LP relaxation's optimum of the same model: no schedule scores (``weighted``) or
    places (unweighted) more."""
    from scipy.optimize import linprog

    options = _options(meetings, slots, unavailable or {})
    variables = [(i, s) for i, slots_of in enumerate(options) for s in slots_of]
    if not variables:
        return 0.0
    rows: list[int] = []
    cols: list[int] = []
    row_of: dict[tuple[str, object], int] = {}

    def constraint(key: tuple[str, object], col: int) -> None:
        rows.append(row_of.setdefault(key, len(row_of)))
        cols.append(col)

    for col, (i, s) in enumerate(variables):
        constraint(("meeting", i), col)
        constraint(("person", (meetings[i].a, s)), col)
        constraint(("person", (meetings[i].b, s)), col)
        constraint(("slot", s), col)
    bounds = np.array([tables if kind == "slot" else 1 for kind, _ in row_of], dtype=float)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(row_of), len(variables))
    )
    weights = np.array([_weight(meetings[i]) if weighted else 1 for i, _ in variables], dtype=float)
    result = linprog(-weights, A_ub=matrix, b_ub=bounds, bounds=(0, 1), method="highs")
    if not result.success:
        raise RuntimeError(f"LP relaxation failed: {result.message}")
    return float(-result.fun)


def check(
    schedule_: Schedule,
    meetings: Sequence[Meeting],
    slots: int,
    tables: int,
    unavailable: Mapping[str, frozenset[int]] | None = None,
) -> list[str]:
    """What the schedule breaks (empty when valid): the invariants, stated once."""
    unavailable = unavailable or {}
    by_id = {m.id: m for m in meetings}
    problems: list[str] = []
    seen_people: set[tuple[str, int]] = set()
    seen_tables: set[tuple[int, int]] = set()
    seen_meetings: set[str] = set()
    for p in schedule_.placements:
        meeting = by_id[p.meeting_id]
        if p.meeting_id in seen_meetings:
            problems.append(f"{p.meeting_id} placed twice")
        seen_meetings.add(p.meeting_id)
        if not (0 <= p.slot < slots and 0 <= p.table < tables):
            problems.append(f"{p.meeting_id} outside the slots or tables")
        if (p.slot, p.table) in seen_tables:
            problems.append(f"table {p.table} double-booked in slot {p.slot}")
        seen_tables.add((p.slot, p.table))
        for person in (meeting.a, meeting.b):
            if (person, p.slot) in seen_people:
                problems.append(f"{person} double-booked in slot {p.slot}")
            seen_people.add((person, p.slot))
            if p.slot in unavailable.get(person, frozenset()):
                problems.append(f"{person} unavailable in slot {p.slot}")
    return problems
