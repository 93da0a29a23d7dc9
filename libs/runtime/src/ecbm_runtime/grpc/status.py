"""Exceptions → gRPC status with google.rpc details (BadRequest, ResourceInfo, …).

Anything that is not one of our errors becomes INTERNAL naming only the correlation id,
except a lost database: UNAVAILABLE, which clients retry. A caller never sees a traceback
and never UNKNOWN.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import grpc
import pydantic
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from sqlalchemy import exc as sa_exc

from ecbm_runtime import errors

M = TypeVar("M", bound=pydantic.BaseModel)

CORRELATION_HEADER = "x-correlation-id"
_log = logging.getLogger("ecbm.grpc")

# Walked along the exception's MRO, so a service's `SessionFull(RuleViolation)` maps too.
_CODES: dict[type[BaseException], int] = {
    errors.InvalidArgument: code_pb2.INVALID_ARGUMENT,
    pydantic.ValidationError: code_pb2.INVALID_ARGUMENT,
    errors.NotFound: code_pb2.NOT_FOUND,
    errors.AlreadyExists: code_pb2.ALREADY_EXISTS,
    errors.Conflict: code_pb2.ABORTED,
    errors.RuleViolation: code_pb2.FAILED_PRECONDITION,
    errors.PermissionDenied: code_pb2.PERMISSION_DENIED,
    errors.Unauthenticated: code_pb2.UNAUTHENTICATED,
    errors.RateLimited: code_pb2.RESOURCE_EXHAUSTED,
    errors.DomainError: code_pb2.FAILED_PRECONDITION,
    errors.DeadlineExceeded: code_pb2.DEADLINE_EXCEEDED,
}


class _Status(grpc.Status):
    def __init__(self, code: grpc.StatusCode, details: str, trailing: tuple[Any, ...]) -> None:
        self.code, self.details, self.trailing_metadata = code, details, trailing


def status_for(exc: Exception, correlation: str) -> grpc.Status:
    """What the caller sees for ``exc``: code, message, ``google.rpc`` details.

    Anything not ours becomes INTERNAL naming only the correlation id; the traceback is
    logged under that id. Trailing metadata keeps the correlation id.
    """
    code = next((_CODES[c] for c in type(exc).__mro__ if c in _CODES), None)
    if _database_unavailable(exc):
        _log.warning("database unavailable: %s", type(exc).__name__, exc_info=exc)
        code = code_pb2.UNAVAILABLE
        message = f"the database is unavailable; retry later; correlation id {correlation}"
    elif code is None:
        _log.error("internal error", exc_info=exc)
        code, message = code_pb2.INTERNAL, f"internal error; correlation id {correlation}"
    elif isinstance(exc, pydantic.ValidationError):
        message = "; ".join(f"{v.field}: {v.description}" for v in validation_violations(exc))
    else:
        message = str(exc) or type(exc).__name__
    details = [*_details_for(exc), error_details_pb2.RequestInfo(request_id=correlation)]
    proto = status_pb2.Status(code=code, message=message, details=[_pack(d) for d in details])
    status = rpc_status.to_status(proto)
    trailing = (*status.trailing_metadata, (CORRELATION_HEADER, correlation))
    return _Status(status.code, status.details, trailing)


def _database_unavailable(exc: Exception) -> bool:
    """The database is down, restarting, unreachable or out of connections: worth a retry.

    SQLAlchemy wraps the driver's connection errors (and lock or serialisation failures,
    retryable too) as ``OperationalError``; a pool that ran dry raises its ``TimeoutError``.
    The message names neither SQL nor parameters.
    """
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError)


def _details_for(exc: Exception) -> list[Message]:
    if isinstance(exc, pydantic.ValidationError):
        return [_bad_request(validation_violations(exc))]
    if isinstance(exc, errors.InvalidArgument):
        return [_bad_request(exc.violations)]
    if isinstance(exc, errors.AlreadyExists):
        name, description = exc.existing_name, str(exc)
        return [error_details_pb2.ResourceInfo(resource_name=name, description=description)]
    if isinstance(exc, errors.RoleRequired):
        roles = ",".join(sorted(exc.roles))
        return [
            error_details_pb2.ErrorInfo(
                reason="ROLE_REQUIRED", domain="ecbm", metadata={"roles": roles}
            )
        ]
    if isinstance(exc, errors.RateLimited):
        delay = duration_pb2.Duration()
        delay.FromNanoseconds(max(1, math.ceil(exc.retry_after_seconds * 1e9)))
        return [error_details_pb2.RetryInfo(retry_delay=delay)]
    if isinstance(exc, errors.RuleViolation):
        kind, fields = type(exc).__name__, getattr(exc, "fields", ())
        violations = [
            error_details_pb2.PreconditionFailure.Violation(
                type=kind, subject=v.field, description=v.description
            )
            for v in fields
        ] or [error_details_pb2.PreconditionFailure.Violation(type=kind, description=str(exc))]
        failure = error_details_pb2.PreconditionFailure(violations=violations)
        return [failure, _bad_request(fields)] if fields else [failure]
    return []


def validation_violations(exc: pydantic.ValidationError) -> list[errors.FieldViolation]:
    """One violation per pydantic error, its path written ``programme.countries[1]``."""
    return [errors.FieldViolation(_path(e["loc"]), e["msg"]) for e in exc.errors()]


def validated(model: type[M], fields: dict[str, Any], renamed: Mapping[str, str]) -> M:
    """``model`` built from a request's ``fields``; errors name the request's fields.

    ``renamed`` maps a model path prefix to the request's (``changes`` → ``policy_contact``);
    the key ``""`` is the prefix of every other path.
    """
    try:
        return model.model_validate(fields)
    except pydantic.ValidationError as exc:
        violations = [
            errors.FieldViolation(_request_path(v.field, renamed), v.description)
            for v in validation_violations(exc)
        ]
        raise errors.InvalidArgument(violations) from exc


def _request_path(path: str, renamed: Mapping[str, str]) -> str:
    for model_prefix, request_prefix in renamed.items():
        if model_prefix and (
            path == model_prefix or path.startswith((f"{model_prefix}.", f"{model_prefix}["))
        ):
            return request_prefix + path[len(model_prefix) :]
    default = renamed.get("")
    return f"{default}.{path}" if default else path


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def _bad_request(violations: Iterable[errors.FieldViolation]) -> Message:
    field_violations = [
        error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
        for v in violations
    ]
    request: Message = error_details_pb2.BadRequest(field_violations=field_violations)
    return request


def _pack(detail: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(detail)
    return packed
