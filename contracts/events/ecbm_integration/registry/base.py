"""Base of the registry's integration events (exchange ``registry.events``)."""

from __future__ import annotations

from typing import ClassVar

from ecbm_integration.base import IntegrationEvent


class RegistryEvent(IntegrationEvent):
    """Base of the registry's integration events."""

    source: ClassVar[str] = "registry"
