"""Shared chores of the registry's servicers: enums, times, pages, field paths."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import pydantic
from google.protobuf.timestamp_pb2 import Timestamp

from ecbm_registry.adapters.paging import Page
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import clamp_page_size, decode_page_token, encode_page_token
from ecbm_runtime.grpc.status import validation_violations

M = TypeVar("M", bound=pydantic.BaseModel)


def enum_value(enum: type[StrEnum], proto_name: str, prefix: str) -> str | None:
    """Proto enum name → domain value; UNSPECIFIED becomes None so validation names the field."""
    name = proto_name.removeprefix(prefix)
    return None if name == "UNSPECIFIED" else str(enum[name].value)


def domain_value(enum: Any, number: int, prefix: str) -> str | None:
    """Proto enum number → domain value (``POLICY_CONTACT_KIND_MEP`` → ``mep``); 0 → None."""
    name = enum.Name(number).removeprefix(prefix)
    return None if name == "UNSPECIFIED" else name.lower()


def proto_value(enum: Any, value: str, prefix: str) -> int:
    number: int = enum.Value(prefix + value.upper())
    return number


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def validated(model: type[M], fields: dict[str, Any], renamed: Mapping[str, str]) -> M:
    """``model`` built from ``fields``; errors name the request's fields, not the model's.

    ``renamed`` maps a model path prefix to the request's (``changes`` → ``policy_contact``);
    the key ``""`` is the prefix of every other path.
    """
    try:
        return model.model_validate(fields)
    except pydantic.ValidationError as exc:
        violations = [
            FieldViolation(_request_path(v.field, renamed), v.description)
            for v in validation_violations(exc)
        ]
        raise InvalidArgument(violations) from exc


def _request_path(path: str, renamed: Mapping[str, str]) -> str:
    for model_prefix, request_prefix in renamed.items():
        if model_prefix and (
            path == model_prefix or path.startswith((f"{model_prefix}.", f"{model_prefix}["))
        ):
            return request_prefix + path[len(model_prefix) :]
    default = renamed.get("")
    return f"{default}.{path}" if default else path


def page_fields(page_size: int, token: str) -> dict[str, Any]:
    offset = decode_page_token(token).get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise InvalidArgument(FieldViolation("page_token", "not a page token of this API"))
    return {"page_size": clamp_page_size(page_size), "offset": offset}


def page_token(page: Page) -> str:
    return encode_page_token({"offset": page.next_offset}) if page.next_offset else ""
