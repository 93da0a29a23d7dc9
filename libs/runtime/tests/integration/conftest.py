"""Fixtures of the runtime's integration tests: a broker helper and sample worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from broker_helpers import Broker, SampleService
from kombu import Exchange, Queue


@pytest.fixture
def broker(amqp_url: str) -> Iterator[Broker]:
    helper = Broker(amqp_url)
    try:
        yield helper
    finally:
        helper.close()


@pytest.fixture
def sample_service(
    broker: Broker, amqp_url: str, unique_name: Callable[[str], str], tmp_path: Path
) -> Iterator[Callable[[str], SampleService]]:
    """Make a sample service (own names, given database); its workers are stopped after."""
    made: list[SampleService] = []

    def make(database_url: str) -> SampleService:
        names = unique_name("svc"), unique_name("src")
        service = SampleService(*names, database_url, amqp_url, tmp_path)
        made.append(service)
        return service

    yield make
    for service in made:
        for process in service.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        broker.forget(
            Queue(service.queue),
            Queue(f"{service.name}.dlq"),
            Exchange(f"{service.name}.dlx"),
            Exchange(f"{service.source}.events"),
        )
