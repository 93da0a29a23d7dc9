"""A service worker run by worker_main against real RabbitMQ and real databases."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from broker_helpers import Broker, Happened, SampleService
from sqlalchemy import Engine, func, select

from ecbm_runtime.db import make_engine
from ecbm_runtime.dlq import list_dead_letters
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.tables import outbox
from ecbm_runtime.testing import wait_until
from ecbm_runtime.uow import EventWiring, SqlUnitOfWork, no_views
from ecbm_runtime.worker import ServiceWorker, declare_queues, event_handler

from sample_worker import SampleRecorded, effects

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]

MakeService = Callable[[str], SampleService]


def effect_count(database_url: str, note: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            query = select(func.count()).select_from(effects).where(effects.c.note == note)
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


def headers(event_id: str | None = None) -> dict[str, str]:
    return {"event_id": event_id or uuid.uuid4().hex, "correlation_id": uuid.uuid4().hex}


def parked_reasons(service: SampleService, expected: int) -> list[str | None]:
    letters = wait_until(
        lambda: (
            (found := list_dead_letters(service.amqp_url, service.name))
            and len(found) >= expected
            and found
        ),
        15,
        message=f"{expected} dead letters",
    )
    return [letter.reason for letter in letters]


def test_handles_an_event_once_when_it_is_delivered_twice(
    sample_service: MakeService, broker: Broker, database_url: str
) -> None:
    service = sample_service(database_url)
    service.start(broker)
    same = headers()
    service.publish(broker, {"note": "twice"}, **same)
    service.publish(broker, {"note": "twice"}, **same)
    service.publish(broker, {"note": "after"}, **headers())

    wait_until(lambda: effect_count(database_url, "after") == 1, 15, message="later event handled")
    wait_until(lambda: broker.counts(service.queue)[0] == 0, 5, message="queue drained")
    assert effect_count(database_url, "twice") == 1


@pytest.mark.parametrize(
    ("body", "event_id"),
    [
        pytest.param('{"note": "unterminated', "e-json", id="malformed-json"),
        pytest.param({"note": 42, "mode": "sideways"}, "e-invalid", id="fails-validation"),
        pytest.param({"note": "no id"}, None, id="no-event-id"),
    ],
)
def test_parks_a_bad_message_at_once_and_keeps_consuming(
    sample_service: MakeService, broker: Broker, tmp_path: Path, body: object, event_id: str | None
) -> None:
    database_url = f"sqlite:///{tmp_path / 'sample.db'}"
    service = sample_service(database_url)
    service.start(broker)
    service.publish(broker, body, **({"event_id": event_id} if event_id else {}))
    service.publish(broker, {"note": "good"}, **headers())

    wait_until(lambda: effect_count(database_url, "good") == 1, 15, message="good message handled")
    assert parked_reasons(service, 1) == ["rejected"]


def test_handles_an_event_from_a_newer_producer_with_fields_it_does_not_know(
    sample_service: MakeService, broker: Broker, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'sample.db'}"
    service = sample_service(database_url)
    service.start(broker)
    service.publish(broker, {"note": "newer", "added_later": {"by": "v2"}}, **headers())

    wait_until(lambda: effect_count(database_url, "newer") == 1, 15, message="newer event handled")
    assert list_dead_letters(service.amqp_url, service.name) == []


def test_parks_an_event_whose_handler_keeps_failing_after_max_deliveries(
    sample_service: MakeService, broker: Broker, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'sample.db'}"
    service = sample_service(database_url)
    service.start(broker)
    service.publish(broker, {"note": "doomed", "mode": "fail"}, **headers("e-doomed"))

    letters = wait_until(lambda: list_dead_letters(service.amqp_url, service.name), 20)
    assert [(x.event_id, x.reason, x.queue) for x in letters] == [
        ("e-doomed", "delivery_limit", service.queue)
    ]
    assert effect_count(database_url, "doomed") == 0

    def failures() -> int:
        return sum("error handling worker" in line["message"] for line in service.log_lines())

    # The last failure's log line is written by the worker's log thread, maybe after the
    # message was dead-lettered: wait for it, then check there were no more.
    wait_until(lambda: failures() >= 3, 10, message="three logged failures")
    assert failures() == 3  # ECBM_SAMPLE_MAX_DELIVERIES


def test_applies_an_event_once_when_the_worker_is_killed_mid_handler_and_restarted(
    sample_service: MakeService, broker: Broker, database_url: str, tmp_path: Path
) -> None:
    service = sample_service(database_url)
    first = service.start(broker)
    service.publish(broker, {"note": "interrupted", "mode": "block"}, **headers())
    wait_until((tmp_path / "interrupted.started").exists, 15, message="handler started")

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    (tmp_path / "interrupted.go").touch()
    service.start(broker)

    wait_until(lambda: effect_count(database_url, "interrupted") == 1, 15, message="effect")
    wait_until(lambda: broker.counts(service.queue)[0] == 0, 5, message="queue drained")
    assert effect_count(database_url, "interrupted") == 1


def test_applies_an_event_once_when_the_worker_is_killed_after_commit_before_ack(
    sample_service: MakeService, broker: Broker, database_url: str, tmp_path: Path
) -> None:
    service = sample_service(database_url)
    first = service.start(broker)
    service.publish(broker, {"note": "committed", "mode": "crash_after_commit"}, **headers())

    assert first.wait(timeout=30) == -signal.SIGKILL  # killed itself after its commit
    assert (tmp_path / "committed.crashed").exists()
    assert effect_count(database_url, "committed") == 1
    wait_until(lambda: broker.counts(service.queue)[0] == 1, 15, message="unacked, requeued")
    service.start(broker)

    wait_until(lambda: broker.counts(service.queue)[0] == 0, 15, message="redelivery acked")
    wait_until(
        lambda: any("already handled" in line["message"] for line in service.log_lines(1)),
        15,
        message="the redelivery refused by the inbox",
    )
    assert effect_count(database_url, "committed") == 1


def test_sweeps_outbox_rows_the_api_left_behind(
    sample_service: MakeService, broker: Broker, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'sample.db'}"
    service = sample_service(database_url)
    service.extra_env["ECBM_SAMPLE_OUTBOX_SWEEP_GRACE_SECONDS"] = "0"
    service.start(broker)  # migrates the database
    received = broker.bind_queue(f"{service.name}-probe", f"{service.name}.events")
    engine = make_engine(database_url)
    with SqlUnitOfWork(engine, EventWiring(EventCodec()), no_views) as uow:
        uow.publish(Happened(service.name, "left behind"))
        uow.commit()
    engine.dispose()

    messages = wait_until(lambda: broker.drain(received), 10, message="swept event")
    assert [json.loads(m.body) for m in messages] == [{"what": "left behind"}]


def test_purges_published_outbox_rows_after_the_retention(
    sample_service: MakeService, broker: Broker, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'sample.db'}"
    service = sample_service(database_url)
    service.extra_env |= {
        "ECBM_SAMPLE_OUTBOX_SWEEP_GRACE_SECONDS": "0",
        "ECBM_SAMPLE_OUTBOX_RETENTION_HOURS": "0",
        "ECBM_SAMPLE_OUTBOX_PURGE_INTERVAL_SECONDS": "0.2",
    }
    service.start(broker)
    received = broker.bind_queue(f"{service.name}-probe", f"{service.name}.events")
    engine = make_engine(database_url)
    try:
        with SqlUnitOfWork(engine, EventWiring(EventCodec()), no_views) as uow:
            uow.publish(Happened(service.name, "published, then purged"))
            uow.commit()

        wait_until(lambda: broker.drain(received), 10, message="swept event")
        wait_until(lambda: outbox_rows(engine) == 0, 10, message="published row purged")
    finally:
        engine.dispose()


def outbox_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(outbox)).scalar_one())


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return int(response.status)


def test_serves_health_and_stops_cleanly_on_sigterm(
    sample_service: MakeService, broker: Broker, tmp_path: Path
) -> None:
    service = sample_service(f"sqlite:///{tmp_path / 'sample.db'}")
    process = service.start(broker)
    started = [line for line in service.log_lines() if "worker metrics at" in line["message"]]
    metrics_url = started[0]["message"].split()[-1]
    health_url = metrics_url.replace("/metrics", "/healthz")

    # Consuming comes a moment before healthy (every consumer up): 503 until then.
    wait_until(lambda: _status(health_url) == 200, 30, message="healthz answers 200")
    with urllib.request.urlopen(metrics_url, timeout=5) as response:
        assert b"ecbm_events_consumed" in response.read()
    assert service.stop(process) == 0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(health_url, timeout=2)


def test_events_published_before_the_first_start_wait_in_the_declared_queue(
    sample_service: MakeService, broker: Broker, database_url: str
) -> None:
    service = sample_service(database_url)

    class NotYetStarted(ServiceWorker):
        """The sample worker's shape under this test's names, never run in this process."""

        name = service.name

        @event_handler(service.source, SampleRecorded)
        def on_sample_recorded(self, event: SampleRecorded) -> None:
            raise AssertionError("declaring queues never runs a handler")

    declared = declare_queues(NotYetStarted, service.amqp_url, max_deliveries=3)
    service.publish(broker, {"note": "early"}, **headers())
    service.start(broker)  # declares the same queue again, with the same arguments

    assert declared == [service.queue]
    wait_until(lambda: effect_count(database_url, "early") == 1, 15, message="early event handled")
