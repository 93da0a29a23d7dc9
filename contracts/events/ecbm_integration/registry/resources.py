"""Registry integration events about shared resources (research, publications, stories)."""

from __future__ import annotations

from pydantic import Field

from ecbm_integration.fields import CountryCode, LanguageCode, OccurredAt, ResourceId
from ecbm_integration.registry.base import RegistryEvent


class ResourcePublished(RegistryEvent):
    """An editor published a resource; it is now public (resource resources/{resource_id})."""

    resource_id: ResourceId = Field(description="Id of the resource: resources/{resource_id}.")
    kind: str = Field(
        pattern=r"^(RESEARCH_RESULT|PUBLICATION|MANUAL|STORY)$",
        description="Kind of resource: RESEARCH_RESULT, PUBLICATION, MANUAL or STORY "
        "(stories appear in the Chronicle's feed).",
        examples=["STORY"],
    )
    title: str = Field(min_length=1, max_length=300, description="Title of the resource.")
    summary: str = Field(max_length=2000, description="Short summary, plain text.")
    language: LanguageCode = Field(description="Language it is written in.")
    countries: list[CountryCode] = Field(description="Countries it is about, if any.")
    topics: list[str] = Field(description="Focus-area term ids.")
    occurred_at: OccurredAt = Field(description="When it was published.")
