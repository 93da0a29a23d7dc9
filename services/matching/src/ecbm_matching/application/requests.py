"""Handlers of requests and recommendations: ``handler(message, deps)``, one per use case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ecbm_integration import alerts
from ecbm_matching.adapters.requests import Browse, RequestPage, RequestView
from ecbm_matching.adapters.weights import WeightChange
from ecbm_matching.application import commands as c
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.domain.request import (
    FINAL,
    Details,
    MatchRequest,
    Output,
    RequestKind,
    RequestNotFound,
    RequestState,
    Terms,
)
from ecbm_matching.domain.scoring import (
    Blocks,
    CandidatePool,
    CountryPreference,
    Need,
    Recommendation,
    Weights,
)
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument, RuleViolation
from ecbm_runtime.ids import new_id

# Who answers each kind: people who know (expertise) or programmes (partners, reviews).
CANDIDATE_KIND = {
    RequestKind.KNOWLEDGE_EXCHANGE: "person",
    RequestKind.PARTNER_SEARCH: "programme",
    RequestKind.VISITING_PROFESSOR: "person",
    RequestKind.INTERNSHIP: "person",
    RequestKind.PEER_REVIEW: "person",
}


_DEFAULTS_SINCE = datetime(2026, 1, 1, tzinfo=UTC)


class NotRecommendable(RuleViolation):
    """Only an open request gets recommendations."""


def _terms(kind: RequestKind, terms: c.RequestTerms) -> Terms:
    """The terms, or INVALID_ARGUMENT naming what to fill."""
    problems: list[FieldViolation] = []
    if not terms.topics and not terms.description.strip():
        problems.append(
            FieldViolation("terms.topics", "name a topic or describe the need: nothing to match on")
        )
    details = terms.details
    if kind is RequestKind.PARTNER_SEARCH and not details.outputs:
        problems.append(
            FieldViolation("terms.details.outputs", "a partner search names its outputs")
        )
    if kind is RequestKind.INTERNSHIP and not details.student_level:
        problems.append(FieldViolation("terms.details.student_level", "bachelor, master or phd"))
    if kind is RequestKind.PEER_REVIEW and not details.reviewed_item:
        problems.append(FieldViolation("terms.details.reviewed_item", "what is to be reviewed"))
    if problems:
        raise InvalidArgument(problems)
    return Terms(**terms.model_dump(exclude={"details"}), details=details)


def open_request(command: c.OpenRequest, deps: MatchingDependencies) -> str:
    """The new request's id; a retried ``request_id`` gets the first one's."""
    owner = command.actor.require_subject()
    key = f"{owner}:{command.request_id}" if command.request_id else ""
    request_id = new_id("request", key)
    terms = _terms(command.kind, command.terms)
    with deps.uow() as work:
        requests = work.repository(MatchRequest)
        if not requests.exists(request_id):
            requests.add(
                MatchRequest.open(
                    request_id, owner, command.organisation_id, command.kind, command.side, terms
                )
            )
            work.commit()
    return request_id


def _owned(work_views_request: RequestView | None, command: c.RequestCommand) -> RequestView:
    found = work_views_request
    actor = command.actor
    if found is None or not (actor.owns(found.owner_id) or actor.has_role("admin")):
        raise RequestNotFound(f"request {command.id!r} does not exist")
    return found


def edit_request(command: c.EditRequest, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        view = _owned(work.views.requests.request(command.id), command)
        request = work.repository(MatchRequest).get(command.id)
        request.edit(_terms(view.kind, command.terms))
        work.commit()
    return command.id


def change_state(command: c.ChangeState, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        _owned(work.views.requests.request(command.id), command)
        request = work.repository(MatchRequest).get(command.id)
        if command.action == "pause":
            request.pause()
        elif command.action == "resume":
            request.resume()
        else:
            request.close(command.reason)
        work.commit()
    return command.id


def get_request(query: c.GetRequest, deps: MatchingDependencies) -> RequestView:
    """Open requests are public; others only for their owner and admins."""
    with deps.read() as views:
        found = views.requests.request(query.id)
    if found is not None and found.state is RequestState.OPEN:
        return found
    return _owned(found, query)


def browse_requests(query: c.BrowseRequests, deps: MatchingDependencies) -> RequestPage:
    browse = Browse(
        kind=query.kind.value if query.kind else "",
        topic=query.topic,
        country=query.country,
        deadline_before=query.deadline_before,
        text=query.text,
        owner_id=query.actor.require_subject() if query.mine else "",
    )
    with deps.read() as views:
        return views.requests.page(browse, query.page_size, query.offset)


@dataclass(frozen=True)
class Recommended:
    collection: str  # people or programmes: what the candidates' ids name
    items: list[Recommendation]


def recommend(query: c.Recommend, deps: MatchingDependencies) -> Recommended:
    """Ranked candidates for the owner's open request; dismissed ones never return."""
    with deps.read() as views:
        request = _owned(views.requests.request(query.id), query)
        if request.state is not RequestState.OPEN:
            raise NotRecommendable(f"request {query.id!r} is {request.state}, not open")
        history = views.introductions.history()
        conflicting = views.requests.conflict_pairs()
        pool = CandidatePool(views.profiles.candidates(CANDIDATE_KIND[request.kind], history))
        weights = views.weights.current(request.kind.value)
        dismissed = [
            cid for cid, mark in views.requests.marks(query.id).items() if mark == "dismissed"
        ]
    need = need_of(request)
    blocks = Blocks(
        frozenset((request.id, cid) for cid in dismissed) | history.declined | conflicting
    )
    collection = "people" if CANDIDATE_KIND[request.kind] == "person" else "programmes"
    return Recommended(collection, pool.rank(need, weights, blocks, k=query.limit))


def need_of(request: RequestView) -> Need:
    return Need(
        id=request.id,
        owner_id=request.owner_id,
        organisation_id=request.organisation_id,
        topics=frozenset(request.topics),
        text=f"{request.title} {request.description}",
        languages=frozenset(request.languages),
        country=request.country,
        country_preference=CountryPreference(request.country_preference),
        exclude_same_organisation=request.exclude_same_organisation,
    )


def mark_candidate(command: c.MarkCandidate, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        request = _owned(work.views.requests.request(command.id), command)
        if request.state in FINAL:
            raise NotRecommendable(f"request {command.id!r} is {request.state}")
        work.views.requests.mark(command.id, command.candidate_id, command.mark, deps.clock())
        work.commit()
    return command.candidate_id


def set_weights(command: c.SetWeights, deps: MatchingDependencies) -> Weights:
    command.actor.require_role("admin")
    weights = Weights(**command.weights.model_dump())
    try:
        weights.vector()
    except ValueError as error:
        raise InvalidArgument(FieldViolation("weights", str(error))) from None
    with deps.uow() as work:
        work.views.weights.record(
            command.kind.value, weights, command.actor.require_subject(), command.note, deps.clock()
        )
        work.commit()
    return weights


def weight_history(query: c.WeightHistory, deps: MatchingDependencies) -> list[WeightChange]:
    query.actor.require_role("admin")
    with deps.read() as views:
        history = views.weights.history(query.kind.value)
    return history or [WeightChange(query.kind.value, Weights(), "", "default", _DEFAULTS_SINCE)]


def expire_requests(command: c.ExpireRequests, deps: MatchingDependencies) -> int:
    now = deps.clock()
    with deps.uow() as work:
        due = work.views.requests.due_to_expire(now, command.limit)
        for request_id in due:
            work.repository(MatchRequest).get(request_id).expire(now)
        work.commit()
    return len(due)


def declare_conflict(command: c.DeclareConflict, deps: MatchingDependencies) -> str:
    """The caller and ``other_id`` are never proposed to each other (or again may be)."""
    person = command.actor.require_subject()
    if person == command.other_id:
        raise InvalidArgument(FieldViolation("other", "a conflict is with someone else"))
    with deps.uow() as work:
        work.views.requests.declare_conflict(person, command.other_id, command.declared)
        work.commit()
    return command.other_id


def on_partner_search_requested(
    event: alerts.PartnerSearchRequested, deps: MatchingDependencies
) -> str:
    """A member asked, from a funding call in alerts, for partners: their partner search
    opens here, owned by them, closing with the call's deadline. Alerts checked who asked;
    the request id it sends makes a redelivery open nothing new."""
    deadline = (
        datetime.fromisoformat(event.deadline).replace(hour=23, minute=59, tzinfo=UTC)
        if event.deadline
        else None
    )
    call = " ".join(part for part in (event.identifier, event.title) if part)[:300]
    command = c.OpenRequest(
        actor=Actor(subject=event.person_id),
        kind=RequestKind.PARTNER_SEARCH,
        request_id=f"alerts-{event.request_id}",
        terms=c.RequestTerms(
            title=f"Partners for {event.title}"[:200],
            description=event.message or f"Looking for partners to apply to {event.title}.",
            deadline=deadline,
            details=Details(outputs=(Output(title="Application to the call"),), funding_call=call),
        ),
    )
    return open_request(command, deps)
