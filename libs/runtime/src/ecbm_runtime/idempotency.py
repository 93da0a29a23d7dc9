"""Idempotency keys of creates: a client's request_id, scoped to the caller, with a fingerprint.

A create that carries a ``request_id`` claims the key ``(kind, caller, request_id)`` first
thing in its transaction (``UnitOfWork.claim_request``), storing a fingerprint of the
request and the id of the resource it makes:

- the same caller retrying the same request gets the first call's resource, nothing is
  written twice (a retry racing the first call waits for it: PostgreSQL's primary key,
  SQLite's write lock);
- the same caller reusing the key for a different request is refused (INVALID_ARGUMENT on
  ``request_id``: the request is wrong, retrying it cannot help);
- another caller's key never meets this one: the caller's subject is part of the key and
  of the resource id, so a reused request_id makes that caller their own resource.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.tables import idempotency_keys

_NAMESPACE = uuid.UUID("6f1c1d1e-6a8a-4f59-9a53-ec6b0e1c2d3a")  # ids.new_id's


class RequestIdReused(InvalidArgument):
    """The caller sent this request_id before with a different request."""

    def __init__(self, kind: str) -> None:
        super().__init__(
            FieldViolation(
                "request_id",
                f"already used by this caller for a different {kind} request; "
                "resend the first request unchanged to get its result, or use a new request_id",
            )
        )


@dataclass(frozen=True)
class IdempotentRequest:
    """One create as its idempotency key sees it.

    ``resource_id`` is derived from kind, subject and request_id, so a retry lands on the
    same stream; without a request_id it is a fresh random id and nothing is claimed.
    """

    kind: str
    subject: str
    request_id: str
    fingerprint: str
    resource_id: str

    @classmethod
    def of(
        cls, kind: str, request_id: str, subject: str, payload: BaseModel | Mapping[str, Any]
    ) -> IdempotentRequest:
        resource_id = scoped_id(kind, request_id, subject) if request_id else uuid.uuid4().hex
        return cls(kind, subject, request_id, fingerprint(kind, payload), resource_id)

    @property
    def key(self) -> str:
        """The stored key: a digest, so subjects and client strings are not kept in clear."""
        parts = json.dumps([self.kind, self.subject, self.request_id])
        return hashlib.sha256(parts.encode()).hexdigest()


@dataclass(frozen=True)
class RequestClaim:
    """What ``UnitOfWork.claim_request`` answers: the resource id, and whether it exists."""

    resource_id: str
    repeated: bool = False


def scoped_id(kind: str, request_id: str, subject: str) -> str:
    """The id a create with ``request_id`` by ``subject`` makes: the same on every retry."""
    return uuid.uuid5(_NAMESPACE, json.dumps([kind, subject, request_id])).hex


# The caller is part of the key; who they are is not part of what they asked.
_NOT_PAYLOAD = frozenset({"actor"})


def fingerprint(kind: str, payload: BaseModel | Mapping[str, Any]) -> str:
    """A digest of what was asked, independent of field order and set order."""
    fields = payload.model_dump() if isinstance(payload, BaseModel) else dict(payload)
    body = {k: v for k, v in fields.items() if k not in _NOT_PAYLOAD}
    text = json.dumps([kind, _canonical(body)], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _canonical(value.model_dump())
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return _canonical(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _insert(connection: Connection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(idempotency_keys)
        .on_conflict_do_nothing(index_elements=[idempotency_keys.c.key])
        .returning(idempotency_keys.c.key)
    )


def claim(connection: Connection, request: IdempotentRequest) -> str | None:
    """Claim ``request``'s key in ``connection``'s transaction.

    None if it is new (the caller goes on to create); the id of the earlier resource if
    the same request came before; ``RequestIdReused`` if a different one did.
    """
    row = {
        "key": request.key,
        "fingerprint": request.fingerprint,
        "resource_id": request.resource_id,
        "created_at": datetime.now(UTC),
    }
    if connection.execute(_insert(connection), row).first() is not None:
        return None
    # Read committed: this statement sees the row of the transaction the insert waited for.
    earlier = connection.execute(
        select(idempotency_keys.c.fingerprint, idempotency_keys.c.resource_id).where(
            idempotency_keys.c.key == request.key
        )
    ).one()
    return earlier_resource(request, earlier.fingerprint, earlier.resource_id)


def earlier_resource(request: IdempotentRequest, fingerprint: str, resource_id: str) -> str:
    """The resource of the earlier request with this key, if it asked the same."""
    if fingerprint != request.fingerprint:
        raise RequestIdReused(request.kind)
    return resource_id
