"""Meet & Match: participants from the events service, organisers' slots and tables,
meeting requests, the scheduler, personal agendas (iCalendar)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ecbm_integration import events as from_events
from ecbm_integration import matching as to_matching
from ecbm_matching.adapters.meet_and_match import MeetAndMatchView, MeetingView
from ecbm_matching.application import commands as c
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.domain import schedule as scheduler
from ecbm_matching.domain.meet_and_match import (
    REQUEST_CAP,
    CapReached,
    MeetAndMatch,
    MeetAndMatchNotFound,
    MeetingNotFound,
    MeetingRequest,
    MeetingState,
    NotAParticipant,
    Placed,
    SlotTime,
    Travel,
)
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

KIND = "meet_and_match"
_log = logging.getLogger("ecbm_matching.meet_and_match")


def on_event_published(event: from_events.EventPublished, deps: MatchingDependencies) -> None:
    with deps.uow() as work:
        if event.kind == KIND:
            _event(work, event.event_id, event.title, event.starts_at)
        work.commit()


def on_slots_planned(
    event: from_events.MeetAndMatchSlotsPlanned, deps: MatchingDependencies
) -> None:
    """The events service's timetable becomes the slots unless the organisers set their own."""
    slots = tuple(SlotTime(starts_at=s.starts_at, ends_at=s.ends_at) for s in event.slots)
    with deps.uow() as work:
        events = work.repository(MeetAndMatch)
        found = events.find(event.event_id)
        if found is None:  # the timetable may overtake the publication
            found = MeetAndMatch.open(event.event_id, event.title, event.starts_at)
            events.add(found)
        found.plan_slots(slots)
        work.commit()


def on_registration_confirmed(
    event: from_events.RegistrationConfirmed, deps: MatchingDependencies
) -> None:
    with deps.uow() as work:
        if event.kind == KIND:
            _event(work, event.event_id, event.title, event.starts_at)
            work.views.meet_and_match.join(event.event_id, event.person_id)
        work.commit()


def on_registration_cancelled(
    event: from_events.RegistrationCancelled, deps: MatchingDependencies
) -> None:
    """The person leaves: their meetings are cancelled (and leave the schedule); the other
    side of each accepted one is told."""
    with deps.uow() as work:
        if event.kind == KIND:
            views = work.views.meet_and_match
            views.leave(event.event_id, event.person_id)
            found = views.event(event.event_id)
            for meeting in views.meetings(event.event_id, event.person_id):
                work.repository(MeetingRequest).get(meeting.id).cancel()
                other = meeting.to_id if meeting.from_id == event.person_id else meeting.from_id
                if found is not None:
                    _tell_cancelled(work, deps, found, meeting, (other,))
        work.commit()


def _tell_cancelled(
    work: UnitOfWork[Any],
    deps: MatchingDependencies,
    event: MeetAndMatchView,
    meeting: MeetingView,
    others: tuple[str, ...],
) -> None:
    """Everyone in ``others`` hears that ``meeting`` (as it was before cancelling) is off,
    when it had been accepted: before the schedule is published too, since they counted on
    it. A request never accepted tells no one (its recipient may still see it as cancelled).
    ``scheduled``: whether it was on their published agenda."""
    if meeting.state != "accepted":
        return
    scheduled = event.state == "published" and meeting.slot is not None
    for other in others:
        if other:  # "" once the other side was forgotten
            work.publish(
                to_matching.MeetingCancelled(
                    meeting_id=meeting.id,
                    event_id=event.id,
                    person_id=other,
                    title=event.title,
                    occurred_at=deps.clock(),
                    scheduled=scheduled,
                ),
                subject=other,
            )


def _event(work: UnitOfWork[Any], event_id: str, title: str, starts_at: datetime) -> None:
    """Opened on the first word of it (registrations may overtake the publication)."""
    events = work.repository(MeetAndMatch)
    if not events.exists(event_id):
        events.add(MeetAndMatch.open(event_id, title, starts_at))


def _found(work: UnitOfWork[Any], event_id: str) -> MeetAndMatch:
    found = work.repository(MeetAndMatch).find(event_id)
    if found is None:
        raise MeetAndMatchNotFound(f"Meet & Match {event_id!r} does not exist")
    return found


def configure(command: c.ConfigureMeetAndMatch, deps: MatchingDependencies) -> str:
    command.actor.require_editor("organise a Meet & Match")
    for i, slot in enumerate(command.slots):
        if slot.ends_at <= slot.starts_at:
            raise InvalidArgument(FieldViolation(f"slots[{i}]", "ends before it starts"))
    if command.buildings and len(command.buildings) != len(command.tables):
        raise InvalidArgument(FieldViolation("buildings", "one building per table, or none"))
    slots = tuple(
        SlotTime(starts_at=s.starts_at.astimezone(UTC), ends_at=s.ends_at.astimezone(UTC))
        for s in command.slots
    )
    travel = tuple(Travel(here=t.here, there=t.there, minutes=t.minutes) for t in command.travel)
    with deps.uow() as work:
        found = _found(work, command.event_id)
        if not (slots or found.slots):
            raise InvalidArgument(
                FieldViolation("slots", "required: the events' timetable gave none")
            )
        # No slots given: keep the current ones (the events service's timetable).
        found.configure(slots or found.slots, command.tables, command.buildings, travel)
        work.commit()
    return command.event_id


def set_availability(command: c.SetAvailability, deps: MatchingDependencies) -> str:
    person = command.actor.require_subject()
    with deps.uow() as work:
        views = work.views.meet_and_match
        if not views.takes_part(command.event_id, person):
            raise NotAParticipant(f"you are not registered for {command.event_id!r}")
        views.set_unavailable(command.event_id, person, list(command.unavailable))
        work.commit()
    return command.event_id


def request_meeting(command: c.RequestMeeting, deps: MatchingDependencies) -> str:
    person = command.actor.require_subject()
    with deps.uow() as work:
        views = work.views.meet_and_match
        _found(work, command.event_id)
        for who in (person, command.to_person):
            if not views.takes_part(command.event_id, who):
                raise NotAParticipant(f"{who!r} is not registered for this Meet & Match")
        if person == command.to_person:
            raise InvalidArgument(FieldViolation("to_person", "a meeting takes two people"))
        if views.sent_by(command.event_id, person) >= REQUEST_CAP:
            raise CapReached(f"at most {REQUEST_CAP} meeting requests per person")
        meeting_id = new_id("meeting")
        work.repository(MeetingRequest).add(
            MeetingRequest.request(
                meeting_id, command.event_id, person, command.to_person, command.message
            )
        )
        work.commit()
    return meeting_id


def answer_meeting(command: c.AnswerMeeting, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        meeting = work.repository(MeetingRequest).find(command.meeting_id)
        if meeting is None or meeting.event_id != command.event_id:
            raise MeetingNotFound(f"meeting {command.meeting_id!r} does not exist")
        meeting.answer(command.actor.subject, command.accept)
        work.commit()
    return command.meeting_id


@dataclass(frozen=True)
class ScheduleResult:
    placed: int
    accepted: int
    objective: int
    bound: float


@dataclass(frozen=True)
class Plan:
    """What the scheduler gets: meetings (pairs, delegations' visits), who cannot attend
    which slot (participants, contacts outside their windows), the venue, and for each
    meeting the participants to tell when it changes."""

    meetings: list[scheduler.Meeting]
    unavailable: dict[str, frozenset[int]]
    venue: scheduler.Venue
    told: dict[str, tuple[str, ...]]


CONTACT = "contact:"
DELEGATION = "delegation:"


def _plan(work: UnitOfWork[Any], event: MeetAndMatch, withdrawn: tuple[set[int], set[int]]) -> Plan:
    views = work.views.meet_and_match
    accepted = views.meetings(event.id, state="accepted")
    meetings = _one_per_pair([m for m in accepted if not m.visit])
    told: dict[str, tuple[str, ...]] = {m.id: (m.a, m.b) for m in meetings}
    members = {d.id: tuple(d.members) for d in views.delegations(event.id)}
    for visit in sorted((m for m in accepted if m.visit), key=lambda m: m.id):
        delegation = members.get(visit.from_id, ())
        meetings.append(
            scheduler.Meeting(
                visit.id, DELEGATION + visit.from_id, CONTACT + visit.to_id, others=delegation
            )
        )
        told[visit.id] = delegation
    unavailable = dict(views.unavailability(event.id))
    for contact, windows in views.windows(event.id).items():
        unavailable[CONTACT + contact] = frozenset(
            i for i, slot in enumerate(event.slots) if not _within(slot, windows)
        )
    origin, minute = event.starts_at, timedelta(minutes=1)
    venue = scheduler.Venue(
        buildings=tuple(event.building(t) for t in range(len(event.tables))),
        times=tuple(
            (
                (s.starts_at - origin) / minute,
                (s.ends_at - origin) / minute,
            )
            for s in event.slots
        ),
        travel={frozenset((t.here, t.there)): t.minutes for t in event.travel},
        closed_slots=frozenset(withdrawn[0]),
        closed_tables=frozenset(withdrawn[1]),
    )
    return Plan(meetings, unavailable, venue, told)


def _within(slot: SlotTime, windows: list[dict[str, str]]) -> bool:
    return any(
        datetime.fromisoformat(w["starts_at"]) <= slot.starts_at
        and slot.ends_at <= datetime.fromisoformat(w["ends_at"])
        for w in windows
    )


def schedule_meetings(
    command: c.ScheduleMeetAndMatch, deps: MatchingDependencies
) -> ScheduleResult:
    """Place accepted meetings (mutual first) into slots and tables: a preliminary agenda.
    FAILED_PRECONDITION once the schedule is published."""
    command.actor.require_editor("organise a Meet & Match")
    with deps.uow() as work:
        event = _found(work, command.event_id)
        event._require_unlocked()
        plan = _plan(work, event, (set(), set()))
        slots, tables = len(event.slots), len(event.tables)
        result = scheduler.schedule(
            plan.meetings, slots, tables, plan.unavailable, command.seconds, plan.venue
        )
        bound = _bound(plan, slots, tables)
        placements = tuple(
            Placed(meeting_id=p.meeting_id, slot=p.slot, table=p.table) for p in result.placements
        )
        event.propose_schedule(placements, round(bound, 3))
        work.commit()
    return ScheduleResult(len(placements), len(plan.meetings), result.objective, bound)


def _bound(plan: Plan, slots: int, tables: int) -> float:
    if not plan.meetings:
        return 0.0
    return scheduler.upper_bound(plan.meetings, slots, tables, plan.unavailable, venue=plan.venue)


@dataclass(frozen=True)
class ReplanResult:
    version: int
    kept: int
    moved: int
    added: int
    dropped: int
    told: int


def replan_schedule(command: c.ReplanSchedule, deps: MatchingDependencies) -> ReplanResult:
    """A new version of a published schedule after changes (meetings cancelled or accepted
    since, participants gone, slots or tables withdrawn): every meeting still possible
    stays at its slot and table; the rest is placed around them; the version is published
    at once and exactly the participants whose meeting changed are told."""
    command.actor.require_editor("organise a Meet & Match")
    with deps.uow() as work:
        event = _found(work, command.event_id)
        for field, indexes, count in (
            ("withdrawn_slots", command.withdrawn_slots, len(event.slots)),
            ("withdrawn_tables", command.withdrawn_tables, len(event.tables)),
        ):
            for i, index in enumerate(indexes):
                if not 0 <= index < count:
                    raise InvalidArgument(FieldViolation(f"{field}[{i}]", "no such index"))
        closed_slots = set(event.withdrawn_slots) | set(command.withdrawn_slots)
        closed_tables = set(event.withdrawn_tables) | set(command.withdrawn_tables)
        plan = _plan(work, event, (closed_slots, closed_tables))
        by_id = {m.id: m for m in plan.meetings}
        before = {p.meeting_id: (p.slot, p.table) for p in event.placements}
        fixed = {
            meeting_id: (slot, table)
            for meeting_id, (slot, table) in before.items()
            if meeting_id in by_id
            and slot not in closed_slots
            and table not in closed_tables
            and not any(slot in plan.unavailable.get(p, ()) for p in by_id[meeting_id].people)
        }
        slots, tables = len(event.slots), len(event.tables)
        result = scheduler.schedule(
            plan.meetings, slots, tables, plan.unavailable, command.seconds, plan.venue, fixed
        )
        placements = tuple(
            Placed(meeting_id=p.meeting_id, slot=p.slot, table=p.table) for p in result.placements
        )
        event.replan(
            placements,
            round(_bound(plan, slots, tables), 3),
            tuple(closed_slots),
            tuple(closed_tables),
        )
        after = {p.meeting_id: (p.slot, p.table) for p in result.placements}
        counts = {"MOVED": 0, "ADDED": 0, "DROPPED": 0}
        told = 0
        for meeting_id in sorted(set(before) | set(after)):
            if meeting_id not in by_id or before.get(meeting_id) == after.get(meeting_id):
                continue  # gone (its people were told then) or kept
            old, new = before.get(meeting_id), after.get(meeting_id)
            change = "ADDED" if old is None else "DROPPED" if new is None else "MOVED"
            counts[change] += 1
            for person in plan.told[meeting_id]:
                told += 1
                work.publish(
                    to_matching.MeetingRescheduled(
                        meeting_id=meeting_id,
                        event_id=event.id,
                        person_id=person,
                        title=event.title,
                        version=event.schedule_version,
                        change=change,
                        old_slot=old[0] if old else -1,
                        new_slot=new[0] if new else -1,
                        new_start_time=event.slots[new[0]].starts_at if new else None,
                        new_location=event.tables[new[1]] if new else "",
                        occurred_at=deps.clock(),
                    ),
                    subject=person,
                )
        work.commit()
    kept = sum(1 for m, where in after.items() if before.get(m) == where)
    outcome = ReplanResult(
        event.schedule_version, kept, counts["MOVED"], counts["ADDED"], counts["DROPPED"], told
    )
    _log.info("schedule re-planned", extra={"event_id": event.id, **vars(outcome)})
    return outcome


def cancel_meeting(command: c.CancelMeeting, deps: MatchingDependencies) -> str:
    """Either side cancels an accepted or pending meeting (organisers a delegation's visit);
    the other side of an accepted one is told, published or not (`_tell_cancelled`)."""
    actor = command.actor
    with deps.uow() as work:
        views = work.views.meet_and_match
        found = views.meeting(command.meeting_id)
        allowed = found is not None and (
            actor.is_editor or (not found.visit and actor.subject in (found.from_id, found.to_id))
        )
        if found is None or not allowed or found.event_id != command.event_id:
            raise MeetingNotFound(f"meeting {command.meeting_id!r} does not exist")
        meeting = work.repository(MeetingRequest).get(found.id)
        if meeting.state is MeetingState.CANCELLED:
            return found.id
        meeting.cancel()
        event = views.event(command.event_id)
        if found.visit:
            others = tuple(
                m
                for d in views.delegations(command.event_id)
                if d.id == found.from_id
                for m in d.members
            )
        else:
            others = tuple(p for p in (found.from_id, found.to_id) if p != actor.subject)
        if event is not None:
            _tell_cancelled(work, deps, event, found, others)
        work.commit()
    return found.id


def _one_per_pair(accepted: list[MeetingView]) -> list[scheduler.Meeting]:
    """Two people meet once: requests both ways are one mutual meeting (the first id)."""
    by_pair: dict[frozenset[str], list[MeetingView]] = {}
    for m in sorted(accepted, key=lambda m: m.id):
        by_pair.setdefault(frozenset((m.from_id, m.to_id)), []).append(m)
    return [
        scheduler.Meeting(group[0].id, group[0].from_id, group[0].to_id, mutual=len(group) > 1)
        for group in by_pair.values()
    ]


def publish_schedule(command: c.PublishSchedule, deps: MatchingDependencies) -> str:
    command.actor.require_editor("organise a Meet & Match")
    with deps.uow() as work:
        _found(work, command.event_id).publish_schedule()
        work.commit()
    return command.event_id


@dataclass(frozen=True)
class Agenda:
    meetings: list[MeetingView]
    calendar: str


def agenda(query: c.GetAgenda, deps: MatchingDependencies) -> Agenda:
    """The caller's placed meetings (preliminary until published) as a list and iCalendar."""
    person = query.actor.require_subject()
    with deps.read() as views:
        event = views.meet_and_match.event(query.event_id)
        if event is None:
            raise MeetAndMatchNotFound(f"Meet & Match {query.event_id!r} does not exist")
        delegations = [d.id for d in views.meet_and_match.delegations(query.event_id, person)]
        mine = [
            m
            for m in views.meet_and_match.meetings(
                query.event_id, person, state="accepted", delegations=delegations
            )
            if m.slot is not None
        ]
    calendar = Calendar()
    calendar.add("prodid", "-//ECBM//matching//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{event.title}: my meetings")
    for meeting in mine:
        assert meeting.slot is not None and meeting.table is not None
        slot = event.slots[meeting.slot]
        item = CalendarEvent()
        item.add("uid", f"{meeting.id}@matching.ecbm")
        where = event.tables[meeting.table]
        if event.buildings and event.buildings[meeting.table]:
            where = f"{where}, {event.buildings[meeting.table]}"
        item.add("summary", f"{'Delegation visit' if meeting.visit else 'Meeting'} at {where}")
        item.add("dtstart", datetime.fromisoformat(slot["starts_at"]))
        item.add("dtend", datetime.fromisoformat(slot["ends_at"]))
        item.add("location", where)
        item.add("status", "CONFIRMED" if event.state == "published" else "TENTATIVE")
        calendar.add_component(item)
    return Agenda(mine, calendar.to_ical().decode())


def get_meet_and_match(query: c.GetMeetAndMatch, deps: MatchingDependencies) -> MeetAndMatchView:
    with deps.read() as views:
        found = views.meet_and_match.event(query.event_id)
    if found is None:
        raise MeetAndMatchNotFound(f"Meet & Match {query.event_id!r} does not exist")
    return found


def list_meet_and_matches(
    query: c.ListMeetAndMatches, deps: MatchingDependencies
) -> list[MeetAndMatchView]:
    query.actor.require_editor("organise a Meet & Match")
    with deps.read() as views:
        found: list[MeetAndMatchView] = views.meet_and_match.events()
    return found


def get_meeting(query: c.GetMeeting, deps: MatchingDependencies) -> MeetingView:
    with deps.read() as views:
        found = views.meet_and_match.meeting(query.meeting_id)
    actor = query.actor
    visible = found is not None and (
        actor.is_editor or (actor.subject and actor.subject in (found.from_id, found.to_id))
    )
    if found is None or not visible or found.event_id != query.event_id:
        raise MeetingNotFound(f"meeting {query.meeting_id!r} does not exist")
    return found
