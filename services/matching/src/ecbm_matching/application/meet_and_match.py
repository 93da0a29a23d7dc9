"""Meet & Match: participants from the events service, organisers' slots and tables,
meeting requests, the scheduler, personal agendas (iCalendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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
    NotAParticipant,
    Placed,
    SlotTime,
)
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

KIND = "meet_and_match"


def on_event_published(event: from_events.EventPublished, deps: MatchingDependencies) -> None:
    with deps.uow() as work:
        if event.kind == KIND:
            _event(work, event.event_id, event.title, event.starts_at)
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
    """The person leaves: their meetings are cancelled (and leave the schedule); once the
    schedule is published, the other side of each placed meeting is told."""
    with deps.uow() as work:
        if event.kind == KIND:
            views = work.views.meet_and_match
            views.leave(event.event_id, event.person_id)
            published = views.event(event.event_id)
            for meeting in views.meetings(event.event_id, event.person_id):
                work.repository(MeetingRequest).get(meeting.id).cancel()
                other = meeting.to_id if meeting.from_id == event.person_id else meeting.from_id
                if published and published.state == "published" and meeting.slot is not None:
                    work.publish(
                        to_matching.MeetingCancelled(
                            meeting_id=meeting.id,
                            event_id=event.event_id,
                            person_id=other,
                            title=published.title,
                            occurred_at=deps.clock(),
                        ),
                        subject=other,
                    )
        work.commit()


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
    slots = tuple(
        SlotTime(starts_at=s.starts_at.astimezone(UTC), ends_at=s.ends_at.astimezone(UTC))
        for s in command.slots
    )
    with deps.uow() as work:
        _found(work, command.event_id).configure(slots, command.tables)
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


def schedule_meetings(
    command: c.ScheduleMeetAndMatch, deps: MatchingDependencies
) -> ScheduleResult:
    """Place accepted meetings (mutual first) into slots and tables: a preliminary agenda.
    FAILED_PRECONDITION once the schedule is published."""
    command.actor.require_editor("organise a Meet & Match")
    with deps.uow() as work:
        event = _found(work, command.event_id)
        event._require_unlocked()
        views = work.views.meet_and_match
        accepted = views.meetings(command.event_id, state="accepted")
        meetings = _one_per_pair(accepted)
        unavailable = views.unavailability(command.event_id)
        slots, tables = len(event.slots), len(event.tables)
        result = scheduler.schedule(meetings, slots, tables, unavailable, command.seconds)
        bound = scheduler.upper_bound(meetings, slots, tables, unavailable) if meetings else 0.0
        placements = tuple(
            Placed(meeting_id=p.meeting_id, slot=p.slot, table=p.table) for p in result.placements
        )
        event.propose_schedule(placements, round(bound, 3))
        work.commit()
    return ScheduleResult(len(placements), len(meetings), result.objective, bound)


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
        mine = [
            m
            for m in views.meet_and_match.meetings(query.event_id, person, state="accepted")
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
        item.add("summary", f"Meeting at {event.tables[meeting.table]}")
        item.add("dtstart", datetime.fromisoformat(slot["starts_at"]))
        item.add("dtend", datetime.fromisoformat(slot["ends_at"]))
        item.add("location", event.tables[meeting.table])
        item.add("status", "CONFIRMED" if event.state == "published" else "TENTATIVE")
        calendar.add_component(item)
    return Agenda(mine, calendar.to_ical().decode())


def get_meet_and_match(query: c.GetMeetAndMatch, deps: MatchingDependencies) -> MeetAndMatchView:
    with deps.read() as views:
        found = views.meet_and_match.event(query.event_id)
    if found is None:
        raise MeetAndMatchNotFound(f"Meet & Match {query.event_id!r} does not exist")
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
