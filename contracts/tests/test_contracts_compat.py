"""compat.py: which changes to an event schema break its old producers or consumers."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, create_model

from ecbm_integration import CATALOGUE
from ecbm_integration.export import event_schema

CONTRACTS = Path(__file__).resolve().parents[1]


def load_compat() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ecbm_compat", CONTRACTS / "compat.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compat = load_compat()


class Level(StrEnum):
    LOW = "low"
    HIGH = "high"


# Field types events use, each with a JSON type different from the others'.
TYPES: dict[str, Any] = {
    "integer": int,
    "string": str,
    "boolean": bool,
    "number": float,
    "array": list[str],
    "enum": Level,
    "literal": Literal["a", "b"],
}

names = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
kinds = st.sampled_from(sorted(TYPES))
fields = st.dictionaries(names, st.tuples(kinds, st.booleans()), max_size=6)


def schema(fields: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    """The JSON Schema of a strict event model with these (type, required) fields."""
    definitions: dict[str, Any] = {
        name: (TYPES[kind], ...) if required else (TYPES[kind] | None, None)
        for name, (kind, required) in fields.items()
    }
    config = ConfigDict(frozen=True, extra="forbid")
    model: type[BaseModel] = create_model("Event", __config__=config, **definitions)
    return model.model_json_schema(mode="serialization")


def breaks(old: Any, new: Any) -> list[str]:
    old = old if isinstance(old, dict) else old.model_json_schema(mode="serialization")
    new = new if isinstance(new, dict) else new.model_json_schema(mode="serialization")
    return list(compat.breaking_changes(old, new))


@pytest.mark.parametrize("event", [CATALOGUE[key] for key in sorted(CATALOGUE)])
def test_every_published_event_is_compatible_with_itself(event: Any) -> None:
    assert breaks(event_schema(event), event_schema(event)) == []


@given(fields, names, kinds)
def test_adding_an_optional_field_is_compatible(
    before: dict[str, tuple[str, bool]], name: str, kind: str
) -> None:
    assume(name not in before)
    assert breaks(schema(before), schema({**before, name: (kind, False)})) == []


@given(fields, names, kinds)
def test_adding_a_required_field_breaks_old_producers(
    before: dict[str, tuple[str, bool]], name: str, kind: str
) -> None:
    assume(name not in before)
    assert breaks(schema(before), schema({**before, name: (kind, True)})) == [
        f"field '{name}' added as required, but old producers do not send it"
    ]


@given(fields, st.data())
def test_removing_a_field_breaks_only_when_it_was_required(
    before: dict[str, tuple[str, bool]], data: st.DataObject
) -> None:
    assume(before)
    name = data.draw(st.sampled_from(sorted(before)))
    after = {key: value for key, value in before.items() if key != name}
    required = before[name][1]
    expected = [f"field '{name}' removed, but old consumers require it"] if required else []
    assert breaks(schema(before), schema(after)) == expected


@given(fields, st.data())
def test_changing_a_fields_type_breaks(
    before: dict[str, tuple[str, bool]], data: st.DataObject
) -> None:
    assume(before)
    name = data.draw(st.sampled_from(sorted(before)))
    kind, required = before[name]
    other = data.draw(st.sampled_from(sorted(set(TYPES) - {kind, "enum", "literal"})))
    assume(kind not in {"enum", "literal"} or other != "string")  # enums are strings too
    found = breaks(schema(before), schema({**before, name: (other, required)}))
    assert len(found) == 1
    assert found[0].startswith(f"field '{name}' type changed from ")


class Awarded(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    programme_id: str = Field(max_length=64)
    level: Level
    previous: Level | None = None


class Stage(StrEnum):
    LOW = "low"
    HIGH = "high"
    TOP = "top"


class AwardedWithMoreLevels(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    programme_id: str = Field(max_length=64)
    level: Stage
    previous: Stage | None = None


def test_an_added_enum_value_breaks_old_consumers_at_every_field_using_it() -> None:
    assert breaks(Awarded, AwardedWithMoreLevels) == [
        "field 'level' enum value 'top' added, but old consumers reject it",
        "field 'previous' enum value 'top' added, but old consumers reject it",
    ]


def test_a_removed_enum_value_breaks_old_producers() -> None:
    assert breaks(AwardedWithMoreLevels, Awarded) == [
        "field 'level' enum value 'top' removed, but old producers may still send it",
        "field 'previous' enum value 'top' removed, but old producers may still send it",
    ]


def test_a_field_no_longer_nullable_breaks_old_producers() -> None:
    class Strict(BaseModel):
        programme_id: str = Field(max_length=64)
        level: Level
        previous: Level = Level.LOW

    assert breaks(Awarded, Strict) == ["field 'previous' type changed from null | string to string"]


def test_a_changed_constraint_breaks_one_side() -> None:
    class Longer(BaseModel):
        programme_id: str = Field(max_length=128)
        level: Level
        previous: Level | None = None

    assert breaks(Awarded, Longer) == [
        "field 'programme_id' maxLength changed from 64 to 128; one side rejects the other's events"
    ]


def test_documentation_and_the_end_of_additional_properties_false_break_nobody() -> None:
    old = event_schema(CATALOGUE[("quality", "QualityLabelAwarded")])
    new = json.loads(json.dumps(old).replace("QualityStep", "Grade"))  # a renamed $defs entry
    new["properties"]["step"]["description"] = "Reworded."
    old["additionalProperties"] = False
    assert breaks(old, new) == []


def test_a_nested_model_is_compared_field_by_field() -> None:
    class Place(BaseModel):
        city: str
        region: str | None = None

    class Moved(BaseModel):
        place: Place

    class PlaceWithoutCity(BaseModel):
        region: str | None = None

    class MovedSomewhere(BaseModel):
        place: PlaceWithoutCity

    assert breaks(Moved, MovedSomewhere) == [
        "field 'place.city' removed, but old consumers require it"
    ]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=30)


def write(root: Path, path: str, model: type[BaseModel]) -> None:
    target = root / compat.SCHEMAS / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(model.model_json_schema(mode="serialization")))


def test_names_the_event_and_field_of_each_breaking_change_since_a_ref(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, "quality/LabelAwarded.v1.json", Awarded)
    write(tmp_path, "quality/LabelWithdrawn.v1.json", Awarded)
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "v1")

    write(tmp_path, "quality/LabelAwarded.v1.json", AwardedWithMoreLevels)
    (tmp_path / compat.SCHEMAS / "quality/LabelWithdrawn.v1.json").unlink()  # now v2
    write(tmp_path, "quality/LabelWithdrawn.v2.json", AwardedWithMoreLevels)

    assert compat.changes_against("HEAD", tmp_path) == [
        "quality/LabelAwarded.v1: field 'level' enum value 'top' added, "
        "but old consumers reject it",
        "quality/LabelAwarded.v1: field 'previous' enum value 'top' added, "
        "but old consumers reject it",
    ]
