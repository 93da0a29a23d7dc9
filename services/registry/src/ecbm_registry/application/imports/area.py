"""The import area: one command, no events of its own (it records programmes' events)."""

from __future__ import annotations

from ecbm_registry.application.area import Area
from ecbm_registry.application.imports.commands import ImportProgrammes
from ecbm_registry.application.imports.handlers import import_programmes

AREA = Area(domain_events=(), command_handlers={ImportProgrammes: import_programmes})
