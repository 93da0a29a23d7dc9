"""Bearer JWTs, the caller of the current request, and per-method access policies."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, TypeAlias

import jwt

from ecbm_runtime import errors

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
"""Keyed by a method's short name (``RegisterProgramme``); a missing method is denied."""


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
    return jwt.encode(claims, secret, algorithm=algorithm)


def verify_token(secret: str, algorithm: str, issuer: str, token: str) -> Principal:
    """The principal of a valid token; `errors.Unauthenticated` saying why otherwise."""
    return _principal(_decode(secret, algorithm, issuer, token))


def _decode(secret: str, algorithm: str, issuer: str, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            issuer=issuer,
            options={"require": ["exp", "iss", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise errors.Unauthenticated("token expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise errors.Unauthenticated("token signature does not verify") from exc
    except jwt.InvalidIssuerError as exc:
        raise errors.Unauthenticated(f"token issuer is not {issuer!r}") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise errors.Unauthenticated(f"token lacks the {exc.claim!r} claim") from exc
    except jwt.DecodeError as exc:
        raise errors.Unauthenticated("malformed token") from exc
    except jwt.InvalidTokenError as exc:
        raise errors.Unauthenticated(f"invalid token: {exc}") from exc
    return claims


def _principal(claims: Mapping[str, Any]) -> Principal:
    roles, email, subject = claims.get("roles", []), claims.get("email"), claims["sub"]
    roles_ok = isinstance(roles, list) and all(isinstance(r, str) for r in roles)
    if not (roles_ok and isinstance(subject, str) and isinstance(email, str | None)):
        raise errors.Unauthenticated("malformed token: sub, roles or email has the wrong type")
    return Principal(subject=subject, roles=frozenset(roles), email=email)


class TokenVerifier:
    """`verify_token` with the key bound and a cache of tokens already verified.

    Decoding an HS256 token costs ~20 µs; a client sends the same token on every call,
    so a verified token is kept until it expires (revocation is not a feature of ours).
    """

    _MAX_CACHED = 4096

    def __init__(self, secret: str, algorithm: str, issuer: str) -> None:
        self._secret, self._algorithm, self._issuer = secret, algorithm, issuer
        self._cache: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def verify(self, token: str) -> Principal:
        cached = self._cache.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        claims = _decode(self._secret, self._algorithm, self._issuer, token)
        principal = _principal(claims)
        with self._lock:
            if len(self._cache) >= self._MAX_CACHED:
                self._cache.clear()
            self._cache[token] = (principal, float(claims["exp"]))
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
        raise errors.PermissionDenied(f"{method} is not open to any caller")
    if access is PUBLIC:
        return
    if principal is None:
        raise errors.Unauthenticated(f"{method} needs a bearer token")
    if not principal.has_any_role(access):
        raise errors.PermissionDenied(f"{method} needs one of the roles {sorted(access)}")
