"""The alerts worker: its definition, its timers, and its queue for registry's PersonForgotten."""

from __future__ import annotations

from ecbm_runtime.service import load_service
from ecbm_runtime.worker import handler_queues


def test_alerts_is_installed_with_its_ports_and_a_queue_for_forgotten_people() -> None:
    definition = load_service("alerts")
    worker = definition.worker_class()

    assert (definition.grpc_port, vars(worker)["name"]) == (50055, "alerts")
    assert definition.seed_demo is not None and definition.replay is not None
    names = {queue.name for queue in handler_queues(worker, max_deliveries=5)}
    assert any("evt-registry-PersonForgotten--alerts." in name for name in names)
    assert {"poll_sources", "send_deadline_reminders"} <= set(vars(worker))
