"""Bearer JWTs, the caller of the current request, and per-method access policies."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Protocol, TypeAlias

import jwt
from cachetools import TLRUCache
from jwt import PyJWK, PyJWKClient, PyJWKClientConnectionError, PyJWKSet

from ecbm_runtime import errors
from ecbm_runtime.settings import ServiceSettings

ADMIN = "admin"
EDITOR = "editor"
AUDITOR = "auditor"
MEMBER = "member"
INTEGRATOR = "integrator"
ROLES = frozenset({ADMIN, EDITOR, AUDITOR, MEMBER, INTEGRATOR})

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as stated by a verified token."""

    subject: str
    roles: frozenset[str]
    email: str | None = None

    def has_any_role(self, allowed: Iterable[str]) -> bool:
        """True when one of ``allowed`` is among the roles; admin may do anything."""
        return ADMIN in self.roles or not self.roles.isdisjoint(allowed)


class Public(Enum):
    """Marker type of `PUBLIC`."""

    PUBLIC = "public"


PUBLIC = Public.PUBLIC
"""No token needed; a token that is sent is still verified and exposed."""

Access: TypeAlias = Literal[Public.PUBLIC] | frozenset[str]
AccessPolicy: TypeAlias = Mapping[str, Access]
"""Keyed by a method's path (``/ecbm.registry.v1.RegistryService/RegisterProgramme``), as
`ecbm_runtime.grpc.access` reads it from the protos; a missing method is denied."""


def allow(*roles: str) -> frozenset[str]:
    """The roles allowed to call a method; unknown role names fail at startup, not per call."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; known: {sorted(ROLES)}")
    return frozenset(roles)


def issue_token(
    secret: str,
    algorithm: str,
    issuer: str,
    subject: str,
    roles: Iterable[str],
    ttl_seconds: int = 3600,
    email: str | None = None,
    audience: str | Sequence[str] | None = None,
) -> str:
    """Sign a token for ``subject`` (negative ``ttl_seconds`` make an expired one, for tests)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "iat": now,
        "exp": now + ttl_seconds,
        "roles": sorted(set(roles)),
    }
    if email is not None:
        claims["email"] = email
    if audience is not None:
        claims["aud"] = audience if isinstance(audience, str) else list(audience)
    return jwt.encode(claims, secret, algorithm=algorithm)


@dataclass(frozen=True, slots=True)
class TokenRules:
    """What a token must satisfy beyond its signature.

    ``audience``: the ``aud`` it must name (``None``: not checked); ``require_audience``:
    whether a token without ``aud`` is refused (always in production); ``max_lifetime``:
    the longest ``exp - iat`` accepted, in seconds.
    """

    algorithm: str
    issuer: str
    audience: str | None = None
    require_audience: bool = False
    max_lifetime: int | None = None


def verify_token(
    secret: str, algorithm: str, issuer: str, token: str, audience: str | None = None
) -> Principal:
    """The principal of a valid HS256/shared-key token; `errors.Unauthenticated` otherwise."""
    rules = TokenRules(algorithm, issuer, audience, require_audience=audience is not None)
    return _principal(_decode(SharedKey(secret), rules, token))


class SigningKeys(Protocol):
    """Where the key that verifies a given token comes from."""

    def key_for(self, token: str) -> Any: ...


class SharedKey:
    """One HMAC secret (HS256)."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def key_for(self, token: str) -> Any:
        return self._secret


def _kid(token: str) -> str | None:
    kid = jwt.get_unverified_header(token).get("kid")
    return kid if isinstance(kid, str) else None


class JwksFile:
    """Public keys from a local JWKS file, picked by the token's ``kid``.

    The file is read again when it changes, so a key added for rotation (a Kubernetes
    secret update) is used without a restart. A token without ``kid`` needs a one-key set.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._mtime, self._keys = self._load()

    def _load(self) -> tuple[float, dict[str | None, PyJWK]]:
        mtime = self._path.stat().st_mtime
        usable = [k for k in PyJWKSet.from_json(self._path.read_text()).keys if _signs(k)]
        keys: dict[str | None, PyJWK] = {k.key_id: k for k in usable}
        if len(usable) == 1:
            keys[None] = usable[0]
        return mtime, keys

    def key_for(self, token: str) -> Any:
        kid = _kid(token)
        with self._lock:
            if kid not in self._keys and self._path.stat().st_mtime != self._mtime:
                self._mtime, self._keys = self._load()
            found = self._keys.get(kid)
        if found is None:
            raise errors.Unauthenticated(f"no signing key {kid!r} in the key set")
        return found.key


def _signs(key: PyJWK) -> bool:
    return key.public_key_use in (None, "sig")


class JwksUrl:
    """Public keys from an identity provider's JWKS endpoint (cached; refetched on a new kid)."""

    def __init__(self, url: str) -> None:
        self._client = PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)

    def key_for(self, token: str) -> Any:
        try:
            return self._client.get_signing_key_from_jwt(token).key
        except PyJWKClientConnectionError as exc:
            _log.warning("cannot fetch the token signing keys: %s", exc)
            raise errors.Unauthenticated("the token signing keys cannot be fetched") from exc
        except jwt.PyJWTError as exc:
            raise errors.Unauthenticated(f"no signing key for this token: {exc}") from exc


def _decode(keys: SigningKeys, rules: TokenRules, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            keys.key_for(token),
            algorithms=[rules.algorithm],
            issuer=rules.issuer,
            options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise errors.Unauthenticated("token expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise errors.Unauthenticated("token signature does not verify") from exc
    except jwt.InvalidIssuerError as exc:
        raise errors.Unauthenticated(f"token issuer is not {rules.issuer!r}") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise errors.Unauthenticated(f"token lacks the {exc.claim!r} claim") from exc
    except jwt.DecodeError as exc:
        raise errors.Unauthenticated("malformed token") from exc
    except jwt.PyJWTError as exc:  # also a key that does not fit the algorithm
        raise errors.Unauthenticated(f"invalid token: {exc}") from exc
    _check_audience(claims, rules)
    _check_lifetime(claims, rules)
    return claims


def _check_audience(claims: Mapping[str, Any], rules: TokenRules) -> None:
    if rules.audience is None:
        return
    aud = claims.get("aud")
    if aud is None:
        if rules.require_audience:
            raise errors.Unauthenticated("token lacks the 'aud' claim")
        return
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or rules.audience not in audiences:
        raise errors.Unauthenticated(f"token is not meant for {rules.audience!r} (aud)")


def _check_lifetime(claims: Mapping[str, Any], rules: TokenRules) -> None:
    if rules.max_lifetime is None:
        return
    lifetime = claims["exp"] - claims["iat"]  # both numbers: PyJWT checked them
    if lifetime > rules.max_lifetime:
        raise errors.Unauthenticated(
            f"token lifetime {lifetime:.0f}s exceeds the {rules.max_lifetime}s allowed"
        )


def _principal(claims: Mapping[str, Any]) -> Principal:
    roles, email, subject = claims.get("roles", []), claims.get("email"), claims["sub"]
    roles_ok = isinstance(roles, list) and all(isinstance(r, str) for r in roles)
    if not (roles_ok and isinstance(subject, str) and isinstance(email, str | None)):
        raise errors.Unauthenticated("malformed token: sub, roles or email has the wrong type")
    return Principal(subject=subject, roles=frozenset(roles), email=email)


@dataclass(frozen=True, slots=True)
class _Verified:
    principal: Principal
    expires_at: float  # the token's ``exp``


def _until_expiry(_token: str, verified: _Verified, _now: float) -> float:
    """How long the cache keeps a verified token (cachetools' time-to-use): to its ``exp``."""
    return verified.expires_at


class TokenVerifier:
    """Tokens checked against the keys and rules, with a cache of tokens already verified.

    Decoding an HS256 token costs ~20 µs (RS256 more); a client sends the same token on
    every call, so a verified token is kept until it expires (revocation is not a feature
    of ours), the least recently used going first when ``cache_size`` are kept.
    ``clock`` (``time.time``) is what the expiry is compared with.
    """

    def __init__(
        self,
        keys: str | SigningKeys,
        algorithm: str,
        issuer: str,
        rules: TokenRules | None = None,
        *,
        cache_size: int = 4096,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = SharedKey(keys) if isinstance(keys, str) else keys
        self._rules = rules or TokenRules(algorithm, issuer)
        self._cache: TLRUCache[str, _Verified] = TLRUCache(
            cache_size, ttu=_until_expiry, timer=clock
        )
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> TokenVerifier:
        """The verifier a service's settings describe (a JWKS file is read now)."""
        rules = TokenRules(
            algorithm=settings.jwt_algorithm,
            issuer=settings.jwt_issuer,
            audience=settings.audience(),
            # Anyone can mint development tokens, so `aud` proves nothing there; a token
            # naming another service is still refused.
            require_audience=not settings.development,
            max_lifetime=settings.jwt_max_lifetime_seconds,
        )
        keys: SigningKeys
        if settings.jwt_algorithm == "HS256":
            keys = SharedKey(settings.jwt_secret.get_secret_value())
        elif settings.jwt_jwks_file:
            keys = JwksFile(Path(settings.jwt_jwks_file))
        else:
            keys = JwksUrl(settings.jwt_jwks_url)
        return cls(keys, settings.jwt_algorithm, settings.jwt_issuer, rules)

    def verify(self, token: str) -> Principal:
        with self._lock:
            cached = self._cache.get(token)
        if cached is not None:
            return cached.principal
        claims = _decode(self._keys, self._rules, token)
        principal = _principal(claims)
        with self._lock:
            self._cache[token] = _Verified(principal, float(claims["exp"]))
        return principal


# Set by the gRPC interceptor for the duration of a call; read through `current_principal`.
principal_context: ContextVar[Principal | None] = ContextVar("principal", default=None)


def current_principal() -> Principal | None:
    """The verified caller of the current request (``None``: anonymous or no request)."""
    return principal_context.get()


@contextmanager
def acting_as(principal: Principal | None) -> Iterator[Principal | None]:
    """Make ``principal`` the current caller for the block (the interceptor, tests, workers)."""
    token = principal_context.set(principal)
    try:
        yield principal
    finally:
        principal_context.reset(token)


def require_role(*roles: str) -> Principal:
    """The current caller if it holds one of ``roles`` (admin always does).

    For checks finer than the method's access policy, e.g. "editors of this programme".
    """
    principal = principal_context.get()
    if principal is None:
        raise errors.Unauthenticated("this needs a bearer token")
    if not principal.has_any_role(roles):
        raise errors.PermissionDenied(f"this needs one of the roles {sorted(roles)}")
    return principal


def authorize(method: str, access: Access | None, principal: Principal | None) -> None:
    """Raise unless ``principal`` may call ``method`` under ``access`` (``None``: not in policy)."""
    if access is None:
        _log.warning("denied %s: method missing from the access policy", method)
        raise errors.RoleRequired(f"{method} is not open to any caller")
    if access is PUBLIC:
        return
    if principal is None:
        raise errors.Unauthenticated(f"{method} needs a bearer token")
    if not principal.has_any_role(access):
        raise errors.RoleRequired(f"{method} needs one of the roles {sorted(access)}", access)
