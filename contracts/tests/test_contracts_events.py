"""Integration events: round-trip through JSON, frozen, strict about bad fields when built."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from ecbm_integration import CATALOGUE, IntegrationEvent, OrganisationRegistered, resolve
from ecbm_integration.export import asyncapi_document, event_schema
from ecbm_integration.quality import QualityLabelAwarded, QualityLabelWithdrawn
from ecbm_runtime.worker import _parse

EVENTS = [CATALOGUE[key] for key in sorted(CATALOGUE)]


def aware_datetimes() -> st.SearchStrategy[datetime]:
    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=offsets)


def value_strategy(
    schema: dict[str, Any], definitions: dict[str, Any] | None = None
) -> st.SearchStrategy[Any]:
    """Values valid for one JSON Schema property, as pydantic's model_json_schema states it."""
    definitions = definitions or {}
    schema = resolved(schema, definitions)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([value_strategy(option, definitions) for option in schema["anyOf"]])
    if schema.get("type") == "null":
        return st.none()
    if schema.get("type") == "boolean":
        return st.booleans()
    if schema.get("type") == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if schema.get("type") == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
    if schema.get("type") == "array":
        item = value_strategy(schema["items"], definitions)
        return st.lists(item, min_size=schema.get("minItems", 0), max_size=5)
    if schema.get("format") == "date-time":
        return aware_datetimes()
    if schema.get("type") == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength", 300)
        if "pattern" in schema:
            text = st.from_regex(schema["pattern"], fullmatch=True)
            return text.filter(lambda value: low <= len(value) <= high)
        return st.text(min_size=low, max_size=high)
    if schema.get("type") == "object" and "properties" in schema:  # a nested model
        properties = schema["properties"].items()
        return st.fixed_dictionaries(
            {name: value_strategy(nested, definitions) for name, nested in properties}
        )
    raise NotImplementedError(f"add a strategy for {schema}")


def resolved(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A property whose ``$ref`` (pydantic's ``$defs``, e.g. an enum) is replaced by its target."""
    reference = schema.get("$ref")
    if reference is None:
        return schema
    rest = {key: value for key, value in schema.items() if key != "$ref"}
    return {**definitions[reference.rsplit("/", 1)[-1]], **rest}


def event_strategy(event: type[IntegrationEvent]) -> st.SearchStrategy[IntegrationEvent]:
    schema = event.model_json_schema()
    definitions = schema.get("$defs", {})
    fields = {
        name: value_strategy(property_, definitions)
        for name, property_ in schema["properties"].items()
    }
    return st.fixed_dictionaries(fields).map(event.model_validate)


any_event = st.sampled_from(EVENTS).flatmap(event_strategy)


def test_catalogue_resolves_every_event() -> None:
    assert EVENTS, "the catalogue is empty"
    for (source, event_type), event in CATALOGUE.items():
        assert resolve(source, event_type) is event
        assert event_type == event.__name__
        assert source and event.schema_version >= 1
    assert resolve("registry", "NoSuchEvent") is None


@given(any_event)
def test_round_trips_through_json(event: IntegrationEvent) -> None:
    assert type(event).model_validate_json(event.model_dump_json()) == event


@given(any_event)
def test_is_frozen(event: IntegrationEvent) -> None:
    field = next(iter(type(event).model_fields))
    with pytest.raises(ValidationError):
        setattr(event, field, getattr(event, field))


@given(any_event, st.from_regex(r"[a-z_]{1,20}", fullmatch=True))
def test_producer_cannot_build_an_event_with_an_unknown_field(
    event: IntegrationEvent, extra: str
) -> None:
    data = event.model_dump()
    assume(extra not in data)
    with pytest.raises(ValidationError) as error:
        type(event)(**data, **{extra: "x"})
    assert error.value.errors()[0]["type"] == "extra_forbidden"


field_names = st.from_regex(r"[a-z][a-z_]{0,19}", fullmatch=True)
json_values = st.none() | st.booleans() | st.integers() | st.text(max_size=20)


@given(any_event, st.dictionaries(field_names, json_values | st.lists(json_values), max_size=3))
def test_consumer_reads_an_event_with_fields_it_does_not_know(
    event: IntegrationEvent, added: dict[str, Any]
) -> None:
    body = {**added, **event.model_dump(mode="json")}  # a newer producer's fields, plus ours
    assert type(event).read(body) == event
    assert type(event).read(json.dumps(body)) == event
    assert type(event).read(json.dumps(body).encode()) == event


@given(any_event)
def test_consumer_still_rejects_a_known_field_that_is_invalid(event: IntegrationEvent) -> None:
    name = next(iter(type(event).model_fields))
    body = {**event.model_dump(mode="json"), name: {"not": "valid"}}
    with pytest.raises(ValidationError) as error:
        type(event).read(body)
    assert error.value.errors()[0]["loc"][0] == name


def test_old_consumer_parses_a_newer_producers_event_in_the_worker() -> None:
    newer = json.dumps({**awarded(), "auditor": "people/7", "score": {"total": 91}})
    for body in (newer, newer.encode(), json.loads(newer)):
        event = _parse(QualityLabelAwarded, body)
        assert event == QualityLabelAwarded.model_validate(awarded())


def test_worker_still_rejects_a_body_missing_a_required_field() -> None:
    body = {key: value for key, value in awarded().items() if key != "step"}
    with pytest.raises(ValidationError) as error:
        _parse(QualityLabelAwarded, {**body, "auditor": "people/7"})
    assert [e["loc"] for e in error.value.errors()] == [("step",)]


def awarded() -> dict[str, Any]:
    return {"programme_id": "p-1", "step": "distinction", "occurred_at": "2025-01-02T03:04:05Z"}


V1_STEPS = {
    "affiliated": "affiliated", "level-1": "accredited", "level-2": "distinction",
    "level-3": "distinction",
}  # fmt: skip


@given(st.sampled_from(sorted(V1_STEPS)), st.sampled_from([str, bytes, dict]))
def test_a_version_one_label_body_is_read_as_its_step(level: str, form: type) -> None:
    v1 = {"programme_id": "p-1", "level": level, "occurred_at": "2025-01-02T03:04:05Z"}
    body = json.dumps(v1) if form is str else json.dumps(v1).encode() if form is bytes else v1
    for event_class in (QualityLabelAwarded, QualityLabelWithdrawn):
        event = _parse(event_class, body)
        assert event.step == V1_STEPS[level]  # type: ignore[attr-defined]
        assert event_class.read(body) == event


def test_a_version_one_body_with_an_unknown_level_is_still_rejected() -> None:
    v1 = {"programme_id": "p-1", "level": "gold", "occurred_at": "2025-01-02T03:04:05Z"}
    with pytest.raises(ValidationError) as error:
        QualityLabelAwarded.read(v1)
    assert [e["loc"] for e in error.value.errors()] == [("step",)]


def test_event_schemas_allow_fields_they_do_not_list() -> None:
    for event in EVENTS:
        schema = event_schema(event)
        for model in [schema, *schema.get("$defs", {}).values()]:
            assert "additionalProperties" not in model, event.event_type()


def references(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["$ref"]] if "$ref" in value else []
        return own + [ref for item in value.values() for ref in references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    return []


def test_asyncapi_refs_point_into_the_document_and_schemas_into_components() -> None:
    document = asyncapi_document(EVENTS)
    refs = references(document)
    assert "#/components/schemas/QualityStep" in refs
    for ref in refs:
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
    for message in document["components"]["messages"].values():
        assert message["payload"]["$ref"].startswith("#/components/schemas/")
        assert message["headers"]["$ref"].startswith("#/components/schemas/")
    assert "$defs" not in json.dumps(document)


def organisation(**changes: Any) -> dict[str, Any]:
    return {
        "organisation_id": "org-1",
        "display_name": "Mentoring Lisboa",
        "kind": "MENTORING_ORGANISATION",
        "country": "PT",
        "contact_name": "Ana Silva",
        "contact_email": "ana@example.org",
        "occurred_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        **changes,
    }


def test_organisation_registered_accepts_a_good_event() -> None:
    event = OrganisationRegistered.model_validate(organisation())
    assert event.event_type() == "OrganisationRegistered"
    assert event.source == "registry"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "pt"),
        ("country", "PRT"),
        ("country", ""),
        ("contact_email", "ana.example.org"),
        ("contact_email", "ana@example"),
        ("contact_email", "ana silva@example.org"),
        ("contact_email", "a@b@example.org"),
        ("occurred_at", datetime(2025, 1, 2, 3, 4, 5)),  # naive: no time zone
    ],
)
def test_organisation_registered_rejects_bad_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as error:
        OrganisationRegistered.model_validate(organisation(**{field: value}))
    assert [e["loc"] for e in error.value.errors()] == [(field,)]
