"""The api server in production mode on a real port: what a token must be to get in."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ecbm_runtime import auth
from ecbm_runtime.grpc import ServiceRegistration, create_server
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings

SERVICE = "ecbm.test.v1.TokenService"


def _whoami(request: bytes, context: grpc.ServicerContext) -> bytes:
    principal = auth.current_principal()
    assert principal is not None
    return principal.subject.encode()


@pytest.fixture
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def channel(tmp_path: Path, signing_key: rsa.RSAPrivateKey) -> Iterator[grpc.Channel]:
    """A production-mode server of service ``billing`` trusting one RS256 key (kid ``k1``)."""
    public = json.loads(jwt.get_algorithm_by_name("RS256").to_jwk(signing_key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256"}]}))
    settings = ServiceSettings(
        mode="production", service_name="billing", grpc_port=0,
        jwt_algorithm="RS256", jwt_jwks_file=str(jwks), jwt_max_lifetime_seconds=3600,
    )  # fmt: skip
    handlers = grpc.method_handlers_generic_handler(
        SERVICE, {"Whoami": grpc.unary_unary_rpc_method_handler(_whoami)}
    )
    registration = ServiceRegistration(
        lambda servicer, server: server.add_generic_rpc_handlers((servicer,)), handlers, SERVICE
    )
    server, port = create_server(
        settings, registrations=[registration],
        access_policy={f"/{SERVICE}/Whoami": auth.allow("member")}, readiness_check=lambda: True,
    )  # fmt: skip
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as open_channel:
        yield open_channel
    server.stop(None).wait()


def call(channel: grpc.Channel, token: str) -> bytes:
    whoami = channel.unary_unary(f"/{SERVICE}/Whoami")
    reply: bytes = whoami(b"", metadata=(("authorization", f"Bearer {token}"),), timeout=5)
    return reply


def token(key: Any, algorithm: str = "RS256", **overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": "ecbm", "sub": "p-1", "aud": "billing", "iat": now, "exp": now + 600,
              "roles": ["member"], **overrides}  # fmt: skip
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "k1"})


def test_a_token_signed_by_the_identity_provider_reaches_the_method(
    channel: grpc.Channel, signing_key: rsa.RSAPrivateKey
) -> None:
    assert call(channel, token(signing_key)) == b"p-1"


@pytest.mark.parametrize(
    "why", ["another service's audience", "lifetime over the cap", "development key"]
)
def test_a_token_that_does_not_fit_is_unauthenticated(
    channel: grpc.Channel, signing_key: rsa.RSAPrivateKey, why: str
) -> None:
    now = int(time.time())
    bad = {
        "another service's audience": token(signing_key, aud="registry"),
        "lifetime over the cap": token(signing_key, iat=now, exp=now + 7200),
        "development key": token(DEVELOPMENT_JWT_SECRET, "HS256", roles=["admin"]),
    }[why]

    with pytest.raises(grpc.RpcError) as raised:
        call(channel, bad)

    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
