"""Field shapes shared by the alerts service's messages (checked when a message is built)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

EntityId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,64}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
RequestId = Annotated[str, Field(max_length=64)]
PageSize = Annotated[int, Field(ge=1, le=500)]
