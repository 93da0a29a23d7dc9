"""Registry requests the suite sends, and the event path it times: registry commit → notify.

Only the public gRPC API goes in; only timestamps the services themselves wrote come out
(programmes.create_time in the registry, notifications.create_time in notify), so the
figure is the system's own latency, not the benchmark's polling.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import grpc
import psycopg

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.auth import issue_token
from ecbm_runtime.bench.environment import say, wait_for
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

NOTIFY_HANDLER = "notify.on_programme_registered"
EVENT_TIMEOUT_SECONDS = 15.0
CALL_TIMEOUT_SECONDS = 10.0
# The figure comes from the services' own timestamps, so polling faster would not make it
# more precise, only steal CPU from the services on a small machine.
POLL_SECONDS = 0.005


def admin_metadata() -> tuple[tuple[str, str], ...]:
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "ecbm-bench", ["admin"], 3600)
    return (("authorization", f"Bearer {token}"),)


def organisation_request() -> pb.RegisterOrganisationRequest:
    tag = uuid.uuid4().hex[:10]
    return pb.RegisterOrganisationRequest(
        request_id=str(uuid.uuid4()),
        organisation=pb.Organisation(
            display_name=f"Benchmark mentoring network {tag}",
            kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
            country="BE",
            city="Brussels",
            contact=pb.Contact(display_name="Bench Contact", email=f"bench-{tag}@example.org"),
        ),
    )


def programme_request(organisation: str) -> pb.RegisterProgrammeRequest:
    return pb.RegisterProgrammeRequest(
        request_id=str(uuid.uuid4()),
        programme=pb.Programme(
            organisation=organisation,
            display_name=f"Benchmark programme {uuid.uuid4().hex[:12]}",
            description="Peer mentoring for first-generation university students.",
            languages=["en", "fr"],
            countries=["BE", "NL"],
        ),
    )


def programme_request_bytes(organisation: str) -> Callable[[], bytes]:
    """A fresh serialised RegisterProgramme per call: each one a new programme."""
    return lambda: programme_request(organisation).SerializeToString()


def register_organisation(target: str, metadata: tuple[tuple[str, str], ...]) -> str:
    with grpc.insecure_channel(target) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        request = organisation_request()
        organisation = stub.RegisterOrganisation(request, metadata=metadata, timeout=10)
        return str(organisation.name)


def register_programme(
    target: str, organisation: str, metadata: tuple[tuple[str, str], ...]
) -> str:
    with grpc.insecure_channel(target) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        request = programme_request(organisation)
        return str(stub.RegisterProgramme(request, metadata=metadata, timeout=10).name)


def wait_contact_known(notify_conninfo: str, organisation: str, alive: Callable[[], None]) -> None:
    """notify parks programme events until it knows the organisation's contact: wait for it."""
    organisation_id = organisation.split("/", 1)[1]
    with psycopg.connect(notify_conninfo, autocommit=True) as connection:
        query = "SELECT 1 FROM organisation_contacts WHERE organisation_id = %s"
        wait_for(
            lambda: connection.execute(query, (organisation_id,)).fetchone(),
            60,
            "notify knowing the benchmark organisation's contact",
            alive=alive,
        )


def send_one_at_a_time(
    target: str,
    organisation: str,
    metadata: tuple[tuple[str, str], ...],
    notify_conninfo: str,
    count: int,
    alive: Callable[[], None],
) -> list[str]:
    """Register ``count`` programmes, each after notify has stored the previous one's notification.

    One at a time, like the raw broker baseline: the figure is latency, not queueing.
    """
    ids: list[str] = []
    query = "SELECT 1 FROM notifications WHERE link = %s"
    with (
        grpc.insecure_channel(target) as channel,
        psycopg.connect(notify_conninfo, autocommit=True) as connection,
    ):
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for index in range(count):
            request = programme_request(organisation)
            name = stub.RegisterProgramme(
                request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS
            ).name
            wait_for(
                partial(_found, connection, query, name),
                EVENT_TIMEOUT_SECONDS,
                f"notification for {name}",
                interval=POLL_SECONDS,
                alive=alive,
            )
            ids.append(name.split("/", 1)[1])
            if (index + 1) % 250 == 0:
                say(f"  propagation: {index + 1}/{count} events")
    return ids


@dataclass(frozen=True)
class Journey:
    """One event's timestamps, each written by the service that did the step."""

    registry_committed: datetime  # programmes.create_time (taken in the registry's transaction)
    published: datetime  # outbox.published_at (broker confirmed; set just before marking)
    claimed: datetime  # notify inbox.processed_at (first statement of notify's transaction)
    notified: datetime  # notifications.create_time (taken in notify's transaction)

    def total_ms(self) -> float:
        return _ms(self.registry_committed, self.notified)

    def steps_ms(self) -> dict[str, float]:
        return {
            "registry_commit_to_published": _ms(self.registry_committed, self.published),
            "published_to_notify_claimed": _ms(self.published, self.claimed),
            "notify_claimed_to_notified": _ms(self.claimed, self.notified),
        }


def _found(connection: psycopg.Connection[Any], query: str, value: str) -> bool:
    return connection.execute(query, (value,)).fetchone() is not None


def _ms(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() * 1000


def journeys(registry_conninfo: str, notify_conninfo: str, ids: list[str]) -> list[Journey]:
    """Join both services' own rows for the programmes sent (same machine, same clock)."""
    with psycopg.connect(registry_conninfo) as connection:
        rows = connection.execute(
            "SELECT p.id, p.create_time, o.event_id, o.published_at FROM programmes p"
            " JOIN outbox o ON o.routing_key = 'ProgrammeRegistered'"
            " AND (o.body::json ->> 'programme_id') = p.id WHERE p.id = ANY(%s)",
            (ids,),
        ).fetchall()
    registry = {row[0]: row[1:] for row in rows}
    with psycopg.connect(notify_conninfo) as connection:
        notified: dict[str, datetime] = dict(
            connection.execute(
                "SELECT link, create_time FROM notifications WHERE link = ANY(%s)",
                ([f"programmes/{i}" for i in ids],),
            ).fetchall()
        )
        claimed: dict[str, datetime] = dict(
            connection.execute(
                "SELECT event_id, processed_at FROM inbox"
                " WHERE handler = %s AND event_id = ANY(%s)",
                (NOTIFY_HANDLER, [r[1] for r in registry.values()]),
            ).fetchall()
        )
    return [_journey(registry, notified, claimed, i) for i in ids]


def _journey(
    registry: dict[str, Any],
    notified: dict[str, datetime],
    claimed: dict[str, datetime],
    programme_id: str,
) -> Journey:
    try:
        committed, event_id, published = registry[programme_id]
        return Journey(
            committed, published, claimed[event_id], notified[f"programmes/{programme_id}"]
        )
    except KeyError as missing:
        raise RuntimeError(f"programme {programme_id}: no row for {missing}") from None
