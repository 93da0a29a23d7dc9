"""Items and subscriptions on SQLite and PostgreSQL: deduplication across sources, change
history, alerts, reminders, partner searches, curation, owners, erasure."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alerts_feeds import FeedServer, fixture
from alerts_fixtures import (  # noqa: F401
    EDITOR,
    Clock,
    alerts_app_fixture,
    clock_fixture,
    feeds_fixture,
    member,
)
from sqlalchemy import select

from ecbm_alerts.adapters.views import AlertsViews, ItemView
from ecbm_alerts.application import commands as c
from ecbm_alerts.bootstrap import Alerts
from ecbm_alerts.domain.entry import ItemKind
from ecbm_alerts.domain.item import ItemNotFound, NotAFundingCall
from ecbm_alerts.domain.source import SourceKind
from ecbm_alerts.domain.subscription import SubscriptionNotFound
from ecbm_alerts.entrypoints.messages import item_proto
from ecbm_integration import registry
from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import InvalidArgument
from ecbm_runtime.inbox import Delivery, DuplicateDelivery
from ecbm_runtime.tables import events as store
from ecbm_runtime.tables import outbox


def poll(app: Alerts, feeds: FeedServer, path: str, body: bytes, kind: SourceKind) -> str:
    url = feeds.serve(path, body)
    command = c.AddSource(actor=EDITOR, name=path, kind=kind, url=url)
    source_id: str = app.bus.handle(command)
    app.bus.handle(c.PollSource(actor=EDITOR, source_id=source_id))
    return source_id


def subscribe(app: Alerts, person: str, **terms: object) -> str:
    fields = {"name": "Funding for mentoring", "rhythm": "immediately", **terms}
    command = c.CreateSubscription(actor=member(person), terms=c.Terms.model_validate(fields))
    subscription_id: str = app.bus.handle(command)
    return subscription_id


def published(app: Alerts, kind: str) -> list[tuple[dict[str, Any], str | None]]:
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.body, outbox.c.subject)
            .where(outbox.c.routing_key == kind)
            .order_by(outbox.c.id)
        )
        return [(json.loads(body), subject) for body, subject in rows]


def items(app: Alerts, **query: object) -> list[str]:
    page = app.bus.handle(c.ListItems.model_validate({"actor": EDITOR, **query}))
    return [i.facts.title for i in page.rows]


def test_the_same_document_from_two_sources_and_languages_is_stored_once(
    alerts_app: Alerts, feeds: FeedServer
) -> None:
    english = poll(alerts_app, feeds, "/en.rss", fixture("eurlex.rss"), SourceKind.EURLEX)
    french = poll(alerts_app, feeds, "/fr.rss", fixture("eurlex_fr.rss"), SourceKind.EURLEX)
    manual = c.CreateItem(
        actor=EDITOR,
        kind=ItemKind.POLICY_DOCUMENT,
        title="Commission communication on a European youth mentoring strategy",
        url="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52026DC0530",
    )
    alerts_app.bus.handle(manual)

    with alerts_app.dependencies.read() as views:
        assert views.count_items() == 2
        page = views.page(query_words=frozenset({"school"}), kinds=[], topic="",
                          best_only=False, editor=True, size=10, offset=0)  # fmt: skip
    [recommendation] = page.rows
    assert recommendation.identifier == "32026H06401"
    assert set(recommendation.sources) == {english, french}


def test_a_call_matches_saved_searches_and_its_changes_are_announced(
    alerts_app: Alerts, feeds: FeedServer
) -> None:
    ana = subscribe(alerts_app, "ana", query="mentoring", kinds=["funding_call"],
                    topics=["education"])  # fmt: skip
    subscribe(alerts_app, "ben", query="fisheries")
    source = poll(alerts_app, feeds, "/ft.json", fixture("funding.json"), SourceKind.FUNDING)

    alerts = published(alerts_app, "AlertMatched")
    assert [(body["subscription_id"], subject) for body, subject in alerts] == [(ana, "ana")]
    assert alerts[0][0]["deadline"] == "2027-03-12"
    assert json.loads(feeds.bodies["/ft.json"])["query"]  # POSTed as the search API wants

    moved = fixture("funding.json").replace(b"2027-03-12T", b"2027-03-26T")
    feeds.serve("/ft.json", moved.replace(b'"31094501"', b'"31094502"'))
    alerts_app.bus.handle(c.PollSource(actor=EDITOR, source_id=source))

    changed = sorted(tuple(body["changes"]) for body, _ in published(alerts_app, "ItemChanged"))
    assert changed == [("deadline_moved",), ("status_changed",)]
    assert len(published(alerts_app, "AlertMatched")) == 1  # a revision is not a new match
    with alerts_app.dependencies.read() as views:
        call = views.item(alerts[0][0]["item_id"])  # type: ignore[arg-type]
    assert call is not None and call.changes[0][1] == ("deadline_moved",)
    assert call.facts.deadlines == (date(2027, 3, 26),)


def test_subscribers_are_reminded_30_and_7_days_before_a_deadline_once(
    alerts_app: Alerts, feeds: FeedServer, clock: Clock
) -> None:
    subscribe(alerts_app, "ana", kinds=["funding_call"], best_only=False)
    poll(alerts_app, feeds, "/ft.json", fixture("funding.json"), SourceKind.FUNDING)

    clock.now = clock.now.replace(year=2027, month=2, day=10)  # 30 days before 12 March
    assert alerts_app.bus.handle(c.SendDeadlineReminders()) == 1
    assert alerts_app.bus.handle(c.SendDeadlineReminders()) == 0
    clock.now = clock.now.replace(month=3, day=5)
    assert alerts_app.bus.handle(c.SendDeadlineReminders()) == 1

    reminders = published(alerts_app, "DeadlineApproaching")
    assert [(b["days_before"], b["identifier"], s) for b, s in reminders] == [
        (30, "ERASMUS-EDU-2027-PI-MENTOR", "ana"),
        (7, "ERASMUS-EDU-2027-PI-MENTOR", "ana"),
    ]


def test_partners_are_sought_for_funding_calls_only(alerts_app: Alerts, feeds: FeedServer) -> None:
    poll(alerts_app, feeds, "/ft.json", fixture("funding.json"), SourceKind.FUNDING)
    poll(alerts_app, feeds, "/oeil.json", fixture("oeil.json"), SourceKind.OEIL)
    with alerts_app.dependencies.read() as views:
        page = views.page(query_words=frozenset(), kinds=[], topic="", best_only=False,
                          editor=True, size=10, offset=0)  # fmt: skip
    by_kind = {i.kind: i.id for i in page.rows}

    ask = c.FindPartners(actor=member("ana"), item_id=by_kind["funding_call"], message="NL, PT")
    first, again = alerts_app.bus.handle(ask), alerts_app.bus.handle(ask)
    with pytest.raises(NotAFundingCall):
        alerts_app.bus.handle(ask.model_copy(update={"item_id": by_kind["procedure"]}))

    [(request, subject)] = published(alerts_app, "PartnerSearchRequested")[:1]
    assert first == again == request["request_id"] and subject == "ana"
    assert request["deadline"] in ("2027-03-12", "2027-04-20")


def test_editors_hide_pin_and_pick_items(alerts_app: Alerts, feeds: FeedServer) -> None:
    poll(alerts_app, feeds, "/policy.rss", fixture("policy.rss"), SourceKind.FEED)
    everything = items(alerts_app)
    assert len(everything) == 3
    members = alerts_app.bus.handle(c.ListItems(actor=member("ana")))
    assert "Fisheries quotas for the Baltic Sea in 2027" not in [
        i.facts.title for i in members.rows
    ]  # noise is filtered for members

    first = alerts_app.bus.handle(c.ListItems(actor=EDITOR)).rows[0].id
    alerts_app.bus.handle(c.CurateItem(actor=EDITOR, item_id=first, pinned=False, hidden=True,
                                       note="duplicate of last week's"))  # fmt: skip
    alerts_app.bus.handle(c.PickForNewsletter(actor=EDITOR, item_id=first))
    with pytest.raises(ItemNotFound):
        alerts_app.bus.handle(c.GetItem(actor=member("ana"), item_id=first))
    [(picked, _)] = published(alerts_app, "NewsletterItemPicked")
    assert picked["item_id"] == first and picked["note"] == "duplicate of last week's"


def test_a_subscription_is_its_owners_alone(alerts_app: Alerts) -> None:
    mine = subscribe(alerts_app, "ana", query="mentoring")
    for command in (
        c.GetSubscription(actor=member("ben"), subscription_id=mine),
        c.DeleteSubscription(actor=member("ben"), subscription_id=mine),
        c.UpdateSubscription(actor=member("ben"), subscription_id=mine,
                             terms=c.Terms(name="taken over")),
    ):  # fmt: skip
        with pytest.raises(SubscriptionNotFound):
            alerts_app.bus.handle(command)
    assert alerts_app.bus.handle(c.ListSubscriptions(actor=member("ben"))) == []
    mine_now = alerts_app.bus.handle(c.GetSubscription(actor=member("ana"), subscription_id=mine))
    assert mine_now.terms.query == "mentoring"


def test_a_forgotten_persons_subscriptions_and_pending_alerts_are_erased(
    alerts_app: Alerts, feeds: FeedServer
) -> None:
    subscribe(alerts_app, "ana", query="mentoring", name="Ana's secret interest")
    poll(alerts_app, feeds, "/ft.json", fixture("funding.json"), SourceKind.FUNDING)
    assert published(alerts_app, "AlertMatched")

    forgotten = registry.PersonForgotten(
        person_id="ana", occurred_at=datetime(2027, 1, 10, tzinfo=UTC)
    )
    delivery = Delivery(handler="alerts.PersonForgotten", event_id="e-forget")
    alerts_app.bus.handle(forgotten, MessageContext(delivery=delivery))
    with pytest.raises(DuplicateDelivery):  # redelivered: claimed in the inbox already
        alerts_app.bus.handle(forgotten, MessageContext(delivery=delivery))

    assert alerts_app.bus.handle(c.ListSubscriptions(actor=member("ana"))) == []
    assert published(alerts_app, "AlertMatched") == []
    with alerts_app.engine.connect() as connection:
        stored = [json.dumps(row.data) for row in connection.execute(select(store))]
    assert not [s for s in stored if "ana" in s.lower() or "secret" in s]


def test_rapporteurs_go_to_registry_and_come_back_linked_to_policy_contacts(
    alerts_app: Alerts, feeds: FeedServer
) -> None:
    source = poll(alerts_app, feeds, "/oeil.json", fixture("oeil.json"), SourceKind.OEIL)
    named = {b["reference"]: b for b, _ in published(alerts_app, "RapporteursNamed")}
    year = named["2026/0142(COD)"]
    assert [(r["name"], r["role"]) for r in year["rapporteurs"]] == [
        ("Ana Ferreira", "rapporteur"), ("Jan de Vries", "shadow"),
    ]  # fmt: skip

    def linked(name: str, role: str, contact: str) -> None:
        alerts_app.bus.handle(
            registry.RapporteurLinked(
                item_id=year["item_id"], reference=year["reference"], policy_contact_id=contact,
                role=role, rapporteur=name, occurred_at=datetime(2027, 1, 10, tzinfo=UTC),
            )
        )  # fmt: skip

    linked("Ana Ferreira", "rapporteur", "pc-ana")
    linked("Ana Ferreira", "rapporteur", "pc-ana")  # again: nothing new
    linked("Jan de Vries", "rapporteur", "pc-jan")  # not his role here: ignored
    view = alerts_app.bus.handle(c.GetItem(actor=member("ana"), item_id=year["item_id"]))
    shown = [(r.name, r.policy_contact) for r in item_proto(view).rapporteurs]
    assert shown == [("Ana Ferreira", "policyContacts/pc-ana"), ("Jan de Vries", "")]

    # New rapporteurs: registry hears of them again, and the old links are void.
    feeds.serve("/oeil.json", fixture("oeil.json").replace(b"Jan de Vries", b"Eva Novak"))
    alerts_app.bus.handle(c.PollSource(actor=EDITOR, source_id=source))
    again = [b for b, _ in published(alerts_app, "RapporteursNamed")][-1]
    assert again["item_id"] == year["item_id"] and "Eva Novak" in str(again["rapporteurs"])
    view = alerts_app.bus.handle(c.GetItem(actor=member("ana"), item_id=year["item_id"]))
    assert view.contacts == {}


def test_a_subscribers_kind_of_organisation_weighs_in_what_they_hear_of(
    alerts_app: Alerts,
) -> None:
    for organisation, kind in (("uni-1", "RESEARCH_INSTITUTION"), ("ngo-1", "NETWORK")):
        alerts_app.bus.handle(
            registry.OrganisationRegistered(
                organisation_id=organisation, display_name="Org", kind=kind, country="BE",
                contact_name="An", contact_email="an@example.org",
                occurred_at=datetime(2027, 1, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    alerts_app.bus.handle(  # the saved searches' index is cached, then searches change
        c.CreateItem(actor=EDITOR, kind=ItemKind.EVENT, title="Fisheries quotas in 2027")
    )
    with pytest.raises(InvalidArgument) as unknown:
        subscribe(alerts_app, "ana", organisation_id="nowhere")
    assert unknown.value.violations[0].field == "subscription.organisation"
    researcher = subscribe(alerts_app, "ana", organisation_id="uni-1", best_only=True)
    subscribe(alerts_app, "ben", organisation_id="ngo-1", best_only=True)
    subscribe(alerts_app, "cas", best_only=True)

    alerts_app.bus.handle(
        c.CreateItem(actor=EDITOR, kind=ItemKind.FUNDING_CALL,
                     title="Mentoring doctoral candidates: a call for universities")
    )  # fmt: skip

    matched = published(alerts_app, "AlertMatched")
    assert [(b["subscription_id"], s) for b, s in matched] == [(researcher, "ana")]
    with alerts_app.engine.connect() as connection:
        stored = [json.dumps(row.data) for row in connection.execute(select(store))]
    assert not [s for s in stored if "an@example.org" in s]  # ids and kinds only


def test_the_saved_searches_counter_moves_with_all_their_index_is_built_from(
    alerts_app: Alerts,
) -> None:
    """A cached index of the saved searches is reused while this counter reads the same: it
    must move with every search saved, changed or deleted and every organisation's kind
    learnt (counting searches and taking their latest change missed the last, a change
    committed after a later-stamped one, and a delete plus an add)."""

    def counter() -> int:
        with alerts_app.engine.connect() as connection:
            return AlertsViews(connection).candidates([], [], [], [])[1]

    seen = [counter(), counter()]
    ana = subscribe(alerts_app, "ana", query="mentoring")
    seen.append(counter())
    terms = c.Terms.model_validate({"name": "Mentoring", "rhythm": "daily", "query": "youth"})
    alerts_app.bus.handle(
        c.UpdateSubscription(actor=member("ana"), subscription_id=ana, terms=terms)
    )
    seen.append(counter())
    alerts_app.bus.handle(c.DeleteSubscription(actor=member("ana"), subscription_id=ana))
    seen.append(counter())
    alerts_app.bus.handle(
        registry.OrganisationRegistered(
            organisation_id="uni-1", display_name="Uni", kind="RESEARCH_INSTITUTION",
            country="BE", contact_name="An", contact_email="an@example.org",
            occurred_at=datetime(2027, 1, 1, tzinfo=UTC),
        )
    )  # fmt: skip
    seen.append(counter())

    assert seen[0] == seen[1]  # nothing changed, nothing moved
    assert all(later > earlier for earlier, later in itertools.pairwise(seen[1:]))


def test_pages_come_pinned_first_then_most_relevant_and_a_topic_filters_them(
    alerts_app: Alerts, feeds: FeedServer
) -> None:
    poll(alerts_app, feeds, "/policy.rss", fixture("policy.rss"), SourceKind.FEED)
    poll(alerts_app, feeds, "/ft.json", fixture("funding.json"), SourceKind.FUNDING)
    poll(alerts_app, feeds, "/oeil.json", fixture("oeil.json"), SourceKind.OEIL)
    least = alerts_app.bus.handle(c.ListItems(actor=EDITOR)).rows[-1].id
    alerts_app.bus.handle(
        c.CurateItem(actor=EDITOR, item_id=least, pinned=True, hidden=False, note="")
    )

    paged: list[ItemView] = []
    sizes: list[int] = []
    offset: int | None = 0
    while offset is not None:  # two at a time, as a frontend pages
        page = alerts_app.bus.handle(c.ListItems(actor=EDITOR, page_size=2, offset=offset))
        paged += page.rows
        offset = page.next_offset
        sizes.append(page.total_size)

    assert len(paged) >= 5 and len({i.id for i in paged}) == len(paged) == sizes[0]
    assert set(sizes) == {len(paged)}
    assert paged[0].id == least  # pinned goes first, however little relevant
    assert paged == sorted(paged, key=lambda i: (not i.pinned, -i.relevance, i.id))
    assert len({i.relevance for i in paged}) > 2  # the order was decided by relevance
    topic = next(t for i in paged for t in i.topics)
    tagged = alerts_app.bus.handle(c.ListItems(actor=EDITOR, topic=topic)).rows
    assert [i.id for i in tagged] == [i.id for i in paged if topic in i.topics]
    assert 0 < len(tagged) < len(paged)
