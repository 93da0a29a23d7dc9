"""Token verification as production runs it: JWKS keys, audience, lifetime, key checks."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import SecretStr

from ecbm_runtime import auth, errors
from ecbm_runtime.settings import (
    DEVELOPMENT_JWT_SECRET,
    ServiceSettings,
    UnsafeSettings,
    check_can_start,
)

STRONG_SECRET = "a-production-signing-key-nobody-has-seen-0123456789"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def private_key(algorithm: str) -> PrivateKey:
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def write_jwks(path: Path, keys: dict[str, tuple[str, PrivateKey]]) -> Path:
    """A JWKS file of the public halves, one entry per kid."""
    entries = []
    for kid, (algorithm, key) in keys.items():
        jwk_algorithm = jwt.get_algorithm_by_name(algorithm)
        entry = json.loads(jwk_algorithm.to_jwk(key.public_key()))
        entries.append({**entry, "kid": kid, "alg": algorithm, "use": "sig"})
    path.write_text(json.dumps({"keys": entries}))
    return path


def sign(key: Any, algorithm: str, kid: str | None = None, **overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": "ecbm", "sub": "p-1", "aud": "registry", "iat": now, "exp": now + 300,
              "roles": ["editor"], **overrides}  # fmt: skip
    claims = {name: value for name, value in claims.items() if value is not None}
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def production(**values: Any) -> ServiceSettings:
    return ServiceSettings(mode="production", service_name="registry", **values)


def jwks_verifier(tmp_path: Path, algorithm: str, key: PrivateKey) -> auth.TokenVerifier:
    jwks = write_jwks(tmp_path / "jwks.json", {"k1": (algorithm, key)})
    settings = production(jwt_algorithm=algorithm, jwt_jwks_file=str(jwks))
    return auth.TokenVerifier.from_settings(settings)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_a_token_signed_by_a_key_of_the_jwks_file_is_accepted(
    tmp_path: Path, algorithm: str
) -> None:
    key = private_key(algorithm)
    verifier = jwks_verifier(tmp_path, algorithm, key)

    principal = verifier.verify(sign(key, algorithm, kid="k1"))

    assert principal == auth.Principal("p-1", frozenset({"editor"}))


def test_a_token_signed_with_the_development_key_is_refused_in_production(
    tmp_path: Path,
) -> None:
    forged = sign(DEVELOPMENT_JWT_SECRET, "HS256", roles=["admin"])
    hs256 = auth.TokenVerifier.from_settings(production(jwt_secret=STRONG_SECRET))
    rs256 = jwks_verifier(tmp_path, "RS256", private_key("RS256"))

    for verifier in (hs256, rs256):
        with pytest.raises(errors.Unauthenticated):
            verifier.verify(forged)


def test_a_token_from_a_key_outside_the_set_is_refused(tmp_path: Path) -> None:
    verifier = jwks_verifier(tmp_path, "RS256", private_key("RS256"))

    with pytest.raises(errors.Unauthenticated, match="signature"):
        verifier.verify(sign(private_key("RS256"), "RS256", kid="k1"))


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "notify"}, "not meant for 'registry'"),
        ({"aud": None}, "'aud'"),
        ({"iat": None}, "'iat'"),
        ({"exp": None}, "'exp'"),
        ({"iat": int(time.time()) - 60, "exp": int(time.time()) + 9 * 3600}, "lifetime"),
    ],
)
def test_production_refuses_a_token_without_the_right_audience_or_lifetime(
    claims: dict[str, Any], reason: str
) -> None:
    verifier = auth.TokenVerifier.from_settings(production(jwt_secret=STRONG_SECRET))

    with pytest.raises(errors.Unauthenticated, match=reason):
        verifier.verify(sign(STRONG_SECRET, "HS256", **claims))


def test_a_token_for_several_services_reaches_each_of_them() -> None:
    verifier = auth.TokenVerifier.from_settings(production(jwt_secret=STRONG_SECRET))

    assert verifier.verify(sign(STRONG_SECRET, "HS256", aud=["notify", "registry"]))


def test_development_accepts_a_token_without_audience_but_not_one_for_another_service() -> None:
    settings = ServiceSettings(mode="development", service_name="registry")
    verifier = auth.TokenVerifier.from_settings(settings)

    assert verifier.verify(sign(DEVELOPMENT_JWT_SECRET, "HS256", aud=None))
    with pytest.raises(errors.Unauthenticated, match="aud"):
        verifier.verify(sign(DEVELOPMENT_JWT_SECRET, "HS256", aud="notify"))


def test_a_key_added_to_the_jwks_file_is_used_without_a_restart(tmp_path: Path) -> None:
    old, new = private_key("RS256"), private_key("RS256")
    verifier = jwks_verifier(tmp_path, "RS256", old)

    write_jwks(tmp_path / "jwks.json", {"k1": ("RS256", old), "k2": ("RS256", new)})

    assert verifier.verify(sign(new, "RS256", kid="k2"))
    assert verifier.verify(sign(old, "RS256", kid="k1"))


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        (DEVELOPMENT_JWT_SECRET, "development key"),
        ("", "empty"),
        ("short-but-not-development", "at least 32"),
    ],
)
def test_production_refuses_to_start_with_a_weak_shared_key(secret: str, problem: str) -> None:
    with pytest.raises(UnsafeSettings, match=problem):
        check_can_start(production(jwt_secret=secret))


def test_production_starts_with_a_strong_key_and_development_with_the_development_key() -> None:
    check_can_start(production(jwt_secret=STRONG_SECRET))
    check_can_start(ServiceSettings(mode="development"))


def test_the_mode_defaults_to_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECBM_MODE", raising=False)

    assert ServiceSettings().mode == "production"


def test_keys_are_read_from_files_in_the_secrets_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ecbm_jwt_secret").write_text(STRONG_SECRET + "\n")
    monkeypatch.delenv("ECBM_JWT_SECRET", raising=False)
    monkeypatch.setenv("ECBM_SECRETS_DIR", str(tmp_path))

    shared = ServiceSettings()
    (tmp_path / "ecbm_service_jwt_secret").write_text("this-service-only-" + STRONG_SECRET)

    assert shared.jwt_secret == SecretStr(STRONG_SECRET)
    assert ServiceSettings().jwt_secret == SecretStr("this-service-only-" + STRONG_SECRET)
    assert STRONG_SECRET not in repr(shared)
