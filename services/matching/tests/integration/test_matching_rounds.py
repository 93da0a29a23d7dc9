"""Rounds and introductions on SQLite and PostgreSQL: assignment vs greedy, publishing,
both sides' answers, meetings, feedback fed back into scores, outbox rows for notify."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from matching_feeds import ADMIN, NOW, deliver, expert, member
from sqlalchemy import select, text

from ecbm_integration import registry
from ecbm_matching.application import commands as c
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_matching.domain.introduction import AlreadyPublished, IntroductionNotFound, NotMet
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import events as store
from ecbm_runtime.tables import outbox

KIND = "knowledge_exchange"


@pytest.fixture
def app(database_url: str) -> Iterator[Matching]:
    upgrade(SERVICE.migrations, database_url)
    matching = bootstrap(SERVICE.load_settings(database_url=database_url))
    yield matching
    matching.close()


def need(app: Matching, owner: str, topic: str) -> str:
    command = c.OpenRequest(
        actor=member(owner),
        kind=KIND,  # type: ignore[arg-type]
        terms=c.RequestTerms(title=f"Learn about {topic}", topics=(topic,)),
    )
    request_id: str = app.bus.handle(command)
    return request_id


def published_round(app: Matching) -> list[str]:
    expert(app, "eva", "youth")
    expert(app, "fred", "migrants")
    need(app, "ana", "youth")
    need(app, "ben", "migrants")
    with pytest.raises(PermissionDenied):
        app.bus.handle(c.ProposeRound(actor=member("ana"), kind=KIND))  # type: ignore[arg-type]
    proposal = app.bus.handle(c.ProposeRound(actor=ADMIN, kind=KIND))  # type: ignore[arg-type]
    assert proposal.pairs == 2 and proposal.assign_total >= proposal.greedy_total > 0
    round_view = app.bus.handle(c.GetRound(actor=ADMIN, id=proposal.round_id))
    assert {(p["requester_id"], p["candidate_id"]) for p in round_view.pairs} == {
        ("ana", "eva"),
        ("ben", "fred"),
    }
    with app.engine.connect() as connection:  # nothing goes out before an admin publishes
        assert not list(connection.execute(select(outbox)))
    app.bus.handle(c.PublishRound(actor=ADMIN, id=proposal.round_id))
    with pytest.raises(AlreadyPublished):
        app.bus.handle(c.PublishRound(actor=ADMIN, id=proposal.round_id))
    return [i.id for i in app.bus.handle(c.ListMyIntroductions(actor=member("ana")))]


def test_a_published_round_proposes_introductions_that_both_sides_answer(app: Matching) -> None:
    (intro,) = published_round(app)
    with pytest.raises(IntroductionNotFound):  # not a side of it
        app.bus.handle(c.RespondToIntroduction(actor=member("ben"), id=intro, accept=True))
    accept = c.RespondToIntroduction(actor=member("ana"), id=intro, accept=True)
    app.bus.handle(accept)
    app.bus.handle(accept)  # twice: OK, no change
    assert app.bus.handle(c.GetIntroduction(actor=member("ana"), id=intro)).state == "proposed"
    with pytest.raises(NotMet):
        app.bus.handle(c.GiveFeedback(actor=member("ana"), id=intro, rating=5, outcome="useful"))
    app.bus.handle(c.RespondToIntroduction(actor=member("eva"), id=intro, accept=True))
    app.bus.handle(c.RecordMeeting(actor=member("eva"), id=intro, held=True))
    app.bus.handle(c.GiveFeedback(actor=member("ana"), id=intro, rating=5, outcome="useful"))
    view = app.bus.handle(c.GetIntroduction(actor=member("eva"), id=intro))
    assert (view.state, view.requester_rating) == ("met", 5)

    with app.engine.connect() as connection:
        sent = [
            (r.routing_key, r.subject)
            for r in connection.execute(select(outbox).order_by(outbox.c.id))
        ]
    assert sent.count(("IntroductionProposed", "ana")) == 1
    assert ("IntroductionAccepted", "eva") in sent and ("FeedbackRequested", "ana") in sent
    request_id = need(app, "cy", "youth")
    best, *_ = app.bus.handle(c.Recommend(actor=member("cy"), id=request_id)).items
    assert best.candidate_id == "eva"
    assert "rated 5.0/5 by 1" in best.explanation  # feedback feeds the scores


def test_a_declined_pair_never_returns_and_forgetting_erases_rounds(app: Matching) -> None:
    intros = published_round(app)
    (mine,) = [i for i in app.bus.handle(c.ListMyIntroductions(actor=member("ben")))]
    app.bus.handle(c.RespondToIntroduction(actor=member("fred"), id=mine.id, accept=False))
    with app.engine.connect() as connection:
        sent = [(r.routing_key, r.subject) for r in connection.execute(select(outbox))]
    assert ("IntroductionDeclined", "ben") in sent
    again = app.bus.handle(c.ProposeRound(actor=ADMIN, kind=KIND))  # type: ignore[arg-type]
    pairs = app.bus.handle(c.GetRound(actor=ADMIN, id=again.round_id)).pairs
    assert ("ben", "fred") not in {(p["requester_id"], p["candidate_id"]) for p in pairs}

    (ana_eva,) = intros
    for side in ("ana", "eva"):
        app.bus.handle(c.RespondToIntroduction(actor=member(side), id=ana_eva, accept=True))
    app.bus.handle(c.RecordMeeting(actor=member("ana"), id=ana_eva, held=False))
    best, *_ = app.bus.handle(c.Recommend(actor=member("cy"), id=need(app, "cy", "youth"))).items
    assert best.candidate_id == "eva" and "1 missed meeting(s)" in best.explanation

    deliver(app, registry.PersonForgotten(person_id="eva", occurred_at=NOW))
    with app.engine.connect() as connection:
        for table in ("rounds", "introductions", "profiles", "profile_topics"):
            assert "eva" not in str(list(connection.execute(text(f"SELECT * FROM {table}")))), table
        assert "eva" not in str(list(connection.execute(select(store.c.data, store.c.metadata))))
