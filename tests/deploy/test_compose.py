"""docker-compose.yml: valid Compose, and wired so that the stack starts in the right order.

No Docker engine runs in CI, so the rules `docker compose up` would break on are checked here:
every service of the platform (the ``ecbm.services`` entry points) has an api and a worker
with health checks, nothing but postgres/rabbitmq starts before the one-shot migrate has
succeeded, one image is built once, and only the gRPC ports and notify's HTTP inbox are
published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ecbm_runtime.service import load_services

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).parent / "compose-spec" / "compose-spec.json"
INFRASTRUCTURE = {"postgres", "rabbitmq"}
PLATFORM = list(load_services().values())


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def test_the_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())

    jsonschema.Draft7Validator(schema).validate(compose)


def test_the_schema_check_catches_a_misspelt_key(compose: dict[str, Any]) -> None:
    """The vendored schema is strict (additionalProperties: false), so the check means something."""
    schema = json.loads(SCHEMA.read_text())
    broken = json.loads(json.dumps(compose))
    broken["services"]["migrate"]["depend_on"] = ["postgres"]

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(broken)


@pytest.mark.parametrize("definition", PLATFORM, ids=lambda d: d.name)
def test_every_service_has_an_api_and_a_worker_with_health_checks(
    definition: Any, services: dict[str, dict[str, Any]]
) -> None:
    name = definition.name
    for process, check in (("api", [name]), ("worker", [name, "--worker"])):
        container = services.get(f"{name}-{process}")
        assert container is not None, f"{name}-{process} is missing from docker-compose.yml"
        assert container["command"] == ["run", name, process]
        assert container["healthcheck"]["test"] == ["CMD", "ecbm", "health", *check]
        assert container["image"] == "ecbm:local"
        assert "build" not in container, "one image, built once by migrate"
        secrets = {s["target"] for s in container["secrets"]}
        assert {f"ecbm_{name}_database_url", f"ecbm_{name}_amqp_url"} <= secrets


def test_one_image_is_built_once_by_migrate(services: dict[str, dict[str, Any]]) -> None:
    builders = [name for name, service in services.items() if "build" in service]

    assert builders == ["migrate"]
    assert services["migrate"]["image"] == "ecbm:local"
    assert services["migrate"]["build"]["dockerfile"] == "deploy/Dockerfile"


def test_migrate_migrates_every_database_and_declares_every_queue_as_each_service(
    services: dict[str, dict[str, Any]],
) -> None:
    migrate = services["migrate"]
    secrets = {s["source"]: s["target"] for s in migrate["secrets"]}

    assert migrate["command"] == ["migrate"]  # every service; --bus (queues) is the default
    assert migrate["restart"] == "no"
    for definition in PLATFORM:
        for kind in ("database_url", "amqp_url"):
            assert secrets.get(f"{definition.name}_{kind}") == f"ecbm_{definition.name}_{kind}"
    assert migrate["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "rabbitmq": {"condition": "service_healthy"},
    }


def test_nothing_but_the_infrastructure_starts_before_migrate_succeeded(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in services:
        if name in INFRASTRUCTURE | {"migrate"}:
            continue
        assert "migrate" in _waits_for(name, services), name
    for name in INFRASTRUCTURE:
        assert "migrate" not in _waits_for(name, services)


def test_every_dependency_waits_for_health_or_completion(
    services: dict[str, dict[str, Any]],
) -> None:
    """ "service_started" (or a plain list) would let processes crash-loop during initdb."""
    for name, service in services.items():
        for dependency, condition in _dependencies(service).items():
            wanted = (
                "service_completed_successfully" if dependency == "migrate" else "service_healthy"
            )
            assert condition == wanted, f"{name} -> {dependency}"
            if condition == "service_healthy":
                assert "healthcheck" in services[dependency], dependency


def test_every_long_running_container_has_a_health_check(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        if name == "migrate":
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert "rabbitmq-diagnostics -q ping" in services["rabbitmq"]["healthcheck"]["test"][1]


def test_only_the_grpc_ports_and_the_public_http_ports_are_published(
    services: dict[str, dict[str, Any]],
) -> None:
    grpc_ports = {f"{d.name}-api": d.grpc_port for d in PLATFORM}
    published = {
        name: [str(port) for port in service.get("ports", [])]
        for name, service in services.items()
        if service.get("ports")
    }

    expected = {name: [f"{port}:{port}"] for name, port in grpc_ports.items()}
    expected["notify-api"].append("8106:8106")  # the web inbox and the links in e-mails
    expected["events-api"].append("8103:8103")  # calendar feeds apps subscribe to
    expected["quality-api"].append("8104:8104")  # label badges on programmes' websites
    assert published == expected


def test_notifys_links_and_mail_point_where_they_can_be_reached(
    services: dict[str, dict[str, Any]],
) -> None:
    api, worker = services["notify-api"]["environment"], services["notify-worker"]["environment"]

    assert api["ECBM_NOTIFY_HTTP_HOST"] == "0.0.0.0"
    for environment in (api, worker):
        assert re.fullmatch(
            r"\$\{ECBM_NOTIFY_PUBLIC_BASE_URL:-https?://[^}]+:8106\}",
            environment["ECBM_NOTIFY_PUBLIC_BASE_URL"],
        )
        assert (environment["ECBM_NOTIFY_SMTP_HOST"], environment["ECBM_NOTIFY_SMTP_PORT"]) == (
            "mailpit",
            "1025",
        )


def test_state_lives_in_named_volumes_and_rabbitmq_is_4_with_prometheus(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    mounts = {
        name: {str(v).split(":")[0]: str(v).split(":")[1] for v in services[name]["volumes"]}
        for name in ("postgres", "rabbitmq")
    }

    assert mounts["postgres"]["postgres-data"] == "/var/lib/postgresql/data"
    assert mounts["rabbitmq"]["rabbitmq-data"] == "/var/lib/rabbitmq"
    assert {"postgres-data", "rabbitmq-data"} <= set(compose["volumes"])
    assert re.fullmatch(r"rabbitmq:4\.\d+(\.\d+)?-management", services["rabbitmq"]["image"])
    plugins = (ROOT / "deploy/rabbitmq/enabled_plugins").read_text()
    assert "rabbitmq_prometheus" in plugins
    assert (
        "./deploy/rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro"
        in (services["rabbitmq"]["volumes"])
    )


def test_every_secret_file_is_made_by_make_secrets(compose: dict[str, Any]) -> None:
    script = (ROOT / "deploy/make-secrets.sh").read_text()
    for name, secret in compose["secrets"].items():
        file = Path(secret["file"]).name
        service_file = re.fullmatch(r"[a-z]+_(database_url|amqp_url)", file)
        made = f"keep {file} " in script or file == "rabbitmq_definitions.json"
        assert made or service_file, f"{name}: {file} is not made by deploy/make-secrets.sh"


def _waits_for(name: str, services: dict[str, dict[str, Any]]) -> set[str]:
    """Every service ``name`` waits for, directly or through another one."""
    found: set[str] = set()
    pending = [name]
    while pending:
        for dependency in _dependencies(services[pending.pop()]):
            if dependency not in found:
                found.add(dependency)
                pending.append(dependency)
    return found


def _dependencies(service: dict[str, Any]) -> dict[str, str]:
    depends_on = service.get("depends_on", {})
    if isinstance(depends_on, list):  # the short form means service_started
        return dict.fromkeys(depends_on, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in depends_on.items()}
