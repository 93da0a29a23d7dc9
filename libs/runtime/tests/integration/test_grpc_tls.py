"""TLS on the api's port, and mutual TLS, with certificates from a CA made in the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest

from ecbm_runtime import auth
from ecbm_runtime.certificates import CertificateAuthority
from ecbm_runtime.grpc import ServiceRegistration, create_server
from ecbm_runtime.settings import ServiceSettings

SERVICE = "ecbm.test.v1.TlsService"
PING = f"/{SERVICE}/Ping"

Serve = Callable[..., int]


@pytest.fixture
def ca(tmp_path: Path) -> CertificateAuthority:
    return CertificateAuthority(tmp_path / "pki")


@pytest.fixture
def serve(ca: CertificateAuthority) -> Iterator[Serve]:
    """Starts a one-method server with the given TLS settings; returns its port."""
    servers = []

    def start(**tls: str) -> int:
        settings = ServiceSettings(mode="development", service_name="tls", grpc_port=0, **tls)
        handlers = grpc.method_handlers_generic_handler(
            SERVICE, {"Ping": grpc.unary_unary_rpc_method_handler(lambda r, c: b"pong")}
        )
        registration = ServiceRegistration(
            lambda servicer, server: server.add_generic_rpc_handlers((servicer,)), handlers, SERVICE
        )
        server, port = create_server(
            settings, registrations=[registration], readiness_check=lambda: True,
            access_policy={PING: auth.PUBLIC},
        )  # fmt: skip
        server.start()
        servers.append(server)
        return port

    yield start
    for server in servers:
        server.stop(None).wait()


def ping(channel: grpc.Channel) -> bytes:
    reply: bytes = channel.unary_unary(PING)(b"", timeout=5)
    return reply


def secure(
    port: int, ca: CertificateAuthority, client: tuple[Path, Path] | None = None
) -> grpc.Channel:
    key, cert = (client[1].read_bytes(), client[0].read_bytes()) if client else (None, None)
    credentials = grpc.ssl_channel_credentials(ca.cert.read_bytes(), key, cert)
    return grpc.secure_channel(f"localhost:{port}", credentials)


def test_with_a_certificate_the_port_speaks_tls_only(
    serve: Serve, ca: CertificateAuthority
) -> None:
    server = ca.issue("api")
    port = serve(grpc_tls_cert_file=str(server.cert), grpc_tls_key_file=str(server.key))

    with secure(port, ca) as channel:
        assert ping(channel) == b"pong"
    with (
        grpc.insecure_channel(f"localhost:{port}") as plaintext,
        pytest.raises(grpc.RpcError) as caught,
    ):
        ping(plaintext)
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE


def test_a_server_certificate_from_another_authority_is_not_trusted(
    serve: Serve, ca: CertificateAuthority, tmp_path: Path
) -> None:
    stranger = CertificateAuthority(tmp_path / "other", name="Someone else").issue("api")
    port = serve(grpc_tls_cert_file=str(stranger.cert), grpc_tls_key_file=str(stranger.key))

    with secure(port, ca) as channel, pytest.raises(grpc.RpcError) as caught:
        ping(channel)
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE


def test_with_a_client_ca_callers_need_a_certificate_it_signed(
    serve: Serve, ca: CertificateAuthority, tmp_path: Path
) -> None:
    server = ca.issue("api")
    port = serve(
        grpc_tls_cert_file=str(server.cert), grpc_tls_key_file=str(server.key),
        grpc_tls_client_ca_file=str(ca.cert),
    )  # fmt: skip
    worker = ca.issue("notify-worker", client=True)
    forged = CertificateAuthority(tmp_path / "other").issue("intruder", client=True)

    with secure(port, ca, (worker.cert, worker.key)) as channel:
        assert ping(channel) == b"pong"
    for client in (None, (forged.cert, forged.key)):
        with secure(port, ca, client) as channel, pytest.raises(grpc.RpcError) as caught:
            ping(channel)
        assert caught.value.code() is grpc.StatusCode.UNAVAILABLE


def test_half_a_tls_configuration_refuses_to_start() -> None:
    settings = ServiceSettings(mode="development", grpc_tls_cert_file="/run/secrets/api.pem")
    assert any("both" in problem for problem in settings.startup_problems())
