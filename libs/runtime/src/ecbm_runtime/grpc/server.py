"""The api process's gRPC server: interceptor, health, reflection, graceful shutdown."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import descriptor_pool
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from ecbm_runtime import auth
from ecbm_runtime.grpc.interceptors import ApiInterceptor
from ecbm_runtime.service import ApiWiring
from ecbm_runtime.settings import ServiceSettings

if TYPE_CHECKING:
    _GenericHandler = grpc.GenericRpcHandler[Any, Any]
else:
    _GenericHandler = grpc.GenericRpcHandler

_log = logging.getLogger("ecbm.grpc")
INFRASTRUCTURE_SERVICES = frozenset({health.SERVICE_NAME, reflection.SERVICE_NAME})
_FIRST_RETRY_SECONDS, _MAX_RETRY_SECONDS = 0.05, 2.0


@dataclass(frozen=True)
class ServiceRegistration:
    """One generated service to serve: ``add_XServicer_to_server``, its servicer, its name.

    ``service_full_name`` comes from the generated descriptor, e.g.
    ``registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name``.
    """

    add_to_server: Callable[[Any, grpc.Server], None]
    servicer: object
    service_full_name: str


class ApiServer(grpc.Server):
    """A `grpc.Server` that also owns its health servicer and readiness poller.

    ``start`` also starts polling readiness; ``stop`` first turns health NOT_SERVING for
    good, so load balancers drain the process while in-flight calls finish.
    """

    def __init__(self, server: grpc.Server, port: int, health_servicer: health.HealthServicer,
                 readiness: _Readiness, on_stopping: Callable[[], None] = lambda: None,
                 ) -> None:  # fmt: skip
        self.server, self.port, self.health = server, port, health_servicer
        self._readiness = readiness
        self._on_stopping = on_stopping
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.server.start()
            self._readiness.start()

    def stop(self, grace: float | None = None) -> threading.Event:
        """NOT_SERVING, then ``on_stopping`` (ends long-lived streams), then the grace period."""
        self.health.enter_graceful_shutdown()
        self._readiness.stop()
        try:
            self._on_stopping()
        except Exception:
            _log.exception("on_stopping failed; stopping anyway")
        return self.server.stop(grace)

    def wait_for_termination(self, timeout: float | None = None) -> bool:
        return self.server.wait_for_termination(timeout)

    def add_generic_rpc_handlers(self, generic_rpc_handlers: Iterable[_GenericHandler]) -> None:
        self.server.add_generic_rpc_handlers(generic_rpc_handlers)

    def add_insecure_port(self, address: str) -> int:
        return self.server.add_insecure_port(address)

    def add_secure_port(self, address: str, server_credentials: grpc.ServerCredentials) -> int:
        return self.server.add_secure_port(address, server_credentials)


class _Readiness:
    """Polls ``check`` with backoff until it says yes, then sets every name SERVING."""

    def __init__(self, check: Callable[[], bool], health_servicer: health.HealthServicer,
                 names: Sequence[str]) -> None:  # fmt: skip
        self._check, self._health, self._names = check, health_servicer, names
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="grpc-readiness", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        delay = _FIRST_RETRY_SECONDS
        while not self._stopped.is_set():
            if self._ready():
                for name in self._names:
                    self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
                _log.info("ready: health SERVING")
                return
            self._stopped.wait(delay)
            delay = min(delay * 2, _MAX_RETRY_SECONDS)

    def _ready(self) -> bool:
        try:
            return bool(self._check())
        except Exception as exc:
            _log.warning("readiness check failed: %r", exc)
            return False


def create_server(
    settings: ServiceSettings,
    *,
    registrations: Sequence[ServiceRegistration],
    access_policy: auth.AccessPolicy,
    readiness_check: Callable[[], bool],
    on_stopping: Callable[[], None] = lambda: None,
    reuse_port: bool = False,
) -> tuple[ApiServer, int]:
    """Build and bind (not start) the api server; returns it and the bound port.

    Health starts NOT_SERVING for ``""`` and each service, and turns SERVING once
    ``readiness_check`` returns true after ``start()``. ``stop`` calls ``on_stopping``
    before the grace period. ``reuse_port``: bind with SO_REUSEPORT, for one of several
    api processes on the port (``api_main``).
    """
    names = [r.service_full_name for r in registrations]
    _check_policy(names, access_policy)
    verifier = auth.TokenVerifier.from_settings(settings)
    server = grpc.server(
        ThreadPoolExecutor(settings.grpc_max_workers, thread_name_prefix="grpc"),
        interceptors=[
            ApiInterceptor(
                access_policy,
                verifier,
                INFRASTRUCTURE_SERVICES,
                log_sample_rate=settings.access_log_sample_rate,
            )
        ],
        # Off unless asked: else a second process could bind the port and steal half the calls.
        options=[("grpc.so_reuseport", 1 if reuse_port else 0)],
    )
    for registration in registrations:
        registration.add_to_server(registration.servicer, server)
    health_servicer = _add_health(server, ["", *names])
    reflection.enable_server_reflection([*names, *sorted(INFRASTRUCTURE_SERVICES)], server)
    port = server.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
    _log.info("gRPC server bound to %s:%d", settings.grpc_host, port)
    readiness = _Readiness(readiness_check, health_servicer, ["", *names])
    return ApiServer(server, port, health_servicer, readiness, on_stopping), port


def _add_health(server: grpc.Server, names: Sequence[str]) -> health.HealthServicer:
    servicer = health.HealthServicer()
    for name in names:
        servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    return servicer


def _check_policy(service_names: Iterable[str], policy: auth.AccessPolicy) -> None:
    """Fail on unknown role names; warn about methods the policy leaves denied."""
    for access in policy.values():
        if access is not auth.PUBLIC:
            auth.allow(*access)  # raises on a misspelt role: better at startup than per call
    pool = descriptor_pool.Default()
    for name in service_names:
        try:
            service = pool.FindServiceByName(name)
        except KeyError:
            continue
        missing = sorted(m.name for m in service.methods if m.name not in policy)
        if missing:
            _log.warning("%s: no access rule for %s; calls will be denied", name, missing)


def serve_forever(server: ApiServer, grace_seconds: float = 5.0) -> None:
    """Start (if needed) and serve until SIGTERM or SIGINT, then stop gracefully.

    Call from the main thread (signal handlers live there). On a signal health turns
    NOT_SERVING, new calls are refused, and in-flight ones get ``grace_seconds`` to finish.
    """
    stopped: list[threading.Event] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        _log.info("%s: stopping, grace %.1fs", signal.Signals(signum).name, grace_seconds)
        stopped.append(server.stop(grace_seconds))

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.start()
        server.wait_for_termination()
        for event in stopped:
            event.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _log.info("gRPC server stopped")


def create_server_for(
    settings: ServiceSettings, wiring: ApiWiring, reuse_port: bool = False
) -> tuple[ApiServer, int]:
    """``create_server`` with what a service's ``build_api`` returned."""
    return create_server(
        settings,
        registrations=wiring.registrations,
        access_policy=wiring.access_policy,
        readiness_check=wiring.readiness_check,
        on_stopping=wiring.on_stopping,
        reuse_port=reuse_port,
    )
