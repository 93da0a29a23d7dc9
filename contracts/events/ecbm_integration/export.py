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


def schema_id(event: type[IntegrationEvent]) -> str:
    """Stable identifier of one event schema version."""
    return f"urn:ecbm:events:{event.source}:{event.event_type()}:v{event.schema_version}"


def schema_path(event: type[IntegrationEvent]) -> str:
    """Path of the event's JSON Schema, relative to the events/ directory."""
    return f"schemas/{event.source}/{event.event_type()}.v{event.schema_version}.json"


def event_schema(event: type[IntegrationEvent]) -> dict[str, Any]:
    """The JSON Schema of the event's JSON body, with $schema, $id and title."""
    schema = event.model_json_schema(mode="serialization")
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


def asyncapi_document(events: list[type[IntegrationEvent]]) -> dict[str, Any]:
    """AsyncAPI 3.0.0 document: one channel and one send operation per event type."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event in events:
        exchange, key = f"{event.source}.events", event.event_type()
        channel_id = f"{event.source}.{key}"
        message_id = f"{channel_id}.v{event.schema_version}"
        payload = event_schema(event)
        del payload["$schema"]  # AsyncAPI's default schema format carries its own dialect
        messages[message_id] = {
            "name": key,
            "title": key,
            "summary": (event.__doc__ or key).strip().splitlines()[0],
            "contentType": CONTENT_TYPE,
            "headers": headers_schema(event),
            "payload": _sorted(payload),
            "bindings": {"amqp": {"messageType": key, "bindingVersion": AMQP_BINDING_VERSION}},
        }
        channels[channel_id] = {
            "address": key,
            "description": f"Routing key `{key}` on the topic exchange `{exchange}`.",
            "messages": {key: {"$ref": f"#/components/messages/{message_id}"}},
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
        operations[f"{channel_id}.publish"] = {
            "action": "send",
            "summary": f"{event.source} publishes {key}.",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{key}"}],
            "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": AMQP_BINDING_VERSION}},
        }
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
        "components": {"messages": messages},
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
