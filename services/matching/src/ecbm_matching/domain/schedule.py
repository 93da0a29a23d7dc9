"""The Meet & Match scheduler: accepted meetings into slots and tables.

Tables of one building are interchangeable in a slot, so the model chooses a slot and a
building per meeting (CP-SAT): at most one each, everyone of a meeting (two participants, or
a delegation and a policy contact) in at most one meeting per slot, at most as many meetings
in a building and slot as it has open tables, never a slot anyone of the meeting is
unavailable for, and nobody with two meetings in buildings further apart (in travel minutes)
than the time between those slots. It maximises meetings held, a mutual request counting
double. Tables are then dealt out per slot and building.

Re-planning a published schedule passes ``fixed`` placements (meeting → slot and table):
those stay exactly where they are, and the rest is placed around them (minimal disruption).
The bound is the LP relaxation of the same model without travel and fixed placements
(HiGHS through scipy): a relaxation of fewer constraints is still an upper bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, cast

import numpy as np
from scipy import sparse

MUTUAL_WEIGHT = 2


@dataclass(frozen=True)
class Meeting:
    """``a`` and ``b`` meet; ``others`` are busy with them (the rest of a delegation)."""

    id: str
    a: str
    b: str
    mutual: bool = False
    others: tuple[str, ...] = ()

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.a, self.b, *self.others)))


@dataclass(frozen=True)
class Venue:
    """Where and when: each table's building, each slot's start and end (minutes from any
    origin), travel minutes between two buildings (unlisted pairs: 0), and the slots and
    tables withdrawn after publishing (their indexes stay, so placements keep meaning)."""

    buildings: tuple[str, ...]
    times: tuple[tuple[float, float], ...] = ()
    travel: Mapping[frozenset[str], float] = field(default_factory=dict)
    closed_slots: frozenset[int] = frozenset()
    closed_tables: frozenset[int] = frozenset()

    def minutes(self, here: str, there: str) -> float:
        return 0.0 if here == there else self.travel.get(frozenset((here, there)), 0.0)

    def too_far(self, s: int, here: str, t: int, there: str) -> bool:
        """Whether one person cannot be in ``here`` at slot s and ``there`` at slot t."""
        if here == there or not self.times or s == t:
            return False
        first, second = (s, t) if self.times[s][0] <= self.times[t][0] else (t, s)
        gap = self.times[second][0] - self.times[first][1]
        return self.minutes(here, there) > gap


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


def _venue(tables: int, venue: Venue | None) -> Venue:
    found = venue or Venue(buildings=("",) * tables)
    if len(found.buildings) != tables:
        raise ValueError(f"{len(found.buildings)} buildings for {tables} tables")
    return found


def _sites(venue: Venue) -> Venue:
    """The venue with buildings close enough for the shortest gap between two slots made
    one site (the first building's name): the model then chooses among fewer places. Travel
    between two sites is the longest walk between their buildings, so a schedule valid for
    sites is valid for buildings (it may rarely forgo a pair of buildings close enough)."""
    names = list(dict.fromkeys(venue.buildings))
    if len(names) < 2 or not venue.times:
        return venue
    ordered = sorted(venue.times)
    gaps = [b[0] - a[1] for a, b in pairwise(ordered)]
    shortest = min(gaps, default=0.0)
    sites: list[list[str]] = []
    for name in names:
        site = next((g for g in sites if all(venue.minutes(name, o) <= shortest for o in g)), None)
        if site is None:
            sites.append([name])
        else:
            site.append(name)
    if len(sites) == len(names):
        return venue
    site_of = {name: site[0] for site in sites for name in site}
    travel = {
        frozenset((a[0], b[0])): max(venue.minutes(x, y) for x in a for y in b)
        for i, a in enumerate(sites)
        for b in sites[i + 1 :]
    }
    return Venue(
        tuple(site_of[b] for b in venue.buildings),
        venue.times,
        travel,
        venue.closed_slots,
        venue.closed_tables,
    )


def _capacity(slots: int, venue: Venue) -> dict[tuple[int, str], int]:
    """Open tables per (slot, building)."""
    capacity: dict[tuple[int, str], int] = defaultdict(int)
    for s in range(slots):
        if s in venue.closed_slots:
            continue
        for t, building in enumerate(venue.buildings):
            if t not in venue.closed_tables:
                capacity[s, building] += 1
    return capacity


def _options(
    meetings: Sequence[Meeting],
    slots: int,
    unavailable: Mapping[str, frozenset[int]],
    capacity: Mapping[tuple[int, str], int],
    fixed: Mapping[str, tuple[int, int]],
    venue: Venue,
) -> list[list[tuple[int, str]]]:
    none: frozenset[int] = frozenset()
    places = sorted(capacity)
    options: list[list[tuple[int, str]]] = []
    for m in meetings:
        if m.id in fixed:
            slot, table = fixed[m.id]
            options.append([(slot, venue.buildings[table])])
        elif m.a == m.b:
            options.append([])
        else:
            blocked = none.union(*(unavailable.get(p, none) for p in m.people))
            options.append([o for o in places if o[0] not in blocked] if blocked else places)
    return options


def _weight(meeting: Meeting) -> int:
    return MUTUAL_WEIGHT if meeting.mutual else 1


def first_fit(
    meetings: Sequence[Meeting],
    options: Sequence[Sequence[tuple[int, str]]],
    capacity: Mapping[tuple[int, str], int],
    venue: Venue,
    fixed: Mapping[str, tuple[int, int]] | None = None,
) -> list[tuple[int, tuple[int, str]]]:
    """(meeting, (slot, building)) placed greedily, fixed then mutual first: the solver's
    starting point, valid on its own."""
    fixed = fixed or {}
    where: dict[str, dict[int, str]] = defaultdict(dict)  # person → slot → building
    used: dict[tuple[int, str], int] = defaultdict(int)
    placed: list[tuple[int, tuple[int, str]]] = []
    order = sorted(
        range(len(meetings)),
        key=lambda i: (meetings[i].id not in fixed, -_weight(meetings[i]), i),
    )
    for i in order:
        m = meetings[i]
        for s, b in options[i]:
            fits = used[s, b] < capacity.get((s, b), 0) and all(
                s not in where[p]
                and not any(venue.too_far(s, b, t, there) for t, there in where[p].items())
                for p in m.people
            )
            if fits:
                for p in m.people:
                    where[p][s] = b
                used[s, b] += 1
                placed.append((i, (s, b)))
                break
    return placed


def schedule(
    meetings: Sequence[Meeting],
    slots: int,
    tables: int,
    unavailable: Mapping[str, frozenset[int]] | None = None,
    seconds: float = 4.0,
    venue: Venue | None = None,
    fixed: Mapping[str, tuple[int, int]] | None = None,
) -> Schedule:
    """Place what fits, starting from first fit; deterministic for the same input (one
    search worker, fixed seed; a time limit may stop it early, at a valid schedule).
    ``fixed`` meetings must form a valid schedule on their own; they are kept."""
    from ortools.sat.python import cp_model  # imported when scheduling: it loads pandas

    unavailable = unavailable or {}
    fixed = fixed or {}
    venue = _sites(_venue(tables, venue))
    capacity = _capacity(slots, venue)
    options = _options(meetings, slots, unavailable, capacity, fixed, venue)
    model = cp_model.CpModel()
    # Written straight into the model's proto: the wrapper's checks per call cost more
    # than the search on the benchmark's 50,000 variables. Literals are variable indexes.
    proto = model.proto
    chosen: dict[tuple[int, tuple[int, str]], int] = {}
    by_person_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_person_place: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    by_place: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, meeting in enumerate(meetings):
        people = meeting.people
        for o in options[i]:
            var = _new_bool(proto)
            chosen[i, o] = var
            s, b = o
            for person in people:
                by_person_slot[person, s].append(var)
                by_person_place[person, s, b].append(var)
            by_place[o].append(var)
        if len(options[i]) > 1:
            _at_most_one(proto, [chosen[i, o] for o in options[i]])
        if meeting.id in fixed and options[i]:
            proto.variables[chosen[i, options[i][0]]].domain[:] = [1, 1]
    for group in by_person_slot.values():
        if len(group) > 1:
            _at_most_one(proto, group)
    for place, group in by_place.items():
        if len(group) > capacity.get(place, 0):
            linear = proto.constraints.add().linear
            linear.vars.extend(group)
            linear.coeffs.extend([1] * len(group))
            linear.domain.extend([0, capacity.get(place, 0)])
    _travel(proto, by_person_place, venue)
    start = first_fit(meetings, options, capacity, venue, fixed)
    proto.solution_hint.vars.extend(chosen[i, o] for i, o in start)
    proto.solution_hint.values.extend([1] * len(start))
    proto.objective.vars.extend(chosen.values())  # maximised: minimise the negation
    proto.objective.coeffs.extend(-_weight(meetings[i]) for i, _ in chosen)
    proto.objective.scaling_factor = -1
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    solved = solver.status_name(status)
    if solved in ("OPTIMAL", "FEASIBLE"):
        values = solver.response_proto.solution
        picked = [(i, o) for (i, o), var in sorted(chosen.items()) if values[var]]
        objective = round(solver.objective_value)
    else:  # no solution in time: the greedy start is valid
        picked = sorted(start)
        objective = sum(_weight(meetings[i]) for i, _ in start)
    return Schedule(_deal_tables(meetings, picked, venue, fixed), objective, solved == "OPTIMAL")


def _new_bool(proto: Any) -> int:
    proto.variables.add().domain.extend((0, 1))
    return len(proto.variables) - 1


def _at_most_one(proto: Any, literals: Sequence[int]) -> None:
    proto.constraints.add().at_most_one.literals.extend(literals)


def _travel(
    proto: Any,
    by_person_place: Mapping[tuple[str, int, str], list[int]],
    venue: Venue,
) -> None:
    """Nobody in two buildings too far apart for the time between the two slots: one
    boolean per person, slot and building, implied by each of their meetings there, and at
    most one of each pair too far apart (the boolean may only be 0 when no meeting is
    there, so implications suffice)."""
    if len(set(venue.buildings)) < 2 or not venue.times:
        return
    places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for person, s, b in by_person_place:
        places[person].append((s, b))
    there_var: dict[tuple[str, int, str], int] = {}

    def there(person: str, s: int, b: str) -> int:
        key = (person, s, b)
        if key not in there_var:
            group = by_person_place[key]
            if len(group) == 1:
                there_var[key] = group[0]
            else:
                var = _new_bool(proto)
                for chosen in group:  # chosen → var
                    proto.constraints.add().bool_or.literals.extend((-chosen - 1, var))
                there_var[key] = var
        return there_var[key]

    for person, held in places.items():
        if len({s for s, _ in held}) < 2:
            continue  # one slot only: never travels
        held.sort()
        for x, (s, b) in enumerate(held):
            for t, other in held[x + 1 :]:
                if venue.too_far(s, b, t, other):
                    here, away = there(person, s, b), there(person, t, other)
                    proto.constraints.add().bool_or.literals.extend((-here - 1, -away - 1))


def _deal_tables(
    meetings: Sequence[Meeting],
    picked: Sequence[tuple[int, tuple[int, str]]],
    venue: Venue,
    fixed: Mapping[str, tuple[int, int]],
) -> list[Placement]:
    """Fixed meetings keep their table; the others take the open tables of their building
    in order."""
    taken: set[tuple[int, int]] = {
        fixed[meetings[i].id] for i, _ in picked if meetings[i].id in fixed
    }
    placements: list[Placement] = []
    for i, (s, b) in picked:
        meeting_id = meetings[i].id
        if meeting_id in fixed:
            placements.append(Placement(meeting_id, s, fixed[meeting_id][1]))
            continue
        table = next(
            t
            for t, building in enumerate(venue.buildings)
            if building == b and t not in venue.closed_tables and (s, t) not in taken
        )
        taken.add((s, table))
        placements.append(Placement(meeting_id, s, table))
    return sorted(placements, key=lambda p: (p.slot, p.table))


def upper_bound(
    meetings: Sequence[Meeting],
    slots: int,
    tables: int,
    unavailable: Mapping[str, frozenset[int]] | None = None,
    weighted: bool = True,
    venue: Venue | None = None,
) -> float:
    """The LP relaxation's optimum of the model without travel: no schedule scores
    (``weighted``) or places (unweighted) more."""
    from scipy.optimize import linprog

    venue = _venue(tables, venue)
    capacity = _capacity(slots, venue)
    options = _options(meetings, slots, unavailable or {}, capacity, {}, venue)
    variables = [(i, o) for i, options_of in enumerate(options) for o in options_of]
    if not variables:
        return 0.0
    rows: list[int] = []
    cols: list[int] = []
    row_of: dict[tuple[str, object], int] = {}

    def constraint(key: tuple[str, object], col: int) -> None:
        rows.append(row_of.setdefault(key, len(row_of)))
        cols.append(col)

    for col, (i, (s, b)) in enumerate(variables):
        constraint(("meeting", i), col)
        for person in meetings[i].people:
            constraint(("person", (person, s)), col)
        constraint(("place", (s, b)), col)
    limits = [
        float(capacity[cast(tuple[int, str], key)]) if kind == "place" else 1.0
        for kind, key in row_of
    ]
    bounds = np.array(limits)
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
    venue: Venue | None = None,
) -> list[str]:
    """What the schedule breaks (empty when valid): the invariants, stated once."""
    unavailable = unavailable or {}
    venue = _venue(tables, venue)
    by_id = {m.id: m for m in meetings}
    problems: list[str] = []
    seen_people: dict[str, dict[int, str]] = defaultdict(dict)
    seen_tables: set[tuple[int, int]] = set()
    seen_meetings: set[str] = set()
    for p in schedule_.placements:
        meeting = by_id[p.meeting_id]
        if p.meeting_id in seen_meetings:
            problems.append(f"{p.meeting_id} placed twice")
        seen_meetings.add(p.meeting_id)
        if not (0 <= p.slot < slots and 0 <= p.table < tables):
            problems.append(f"{p.meeting_id} outside the slots or tables")
            continue
        if p.slot in venue.closed_slots or p.table in venue.closed_tables:
            problems.append(f"{p.meeting_id} in a withdrawn slot or table")
        if (p.slot, p.table) in seen_tables:
            problems.append(f"table {p.table} double-booked in slot {p.slot}")
        seen_tables.add((p.slot, p.table))
        building = venue.buildings[p.table]
        for person in meeting.people:
            if p.slot in seen_people[person]:
                problems.append(f"{person} double-booked in slot {p.slot}")
            for t, there in seen_people[person].items():
                if venue.too_far(p.slot, building, t, there):
                    problems.append(f"{person} cannot travel between slots {t} and {p.slot}")
            seen_people[person][p.slot] = building
            if p.slot in unavailable.get(person, frozenset()):
                problems.append(f"{person} unavailable in slot {p.slot}")
    return problems
