"""Matching is a complete service definition the runners can start."""

from ecbm_runtime.service import load_service


def test_matching_is_installed_with_its_default_ports() -> None:
    definition = load_service("matching")

    assert definition.grpc_port == 50052
    assert vars(definition.worker_class())["name"] == "matching"
    assert (definition.migrations / "env.py").exists()
