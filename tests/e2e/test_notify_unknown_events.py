"""Events notify has no handler for are counted and acknowledged; malformed ones of such a
type are dead-lettered; known types still reach their own handlers."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable

import kombu
import pytest

from ecbm_runtime.dlq import list_dead_letters
from ecbm_runtime.testing import wait_until

from platform_processes import ServiceProcesses

pytestmark = pytest.mark.e2e
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]


def _metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(name)]  # fmt: skip
    return sum(values)


def test_unknown_event_types_are_counted_and_malformed_ones_dead_lettered(
    slice_on: Start, sqlite_storage: dict[str, str], isolated_amqp_url: str
) -> None:
    processes = slice_on(sqlite_storage)
    notify = processes["notify"]
    with kombu.Connection(isolated_amqp_url) as connection:
        producer = connection.Producer(exchange=kombu.Exchange("registry.events", type="topic"))
        for routing_key, body in (
            ("ProgrammeRenamedInTheFuture", json.dumps({"programme_id": "p1"}).encode()),
            ("ProgrammeRenamedInTheFuture", json.dumps({"programme_id": "p2"}).encode()),
            ("AnotherNewEvent", b"{not json"),
        ):
            producer.publish(body, routing_key=routing_key, content_type="application/json",
                             headers={"event_id": uuid.uuid4().hex})  # fmt: skip

    counted = (
        'ecbm_notify_unknown_events_total{source="registry",type="ProgrammeRenamedInTheFuture"}'
    )
    wait_until(lambda: _metric(notify.worker_metrics_port, counted) == 2.0, timeout=20,
               message="unknown events counted")  # fmt: skip
    parked = wait_until(lambda: list_dead_letters(isolated_amqp_url, "notify") or None,
                        timeout=20)  # fmt: skip
    assert [letter.routing_key for letter in parked] == ["AnotherNewEvent"]
    assert (
        _metric(
            notify.worker_metrics_port,
            'ecbm_notify_unknown_events_total{source="registry",type="AnotherNewEvent"}',
        )
        == 0.0
    )
