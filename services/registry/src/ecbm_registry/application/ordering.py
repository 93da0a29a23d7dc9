"""AIP-132 ``order_by``: "stance, display_name desc" into (field, descending) pairs."""

from __future__ import annotations

from collections.abc import Collection

OrderBy = tuple[tuple[str, bool], ...]


def parse_order_by(text: str, allowed: Collection[str], default: OrderBy) -> OrderBy:
    """The sort keys of ``text``; ``ValueError`` naming the allowed fields otherwise."""
    if not text.strip():
        return default
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or words[0] not in allowed or words[1:] not in (
            [], ["asc"], ["desc"],
        ):  # fmt: skip
            raise ValueError(
                f"{part.strip()!r} is not '<field> [asc|desc]' with field one of "
                f"{', '.join(sorted(allowed))}"
            )
        keys.append((words[0], words[1:] == ["desc"]))
    return tuple(keys)
