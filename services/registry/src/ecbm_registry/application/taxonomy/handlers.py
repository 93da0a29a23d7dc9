"""Taxonomy use cases: the vocabularies are code, the same for everyone; no database."""

from __future__ import annotations

from typing import Any

from ecbm_registry.application.taxonomy.queries import GetVocabulary, ListVocabularies
from ecbm_registry.domain.taxonomy import VOCABULARIES, Vocabulary
from ecbm_runtime.errors import NotFound


def list_vocabularies(query: ListVocabularies, deps: Any) -> list[Vocabulary]:
    return list(VOCABULARIES.values())


def get_vocabulary(query: GetVocabulary, deps: Any) -> Vocabulary:
    vocabulary = VOCABULARIES.get(query.vocabulary_id)
    if vocabulary is None:
        raise NotFound(f"vocabularies/{query.vocabulary_id} does not exist; see ListVocabularies")
    return vocabulary
