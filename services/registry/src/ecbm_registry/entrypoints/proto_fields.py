"""Shared chores of the registry's servicers: enums, times, pages, field paths."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

import pydantic

from ecbm_registry.adapters.paging import Page
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    enum_name,
)

M = TypeVar("M", bound=pydantic.BaseModel)


def enum_value(enum: type[StrEnum], proto_name: str, prefix: str) -> str | None:
    """Proto enum name → domain value; UNSPECIFIED becomes None so validation names the field."""
    name = proto_name.removeprefix(prefix)
    return None if name == "UNSPECIFIED" else str(enum[name].value)


def domain_value(enum: Any, number: int, prefix: str, field: str) -> str | None:
    """Proto enum number → domain value (``POLICY_CONTACT_KIND_MEP`` → ``mep``); 0 → None.

    A number the API does not define is INVALID_ARGUMENT naming ``field``.
    """
    name = enum_name(enum, number, field).removeprefix(prefix)
    return None if name == "UNSPECIFIED" else name.lower()


def proto_value(enum: Any, value: str, prefix: str) -> int:
    number: int = enum.Value(prefix + value.upper())
    return number


def page_fields(page_size: int, token: str) -> dict[str, Any]:
    offset = decode_page_token(token).get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise InvalidArgument(FieldViolation("page_token", "not a page token of this API"))
    return {"page_size": clamp_page_size(page_size), "offset": offset}


def page_token(page: Page) -> str:
    return encode_page_token({"offset": page.next_offset}) if page.next_offset else ""
