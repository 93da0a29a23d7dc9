"""The shape of event commands: zones and offsets are checked where messages are built."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ecbm_events.application.programme.commands import CreateEvent
from ecbm_runtime.actor import Actor

EDITOR = Actor(subject="ed", roles=frozenset({"editor"}))


def create(**changes: Any) -> CreateEvent:
    fields = {
        "actor": EDITOR,
        "kind": "webinar",
        "title": "Online mentoring",
        "start_time": "2030-03-04T10:00:00+01:00",
        "end_time": "2030-03-04T11:00:00+01:00",
        **changes,
    }
    return CreateEvent.model_validate(fields)


def test_the_zone_defaults_to_brussels() -> None:
    assert create().time_zone == "Europe/Brussels"


def test_a_time_without_its_offset_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        create(start_time="2030-03-04T10:00:00")
    assert refused.value.errors()[0]["loc"] == ("start_time",)
    assert "timezone" in refused.value.errors()[0]["msg"]


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        create(time_zone="Europe/Atlantis")


@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?\Z"))
def test_no_naive_local_time_is_ever_accepted(naive: str) -> None:
    with pytest.raises(ValidationError):
        create(start_time=naive)
