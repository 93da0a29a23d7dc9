"""Contact sealing: what the registry seals only the key holders open, for that person only."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from ecbm_runtime.sealing import (
    DEVELOPMENT_CONTACT_SEALING_KEY,
    Contact,
    ContactSeal,
    SealBroken,
    contact_seal,
    seal_problems,
)

OLD, NEW = Fernet.generate_key(), Fernet.generate_key()


@given(name=st.text(min_size=1, max_size=200), email=st.emails())
def test_a_sealed_contact_opens_to_itself_and_shows_nothing_in_clear(name: str, email: str) -> None:
    sealed = ContactSeal([NEW]).seal("p1", Contact(name, email))

    assert ContactSeal([NEW]).open("p1", sealed) == Contact(name, email)
    assert email not in sealed and (len(name) < 4 or name not in sealed)


def test_it_opens_only_with_the_keys_and_only_for_its_person() -> None:
    sealed = ContactSeal([OLD]).seal("p1", Contact("Ana", "ana@example.org"))

    assert ContactSeal([NEW, OLD]).open("p1", sealed).email == "ana@example.org"  # rotation
    with pytest.raises(SealBroken):
        ContactSeal([NEW]).open("p1", sealed)
    with pytest.raises(SealBroken):
        ContactSeal([OLD]).open("p2", sealed)
    with pytest.raises(SealBroken):
        ContactSeal([OLD]).open("p1", "not-a-token")


def test_production_needs_keys_of_its_own() -> None:
    assert seal_problems(SecretStr("")) == ["ECBM_CONTACT_SEALING_KEYS is not set"]
    assert (
        "development key" in seal_problems(SecretStr(DEVELOPMENT_CONTACT_SEALING_KEY.decode()))[0]
    )
    assert "Fernet" in seal_problems(SecretStr("short"))[0]
    assert seal_problems(SecretStr(f"{NEW.decode()}, {OLD.decode()}")) == []
    with pytest.raises(ValueError):
        contact_seal(SecretStr(""), development=False)
    assert contact_seal(SecretStr(""), development=True).open(
        "p", contact_seal(SecretStr(""), development=True).seal("p", Contact("A", "a@b.c"))
    ) == Contact("A", "a@b.c")
