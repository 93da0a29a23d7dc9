"""The events skeleton is a complete service definition the runners can start."""

from ecbm_runtime.service import load_service


def test_events_is_installed_with_its_default_ports() -> None:
    definition = load_service("events")

    assert definition.grpc_port == 50053
    assert vars(definition.worker_class())["name"] == "events"
    assert (definition.migrations / "env.py").exists()
