"""Every generated gRPC module imports, and each service is named ecbm.<service>.v1.<Name>."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

PYTHON_ROOT = Path(__file__).resolve().parents[1] / "python"
GRPC_MODULES = sorted(
    ".".join(path.relative_to(PYTHON_ROOT).with_suffix("").parts)
    for path in PYTHON_ROOT.glob("ecbm/*/v1/*_pb2_grpc.py")
    # ecbm.access.v1 declares the access option every RPC carries: no service of its own.
    if path.parts[-3] != "access"
)


def test_every_service_has_stubs() -> None:
    services = {name.split(".")[1] for name in GRPC_MODULES}
    assert services >= {"registry", "notify", "matching", "events", "quality", "alerts"}


@pytest.mark.parametrize("module_name", GRPC_MODULES)
def test_grpc_module_imports_and_names_its_service(module_name: str) -> None:
    grpc_module = importlib.import_module(module_name)
    pb2 = importlib.import_module(module_name.removesuffix("_grpc"))
    service = module_name.split(".")[1]
    proto_stem = module_name.split(".")[-1].removesuffix("_pb2_grpc")  # taxonomy.proto

    names = list(pb2.DESCRIPTOR.services_by_name)
    pascal = "".join(word.capitalize() for word in proto_stem.split("_"))  # mentor_pool
    assert names == [f"{pascal}Service"]
    full_name = pb2.DESCRIPTOR.services_by_name[names[0]].full_name
    assert full_name == f"ecbm.{service}.v1.{names[0]}"
    assert hasattr(grpc_module, f"add_{names[0]}Servicer_to_server")
    assert hasattr(grpc_module, f"{names[0]}Stub")


def test_registry_and_notify_import_as_documented() -> None:
    from ecbm.notify.v1 import notify_pb2, notify_pb2_grpc
    from ecbm.registry.v1 import registry_pb2, registry_pb2_grpc

    programme = registry_pb2.Programme(
        organisation="organisations/1",
        countries=["PT"],
        status=registry_pb2.PROGRAMME_STATUS_ACTIVE,
    )
    assert registry_pb2.Programme.FromString(programme.SerializeToString()) == programme
    assert registry_pb2_grpc.RegistryServiceStub
    assert notify_pb2.ListNotificationsRequest(parent="recipients/1", unread_only=True).unread_only
    assert notify_pb2_grpc.NotifyServiceStub
