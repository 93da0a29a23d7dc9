"""What the runtime's integration tests share besides fixtures: a broker helper, a sample
event and the sample worker's processes (imported by name; conftest.py holds the fixtures).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kombu import Connection, Exchange, Producer, Queue
from kombu.message import Message

from ecbm_runtime.testing import wait_until

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Happened:
    """An integration event as the outbox sees one (IntegrationEventLike), any source."""

    source: str
    what: str
    schema_version: int = 1

    @classmethod
    def event_type(cls) -> str:
        return "ThingHappened"

    def model_dump_json(self) -> str:
        return json.dumps({"what": self.what})


class Broker:
    """Test-side view of RabbitMQ: bind a catch-all queue, publish raw messages, read them."""

    def __init__(self, amqp_url: str) -> None:
        self.connection = Connection(amqp_url)
        self.created: list[Queue | Exchange] = []

    def bind_queue(self, name: str, exchange: str, routing_key: str = "#") -> Queue:
        queue = Queue(name, Exchange(exchange, "topic", durable=True), routing_key, durable=True)
        queue(self.connection.default_channel).declare()
        self.created += [queue, queue.exchange]
        return queue

    def publish(self, exchange: str, key: str, body: str | bytes, **properties: Any) -> None:
        target = Exchange(exchange, "topic", durable=True)
        properties.setdefault("content_type", "application/json")
        properties.setdefault("content_encoding", "utf-8")
        Producer(self.connection.default_channel).publish(
            body, exchange=target, routing_key=key, declare=[target], **properties
        )

    def drain(self, queue: Queue) -> list[Message]:
        """Every message waiting in ``queue``, acknowledged."""
        messages = []
        while (message := queue(self.connection.default_channel).get(no_ack=True)) is not None:
            messages.append(message)
        return messages

    def drain_unacked(self, queue: Queue) -> list[Message]:
        """Every message waiting in ``queue``, left for the caller to ack or reject."""
        messages = []
        while (message := queue(self.connection.default_channel).get(no_ack=False)) is not None:
            messages.append(message)
        return messages

    def counts(self, name: str) -> tuple[int, int]:
        """(ready messages, consumers) of a queue."""
        _name, messages, consumers = Queue(name)(self.connection.default_channel).queue_declare(
            passive=True
        )
        return messages, consumers

    def forget(self, *entities: Queue | Exchange) -> None:
        self.created += entities

    def close(self) -> None:
        channel = self.connection.default_channel
        for entity in self.created:
            entity(channel).delete()
        self.connection.release()


@dataclass
class SampleService:
    """A sample worker (tests/integration/sample_worker.py) run by worker_main in subprocesses."""

    name: str
    source: str
    database_url: str
    amqp_url: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def queue(self) -> str:
        return f"evt-{self.source}-SampleRecorded--{self.name}.on_sample_recorded"

    def start(self, broker: Broker) -> subprocess.Popen[bytes]:
        """Start a worker and wait until it consumes its queue."""
        log = open(self.workdir / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "ecbm_runtime.worker_main", "sample_worker:SERVICE"],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        # A start-up, not a speed: generous, for a machine busy with parallel workers.
        wait_until(
            lambda: process.poll() is None and broker.counts(self.queue)[1] > 0,
            120,
            message=f"sample worker consuming (log: {log.name})",
        )
        return process

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
            "SAMPLE_SERVICE": self.name,
            "SAMPLE_SOURCE": self.source,
            "SAMPLE_GATE_DIR": str(self.workdir),
            "ECBM_SAMPLE_DATABASE_URL": self.database_url,
            "ECBM_AMQP_URL": self.amqp_url,
            "ECBM_SAMPLE_MAX_DELIVERIES": "3",
            "ECBM_SAMPLE_OUTBOX_SWEEP_INTERVAL_SECONDS": "0.2",
            **self.extra_env,
        }

    def publish(self, broker: Broker, body: Any, **headers: Any) -> None:
        text = body if isinstance(body, str | bytes) else json.dumps(body)
        broker.publish(f"{self.source}.events", "SampleRecorded", text, headers=headers)

    def log_lines(self, index: int = 0) -> list[dict[str, Any]]:
        text = (self.workdir / f"worker-{index}.log").read_text()
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def stop(self, process: subprocess.Popen[bytes]) -> int:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        return process.wait(timeout=30)
