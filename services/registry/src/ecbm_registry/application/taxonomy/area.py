"""The taxonomy area: controlled vocabularies, read-only and the same for everyone."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ecbm_registry.application.area import Area
from ecbm_registry.domain.taxonomy import VOCABULARIES, Vocabulary
from ecbm_runtime.errors import NotFound

Language = Literal["en", "fr", "de", "nl"]


class ListVocabularies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    language: Language = "en"


class GetVocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    vocabulary_id: str = Field(min_length=1)
    language: Language = "en"


def list_vocabularies(query: ListVocabularies, read: object = None) -> list[Vocabulary]:
    return list(VOCABULARIES.values())


def get_vocabulary(query: GetVocabulary, read: object = None) -> Vocabulary:
    vocabulary = VOCABULARIES.get(query.vocabulary_id)
    if vocabulary is None:
        raise NotFound(f"vocabularies/{query.vocabulary_id} does not exist; see ListVocabularies")
    return vocabulary


AREA = Area(
    domain_events=(),
    query_handlers={ListVocabularies: list_vocabularies, GetVocabulary: get_vocabulary},
)
