"""The controlled vocabularies and the validators built on them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from ecbm_registry.domain.taxonomy import LANGUAGES, VOCABULARIES, TargetGroup

target_group = TypeAdapter(TargetGroup)


def test_every_term_has_a_label_in_every_language_and_a_unique_id() -> None:
    for vocabulary in VOCABULARIES.values():
        ids = [term.id for term in vocabulary.terms]
        assert len(ids) == len(set(ids)), vocabulary.id
        for term in vocabulary.terms:
            assert all(term.labels[language].strip() for language in LANGUAGES), term.id


def test_a_known_term_id_is_accepted() -> None:
    assert target_group.validate_python("migrants-refugees") == "migrants-refugees"


def test_an_unknown_term_is_rejected_listing_the_allowed_ids() -> None:
    with pytest.raises(ValidationError) as caught:
        target_group.validate_python("pirates")

    assert "allowed: youth, students" in caught.value.errors()[0]["msg"]


@given(st.text(max_size=30))
def test_only_term_ids_validate(candidate: str) -> None:
    known = {term.id for term in VOCABULARIES["target-groups"].terms}
    try:
        target_group.validate_python(candidate)
    except ValidationError:
        assert candidate not in known
    else:
        assert candidate in known
