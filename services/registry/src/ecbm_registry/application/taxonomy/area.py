"""The taxonomy area: controlled vocabularies, read-only and the same for everyone."""

from __future__ import annotations

from ecbm_registry.application.taxonomy.handlers import get_vocabulary, list_vocabularies
from ecbm_registry.application.taxonomy.queries import GetVocabulary, ListVocabularies
from ecbm_runtime.wiring import Area

AREA = Area(handlers={ListVocabularies: list_vocabularies, GetVocabulary: get_vocabulary})
