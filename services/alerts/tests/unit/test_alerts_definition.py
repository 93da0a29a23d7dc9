"""The alerts skeleton is a complete service definition the runners can start."""

from ecbm_runtime.service import load_service


def test_alerts_is_installed_with_its_default_ports() -> None:
    definition = load_service("alerts")

    assert definition.grpc_port == 50055
    assert vars(definition.worker_class())["name"] == "alerts"
    assert (definition.migrations / "env.py").exists()
