"""Queries of the taxonomy: its controlled vocabularies, in one of four languages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["en", "fr", "de", "nl"]


class ListVocabularies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    language: Language = "en"


class GetVocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    vocabulary_id: str = Field(min_length=1)
    language: Language = "en"
