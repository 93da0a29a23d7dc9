"""The quality skeleton is a complete service definition the runners can start."""

from ecbm_runtime.service import load_service


def test_quality_is_installed_with_its_default_ports() -> None:
    definition = load_service("quality")

    assert definition.grpc_port == 50054
    assert vars(definition.worker_class())["name"] == "quality"
    assert (definition.migrations / "env.py").exists()


def test_the_worker_hears_matchings_accepted_introductions() -> None:
    from ecbm_runtime.worker import handler_queues

    names = {q.name for q in handler_queues(load_service("quality").worker_class(), 5)}
    assert any("evt-matching-IntroductionAccepted--quality." in name for name in names)
