"""Resource names (AIP-122): ``programmes/{id}`` in the API, bare ids inside a service."""

from __future__ import annotations

from ecbm_runtime.errors import FieldViolation, InvalidArgument


def resource_id(name: str, collection: str, field: str) -> str:
    """The id in ``<collection>/<id>``; a malformed name is an INVALID_ARGUMENT on ``field``."""
    prefix = f"{collection}/"
    identifier = name.removeprefix(prefix)
    if not name.startswith(prefix) or not identifier or "/" in identifier:
        raise InvalidArgument(
            FieldViolation(
                field, f"expected a resource name like '{collection}/{{id}}', got {name!r}"
            )
        )
    return identifier
