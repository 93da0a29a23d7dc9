"""The Meet & Match scheduler with delegations, buildings, travel time and re-planning, and
contact suggestions: invariants (hypothesis) and plain-words reasons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_matching.domain.advocacy import Contact, suggest
from ecbm_matching.domain.schedule import Meeting, Venue, check, schedule, upper_bound

people = [f"p{i}" for i in range(8)]
SLOTS = 4
# Slots of 15 minutes every 20: 5 minutes between two slots, 25 across one.
TIMES = tuple((20.0 * s, 20.0 * s + 15) for s in range(SLOTS))


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[Meeting], Venue, dict[str, frozenset[int]]]:
    """Pairs and group meetings (a delegation with a contact), tables in up to three
    buildings with travel minutes between them, unavailable slots, withdrawn ones."""
    raw = draw(
        st.lists(
            st.tuples(
                st.sampled_from(people),
                st.sampled_from(people),
                st.booleans(),
                st.lists(st.sampled_from(people), max_size=3),
            ),
            max_size=20,
        )
    )
    meetings = [
        Meeting(f"m{i}", a, b, mutual, tuple(others))
        for i, (a, b, mutual, others) in enumerate(raw)
    ]
    tables = draw(st.integers(1, 4))
    buildings = tuple(draw(st.lists(st.sampled_from("ABC"), min_size=tables, max_size=tables)))
    travel = {
        frozenset(pair): draw(st.sampled_from([0.0, 10.0, 30.0]))
        for pair in (("A", "B"), ("A", "C"), ("B", "C"))
    }
    venue = Venue(
        buildings,
        TIMES,
        travel,
        closed_slots=draw(st.frozensets(st.integers(0, SLOTS - 1), max_size=1)),
        closed_tables=draw(st.frozensets(st.integers(0, tables - 1), max_size=1)),
    )
    unavailable = draw(st.dictionaries(st.sampled_from(people), st.frozensets(st.integers(0, 3))))
    return meetings, venue, unavailable


@given(plans())
@settings(max_examples=20, deadline=None)
def test_nobody_or_table_is_double_booked_and_travel_time_is_kept(
    plan: tuple[list[Meeting], Venue, dict[str, frozenset[int]]],
) -> None:
    meetings, venue, unavailable = plan
    tables = len(venue.buildings)
    result = schedule(meetings, SLOTS, tables, unavailable, seconds=2, venue=venue)
    assert check(result, meetings, SLOTS, tables, unavailable, venue) == []
    bound = upper_bound(meetings, SLOTS, tables, unavailable, venue=venue)
    assert result.objective <= bound + 1e-6
    assert result == schedule(meetings, SLOTS, tables, unavailable, seconds=2, venue=venue)


@given(plans(), st.data())
@settings(max_examples=20, deadline=None)
def test_a_replan_keeps_fixed_meetings_where_they_were(
    plan: tuple[list[Meeting], Venue, dict[str, frozenset[int]]], data: st.DataObject
) -> None:
    """Minimal disruption: meetings of the published version that are still possible stay
    at their slot and table; the others and new ones are placed around them."""
    meetings, venue, unavailable = plan
    tables = len(venue.buildings)
    first = schedule(meetings, SLOTS, tables, unavailable, seconds=1, venue=venue)
    kept = (
        data.draw(st.lists(st.sampled_from(first.placements), unique=True))
        if first.placements
        else []
    )
    fixed = {p.meeting_id: (p.slot, p.table) for p in kept}
    again = schedule(meetings, SLOTS, tables, unavailable, seconds=1, venue=venue, fixed=fixed)
    assert check(again, meetings, SLOTS, tables, unavailable, venue) == []
    placed = {p.meeting_id: (p.slot, p.table) for p in again.placements}
    assert all(placed.get(m) == where for m, where in fixed.items())
    assert len(again.placements) >= len(fixed)


def test_a_delegation_is_busy_as_a_whole_and_walks_between_buildings() -> None:
    venue = Venue(
        ("Parliament", "Berlaymont", "Parliament"),
        TIMES[:2],
        {frozenset(("Parliament", "Berlaymont")): 15},
    )
    visit = Meeting("visit", "delegation:be", "contact:mep", others=("ana", "ben"))
    pair = Meeting("pair", "ana", "cy")  # ana is in the delegation: not at the same time
    far = Meeting("far", "ben", "dan")
    away = {"contact:mep": frozenset({1})}  # the MEP receives in the first slot only
    result = schedule([visit, pair, far], 2, 3, away, 2, venue)
    assert check(result, [visit, pair, far], 2, 3, away, venue) == []
    slot = {p.meeting_id: p.slot for p in result.placements}
    assert slot["visit"] == 0 and slot["pair"] == 1 and slot["far"] == 1
    building = {p.meeting_id: venue.buildings[p.table] for p in result.placements}
    # 5 minutes between the slots, 15 to walk: ana and ben stay in the visit's building,
    # the one with two tables
    assert building["pair"] == building["far"] == building["visit"] == "Parliament"


def test_suggestions_put_own_country_meps_and_relevant_commission_staff_first() -> None:
    contacts = [
        Contact("mep-be", "MEP", "BE", "OPEN", ("migrant-integration",), "EMPL"),
        Contact("mep-fr", "MEP", "FR", "CHAMPION", (), "CULT, FEMM"),
        Contact("mep-it", "MEP", "IT", "OPEN", (), "CULT, EMPL"),
        Contact("dg-empl", "COMMISSION_STAFF", "IT", "UNKNOWN", ("migrant-integration",), "EMPL"),
        Contact("lobby", "LOBBYIST", "BE", "CHAMPION", ("tax",)),
        Contact("nlo-be", "NATIONAL_LIAISON_OFFICE", "BE", "SCEPTICAL", ()),
    ]
    found = suggest("BE", ["migrant-integration", "mentor-training"], contacts, ["EMPL"])
    assert [s.contact_id for s in found] == ["mep-be", "dg-empl", "mep-it", "nlo-be"]
    assert found[0].explanation == (
        "an MEP from BE; in EMPL, which handles your topics; works on migrant-integration; "
        "open to mentoring"
    )
    assert found == suggest("BE", ["migrant-integration", "mentor-training"], contacts, ["EMPL"])
    assert len(suggest("BE", ["migrant-integration"], contacts, limit=1)) == 1
