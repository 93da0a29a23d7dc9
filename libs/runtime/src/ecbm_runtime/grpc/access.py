"""Who may call each RPC, as its proto declares with the ``(ecbm.access.v1.access)`` option.

The declaration sits next to the RPC in the contract, so a reader of the API sees it and a
new method cannot ship without one: `access_policy` refuses a service with an undeclared
method, and the api refuses to start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from ecbm.access.v1 import access_pb2
from ecbm_runtime import auth
from ecbm_runtime.ratelimit import Rate

_ROLE_NAMES = {
    access_pb2.ROLE_MEMBER: auth.MEMBER,
    access_pb2.ROLE_EDITOR: auth.EDITOR,
    access_pb2.ROLE_AUDITOR: auth.AUDITOR,
    access_pb2.ROLE_INTEGRATOR: auth.INTEGRATOR,
    access_pb2.ROLE_ADMIN: auth.ADMIN,
}


class UndeclaredAccess(Exception):
    """Methods whose proto does not say (properly) who may call them."""


def method_path(method: MethodDescriptor) -> str:
    """The path a call names: ``/ecbm.registry.v1.RegistryService/GetProgramme``."""
    return f"/{method.containing_service.full_name}/{method.name}"


def declared_access(method: MethodDescriptor) -> auth.Access:
    """The callers ``method`` admits; `UndeclaredAccess` when its proto does not say."""
    options = method.GetOptions()
    if not options.HasExtension(access_pb2.access):
        raise UndeclaredAccess(f"{method.full_name} declares no (ecbm.access.v1.access)")
    declared = options.Extensions[access_pb2.access]
    if declared.public == bool(declared.roles):
        raise UndeclaredAccess(f"{method.full_name}: set exactly one of public and roles")
    if declared.public and not declared.HasField("per_client"):
        raise UndeclaredAccess(f"{method.full_name} is public: declare its per_client rate")
    if declared.HasField("per_client") and min(declared.per_client.burst,
                                               declared.per_client.per_minute) < 1:  # fmt: skip
        raise UndeclaredAccess(f"{method.full_name}: per_client needs burst and per_minute >= 1")
    if declared.public:
        return auth.PUBLIC
    unknown = [r for r in declared.roles if r not in _ROLE_NAMES]
    if unknown:
        raise UndeclaredAccess(f"{method.full_name}: unknown roles {unknown}")
    return auth.allow(*(_ROLE_NAMES[r] for r in declared.roles))


def access_policy(services: Iterable[ServiceDescriptor]) -> dict[str, auth.Access]:
    """Every method of ``services`` by its path; raises listing all undeclared methods."""
    policy: dict[str, auth.Access] = {}
    problems: list[str] = []
    for service in services:
        for method in service.methods:
            try:
                policy[method_path(method)] = declared_access(method)
            except UndeclaredAccess as exc:
                problems.append(str(exc))
    if problems:
        raise UndeclaredAccess("; ".join(problems))
    return policy


def policy_of(service_full_names: Iterable[str]) -> dict[str, auth.Access]:
    """`access_policy` of services named as registered (their protos must be imported)."""
    return access_policy(_services(service_full_names))


def declared_rate(method: MethodDescriptor) -> Rate | None:
    """The per-client rate limit ``method`` declares, if any."""
    declared = method.GetOptions().Extensions[access_pb2.access]
    if not declared.HasField("per_client"):
        return None
    limit = declared.per_client
    return Rate(burst=limit.burst, per_minute=limit.per_minute)


def rate_limits_of(service_full_names: Iterable[str], scale: float = 1.0) -> dict[str, Rate]:
    """The declared per-client rates of the services' methods by path, times ``scale``
    (an operator's knob: 2 doubles every limit, 0 switches them off)."""
    limits: dict[str, Rate] = {}
    if scale <= 0:
        return limits
    for service in _services(service_full_names):
        for method in service.methods:
            rate = declared_rate(method)
            if rate is not None:
                limits[method_path(method)] = Rate(
                    burst=max(1, round(rate.burst * scale)), per_minute=rate.per_minute * scale
                )
    return limits


def _services(full_names: Iterable[str]) -> list[ServiceDescriptor]:
    pool = descriptor_pool.Default()
    return [pool.FindServiceByName(name) for name in full_names]


def by_method_name(policy: Mapping[str, auth.Access], service: str) -> dict[str, auth.Access]:
    """One service's part of ``policy`` keyed by short method name (for HTTP routes)."""
    prefix = f"/{service}/"
    return {path[len(prefix) :]: a for path, a in policy.items() if path.startswith(prefix)}


def contract_services() -> list[ServiceDescriptor]:
    """Every service of the generated contracts (package ``ecbm``), in name order."""
    import importlib
    import pkgutil

    import ecbm

    found: list[ServiceDescriptor] = []
    for module in pkgutil.walk_packages(ecbm.__path__, "ecbm."):
        if module.name.endswith("_pb2"):
            found.extend(importlib.import_module(module.name).DESCRIPTOR.services_by_name.values())
    return sorted(found, key=lambda s: s.full_name)


def roles_table(services: Iterable[ServiceDescriptor]) -> str:
    """docs/roles.md: for each service, each method and who may call it."""
    lines = [
        "# Who may call what",
        "",
        "Generated from the `(ecbm.access.v1.access)` option of every RPC by",
        "`uv run python -m ecbm_runtime.grpc.access > docs/roles.md`; a test fails when it is",
        "stale. Admins may call everything. *public*: no token needed. *per client*: the calls",
        "one client address may make (per api process) before RESOURCE_EXHAUSTED. The use",
        "cases check more (whose organisation, whose inbox): see docs/security.md.",
    ]
    for service in services:
        if not service.methods:
            continue
        lines += [
            "",
            f"## {service.full_name}",
            "",
            "| method | callers | per client |",
            "|---|---|---|",
        ]
        for method in service.methods:
            access = declared_access(method)
            callers = "public" if access is auth.PUBLIC else ", ".join(sorted(access))
            rate = declared_rate(method)
            limit = f"{rate.burst} at once, {rate.per_minute:g}/min" if rate else ""
            lines.append(f"| {method.name} | {callers} | {limit} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(roles_table(contract_services()))
