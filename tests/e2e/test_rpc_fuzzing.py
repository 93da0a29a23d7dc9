"""Random requests for every RPC of every service: no call ends in UNKNOWN or INTERNAL.

Hypothesis builds each request from the method's input descriptor: random and very long
strings, huge and negative numbers, long repeated fields, unknown enum values, random page
tokens and resource names. The callers are admins, so the requests reach the use cases. A
message over the server's receive limit is refused with RESOURCE_EXHAUSTED, and the server
still answers afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from served_api import served_api

from ecbm_runtime.grpc.access import method_path
from ecbm_runtime.service import load_services
from ecbm_runtime.testing import bearer

ADMIN = bearer("admin", subject="fuzzer")
EXAMPLES_PER_METHOD = 12
RECEIVE_LIMIT = 1024 * 1024
LONG_FIELD_BYTES = 64 * 1024
BROKEN = (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL)

T = FieldDescriptor
_INTS = {
    T.TYPE_INT32: (-(2**31), 2**31 - 1), T.TYPE_SINT32: (-(2**31), 2**31 - 1),
    T.TYPE_SFIXED32: (-(2**31), 2**31 - 1), T.TYPE_INT64: (-(2**63), 2**63 - 1),
    T.TYPE_SINT64: (-(2**63), 2**63 - 1), T.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    T.TYPE_UINT32: (0, 2**32 - 1), T.TYPE_FIXED32: (0, 2**32 - 1),
    T.TYPE_UINT64: (0, 2**64 - 1), T.TYPE_FIXED64: (0, 2**64 - 1),
}  # fmt: skip
# Strings that look like what servers parse: names, tokens, masks, codes, times.
_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(min_size=300, max_size=3000),
    st.sampled_from(["", "*", "programmes/", "organisations/x", "people/../x", "BE", "xx-YY",
                     "2026-13-45T99:00:00Z", "eyJub3QiOiJhIHRva2VuIn0", "%00", "a" * 100_000]),
    st.from_regex(r"[a-z]+s/[A-Za-z0-9_-]{0,40}", fullmatch=True),
)  # fmt: skip


def _scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    if field.type in _INTS:
        low, high = _INTS[field.type]
        return st.one_of(st.integers(low, high), st.sampled_from([low, high, 0, -1 if low else 1]))
    if field.type in (T.TYPE_DOUBLE, T.TYPE_FLOAT):
        return st.floats(
            allow_nan=True, allow_infinity=True, width=64 if field.type == T.TYPE_DOUBLE else 32
        )
    if field.type == T.TYPE_BOOL:
        return st.booleans()
    if field.type == T.TYPE_STRING:
        return _TEXT
    if field.type == T.TYPE_BYTES:
        return st.binary(max_size=2000)
    if field.type == T.TYPE_ENUM:  # open enums: unknown numbers must be handled too
        known = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(known), st.integers(-(2**31), 2**31 - 1))
    raise AssertionError(f"unhandled field type {field.type}")


def message_strategy(descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
    """Messages of ``descriptor`` with a random subset of fields set, nested up to depth 3."""
    cls = GetMessageClass(descriptor)
    fields = [f for f in descriptor.fields if depth < 3 or f.type != T.TYPE_MESSAGE]

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        message = cls()
        for field in draw(st.lists(st.sampled_from(fields), unique=True)) if fields else []:
            _fill(draw, message, field, depth)
        return message

    return build()


def _fill(draw: st.DrawFn, message: Message, field: FieldDescriptor, depth: int) -> None:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        key, value = (
            field.message_type.fields_by_name["key"],
            field.message_type.fields_by_name["value"],
        )
        target = getattr(message, field.name)
        for _ in range(draw(st.integers(0, 3))):
            k = draw(_scalar(key))
            if value.type == T.TYPE_MESSAGE:
                target[k].CopyFrom(draw(message_strategy(value.message_type, depth + 1)))
            else:
                target[k] = draw(_scalar(value))
        return
    repeated = field.is_repeated
    count = draw(st.one_of(st.integers(0, 3), st.just(500))) if repeated else 1
    drawn = []
    for _ in range(min(count, 3)):
        if field.type == T.TYPE_MESSAGE:
            drawn.append(draw(message_strategy(field.message_type, depth + 1)))
        else:
            drawn.append(draw(_scalar(field)))
    # A long field repeats up to three drawn values: its length is what it tests (drawing
    # 500 nested messages took hypothesis most of the test's time). It stays under
    # LONG_FIELD_BYTES, so the request stays under the receive limit (tested on its own).
    largest = max((_size(value) for value in drawn), default=1)
    count = min(count, max(len(drawn), LONG_FIELD_BYTES // max(largest, 1)))
    values = list(itertools.islice(itertools.cycle(drawn), count))
    if repeated:
        target = getattr(message, field.name)
        if field.type == T.TYPE_MESSAGE:
            for value in values:
                target.add().CopyFrom(value)
        else:
            target.extend(values)
    elif field.type == T.TYPE_MESSAGE:
        getattr(message, field.name).CopyFrom(values[0])
    else:
        setattr(message, field.name, values[0])


def _size(value: Any) -> int:
    """About the bytes a field value takes in a request."""
    if isinstance(value, Message):
        return value.ByteSize()
    if isinstance(value, str):
        return len(value.encode())
    return len(value) if isinstance(value, bytes) else 8


def _code(
    channel: grpc.Channel, method: MethodDescriptor, requests: list[Message]
) -> grpc.StatusCode:
    kwargs = {
        "request_serializer": lambda m: m.SerializeToString(),
        "response_deserializer": GetMessageClass(method.output_type).FromString,
    }
    path = method_path(method)
    try:
        if method.client_streaming:
            call = channel.stream_unary(path, **kwargs)
            call(iter(requests), metadata=ADMIN, timeout=20)
        elif method.server_streaming:
            responses = channel.unary_stream(path, **kwargs)(requests[0], metadata=ADMIN, timeout=1)
            next(iter(responses), None)
            responses.cancel()
        else:
            channel.unary_unary(path, **kwargs)(requests[0], metadata=ADMIN, timeout=20)
    except grpc.RpcError as error:
        code: grpc.StatusCode = error.code()  # type: ignore[attr-defined]
        return code
    return grpc.StatusCode.OK


@pytest.fixture(params=sorted(load_services()))
def served(request: pytest.FixtureRequest, tmp_path: Path, isolated_amqp_url: str) -> Iterator[
    tuple[grpc.Channel, list[MethodDescriptor]]
]:  # fmt: skip
    with served_api(
        request.param, tmp_path, isolated_amqp_url, grpc_max_receive_bytes=RECEIVE_LIMIT
    ) as api:
        yield api


def test_no_request_ends_in_unknown_or_internal(
    served: tuple[grpc.Channel, list[MethodDescriptor]],
) -> None:
    channel, methods = served
    broken: dict[str, str] = {}
    for method in methods:
        _fuzz(channel, method, broken)
    assert broken == {}


def _fuzz(channel: grpc.Channel, method: MethodDescriptor, broken: dict[str, str]) -> None:
    """Up to EXAMPLES_PER_METHOD random requests; the first broken answer is noted."""

    @settings(max_examples=EXAMPLES_PER_METHOD, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.lists(message_strategy(method.input_type), min_size=1, max_size=3))
    def call(sent: list[Message]) -> None:
        code = _code(channel, method, sent)
        if code in BROKEN:
            broken.setdefault(method.full_name, f"{code.name} for {sent[0]!r:.300}")

    call()


def test_a_message_over_the_receive_limit_is_refused_and_the_server_goes_on(
    served: tuple[grpc.Channel, list[MethodDescriptor]],
) -> None:
    channel, methods = served
    unary = [m for m in methods if not m.client_streaming and not m.server_streaming]
    if not unary:
        return  # a service with no methods yet
    method = unary[0]
    huge = GetMessageClass(method.input_type)()
    huge.MergeFromString(_unknown_field(RECEIVE_LIMIT + 1024))
    assert _code(channel, method, [huge]) is grpc.StatusCode.RESOURCE_EXHAUSTED
    near = GetMessageClass(method.input_type)()
    near.MergeFromString(_unknown_field(RECEIVE_LIMIT - 4096))
    assert _code(channel, method, [near]) not in (*BROKEN, grpc.StatusCode.RESOURCE_EXHAUSTED)


def _unknown_field(size: int) -> bytes:
    """A length-delimited field number 9999 of ``size`` bytes: kept as an unknown field."""
    tag = (9999 << 3) | 2
    return _varint(tag) + _varint(size) + b"x" * size


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
