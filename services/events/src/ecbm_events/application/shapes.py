"""Field shapes shared by the events service's messages (checked when a message is built)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from ecbm_events.domain.times import known_zone

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TimeZoneName = Annotated[str, AfterValidator(known_zone)]
# An optional display zone: "" means the event's own.
DisplayZone = Annotated[str, AfterValidator(lambda z: known_zone(z) if z else z)]
EntityId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
# An id that may be left empty ("": none).
OptionalId = Annotated[str, StringConstraints(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")]
RequestId = Annotated[str, Field(max_length=64)]
PageSize = Annotated[int, Field(ge=1, le=500)]
