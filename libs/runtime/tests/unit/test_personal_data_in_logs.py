"""Error messages that reach the logs name fields and statements, never the values in them."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, MetaData, String, Table, exc, insert

from ecbm_runtime.db import make_engine
from ecbm_runtime.worker import _without_values


class PersonJoined(pydantic.BaseModel):
    person_id: str
    email: pydantic.EmailStr
    age: int


def _not_an_int(text: str) -> bool:
    """pydantic's own test: it reads more than digits as an int ("0.0", " 7 ")."""
    try:
        pydantic.TypeAdapter(int).validate_python(text)
    except pydantic.ValidationError:
        return True
    return False


@given(st.emails(), st.text(min_size=3).filter(_not_an_int))
def test_a_bad_event_body_is_described_without_its_values(email: str, age: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        PersonJoined.model_validate({"email": email + "@@", "age": age})
    described = _without_values(caught.value)
    assert email not in described and age not in described
    assert "person_id: missing" in described and "age: int_parsing" in described


def test_a_failed_statement_does_not_quote_its_parameters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    people = Table("people", MetaData(), Column("email", String, primary_key=True))
    people.create(engine)
    with engine.begin() as connection:
        connection.execute(insert(people).values(email="ana@example.org"))
    with pytest.raises(exc.IntegrityError) as caught, engine.begin() as connection:
        connection.execute(insert(people).values(email="ana@example.org"))
    assert "ana@example.org" not in str(caught.value)
    assert "INSERT INTO people" in str(caught.value)
