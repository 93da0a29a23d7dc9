"""Who calls: read once at the edge from the gRPC call, then carried by the message."""

from __future__ import annotations

from ecbm_registry.application.actor import Actor
from ecbm_runtime.auth import current_principal


def actor() -> Actor:
    """The caller of the current gRPC call (anonymous when it sent no token)."""
    return Actor.of(current_principal())
