"""Message dicts, field masks, page tokens and page sizes."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2
from hypothesis import given
from hypothesis import strategies as st

from ecbm_runtime.errors import InvalidArgument
from ecbm_runtime.grpc import convert
from ecbm_runtime.grpc.convert import (
    apply_field_mask,
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    from_timestamp,
    message_to_dict,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)  # fmt: skip
positions = st.dictionaries(st.text(), json_values, max_size=6)


def test_message_to_dict_keeps_proto_names_and_default_fields() -> None:
    request = error_details_pb2.ResourceInfo(resource_type="programme")
    assert message_to_dict(request) == {
        "resource_type": "programme",
        "resource_name": "",
        "owner": "",
        "description": "",
    }


def test_message_to_dict_writes_enums_by_name() -> None:
    response = health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)
    assert message_to_dict(response) == {"status": "SERVING"}


def test_field_mask_with_known_paths_is_returned() -> None:
    assert apply_field_mask(["title", "countries"], {"title", "countries", "summary"}) == {
        "title",
        "countries",
    }


def test_field_mask_star_means_every_allowed_path() -> None:
    assert apply_field_mask(["*"], {"title", "summary"}) == {"title", "summary"}


def test_field_mask_names_each_unknown_path() -> None:
    with pytest.raises(InvalidArgument) as raised:
        apply_field_mask(["title", "owner", "id"], {"title"})
    assert [v.field for v in raised.value.violations] == ["update_mask", "update_mask"]
    assert "'owner'" in raised.value.violations[0].description


@given(positions)
def test_page_token_round_trips(position: dict[str, Any]) -> None:
    token = encode_page_token(position)
    if len(token) > convert._MAX_TOKEN_LENGTH:  # a position no page of ours comes near
        with pytest.raises(InvalidArgument):
            decode_page_token(token)
        return
    assert decode_page_token(token) == position


@given(positions)
def test_page_token_is_url_safe(position: dict[str, Any]) -> None:
    assert set(encode_page_token(position)) <= set(string.ascii_letters + string.digits + "-_")


@given(st.text(max_size=64))
def test_any_text_decodes_to_a_dict_or_raises_invalid_argument(text: str) -> None:
    try:
        assert isinstance(decode_page_token(text), dict)
    except InvalidArgument as exc:
        assert [v.field for v in exc.violations] == ["page_token"]


@pytest.mark.parametrize(
    "bad", ["%%%", "bm90IGpzb24", encode_page_token({"a": 1})[:-3] + "!", "W10", "x" * 5000]
)
def test_bad_page_token_is_invalid_argument_on_page_token(bad: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        decode_page_token(bad)
    assert raised.value.violations[0].field == "page_token"


def test_empty_page_token_is_the_first_page() -> None:
    assert decode_page_token("") == {}


@pytest.mark.parametrize(("requested", "expected"), [(0, 50), (1, 1), (50, 50), (501, 500)])
def test_page_size_is_clamped(requested: int, expected: int) -> None:
    assert clamp_page_size(requested) == expected


def test_negative_page_size_is_invalid_argument_on_page_size() -> None:
    with pytest.raises(InvalidArgument) as raised:
        clamp_page_size(-1)
    assert raised.value.violations[0].field == "page_size"


def test_an_invalid_timestamp_is_invalid_argument_naming_the_field() -> None:
    assert from_timestamp(Timestamp(seconds=86400), "due") == datetime(1970, 1, 2, tzinfo=UTC)
    with pytest.raises(InvalidArgument) as error:
        from_timestamp(Timestamp(seconds=1, nanos=-1), "due")
    assert [v.field for v in error.value.violations] == ["due"]
