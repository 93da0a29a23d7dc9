"""Proto message ↔ dict, field masks and page tokens: the small chores of every servicer."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ecbm_runtime.errors import FieldViolation, InvalidArgument

# A token is ours to read back; anything much longer than we ever write is not one.
_MAX_TOKEN_LENGTH = 4096


def timestamp(value: datetime | None) -> Timestamp | None:
    """A ``google.protobuf.Timestamp`` (None stays unset); a naive time (SQLite) is UTC."""
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value if value.tzinfo else value.replace(tzinfo=UTC))
    return stamp


def from_timestamp(value: Timestamp, field: str) -> datetime:
    """An aware UTC datetime; a Timestamp out of its range (negative nanos, year 0 or
    10000) is INVALID_ARGUMENT on ``field``, not the ValueError protobuf raises."""
    try:
        return value.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError) as error:
        raise InvalidArgument(FieldViolation(field, f"not a valid timestamp: {error}")) from error


def message_to_dict(message: Message) -> dict[str, Any]:
    """The message as a dict for ``Model.model_validate``: proto field names, all fields.

    Fields left at their default are present too, so a pydantic model sees ``""`` or ``0``
    rather than a missing key. int64 values come as strings (ProtoJSON); pydantic coerces.
    """
    return json_format.MessageToDict(
        message,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )


def apply_field_mask(
    paths: Sequence[str], allowed: set[str] | frozenset[str], field: str = "update_mask"
) -> frozenset[str]:
    """The mask's paths, checked against those a method may update.

    ``["*"]`` stands for every allowed path (AIP-134); an empty mask is returned empty and
    the caller decides what it means. Unknown paths raise `InvalidArgument`, one violation each.
    """
    if list(paths) == ["*"]:
        return frozenset(allowed)
    unknown = [path for path in paths if path not in allowed]
    if unknown:
        choices = ", ".join(sorted(allowed))
        raise InvalidArgument(
            [FieldViolation(field, f"unknown path {p!r}; allowed: {choices}") for p in unknown]
        )
    return frozenset(paths)


def encode_page_token(position: dict[str, Any]) -> str:
    """An opaque token for where the next page starts (urlsafe base64 of compact JSON)."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")


def decode_page_token(token: str) -> dict[str, Any]:
    """The position a token stands for; ``""`` is the first page (``{}``).

    Anything we did not write raises `InvalidArgument` on ``page_token``.
    """
    if not token:
        return {}
    if len(token) > _MAX_TOKEN_LENGTH:
        raise _bad_token()
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
        position = json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise _bad_token() from exc
    if not isinstance(position, dict):
        raise _bad_token()
    return position


def _bad_token() -> InvalidArgument:
    return InvalidArgument(FieldViolation("page_token", "not a page token returned by this API"))


def enum_name(enum: Any, number: int, field: str) -> str:
    """The name of a proto enum number; a number the API does not define names ``field``.

    Proto3 enums are open: a client built from a newer contract, or a fuzzer, can send any
    number, and ``Enum.Name`` would raise a bare ValueError (INTERNAL).
    """
    if number not in enum.values():
        raise InvalidArgument(
            FieldViolation(field, f"{number} is not a value of {enum.DESCRIPTOR.name}")
        )
    name: str = enum.Name(number)
    return name


def clamp_page_size(requested: int, default: int = 50, maximum: int = 500) -> int:
    """AIP-158 page size: 0 means ``default``, more than ``maximum`` is cut to it."""
    if requested < 0:
        raise InvalidArgument(FieldViolation("page_size", "must not be negative"))
    if requested == 0:
        return default
    return min(requested, maximum)
