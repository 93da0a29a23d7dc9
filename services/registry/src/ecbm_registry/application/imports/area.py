"""The import area: one command, no events of its own (it records programmes' events)."""

from __future__ import annotations

from ecbm_registry.application.imports.commands import ImportProgrammes
from ecbm_registry.application.imports.handlers import import_programmes
from ecbm_runtime.wiring import Area

AREA = Area(handlers={ImportProgrammes: import_programmes})
