"""The alerts api over gRPC, on SQLite and PostgreSQL: what callers see."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from alerts_feeds import FeedServer, fixture
from alerts_fixtures import alerts_settings, feeds_fixture  # noqa: F401

from ecbm.alerts.v1 import alerts_pb2 as pb
from ecbm.alerts.v1.alerts_pb2_grpc import AlertsServiceStub
from ecbm_alerts.bootstrap import SERVICE
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer, violations

EDITOR = bearer("editor", subject="ed")
ANA = bearer("member", subject="ana")
BEN = bearer("member", subject="ben")


@pytest.fixture
def stub(database_url: str) -> Iterator[AlertsServiceStub]:
    """The real servicer and interceptors on a free port (development mode: the local feed
    server is reachable)."""
    upgrade(SERVICE.migrations, database_url)
    settings = alerts_settings(database_url=database_url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield AlertsServiceStub(channel)


def a_source(stub: AlertsServiceStub, url: str, kind: int = pb.SOURCE_KIND_FEED) -> pb.Source:
    source = pb.Source(display_name="Policy watch", kind=kind, url=url, interval_minutes=30)
    return stub.CreateSource(pb.CreateSourceRequest(source=source), metadata=EDITOR)


def test_editors_watch_a_feed_and_anyone_reads_what_is_not_noise(
    stub: AlertsServiceStub, feeds: FeedServer
) -> None:
    source = a_source(stub, feeds.serve("/policy.rss", fixture("policy.rss")))
    assert (source.state, source.health, source.interval_minutes) == ("active", "ok", 30)

    polled = stub.PollSource(pb.PollSourceRequest(name=source.name), metadata=EDITOR)
    public = stub.ListItems(pb.ListItemsRequest())
    every = stub.ListItems(pb.ListItemsRequest(), metadata=EDITOR)

    assert (polled.new_items, polled.source.health) == (3, "ok")
    assert (public.total_size, every.total_size) == (2, 3)
    best = public.items[0]
    assert best.kind == pb.ITEM_KIND_POLICY_DOCUMENT and best.relevance >= 0.6
    assert best.sources == [source.name.split("/")[1]]
    assert {t for i in public.items for t in i.topics} >= {"education", "digital-skills"}


def test_a_page_that_is_not_a_feed_is_refused_on_its_field(
    stub: AlertsServiceStub, feeds: FeedServer
) -> None:
    page = feeds.serve("/index.html", b"<html>hello</html>", content_type="text/html")
    with pytest.raises(grpc.RpcError) as refused:
        a_source(stub, page)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "not a readable feed" in violations(refused.value)["source.url"]

    with pytest.raises(grpc.RpcError) as member:
        stub.CreateSource(pb.CreateSourceRequest(), metadata=ANA)
    assert member.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_members_keep_their_own_subscriptions(stub: AlertsServiceStub) -> None:
    terms = pb.Subscription(
        display_name="Funding for mentoring",
        query="mentoring",
        kinds=[pb.ITEM_KIND_FUNDING_CALL],
        topics=["education"],
        countries=["PT"],
        rhythm=pb.RHYTHM_WEEKLY,
    )
    created = stub.CreateSubscription(
        pb.CreateSubscriptionRequest(subscription=terms, request_id="r1"), metadata=ANA
    )
    again = stub.CreateSubscription(
        pb.CreateSubscriptionRequest(subscription=terms, request_id="r1"), metadata=ANA
    )
    assert again.name == created.name and created.rhythm == pb.RHYTHM_WEEKLY

    with pytest.raises(grpc.RpcError) as theirs:
        stub.GetSubscription(pb.GetSubscriptionRequest(name=created.name), metadata=BEN)
    assert theirs.value.code() is grpc.StatusCode.NOT_FOUND
    assert stub.ListSubscriptions(pb.ListSubscriptionsRequest(), metadata=BEN).subscriptions == []

    bad = pb.Subscription(
        display_name="x", topics=["astrology"], countries=["pt"], organisation="organisations/a b"
    )
    with pytest.raises(grpc.RpcError) as invalid:
        stub.CreateSubscription(pb.CreateSubscriptionRequest(subscription=bad), metadata=ANA)
    fields = violations(invalid.value)
    assert set(fields) == {
        "subscription.topics", "subscription.countries[0]", "subscription.organisation"
    }  # fmt: skip
    unknown = pb.Subscription(display_name="x", organisation="organisations/nowhere")
    with pytest.raises(grpc.RpcError) as invalid:
        stub.CreateSubscription(pb.CreateSubscriptionRequest(subscription=unknown), metadata=ANA)
    assert set(violations(invalid.value)) == {"subscription.organisation"}


def test_partners_are_sought_for_a_call_with_its_deadline(
    stub: AlertsServiceStub, feeds: FeedServer
) -> None:
    source = a_source(stub, feeds.serve("/ft.json", fixture("funding.json")),
                      pb.SOURCE_KIND_FUNDING)  # fmt: skip
    stub.PollSource(pb.PollSourceRequest(name=source.name), metadata=EDITOR)
    calls = stub.ListItems(
        pb.ListItemsRequest(kinds=[pb.ITEM_KIND_FUNDING_CALL], query="inclusive")
    )
    [call] = calls.items
    assert (call.status, call.programme, call.deadlines) == ("open", "Erasmus+", ["2027-03-12"])

    asked = stub.FindPartners(pb.FindPartnersRequest(name=call.name), metadata=ANA)
    assert asked.request_id
    with pytest.raises(grpc.RpcError) as anonymous:
        stub.FindPartners(pb.FindPartnersRequest(name=call.name))
    assert anonymous.value.code() is grpc.StatusCode.UNAUTHENTICATED
