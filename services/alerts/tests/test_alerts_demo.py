"""The demo seeds every kind of item, subscriptions and a partner search through the api."""

from __future__ import annotations

from alerts_fixtures import alerts_settings

from ecbm.alerts.v1 import alerts_pb2 as pb
from ecbm.alerts.v1.alerts_pb2_grpc import AlertsServiceStub
from ecbm_alerts.bootstrap import SERVICE
from ecbm_alerts.entrypoints.demo import member, seed_on, serve_feeds
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer

EDITOR = bearer("editor", subject="ed")


def test_the_demo_shows_every_kind_of_item_and_seeding_twice_adds_nothing(
    database_url: str,
) -> None:
    upgrade(SERVICE.migrations, database_url)
    settings = alerts_settings(database_url=database_url, grpc_port=0)
    server, base = serve_feeds()
    try:
        with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
            token = EDITOR[0][1].removeprefix("Bearer ")
            seed_on(channel, token, base)
            stub = AlertsServiceStub(channel)
            first = stub.ListItems(pb.ListItemsRequest(page_size=100), metadata=EDITOR)
            seed_on(channel, token, base)
            again = stub.ListItems(pb.ListItemsRequest(page_size=100), metadata=EDITOR)
            sources = stub.ListSources(pb.ListSourcesRequest(), metadata=EDITOR).sources
            mine = stub.ListSubscriptions(pb.ListSubscriptionsRequest(), metadata=member(1))
    finally:
        server.shutdown()
        server.server_close()

    assert {i.kind for i in first.items} == set(pb.ItemKind.values()) - {0}
    assert again.total_size == first.total_size
    assert len(sources) == 6 and {s.health for s in sources} == {"ok"}
    assert [s.display_name for s in mine.subscriptions] == ["Funding for school mentoring"]
