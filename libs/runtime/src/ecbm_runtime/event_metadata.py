"""Metadata stored with every domain event: who acted, and on behalf of which request."""

from __future__ import annotations

from typing import Any

from ecbm_runtime.auth import current_principal
from ecbm_runtime.observability import current_causation_id, current_correlation_id


def standard_metadata() -> dict[str, Any]:
    principal = current_principal()
    return {
        "correlation_id": current_correlation_id(),
        "causation_id": current_causation_id(),
        "actor": principal.subject if principal else None,
    }
