"""Identifiers for new aggregates; a client's request_id makes a create idempotent."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1c1d1e-6a8a-4f59-9a53-ec6b0e1c2d3a")


def new_id(kind: str, request_id: str = "") -> str:
    """A fresh id, or the same id every time for the same (kind, request_id).

    A retried create with the same request_id then lands on the same stream and the
    handler can answer with what the first attempt made (AIP-155).
    """
    if request_id:
        return uuid.uuid5(_NAMESPACE, f"{kind}:{request_id}").hex
    return uuid.uuid4().hex
