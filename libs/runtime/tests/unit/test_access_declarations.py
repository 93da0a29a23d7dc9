"""Every RPC of every contract declares who may call it; a missing declaration fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import ServiceDescriptor

from ecbm.access.v1 import access_pb2
from ecbm_runtime import auth
from ecbm_runtime.grpc.access import (
    UndeclaredAccess,
    access_policy,
    by_method_name,
    contract_services,
    roles_table,
)


def test_every_method_of_every_contract_declares_its_callers() -> None:
    services = contract_services()
    assert {s.full_name for s in services} >= {
        "ecbm.registry.v1.RegistryService", "ecbm.notify.v1.NotifyService",
        "ecbm.notify.v1.NewsletterService",
    }  # fmt: skip
    policy = access_policy(services)  # raises naming every undeclared method
    assert len(policy) == sum(len(s.methods) for s in services)


def test_the_declarations_read_as_written() -> None:
    registry = next(s for s in contract_services() if s.name == "RegistryService")
    policy = by_method_name(access_policy([registry]), registry.full_name)
    assert policy["GetProgramme"] is auth.PUBLIC
    assert policy["RegisterProgramme"] == frozenset({"member", "editor"})


def _service(name: str, method_options: descriptor_pb2.MethodOptions) -> ServiceDescriptor:
    """A one-method service in a pool of its own, as a new contract would be."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(descriptor_pb2.DESCRIPTOR.serialized_pb)
    pool.AddSerializedFile(access_pb2.DESCRIPTOR.serialized_pb)
    file = descriptor_pb2.FileDescriptorProto(
        name=f"{name}.proto", package=f"test.{name}", syntax="proto3",
        dependency=["google/protobuf/descriptor.proto", "ecbm/access/v1/access.proto"],
    )  # fmt: skip
    file.message_type.add(name="Empty")
    file.service.add(name="Svc").method.add(
        name="Do", input_type=f".test.{name}.Empty", output_type=f".test.{name}.Empty",
        options=method_options,
    )  # fmt: skip
    pool.Add(file)
    return pool.FindServiceByName(f"test.{name}.Svc")


def test_a_method_without_a_declaration_is_refused_by_name() -> None:
    with pytest.raises(UndeclaredAccess, match=r"test\.bare\.Svc\.Do declares no"):
        access_policy([_service("bare", descriptor_pb2.MethodOptions())])


def test_a_declaration_must_be_public_or_name_roles_not_both() -> None:
    both = descriptor_pb2.MethodOptions()
    both.Extensions[access_pb2.access].public = True
    both.Extensions[access_pb2.access].roles.append(access_pb2.ROLE_EDITOR)
    with pytest.raises(UndeclaredAccess, match="exactly one"):
        access_policy([_service("both", both)])
    with pytest.raises(UndeclaredAccess, match="exactly one"):
        empty = descriptor_pb2.MethodOptions()
        empty.Extensions[access_pb2.access].SetInParent()
        access_policy([_service("empty", empty)])


def test_docs_roles_md_is_generated_from_the_declarations() -> None:
    committed = Path(__file__).resolve().parents[4] / "docs" / "roles.md"
    assert committed.read_text() == roles_table(contract_services()), (
        "docs/roles.md is stale: uv run python -m ecbm_runtime.grpc.access > docs/roles.md"
    )


def test_a_public_method_must_declare_its_per_client_rate() -> None:
    bare_public = descriptor_pb2.MethodOptions()
    bare_public.Extensions[access_pb2.access].public = True
    with pytest.raises(UndeclaredAccess, match="declare its per_client rate"):
        access_policy([_service("public", bare_public)])
    limited = descriptor_pb2.MethodOptions()
    limited.Extensions[access_pb2.access].public = True
    limited.Extensions[access_pb2.access].per_client.burst = 5
    limited.Extensions[access_pb2.access].per_client.per_minute = 60
    assert list(access_policy([_service("limited", limited)]).values()) == [auth.PUBLIC]
