"""Demo sources, items and subscriptions, loaded through the gRPC API, for ``ecbm up --demo``.

The fixture documents under ``feeds/`` (in the real shapes of an RSS and an Atom feed,
EUR-Lex RSS, Legislative Observatory procedure files and the Funding & Tenders search API)
are served from this process on 127.0.0.1 (a daemon thread, alive as long as ``ecbm up``);
the api fetches each once when the source is created and polls it at once, so every kind
of item is there right away; the worker keeps polling them (development mode allows the
loopback address). Creates are idempotent on their ``request_id``: seeding twice changes
nothing but another poll.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import grpc

from ecbm.alerts.v1 import alerts_pb2 as pb
from ecbm.alerts.v1.alerts_pb2_grpc import AlertsServiceStub
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

Metadata = tuple[tuple[str, str], ...]
FEEDS = Path(str(resources.files("ecbm_alerts.entrypoints") / "feeds"))
SOURCES = [
    ("Brussels policy watch", pb.SOURCE_KIND_FEED, "policy.rss", pb.ITEM_KIND_POLICY_DOCUMENT),
    ("European mentoring network", pb.SOURCE_KIND_FEED, "network.atom", pb.ITEM_KIND_NETWORK),
    ("Brussels events", pb.SOURCE_KIND_FEED, "events.rss", pb.ITEM_KIND_EVENT),
    ("EUR-Lex: mentoring", pb.SOURCE_KIND_EURLEX, "eurlex.rss", pb.ITEM_KIND_POLICY_DOCUMENT),
    ("Legislative Observatory: CULT and EMPL", pb.SOURCE_KIND_OEIL, "oeil.json",
     pb.ITEM_KIND_PROCEDURE),
    ("Funding & Tenders: mentoring", pb.SOURCE_KIND_FUNDING, "funding.json",
     pb.ITEM_KIND_FUNDING_CALL),
]  # fmt: skip


class _Files(SimpleHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_feeds(port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """The fixture feeds on 127.0.0.1 in a daemon thread; (server, base URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_Files, directory=str(FEEDS)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="alerts-demo-feeds", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def seed(target: str, token: str) -> None:
    _server, base = serve_feeds()
    with grpc.insecure_channel(target) as channel:
        seed_on(channel, token, base)


def member(number: int) -> Metadata:
    """A development token of demo member ``number`` (development mode only)."""
    subject = f"demo-member-{number:02d}"
    minted = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, ["member"], 3600)
    return (("authorization", f"Bearer {minted}"),)


def seed_on(channel: grpc.Channel, token: str, base: str) -> None:
    stub, editor = AlertsServiceStub(channel), (("authorization", f"Bearer {token}"),)
    for n, (name, kind, path, item_kind) in enumerate(SOURCES):
        source = pb.Source(display_name=name, kind=kind, url=f"{base}/{path}",
                           item_kind=item_kind, interval_minutes=60, query="mentoring")  # fmt: skip
        created = stub.CreateSource(
            pb.CreateSourceRequest(source=source, request_id=f"demo-source-{n}"), metadata=editor
        )
        stub.PollSource(pb.PollSourceRequest(name=created.name), metadata=editor)
    meeting = pb.Item(
        kind=pb.ITEM_KIND_NETWORK,
        title="Brussels network meeting: mentoring in the European Semester",
        summary="Members of the Brussels network meet MEPs on mentoring for young jobseekers.",
        countries=["BE"],
    )
    stub.CreateItem(pb.CreateItemRequest(item=meeting), metadata=editor)
    _subscriptions(stub)
    _partner_search(stub)


def _subscriptions(stub: AlertsServiceStub) -> None:
    searches = [
        (1, pb.Subscription(display_name="Funding for school mentoring", query="mentoring",
                            kinds=[pb.ITEM_KIND_FUNDING_CALL], topics=["education"],
                            rhythm=pb.RHYTHM_IMMEDIATELY, best_only=True)),
        (2, pb.Subscription(display_name="Brussels: youth employment", query="employment",
                            rhythm=pb.RHYTHM_WEEKLY)),
        (3, pb.Subscription(display_name="Procedures on traineeships", query="traineeships",
                            kinds=[pb.ITEM_KIND_PROCEDURE], rhythm=pb.RHYTHM_DAILY)),
    ]  # fmt: skip
    for number, terms in searches:
        request = pb.CreateSubscriptionRequest(subscription=terms, request_id=f"demo-{number}")
        stub.CreateSubscription(request, metadata=member(number))


def _partner_search(stub: AlertsServiceStub) -> None:
    calls = stub.ListItems(
        pb.ListItemsRequest(kinds=[pb.ITEM_KIND_FUNDING_CALL], query="inclusive")
    )
    for call in calls.items[:1]:
        ask = pb.FindPartnersRequest(name=call.name, message="A school partner in NL or PT.")
        stub.FindPartners(ask, metadata=member(1))
