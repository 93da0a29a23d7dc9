"""Registry's (and quality's) events about people and programmes: matching's own copy of
what it ranks on. PersonForgotten erases the person here."""

from __future__ import annotations

from typing import Any

from ecbm_integration import quality, registry
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.domain.introduction import (
    FeedbackGiven,
    Introduction,
    IntroductionOpened,
    Round,
    RoundProposed,
)
from ecbm_matching.domain.meet_and_match import MeetingRequest, MeetingRequested
from ecbm_matching.domain.request import MatchRequest, RequestOpened
from ecbm_matching.domain.scoring import EVIDENCE_DESIGNS
from ecbm_matching.domain.thread import MessagePosted, Thread, ThreadStarted
from ecbm_runtime.uow import UnitOfWork


def on_person_changed(
    event: registry.PersonJoined | registry.PersonUpdated, deps: MatchingDependencies
) -> None:
    # A person's name and address travel sealed (docs/security.md): matching keeps neither;
    # a frontend shows names from registry's PeopleService.
    with deps.uow() as work:
        work.views.profiles.upsert(
            event.person_id,
            deps.clock(),
            kind="person",
            country=event.country,
            countries=[event.country],
            languages=[event.preferred_language],
            roles=list(event.roles),
        )
        work.commit()


def on_expertise_declared(event: registry.ExpertiseDeclared, deps: MatchingDependencies) -> None:
    with deps.uow() as work:
        work.views.profiles.upsert(event.person_id, deps.clock())
        work.views.profiles.set_topic(event.person_id, "expertise", event.topic, event.level)
        work.commit()


def on_learning_goal_declared(
    event: registry.LearningGoalDeclared | registry.ProgrammeLearningGoalDeclared,
    deps: MatchingDependencies,
) -> None:
    owner = (
        event.person_id if isinstance(event, registry.LearningGoalDeclared) else event.programme_id
    )
    description = getattr(event, "description", "")
    with deps.uow() as work:
        if isinstance(event, registry.LearningGoalDeclared):
            work.views.profiles.upsert(owner, deps.clock())
        work.views.profiles.set_topic(owner, "goal", event.topic, "", description)
        work.commit()


def _programme_values(event: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if event.display_name is not None:
        values["display_name"] = event.display_name
    if event.countries is not None:
        values["countries"] = list(event.countries)
        values["country"] = event.countries[0] if event.countries else ""
    if event.languages is not None:
        values["languages"] = list(event.languages)
    return values


def on_programme_registered(
    event: registry.ProgrammeRegistered, deps: MatchingDependencies
) -> None:
    with deps.uow() as work:
        work.views.profiles.upsert(
            event.programme_id,
            deps.clock(),
            kind="programme",
            organisation_id=event.organisation_id,
            **_programme_values(event),
        )
        work.views.profiles.replace_topics(
            event.programme_id, "focus", [*event.focus_areas, *event.target_groups]
        )
        work.commit()


def on_programme_updated(event: registry.ProgrammeUpdated, deps: MatchingDependencies) -> None:
    values = _programme_values(event)
    if event.status is not None:
        values["active"] = event.status.upper() == "ACTIVE"
    with deps.uow() as work:
        work.views.profiles.upsert(event.programme_id, deps.clock(), kind="programme", **values)
        if event.focus_areas is not None or event.target_groups is not None:
            topics = [*(event.focus_areas or []), *(event.target_groups or [])]
            work.views.profiles.replace_topics(event.programme_id, "focus", topics)
        work.commit()


def on_programme_withdrawn(event: registry.ProgrammeWithdrawn, deps: MatchingDependencies) -> None:
    with deps.uow() as work:
        if work.views.profiles.exists(event.programme_id):
            work.views.profiles.upsert(event.programme_id, deps.clock(), active=False)
        work.commit()


def on_organisation_editors(
    event: registry.OrganisationRegistered | registry.OrganisationEditorAdded,
    deps: MatchingDependencies,
) -> None:
    """Who speaks for the organisation's programmes: messages to them reach these people."""
    if isinstance(event, registry.OrganisationRegistered):
        editors = event.editors
    else:
        editors = [event.person_id]
    with deps.uow() as work:
        for editor in editors:
            work.views.profiles.add_editor(event.organisation_id, editor.removeprefix("people/"))
        work.commit()


def on_evidence_changed(
    event: registry.ProgrammeEvidenceLevelChanged, deps: MatchingDependencies
) -> None:
    with deps.uow() as work:
        work.views.profiles.upsert(
            event.programme_id,
            deps.clock(),
            kind="programme",
            evidence=EVIDENCE_DESIGNS.index(event.level),
        )
        work.commit()


def on_quality_label(
    event: quality.QualityLabelAwarded | quality.QualityLabelWithdrawn,
    deps: MatchingDependencies,
) -> None:
    with deps.uow() as work:
        # A programme holds at most one label: an award replaces it, a withdrawal ends it.
        awarded = isinstance(event, quality.QualityLabelAwarded)
        labels = [str(event.step)] if awarded else []
        work.views.profiles.upsert(
            event.programme_id, deps.clock(), kind="programme", quality_labels=labels
        )
        work.commit()


def on_person_forgotten(event: registry.PersonForgotten, deps: MatchingDependencies) -> int:
    """Erase the person: profile, topics, their requests' texts (stored events redacted
    too), marks naming them, weights they set; unpublished messages about them dropped."""
    person = event.person_id
    with deps.uow() as work:
        work.lock_appends()
        work.views.profiles.forget(person)
        owned = work.views.requests.of_owner(person)
        for request_id in owned:
            request = work.repository(MatchRequest).get(request_id)
            request.erase()
            work.store.redact(
                request.stream_id,
                {
                    RequestOpened.__name__: {
                        "owner_id": "",
                        "terms": {
                            **request.terms.model_dump(mode="json"),
                            "title": "(erased)",
                            "description": "",
                        },
                    },
                    "RequestEdited": {
                        "terms": {
                            **request.terms.model_dump(mode="json"),
                            "title": "(erased)",
                            "description": "",
                        },
                    },
                },
                {"actor": None},
            )
        for introduction in work.views.introductions.of_person(person):
            found = work.repository(Introduction).get(introduction.id)
            party = found.party_of(person)
            if party is not None:
                found.erase(party)
                _redact_introduction(work, found, person)
        _redact_rounds(work, person)
        spoken_in = work.views.threads.written_in(person)  # as a programme's contact
        for thread_id in [t.id for t in work.views.threads.of_person(person)] + spoken_in:
            thread = work.repository(Thread).get(thread_id)
            thread.erase(person)
            _redact_thread(work, thread, person)
        work.views.threads.forget_blocks(person)
        events, meetings = work.views.meet_and_match.of_person(person)
        for event_id in events:
            work.views.meet_and_match.leave(event_id, person)
        for meeting_id in meetings:
            meeting = work.repository(MeetingRequest).get(meeting_id)
            side = "from_id" if meeting.from_id == person else "to_id"
            meeting.erase(person)
            work.store.redact(
                meeting.stream_id,
                {MeetingRequested.__name__: {side: "", "message": ""}},
                {"actor": None},
            )
        work.views.requests.forget_candidate(person)
        work.views.weights.forget_setter(person)
        work.forget_subject(person)
        work.commit()
    return len(owned)


def _without(pair: dict[str, Any], person: str) -> dict[str, Any]:
    if person not in (pair["requester_id"], pair["candidate_id"]):
        return pair
    erased = {k: "" if v == person else v for k, v in pair.items()}
    return {**erased, "explanation": ""}


def _redact_introduction(work: UnitOfWork[Any], introduction: Introduction, person: str) -> None:
    """The person's id, the explanation and their feedback text leave the stored events."""
    work.store.redact(
        introduction.stream_id,
        {
            IntroductionOpened.__name__: {"pair": _without(introduction.pair.model_dump(), person)},
            FeedbackGiven.__name__: {"text": ""},
        },
        {"actor": None},
    )


def _redact_rounds(work: UnitOfWork[Any], person: str) -> None:
    """Rounds name both sides of every pair: the person leaves them, stored and read."""
    for round_id in work.views.introductions.rounds_naming(person):
        stream = Round.stream_id_for(round_id)
        for stored in work.store.load(stream):
            if stored.type == RoundProposed.__name__:
                pairs = [_without(p, person) for p in stored.data["pairs"]]
                work.store.redact(stream, {RoundProposed.__name__: {"pairs": pairs}})
                work.views.introductions.replace_pairs(round_id, pairs)


def _redact_thread(work: UnitOfWork[Any], thread: Thread, person: str) -> None:
    """The person's id and the thread's messages leave its stored events."""
    stream = thread.stream_id
    for stored in work.store.load(stream):
        if stored.type == ThreadStarted.__name__:
            erased = {k: "" if v == person else v for k, v in stored.data.items()}
            work.store.redact(stream, {ThreadStarted.__name__: erased}, {"actor": None})
    # The conversation goes with the person (their words quote each other).
    work.store.redact(stream, {MessagePosted.__name__: {"author_id": "", "body": ""}})
