"""The api process's gRPC server: interceptor, health, reflection, graceful shutdown."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from ecbm_runtime import auth
from ecbm_runtime.grpc.access import policy_of, rate_limits_of
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
_WATCH_SECONDS = 1.0  # how soon health notices a lost database (one SELECT 1 per period)


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
    """Keeps health in step with ``check`` (the database answers) for the process's life.

    Until the first yes it retries with backoff; then it checks every ``_WATCH_SECONDS``:
    NOT_SERVING while the database is lost (a restart, a failover), SERVING again once it
    answers, so load balancers stop routing calls that could only fail UNAVAILABLE.
    """

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
        serving, delay = False, _FIRST_RETRY_SECONDS
        while not self._stopped.is_set():
            ready = self._ready()
            if ready != serving and not self._stopped.is_set():
                self._set(ready)
                serving = ready
            if ready:
                delay = _FIRST_RETRY_SECONDS
                self._stopped.wait(_WATCH_SECONDS)
            else:
                self._stopped.wait(delay)
                delay = min(delay * 2, _MAX_RETRY_SECONDS)

    def _set(self, ready: bool) -> None:
        status = health_pb2.HealthCheckResponse
        for name in self._names:
            self._health.set(name, status.SERVING if ready else status.NOT_SERVING)
        if ready:
            _log.info("ready: health SERVING")
        else:
            _log.error("the database does not answer: health NOT_SERVING")

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
    readiness_check: Callable[[], bool],
    on_stopping: Callable[[], None] = lambda: None,
    access_policy: auth.AccessPolicy | None = None,
    reuse_port: bool = False,
) -> tuple[ApiServer, int]:
    """Build and bind (not start) the api server; returns it and the bound port.

    Who may call what comes from the services' protos (`ecbm_runtime.grpc.access`): a
    method without a declaration stops the start. ``access_policy`` (keyed by method path)
    replaces that only for the runtime's own tests, whose services have no proto.
    Health starts NOT_SERVING for ``""`` and each service, turns SERVING once
    ``readiness_check`` returns true after ``start()``, and follows it from then on.
    ``stop`` calls ``on_stopping`` before the grace period. ``reuse_port``: bind with
    SO_REUSEPORT, for one of several api processes on the port (``api_main``).
    """
    names = [r.service_full_name for r in registrations]
    rate_limits = {}
    if access_policy is None:
        access_policy = policy_of(names)
        rate_limits = rate_limits_of(names, settings.grpc_rate_limit_scale)
    verifier = auth.TokenVerifier.from_settings(settings)
    server = grpc.server(
        ThreadPoolExecutor(settings.grpc_max_workers, thread_name_prefix="grpc"),
        interceptors=[
            ApiInterceptor(
                access_policy,
                verifier,
                INFRASTRUCTURE_SERVICES,
                rate_limits,
                log_sample_rate=settings.access_log_sample_rate,
            )
        ],
        # Off unless asked: else a second process could bind the port and steal half the calls.
        options=[
            ("grpc.so_reuseport", 1 if reuse_port else 0),
            ("grpc.max_receive_message_length", settings.grpc_max_receive_bytes),
        ],
        maximum_concurrent_rpcs=settings.grpc_max_concurrent_rpcs,
    )
    for registration in registrations:
        registration.add_to_server(registration.servicer, server)
    health_servicer = _add_health(server, ["", *names])
    reflection.enable_server_reflection([*names, *sorted(INFRASTRUCTURE_SERVICES)], server)
    address = f"{settings.grpc_host}:{settings.grpc_port}"
    credentials = server_credentials(settings)
    if credentials is None:
        port = server.add_insecure_port(address)
    else:
        port = server.add_secure_port(address, credentials)
    _log.info(
        "gRPC server bound to %s:%d (%s)", settings.grpc_host, port,
        "plaintext" if credentials is None else "TLS",
    )  # fmt: skip
    readiness = _Readiness(readiness_check, health_servicer, ["", *names])
    return ApiServer(server, port, health_servicer, readiness, on_stopping), port


def server_credentials(settings: ServiceSettings) -> grpc.ServerCredentials | None:
    """TLS credentials from the settings' PEM files; ``None`` for a plaintext port.

    A client CA makes client certificates required: mutual TLS between services.
    """
    if not settings.grpc_tls_cert_file:
        return None
    pair = (
        Path(settings.grpc_tls_key_file).read_bytes(),
        Path(settings.grpc_tls_cert_file).read_bytes(),
    )
    client_ca = settings.grpc_tls_client_ca_file
    return grpc.ssl_server_credentials(
        [pair],
        root_certificates=Path(client_ca).read_bytes() if client_ca else None,
        require_client_auth=bool(client_ca),
    )


def _add_health(server: grpc.Server, names: Sequence[str]) -> health.HealthServicer:
    servicer = health.HealthServicer()
    for name in names:
        servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    return servicer


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
        readiness_check=wiring.readiness_check,
        on_stopping=wiring.on_stopping,
        reuse_port=reuse_port,
    )
