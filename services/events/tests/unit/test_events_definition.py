"""The events service is a complete definition the runners can migrate and start."""

from __future__ import annotations

from ecbm_events.bootstrap import SERVICE
from ecbm_runtime.service import load_service
from ecbm_runtime.worker import handler_queues


def test_events_is_installed_with_its_default_ports_and_migrations() -> None:
    assert load_service("events") is not None
    assert (SERVICE.name, SERVICE.grpc_port, SERVICE.metrics_port) == ("events", 50053, 9103)
    assert (SERVICE.migrations / "versions" / "events_0001_programme.py").exists()


def test_the_worker_consumes_person_forgotten_on_a_queue_of_its_own() -> None:
    queues = handler_queues(SERVICE.worker_class(), max_deliveries=5)

    assert [queue.name for queue in queues] == [
        "evt-registry-PersonForgotten--events.on_person_forgotten"
    ]
