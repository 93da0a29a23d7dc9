"""The import command: a batch of rows, each validated on its own by the use case."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ecbm_runtime.actor import Actor


class ProgrammeRowInput(BaseModel):
    """One row as sent (ProgrammeRow fields): loose on purpose, so one bad row fails alone."""

    model_config = ConfigDict(frozen=True)

    row: int = Field(ge=0)
    fields: dict[str, Any]


class ImportProgrammes(BaseModel):
    """Import ``rows`` in one transaction; ``dry_run`` validates and reports, writes nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor = Actor()
    dry_run: bool = False
    rows: tuple[ProgrammeRowInput, ...] = Field(max_length=5000)
