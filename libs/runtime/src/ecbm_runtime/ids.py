"""Identifiers for new aggregates.

A client's ``request_id`` does not come here: ``UnitOfWork.claim_request`` scopes it to
the caller and checks the request's fingerprint (``ecbm_runtime.idempotency``).
"""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1c1d1e-6a8a-4f59-9a53-ec6b0e1c2d3a")


def new_id(kind: str, key: str = "") -> str:
    """A fresh id, or the same id every time for the same (kind, key).

    ``key`` is one the service itself chooses (an id from another service's event, a demo
    seed's name), never a client's request_id: unscoped, two callers would share it.
    """
    if key:
        return uuid.uuid5(_NAMESPACE, f"{kind}:{key}").hex
    return uuid.uuid4().hex
