"""Check that integration-event schemas stay compatible with an earlier git ref.

    uv run python contracts/compat.py --against v1.4.0   # or HEAD~1, origin/main, a commit

Every contracts/events/schemas/**/*.json present both at the ref and in the working tree is
compared. Consumers read events tolerantly (unknown fields are ignored), but otherwise both
sides are strict, so a change must keep every event an old producer sends valid for a new
consumer and every event a new producer sends valid for an old consumer. Breaking:

- a required field removed, made optional, or a new required field (or one made required);
- a field's type changed (including ``null`` allowed or no longer allowed);
- an enum value removed (old producers still send it) or added (old consumers reject it);
- a constraint changed (pattern, format, lengths, bounds): one side rejects the other's events.

Adding or removing an optional field is compatible. A breaking change is a new event type or
a new ``schema_version`` (a new schema file), which this check does not compare.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = "contracts/events/schemas"

Schema = dict[str, Any]

# Keywords that only document a value; changing them breaks nobody.
ANNOTATIONS = frozenset(
    {"title", "description", "examples", "default", "$comment", "deprecated", "readOnly"}
)
# Keywords that narrow a value of a given type; any change rejects someone's events.
CONSTRAINTS = (
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
)


class _Side:
    """One schema document, to resolve its local ``$ref``s (``#/$defs/...``)."""

    def __init__(self, document: Schema) -> None:
        self.document = document

    def resolve(self, schema: Schema) -> Schema:
        """``schema`` with a ``$ref`` replaced by its target (siblings kept)."""
        seen: set[str] = set()
        while "$ref" in schema and schema["$ref"] not in seen:
            ref = schema["$ref"]
            seen.add(ref)
            target: Any = self.document
            for part in ref.removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Why ``new`` breaks producers or consumers of ``old``, one message per field; [] if not."""
    return list(_Comparison(_Side(old), _Side(new)).objects(old, new, ""))


class _Comparison:
    def __init__(self, old: _Side, new: _Side) -> None:
        self.old, self.new = old, new
        self.within: set[tuple[str, str]] = set()  # ($ref, $ref) pairs being compared

    def objects(self, old: Schema, new: Schema, prefix: str) -> Iterator[str]:
        """Fields removed, added or changed between two object schemas."""
        old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name in sorted(old_fields.keys() | new_fields.keys()):
            field = f"field '{prefix}{name}'"
            was, now = name in old_required, name in new_required
            if name not in new_fields:
                if was:
                    yield f"{field} removed, but old consumers require it"
            elif name not in old_fields:
                if now:
                    yield f"{field} added as required, but old producers do not send it"
            else:
                if was and not now:
                    yield f"{field} no longer required, but old consumers require it"
                if now and not was:
                    yield f"{field} now required, but old producers may leave it out"
                yield from self.values(old_fields[name], new_fields[name], f"{prefix}{name}")

    def values(self, old: Schema, new: Schema, where: str) -> Iterator[str]:
        """How the values a field allows differ between ``old`` and ``new``."""
        key = (old.get("$ref", ""), new.get("$ref", ""))
        if key in self.within:
            return  # a recursive model, already being compared further up
        if key != ("", ""):
            self.within.add(key)
        try:
            yield from self._values(self.old.resolve(old), self.new.resolve(new), where)
        finally:
            self.within.discard(key)

    def _values(self, old: Schema, new: Schema, where: str) -> Iterator[str]:
        field = f"field '{where}'"
        old_types, new_types = _types(old, self.old), _types(new, self.new)
        if old_types != new_types:
            yield f"{field} type changed from {_names(old_types)} to {_names(new_types)}"
            return
        old_branches, new_branches = _branches(old, self.old), _branches(new, self.new)
        if len(old_branches) > 1 or len(new_branches) > 1:
            for kind in sorted(old_branches.keys() & new_branches.keys()):
                yield from self.values(old_branches[kind], new_branches[kind], where)
            return
        yield from _enum_changes(old, new, field)
        for keyword in CONSTRAINTS:
            if old.get(keyword) != new.get(keyword):
                yield (
                    f"{field} {keyword} changed from {old.get(keyword)!r} to "
                    f"{new.get(keyword)!r}; one side rejects the other's events"
                )
        if "items" in old and "items" in new:
            yield from self.values(old["items"], new["items"], f"{where}[]")
        if "properties" in old or "properties" in new:
            yield from self.objects(old, new, f"{where}.")


def _options(schema: Schema, side: _Side) -> list[Schema]:
    """The alternatives of a union (``anyOf``/``oneOf``), refs kept; else the schema."""
    alternatives = side.resolve(schema).get("anyOf") or side.resolve(schema).get("oneOf")
    if not alternatives:
        return [schema]
    return [option for item in alternatives for option in _options(item, side)]


def _kind(schema: Schema, side: _Side) -> str:
    """The JSON type of one (non-union) schema, from ``type``, ``const`` or ``enum``."""
    schema = side.resolve(schema)
    if isinstance(schema.get("type"), str):
        return str(schema["type"])
    values = schema["enum"] if "enum" in schema else [schema["const"]] if "const" in schema else []
    kinds = sorted({_json_type(value) for value in values})
    return "|".join(kinds) if kinds else "any"


def _types(schema: Schema, side: _Side) -> frozenset[str]:
    return frozenset(_kind(option, side) for option in _options(schema, side))


def _branches(schema: Schema, side: _Side) -> dict[str, Schema]:
    """A union's alternatives by JSON type (pydantic's ``X | None`` is ``anyOf: [X, null]``)."""
    return {_kind(option, side): option for option in _options(schema, side)}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(value)]


def _names(types: frozenset[str]) -> str:
    return " | ".join(sorted(types))


def _enum_changes(old: Schema, new: Schema, field: str) -> Iterator[str]:
    old_values, new_values = _allowed(old), _allowed(new)
    if old_values is None and new_values is None:
        return
    if old_values is None or new_values is None:
        yield f"{field} changed between a fixed set of values and any value"
        return
    for value in [v for v in old_values if v not in new_values]:
        yield f"{field} enum value {value!r} removed, but old producers may still send it"
    for value in [v for v in new_values if v not in old_values]:
        yield f"{field} enum value {value!r} added, but old consumers reject it"


def _allowed(schema: Schema) -> list[Any] | None:
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def _git(*args: str, root: Path) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def changes_against(ref: str, root: Path = REPO) -> list[str]:
    """Breaking changes of every event schema in ``root``'s working tree since ``ref``."""
    listing = _git("ls-tree", "-r", "--name-only", ref, "--", SCHEMAS, root=root)
    found: list[str] = []
    for path in sorted(listing.splitlines()):
        current = root / path
        if not path.endswith(".json") or not current.is_file():
            continue  # a removed schema version: no longer published, nothing to compare
        old = json.loads(_git("show", f"{ref}:{path}", root=root))
        new = json.loads(current.read_text(encoding="utf-8"))
        event = Path(path).relative_to(SCHEMAS).with_suffix("").as_posix()
        found += [f"{event}: {change}" for change in breaking_changes(old, new)]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="git ref to compare with, e.g. HEAD~1")
    options = parser.parse_args(argv)
    changes = changes_against(options.against)
    for change in changes:
        sys.stderr.write(f"breaking: {change}\n")
    if changes:
        sys.stderr.write(
            "A breaking change needs a new event type or schema_version "
            "(see contracts/README.md, 'Evolving an event').\n"
        )
    return 1 if changes else 0


if __name__ == "__main__":
    raise SystemExit(main())
