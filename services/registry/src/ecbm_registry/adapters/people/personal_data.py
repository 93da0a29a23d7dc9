"""Crypto-shredding: personal fields of stored events are sealed with a per-person key.

Domain events carry plain values; ``PersonalDataCodec`` seals the listed fields with the
person's Fernet key when the unit of work encodes an event, and opens them when it decodes
one. Forgetting a person deletes the key row: the history stays append-only, the sealed
fields of their events can no longer be read, and a replay projects them as empty.

The person keys themselves are stored wrapped (envelope encryption) with the registry's
key-encryption keys from its settings (``ECBM_REGISTRY_PERSONAL_DATA_KEYS``, newest first): a
copy of the database alone opens nothing. Rotating: put a new key first, run
``ecbm registry rewrap-keys``, then drop the old key (docs/security.md).

The codec needs the unit of work's connection (a key is created in the same transaction as
the first event it seals): the unit of work takes ``codec.bound_to(connection)``, a copy
bound to its transaction, and so does replay. Decoding with nothing bound
(``bound_to(None)``) reads keys on a read-only connection of its own.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import EventCodec, NewEvent, StoredEvent

metadata = MetaData()

# Not a read model: replay must never empty it (that would forget everybody).
person_keys = Table(
    "person_keys",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("key", String(512), nullable=False),
    Column("create_time", DateTime(timezone=True), nullable=False),
    # False only for keys stored before envelope encryption, until `rewrap_all` runs.
    Column("wrapped", Boolean, nullable=False),
)

SEALED = "sealed"  # the data key holding the encrypted personal fields
SHREDDED = ""  # what a sealed field reads as once its key is gone


class KeyWrapping:
    """Wraps and unwraps person keys with the key-encryption keys (the first one wraps)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key-encryption key is needed")
        self._keys = MultiFernet([Fernet(key) for key in keys])

    def wrap(self, key: bytes) -> str:
        return self._keys.encrypt(key).decode("ascii")

    def unwrap(self, stored: str) -> bytes:
        return self._keys.decrypt(stored.encode("ascii"))

    def rewrap(self, stored: str) -> str:
        """The same person key wrapped with the newest key-encryption key."""
        return self._keys.rotate(stored.encode("ascii")).decode("ascii")


def key_of(connection: Connection, person_id: str, wrapping: KeyWrapping) -> Fernet | None:
    query = select(person_keys.c.key, person_keys.c.wrapped).where(
        person_keys.c.person_id == person_id
    )
    row = connection.execute(query).first()
    if row is None:
        return None
    return Fernet(wrapping.unwrap(row.key) if row.wrapped else row.key.encode("ascii"))


def create_key(connection: Connection, person_id: str, wrapping: KeyWrapping) -> Fernet:
    key = Fernet.generate_key()
    connection.execute(
        insert(person_keys).values(
            person_id=person_id, key=wrapping.wrap(key), wrapped=True,
            create_time=datetime.now(UTC),
        )
    )  # fmt: skip
    return Fernet(key)


def rewrap_all(connection: Connection, wrapping: KeyWrapping) -> int:
    """Wrap every person key with the newest key-encryption key; returns how many.

    Run after adding a key-encryption key in front (rotation) and after upgrading from
    unwrapped keys; then the older key-encryption key can be removed.
    """
    rows = connection.execute(
        select(person_keys.c.person_id, person_keys.c.key, person_keys.c.wrapped)
    )
    count = 0
    for person_id, key, wrapped in rows.all():
        fresh = wrapping.rewrap(key) if wrapped else wrapping.wrap(key.encode("ascii"))
        connection.execute(
            update(person_keys)
            .where(person_keys.c.person_id == person_id)
            .values(key=fresh, wrapped=True)
        )
        count += 1
    return count


def shred(connection: Connection, person_id: str) -> None:
    """Delete the person's key: every sealed field of their history becomes unreadable."""
    connection.execute(delete(person_keys).where(person_keys.c.person_id == person_id))


class PersonalDataCodec(EventCodec):
    """An EventCodec that seals personal fields (dotted paths per event type) per person.

    Every sealed event type has a ``person_id`` field naming whose key seals it.
    """

    def __init__(
        self,
        event_classes: Iterable[type[DomainEvent]],
        sealed: Mapping[type[DomainEvent], tuple[str, ...]],
        wrapping: KeyWrapping,
        read_connection: Callable[[], AbstractContextManager[Connection]] | None = None,
    ) -> None:
        super().__init__(event_classes)
        self._wrapping = wrapping
        self._sealed = {cls.__name__: paths for cls, paths in sealed.items()}
        self._read_connection = read_connection
        self._connection: Connection | None = None

    def bound_to(self, transaction: Any) -> PersonalDataCodec:
        """A copy reading and creating keys in ``transaction`` (a connection); None: unbound."""
        bound = copy.copy(self)
        bound._connection = transaction
        return bound

    def encode(self, event: DomainEvent, metadata: dict[str, Any]) -> NewEvent:
        new = super().encode(event, metadata)
        paths = self._sealed.get(new.type)
        if not paths:
            return new
        connection = self._connection
        if connection is None:
            raise RuntimeError(f"{new.type} carries personal data: encode it with a bound codec")
        person_id = new.data["person_id"]
        key = key_of(connection, person_id, self._wrapping) or create_key(
            connection, person_id, self._wrapping
        )
        data, plain = _split(new.data, paths)
        data[SEALED] = key.encrypt(json.dumps(plain).encode("utf-8")).decode("ascii")
        return replace(new, data=data)

    def decode(self, stored: StoredEvent) -> DomainEvent:
        paths = self._sealed.get(stored.type)
        if paths and SEALED in stored.data:
            stored = replace(stored, data=self._opened(stored.data, paths))
        return super().decode(stored)

    def _opened(self, data: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
        key = self._key(data["person_id"])
        plain: dict[str, Any] = {path: SHREDDED for path in paths}
        if key is not None:
            # A key shredded and re-created cannot open older seals: those stay forgotten.
            with suppress(InvalidToken):
                plain = json.loads(key.decrypt(data[SEALED].encode("ascii")))
        opened = {name: value for name, value in data.items() if name != SEALED}
        return _merged(opened, plain)

    def _key(self, person_id: str) -> Fernet | None:
        if self._connection is not None:
            return key_of(self._connection, person_id, self._wrapping)
        if self._read_connection is None:
            raise RuntimeError("no connection to read personal-data keys from")
        with self._read_connection() as own:
            return key_of(own, person_id, self._wrapping)


def _split(data: dict[str, Any], paths: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``data`` without the personal ``paths`` (a deep copy), and those paths' values."""
    rest: dict[str, Any] = json.loads(json.dumps(data))
    plain: dict[str, Any] = {}
    for path in paths:
        *parents, leaf = path.split(".")
        node = rest
        for parent in parents:
            node = node[parent]
        plain[path] = node.pop(leaf)
    return rest, plain


def _merged(data: dict[str, Any], plain: dict[str, Any]) -> dict[str, Any]:
    for path, value in plain.items():
        *parents, leaf = path.split(".")
        node = data
        for parent in parents:
            node = node[parent]
        node[leaf] = value
    return data
