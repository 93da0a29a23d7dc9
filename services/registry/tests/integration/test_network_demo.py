"""The network and resources demo: enough data to show, and idempotent."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import grpc

from ecbm.registry.v1 import network_pb2 as npb
from ecbm.registry.v1 import network_pb2_grpc, resources_pb2_grpc
from ecbm.registry.v1 import resources_pb2 as rpb
from ecbm_registry.entrypoints import demo_network
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import TEST_TOKEN_SECONDS

TOKEN = issue_token(
    DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "demo-admin", ["admin"], TEST_TOKEN_SECONDS
)
ADMIN = (("authorization", f"Bearer {TOKEN}"),)


def test_the_demo_seeds_a_network_across_twenty_countries_and_seeding_again_adds_nothing(
    registry_channel: grpc.Channel,
) -> None:
    demo_network.seed(registry_channel, TOKEN)
    network = network_pb2_grpc.NetworkServiceStub(registry_channel)
    first = network.SummariseSupport(npb.SummariseSupportRequest(), metadata=ADMIN)
    logged = network.ListInteractions(
        npb.ListInteractionsRequest(parent="policyContacts/-"), metadata=ADMIN
    )

    demo_network.seed(registry_channel, TOKEN)
    again = network.SummariseSupport(npb.SummariseSupportRequest(), metadata=ADMIN)

    contacts = demo_network.CONTACTS + len(demo_network.RAPPORTEURS)
    assert sum(c.total_count for c in first.countries) == contacts
    assert len(first.countries) >= 20 and any(c.champion_count for c in first.countries)
    assert logged.total_size > 0
    assert again == first


def test_the_demo_publishes_stories_to_the_feed(registry_channel: grpc.Channel) -> None:
    demo_network.seed(registry_channel, TOKEN)
    resources = resources_pb2_grpc.ResourcesServiceStub(registry_channel)

    listed = resources.ListResources(rpb.ListResourcesRequest(), metadata=ADMIN)
    feed = resources.GetStoryFeed(rpb.GetStoryFeedRequest())

    assert listed.total_size == 30
    assert len(ET.fromstring(feed.data).findall("{http://www.w3.org/2005/Atom}entry")) >= 5
