"""Export the event catalogue as JSON Schemas and one AsyncAPI document (run by codegen.py).

    <out>/schemas/<source>/<EventType>.v<N>.json   one JSON Schema per event version
    <out>/asyncapi.yaml                            AsyncAPI 3.0.0: channels, messages, bindings

Output is deterministic: sorted keys in the schemas, catalogue order sorted by
(source, event type), no timestamps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecbm_integration.base import IntegrationEvent
from ecbm_integration.catalogue import CATALOGUE

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
AMQP_BINDING_VERSION = "0.3.0"
CONTENT_TYPE = "application/json"
DEFS_REF = "#/$defs/{model}"
COMPONENTS_REF = "#/components/schemas/{model}"


def schema_id(event: type[IntegrationEvent]) -> str:
    """Stable identifier of one event schema version."""
    return f"urn:ecbm:events:{event.source}:{event.event_type()}:v{event.schema_version}"


def schema_path(event: type[IntegrationEvent]) -> str:
    """Path of the event's JSON Schema, relative to the events/ directory."""
    return f"schemas/{event.source}/{event.event_type()}.v{event.schema_version}.json"


def event_schema(event: type[IntegrationEvent], ref_template: str = DEFS_REF) -> dict[str, Any]:
    """The JSON Schema of the event's JSON body, with $schema, $id and title.

    Unknown properties are allowed: consumers read events tolerantly (IntegrationEvent.read),
    so a body with fields added by a newer producer is valid, as it is for them.
    """
    schema = event.model_json_schema(mode="serialization", ref_template=ref_template)
    for model in [schema, *schema.get("$defs", {}).values()]:
        if model.get("additionalProperties") is False:
            del model["additionalProperties"]
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = schema_id(event)
    schema["title"] = event.event_type()
    schema["x-ecbm-source"] = event.source
    schema["x-ecbm-schema-version"] = event.schema_version
    return schema


def headers_schema(event: type[IntegrationEvent]) -> dict[str, Any]:
    """AMQP application headers every published event carries (set by ecbm_runtime's outbox)."""
    text = {"type": "string", "minLength": 1}
    return {
        "type": "object",
        "required": ["event_id", "correlation_id", "causation_id", "schema_version"],
        "properties": {
            "event_id": {
                **text,
                "description": "Unique id of this message; consumers de-duplicate on it (inbox).",
            },
            "correlation_id": {
                **text,
                "description": "Id shared by everything caused by one original request.",
            },
            "causation_id": {
                **text,
                "description": "Id of the request or event that directly caused this one.",
            },
            "schema_version": {
                "type": "integer",
                "const": event.schema_version,
                "description": "Version of the payload schema.",
            },
            "source": {
                "type": "string",
                "const": event.source,
                "description": "Publishing service.",
            },
        },
    }


def _sorted(value: Any) -> Any:
    """A copy with every mapping's keys sorted, so the YAML is stable and diffable."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def headers_id(event: type[IntegrationEvent]) -> str:
    """Name of the headers schema in components/schemas, shared per (source, version)."""
    return f"{event.source}.Headers.v{event.schema_version}"


def message_id(event: type[IntegrationEvent]) -> str:
    """Name of the event's message, and of its payload schema, in components."""
    return f"{event.source}.{event.event_type()}.v{event.schema_version}"


def payload_schemas(event: type[IntegrationEvent]) -> dict[str, Any]:
    """The event's payload schema and the schemas it refers to, keyed for components/schemas.

    Refs point to ``#/components/schemas/<name>``: the AsyncAPI parser resolves them against
    the whole document, where pydantic's ``#/$defs/...`` would not exist.
    """
    payload = event_schema(event, ref_template=COMPONENTS_REF)
    definitions = payload.pop("$defs", {})
    del payload["$schema"]  # AsyncAPI's default schema format carries its own dialect
    del payload["$id"]  # a base URI of its own would re-root the refs inside it
    return {message_id(event): payload, **definitions}


def _message(event: type[IntegrationEvent]) -> dict[str, Any]:
    key = event.event_type()
    return {
        "name": key,
        "title": key,
        "summary": (event.__doc__ or key).strip().splitlines()[0],
        "contentType": CONTENT_TYPE,
        "headers": {"$ref": f"#/components/schemas/{headers_id(event)}"},
        "payload": {"$ref": f"#/components/schemas/{message_id(event)}"},
        "bindings": {"amqp": {"messageType": key, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def _channel(event: type[IntegrationEvent]) -> dict[str, Any]:
    exchange, key = f"{event.source}.events", event.event_type()
    return {
        "address": key,
        "description": f"Routing key `{key}` on the topic exchange `{exchange}`.",
        "messages": {key: {"$ref": f"#/components/messages/{message_id(event)}"}},
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": exchange,
                    "type": "topic",
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDING_VERSION,
            }
        },
    }


def _operation(event: type[IntegrationEvent], channel_id: str) -> dict[str, Any]:
    key = event.event_type()
    return {
        "action": "send",
        "summary": f"{event.source} publishes {key}.",
        "channel": {"$ref": f"#/channels/{channel_id}"},
        "messages": [{"$ref": f"#/channels/{channel_id}/messages/{key}"}],
        "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": AMQP_BINDING_VERSION}},
    }


def _add_schemas(schemas: dict[str, Any], new: dict[str, Any]) -> None:
    """Add ``new`` to components/schemas; one name may not stand for two schemas."""
    for name, schema in new.items():
        if schemas.setdefault(name, _sorted(schema)) != _sorted(schema):
            raise ValueError(f"two different schemas are both named {name!r}")


def asyncapi_document(events: list[type[IntegrationEvent]]) -> dict[str, Any]:
    """AsyncAPI 3.0.0 document: one channel and one send operation per event type.

    Every schema (payloads, headers and the enums and models they refer to) lives in
    components/schemas; messages and properties refer to it there.
    """
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event in events:
        channel_id = f"{event.source}.{event.event_type()}"
        messages[message_id(event)] = _message(event)
        channels[channel_id] = _channel(event)
        operations[f"{channel_id}.publish"] = _operation(event, channel_id)
        _add_schemas(schemas, {headers_id(event): headers_schema(event), **payload_schemas(event)})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "ECBM integration events",
            "version": "1.0.0",
            "description": (
                "Events the ECBM services publish on RabbitMQ. Generated from "
                "contracts/events/ecbm_integration by contracts/codegen.py; do not edit."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def catalogue_events() -> list[type[IntegrationEvent]]:
    """Every catalogue event, ordered by (source, event type)."""
    return [CATALOGUE[key] for key in sorted(CATALOGUE)]


def export(out_dir: Path) -> list[Path]:
    """Write every event's JSON Schema and asyncapi.yaml under ``out_dir``; returns the paths."""
    import yaml  # only needed at generation time, not by services importing ecbm_integration

    events = catalogue_events()
    written: list[Path] = []
    for event in events:
        path = out_dir / schema_path(event)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(event_schema(event), indent=2, sort_keys=True, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    path = out_dir / "asyncapi.yaml"
    header = (
        "# Generated by contracts/codegen.py from contracts/events/ecbm_integration. Do not edit.\n"
    )
    body = yaml.safe_dump(asyncapi_document(events), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + body, encoding="utf-8")
    written.append(path)
    return written
