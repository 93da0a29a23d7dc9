"""After ForgetPerson nothing anywhere holds the person's name or e-mail in clear.

Registry and events run in this process on PostgreSQL, the workers of every service that
consumes registry's events (notify, events, matching, quality, alerts) as processes on the
test's own virtual host; a queue bound to every registry event stands
for a consumer that is down (its messages wait). Once the forgetting has gone round,
every table of every service database (event stores, outboxes, inboxes, read models),
every message in every queue and dead-letter queue of the vhost, and every log line (the
workers' files, this process's records) is searched for the name and the address.
"""

from __future__ import annotations

import logging
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import MetaData, create_engine, select, text

from ecbm_events.application.programme.commands import CreateEvent, PublishEvent
from ecbm_events.application.registrations.commands import RegisterForEvent
from ecbm_events.bootstrap import SERVICE as EVENTS
from ecbm_events.bootstrap import bootstrap as events_bootstrap
from ecbm_events.domain.event import Mode
from ecbm_registry.application.people import commands as people
from ecbm_registry.bootstrap import SERVICE as REGISTRY
from ecbm_registry.bootstrap import bootstrap as registry_bootstrap
from ecbm_runtime.actor import Actor
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.outbox import OutboxRelay
from ecbm_runtime.service import load_service
from ecbm_runtime.testing import fresh_postgres_database, wait_until

from platform_processes import ServiceProcesses

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.rabbitmq]
NAME = "Maria Scanfield"
EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


# Every service that learns about people from the registry's events, as a worker process.
CONSUMERS = ("notify", "events", "matching", "quality", "alerts")


@pytest.fixture
def databases(postgres_server_url: str) -> Iterator[dict[str, str]]:
    made = {name: fresh_postgres_database(postgres_server_url) for name in ("registry", *CONSUMERS)}
    for name, (url, _drop) in made.items():
        upgrade(load_service(name).migrations, url)
    try:
        yield {name: url for name, (url, _drop) in made.items()}
    finally:
        for _url, drop in made.values():
            drop()


def _decoded(row: Any) -> list[str]:
    return [value.decode(errors="replace") for value in row if isinstance(value, bytes)]


def _database_text(url: str) -> str:
    """Every row of every table, as text (bytes decoded)."""
    engine = create_engine(url)
    tables = MetaData()
    try:
        tables.reflect(engine)
        with engine.connect() as connection:
            return "\n".join(
                f"{table.name}: {row!r} {_decoded(row)}"
                for table in tables.sorted_tables
                for row in connection.execute(select(table)).all()
            )
    finally:
        engine.dispose()


def _queues_text(amqp_url: str) -> str:
    """Every message (body and headers) in every queue of the vhost, consumed."""
    vhost = unquote(urlsplit(amqp_url).path[1:])
    names = subprocess.run(
        ["rabbitmqctl", "list_queues", "-q", "--no-table-headers", "-p", vhost, "name"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout.split()  # fmt: skip
    found: list[str] = []
    with Connection(amqp_url) as connection:
        channel = connection.channel()
        for name in names:
            while (message := Queue(name)(channel).get(no_ack=True)) is not None:
                body = (
                    message.body.decode(errors="replace")
                    if isinstance(message.body, bytes)
                    else str(message.body)
                )
                found.append(f"{name}: {message.headers!r} {body}")
    assert names, "no queue found: the scan would prove nothing"
    return "\n".join(found)


def _scanned(
    databases: dict[str, str], amqp_url: str, log_dir: Path, caplog: pytest.LogCaptureFixture
) -> dict[str, str]:
    places = {f"database {name}": _database_text(url) for name, url in databases.items()}
    places["queues"] = _queues_text(amqp_url)
    for log in log_dir.glob("*.log"):
        places[f"log {log.name}"] = log.read_text(errors="replace")
    places["this process's log"] = "\n".join(
        r.getMessage() + repr(r.__dict__) for r in caplog.records
    )
    return places


def _holding(places: dict[str, str], *needles: str) -> dict[str, list[str]]:
    return {
        place: [
            line[:300]
            for line in text.splitlines()
            if any(n.lower() in line.lower() for n in needles)
        ]
        for place, text in places.items()
        if any(n.lower() in text.lower() for n in needles)
    }


def _inbox_has(url: str, handler: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM inbox WHERE handler = :handler")
            return bool(connection.execute(query, {"handler": handler}).scalar_one())
    finally:
        engine.dispose()


def _recipient_known(url: str, person_id: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM recipients WHERE person_id = :person")
            return bool(connection.execute(query, {"person": person_id}).scalar_one())
    finally:
        engine.dispose()


def test_after_forgetting_no_database_queue_or_log_holds_the_persons_name_or_address(
    databases: dict[str, str],
    isolated_amqp_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    email = f"maria.scan.{uuid.uuid4().hex[:8]}@example.org"
    person = f"p-{uuid.uuid4().hex[:12]}"
    with Connection(isolated_amqp_url) as connection:  # a consumer that is down keeps them all
        Queue(
            "absent-consumer", Exchange("registry.events", "topic", durable=True), "#", durable=True
        )(connection.channel()).declare()
    workers = []
    for name in CONSUMERS:
        env = {
            "ECBM_AMQP_URL": isolated_amqp_url,
            f"ECBM_{name.upper()}_DATABASE_URL": databases[name],
        }
        workers.append(ServiceProcesses(name, env, tmp_path))
    try:
        with ThreadPoolExecutor(len(workers)) as starting:  # all start at once
            list(starting.map(lambda worker: worker.start("worker"), workers))
        registry = registry_bootstrap(REGISTRY.load_settings(database_url=databases["registry"]))
        events = events_bootstrap(EVENTS.load_settings(database_url=databases["events"]))
        relay = OutboxRelay(registry.engine, isolated_amqp_url, "registry")

        def swept() -> bool:
            """Relay registry's outbox, as its worker's timer would: a failed send goes again."""
            relay.sweep(0)
            return True

        try:
            member = Actor(subject=person, roles=frozenset({"member"}))
            details = people.PersonDetails(display_name=NAME, email=email, country="RO")
            registry.bus.handle(people.JoinNetwork(actor=member, person=details))
            registry.bus.handle(people.ApplyForMembership(actor=member, person_id=person))
            registry.bus.handle(people.ApproveMembership(actor=EDITOR, person_id=person))
            start = datetime.now(UTC) + timedelta(days=10)
            editor = Actor(subject="editor-1", roles=frozenset({"editor"}))
            event_id = events.bus.handle(
                CreateEvent(
                    actor=editor, kind="seminar", title="Mentoring summit",  # type: ignore[arg-type]
                    start_time=start, end_time=start + timedelta(hours=2), on_site_places=10,
                )
            )  # fmt: skip
            events.bus.handle(PublishEvent(actor=editor, event_id=event_id))
            attendee = Actor(subject=person, roles=frozenset({"member"}))
            answers = {"Name on your badge": NAME, "Where to send the slides": email}
            events.bus.handle(
                RegisterForEvent(
                    actor=attendee, event_id=event_id, mode=Mode.ON_SITE, answers=answers
                )
            )
            wait_until(
                lambda: swept() and _recipient_known(databases["notify"], person),
                20,
                message="notify knows her",
            )
            before = _holding(
                {f"database {n}": _database_text(u) for n, u in databases.items()}, NAME, email
            )
            assert {"database notify", "database events"} <= before.keys()  # the scan finds her

            registry.bus.handle(people.ForgetPerson(actor=member, person_id=person))
            for worker in workers[1:]:
                url, handler = databases[worker.name], f"{worker.name}.on_person_forgotten"
                try:
                    wait_until(
                        lambda: swept() and _inbox_has(url, handler),  # noqa: B023 (used at once)
                        60,
                        message=handler,
                    )
                except AssertionError as missed:  # the worker's own account of it, to read
                    log = worker.log_tail("worker", 40)
                    raise AssertionError(f"{missed}\n--- its worker's log:\n{log}") from None
            wait_until(lambda: not _recipient_known(databases["notify"], person), 20)
        finally:
            relay.close()
            registry.close()
            events.close()
    finally:
        for worker in workers:
            worker.stop()

    places = _scanned(databases, isolated_amqp_url, tmp_path, caplog)
    # six databases, the queues, five workers' logs, this process
    assert len(places) >= 13
    assert _holding(places, NAME, email) == {}
