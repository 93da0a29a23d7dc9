"""Matching on SQLite and PostgreSQL: profiles from registry, requests, recommendations,
weights, and a forgotten person erased."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from matching_feeds import ADMIN, NOW, deliver, member, person
from sqlalchemy import select, text

from ecbm_integration import alerts, quality, registry
from ecbm_matching.application import commands as c
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_matching.domain.request import Details, Output, RequestFinished, RequestNotFound
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import InvalidArgument, PermissionDenied
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import events as store


@pytest.fixture
def matching_app(database_url: str) -> Iterator[Matching]:
    """The matching application (as its worker runs it) on a fresh, migrated database."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(SERVICE.load_settings(database_url=database_url))
    yield app
    app.close()


def exchange(app: Matching, owner: str, **terms: object) -> str:
    fields = {"title": "Mentoring migrants into jobs", "topics": ("labour-market",), **terms}
    command = c.OpenRequest(
        actor=member(owner),
        kind="knowledge_exchange",  # type: ignore[arg-type]
        terms=c.RequestTerms(**fields),  # type: ignore[arg-type]
    )
    request_id: str = app.bus.handle(command)
    return request_id


def test_recommendations_rank_registry_profiles_and_dismissed_never_return(
    matching_app: Matching,
) -> None:
    person(matching_app, "ana", "FR", "fr", {"labour-market": "expert"})
    person(matching_app, "ben", "BE", "nl", {"labour-market": "aware"})
    person(matching_app, "cy", "BE", "en", {"youth": "expert"})
    request_id = exchange(matching_app, "cy", languages=("fr",))

    ranked = matching_app.bus.handle(c.Recommend(actor=member("cy"), id=request_id)).items
    assert [r.candidate_id for r in ranked] == ["ana", "ben"]  # never the owner
    assert "both work on labour market" in ranked[0].explanation
    assert "speaks fr" in ranked[0].explanation
    assert all(0 <= r.score <= 1 for r in ranked)

    with pytest.raises(RequestNotFound):  # another member may not see the owner's candidates
        matching_app.bus.handle(c.Recommend(actor=member("ben"), id=request_id))
    matching_app.bus.handle(
        c.MarkCandidate(actor=member("cy"), id=request_id, candidate_id="ana", mark="dismissed")
    )
    ranked = matching_app.bus.handle(c.Recommend(actor=member("cy"), id=request_id)).items
    assert [r.candidate_id for r in ranked] == ["ben"]
    matching_app.bus.handle(c.DeclareConflict(actor=member("ben"), other_id="cy"))  # either way
    assert matching_app.bus.handle(c.Recommend(actor=member("cy"), id=request_id)).items == []


def test_owner_edits_pauses_and_closes_and_a_second_user_cannot(matching_app: Matching) -> None:
    request_id = exchange(matching_app, "ana")
    for action in ("pause", "close"):
        with pytest.raises(RequestNotFound):
            matching_app.bus.handle(
                c.ChangeState(actor=member("ben"), id=request_id, action=action)
            )
    edit = c.EditRequest(
        actor=member("ana"),
        id=request_id,
        terms=c.RequestTerms(title="Mentoring refugees", topics=("youth",)),
    )
    with pytest.raises(RequestNotFound):
        matching_app.bus.handle(edit.model_copy(update={"actor": member("ben")}))
    matching_app.bus.handle(edit)
    matching_app.bus.handle(c.ChangeState(actor=member("ana"), id=request_id, action="pause"))
    with pytest.raises(RequestNotFound):  # paused: no longer public
        matching_app.bus.handle(c.GetRequest(actor=member("ben"), id=request_id))
    matching_app.bus.handle(c.ChangeState(actor=member("ana"), id=request_id, action="close"))
    view = matching_app.bus.handle(c.GetRequest(actor=member("ana"), id=request_id))
    assert (view.state, view.title, view.topics) == ("closed", "Mentoring refugees", ["youth"])
    with pytest.raises(RequestFinished):
        matching_app.bus.handle(c.ChangeState(actor=member("ana"), id=request_id, action="resume"))


def test_nothing_to_match_on_names_the_field() -> None:
    from ecbm_matching.application.requests import _terms
    from ecbm_matching.domain.request import RequestKind

    with pytest.raises(InvalidArgument) as raised:
        _terms(RequestKind.PARTNER_SEARCH, c.RequestTerms(title="Partners"))
    fields = {v.field for v in raised.value.violations}
    assert fields == {"terms.topics", "terms.details.outputs"}


def test_public_browse_filters_with_facets_and_pages(matching_app: Matching) -> None:
    exchange(matching_app, "ana", country="BE")
    exchange(matching_app, "ben", country="FR", topics=("youth",))
    partners = c.OpenRequest(
        actor=member("cy"),
        kind="partner_search",  # type: ignore[arg-type]
        terms=c.RequestTerms(
            title="ESF project on mentoring migrants",
            topics=("labour-market",),
            country="BE",
            deadline=NOW + timedelta(days=30),
            details=Details(outputs=(Output(title="Toolkit", contributions=("co_creation",)),)),  # type: ignore[arg-type]
        ),
    )
    matching_app.bus.handle(partners)
    page = matching_app.bus.handle(
        c.BrowseRequests(actor=Actor(), topic="labour-market", page_size=1)
    )
    assert page.total_size == 2 and len(page.requests) == 1 and page.next_offset == 1
    assert {(f.value, f.count) for f in page.facets["country"]} == {("BE", 2)}
    assert {(f.value, f.count) for f in page.facets["kind"]} == {
        ("knowledge_exchange", 1),
        ("partner_search", 1),
    }
    only = matching_app.bus.handle(c.BrowseRequests(actor=Actor(), kind="partner_search"))  # type: ignore[arg-type]
    assert [r.details["outputs"][0]["title"] for r in only.requests] == ["Toolkit"]


def test_weights_keep_a_history_and_only_admins_set_them(matching_app: Matching) -> None:
    weights = c.FactorWeights(
        topics=1, text=0, languages=5, country=0, evidence=0, capacity=0, feedback=0
    )
    kind = "knowledge_exchange"
    with pytest.raises(PermissionDenied):
        matching_app.bus.handle(c.SetWeights(actor=member("ana"), kind=kind, weights=weights))  # type: ignore[arg-type]
    matching_app.bus.handle(c.SetWeights(actor=ADMIN, kind=kind, weights=weights, note="languages"))  # type: ignore[arg-type]
    zero = weights.model_copy(update={"topics": 0, "languages": 0})
    with pytest.raises(InvalidArgument):
        matching_app.bus.handle(c.SetWeights(actor=ADMIN, kind=kind, weights=zero))  # type: ignore[arg-type]
    history = matching_app.bus.handle(c.WeightHistory(actor=ADMIN, kind=kind))  # type: ignore[arg-type]
    assert [h.note for h in history] == ["languages"] and history[0].weights.languages == 5


def test_programmes_and_quality_labels_feed_partner_search(matching_app: Matching) -> None:
    deliver(
        matching_app,
        registry.ProgrammeRegistered(
            programme_id="prog1",
            organisation_id="org1",
            display_name="Mentor Migrants",
            countries=["DE"],
            languages=["de"],
            focus_areas=["labour-market"],
            occurred_at=NOW,
        ),
    )
    deliver(
        matching_app,
        registry.ProgrammeEvidenceLevelChanged(
            programme_id="prog1",
            previous="NONE",
            level="QUASI_EXPERIMENTAL",
            occurred_at=NOW,
        ),
    )
    deliver(
        matching_app,
        quality.QualityLabelAwarded(
            programme_id="prog1",
            step="distinction",
            occurred_at=NOW,  # type: ignore[arg-type]
        ),
    )
    partners = c.OpenRequest(
        actor=member("cy"),
        kind="partner_search",  # type: ignore[arg-type]
        terms=c.RequestTerms(
            title="Partners",
            topics=("labour-market",),
            details=Details(outputs=(Output(title="Toolkit"),)),
        ),
    )
    request_id = matching_app.bus.handle(partners)
    (best,) = matching_app.bus.handle(c.Recommend(actor=member("cy"), id=request_id)).items
    assert best.candidate_id == "prog1"
    assert "evidence level quasi-experimental" in best.explanation
    assert "1 quality label(s)" in best.explanation
    deliver(matching_app, registry.ProgrammeWithdrawn(programme_id="prog1", occurred_at=NOW))
    assert matching_app.bus.handle(c.Recommend(actor=member("cy"), id=request_id)).items == []


def test_a_forgotten_person_leaves_nothing_readable(matching_app: Matching) -> None:
    person(matching_app, "ana", "FR", "fr", {"labour-market": "expert"})
    deliver(
        matching_app, registry.LearningGoalDeclared(person_id="ana", topic="youth", occurred_at=NOW)
    )
    secret = "Zanzibar-mentoring-secret"
    request_id = exchange(matching_app, "ana", description=f"my own {secret}")
    exchange(matching_app, "ben")
    other = exchange(matching_app, "ben", description="another")
    matching_app.bus.handle(
        c.MarkCandidate(actor=member("ben"), id=other, candidate_id="ana", mark="favourite")
    )

    deliver(matching_app, registry.PersonForgotten(person_id="ana", occurred_at=NOW))

    with matching_app.engine.connect() as connection:
        for table in ("profiles", "profile_topics", "match_requests", "candidate_marks"):
            dump = str(list(connection.execute(text(f"SELECT * FROM {table}"))))
            assert "ana" not in dump.replace("anoth", "") and secret not in dump, table
        stored = str(list(connection.execute(select(store.c.data, store.c.metadata))))
    assert secret not in stored and "'ana'" not in stored and '"ana"' not in stored
    view = matching_app.bus.handle(c.GetRequest(actor=ADMIN, id=request_id))
    assert view.state == "closed" and view.owner_id == ""


def test_requests_past_their_deadline_expire(database_url: str) -> None:
    later = NOW + timedelta(days=31)
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(SERVICE.load_settings(database_url=database_url), clock=lambda: later)
    try:
        due = exchange(app, "ana", deadline=NOW + timedelta(days=30))
        open_ended = exchange(app, "ana")
        assert app.bus.handle(c.ExpireRequests()) == 1
        assert app.bus.handle(c.ExpireRequests()) == 0
        states = {
            rid: app.bus.handle(c.GetRequest(actor=member("ana"), id=rid)).state
            for rid in (due, open_ended)
        }
    finally:
        app.close()
    assert states == {due: "expired", open_ended: "open"}


def test_a_partner_search_asked_for_in_alerts_opens_here_once_for_its_member(
    matching_app: Matching,
) -> None:
    asked = alerts.PartnerSearchRequested(
        request_id="ps1", person_id="ana", item_id="call1", identifier="ESF-2027-MIG",
        title="Mentoring migrants into work", programme="ESF+", deadline="2027-03-12",
        url="https://ec.europa.eu/call", message="Two partners for peer review",
        occurred_at=NOW,
    )  # fmt: skip

    deliver(matching_app, asked)
    deliver(matching_app, asked)  # a redelivery opens nothing new

    browse = c.BrowseRequests(actor=member("ana"), kind="partner_search", mine=True)  # type: ignore[arg-type]
    mine = matching_app.bus.handle(browse)
    [opened] = mine.requests
    assert (opened.owner_id, opened.title) == ("ana", "Partners for Mentoring migrants into work")
    assert opened.details["funding_call"] == "ESF-2027-MIG Mentoring migrants into work"
    assert opened.deadline is not None and opened.deadline.date().isoformat() == "2027-03-12"
    with pytest.raises(RequestNotFound):  # another member cannot change it
        matching_app.bus.handle(c.ChangeState(actor=member("ben"), id=opened.id, action="close"))
