"""Errors a caller can act on; the gRPC error interceptor maps them by base class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error that is the caller's to fix (never a bug of ours)."""


class NotFound(DomainError):
    """The named resource does not exist (NOT_FOUND)."""


class AlreadyExists(DomainError):
    """A resource with the same identity exists already (ALREADY_EXISTS)."""

    def __init__(self, message: str, existing_name: str = "") -> None:
        super().__init__(message)
        self.existing_name = existing_name


class Conflict(DomainError):
    """Someone else changed the resource first; reload and retry (ABORTED)."""


class RuleViolation(DomainError):
    """The request is well formed but a business rule forbids it now (FAILED_PRECONDITION).

    ``fields`` names the request's fields the rule is about (each becomes a
    ``PreconditionFailure`` violation with that field as its subject, and a ``BadRequest``
    field violation), e.g. a limit lowered below what is taken already.
    """

    def __init__(self, *args: object, fields: Sequence[FieldViolation] = ()) -> None:
        super().__init__(*args)
        self.fields = tuple(fields)


class PermissionDenied(DomainError):
    """The caller is known but may not do this (PERMISSION_DENIED)."""


class RoleRequired(PermissionDenied):
    """The method's declared access admits none of the caller's roles (PERMISSION_DENIED).

    Told apart from an object check's refusal by an ``ErrorInfo`` with reason
    ``ROLE_REQUIRED`` listing the roles that would do.
    """

    def __init__(self, message: str, roles: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.roles = roles


class Unauthenticated(DomainError):
    """No credentials, or credentials that do not verify (UNAUTHENTICATED)."""


class RateLimited(DomainError):
    """Too many calls from this client or for this key; retry after ``retry_after_seconds``
    (RESOURCE_EXHAUSTED with a ``google.rpc.RetryInfo`` detail; HTTP 429)."""

    def __init__(self, message: str, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class DeadlineExceeded(Exception):
    """The caller's deadline passed before the work was done; nothing was committed
    (DEADLINE_EXCEEDED). Not a ``DomainError``: no rule was broken, the caller gave up."""


@dataclass(frozen=True)
class FieldViolation:
    """One bad field: its path (``programme.countries[1]``) and what is allowed."""

    field: str
    description: str


class InvalidArgument(DomainError):
    """Input that is wrong in a way only the domain can tell, e.g. an unknown country code."""

    def __init__(self, violations: list[FieldViolation] | FieldViolation) -> None:
        self.violations = violations if isinstance(violations, list) else [violations]
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in self.violations))
