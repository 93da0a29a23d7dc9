"""Contact details sealed for the bus: a person's name and e-mail never travel in clear.

The registry publishes PersonJoined and PersonUpdated with the person's contact details
sealed (Fernet: AES-128-CBC + HMAC-SHA256) under the contact-sealing keys
(``ECBM_CONTACT_SEALING_KEYS``, comma-separated, newest first). Only services holding the
keys (notify, which mails people) can open them; every other consumer, every inbox, DLQ,
outbox row and log line sees ciphertext. The seal names its person, so a sealed contact
copied into another person's event does not open. Rotating: put a new key first on the
registry and the consumers, restart; drop the old key once no message sealed with it can
still be on the bus (the DLQ's time-to-live; docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

# Development only, derived from the published development JWT key like the other
# development keys: production refuses to start with it.
DEVELOPMENT_CONTACT_SEALING_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(DEVELOPMENT_JWT_SECRET.encode() + b"ecbm-contact-sealing").digest()
)
SETTING = "ECBM_CONTACT_SEALING_KEYS"


class SealBroken(ValueError):
    """The sealed contact does not open with these keys, or belongs to another person."""


@dataclass(frozen=True)
class Contact:
    """What it takes to address a person: their name and e-mail address."""

    display_name: str
    email: str


class ContactSeal:
    """Seals and opens contact details; the first key seals, any key opens."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one contact-sealing key is needed")
        self._keys = MultiFernet([Fernet(key) for key in keys])

    def seal(self, person_id: str, contact: Contact) -> str:
        payload = {"person_id": person_id, "name": contact.display_name, "email": contact.email}
        return self._keys.encrypt(json.dumps(payload).encode()).decode("ascii")

    def open(self, person_id: str, sealed: str) -> Contact:
        try:
            payload = json.loads(self._keys.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError) as error:
            raise SealBroken("the contact does not open with the contact-sealing keys") from error
        if payload.get("person_id") != person_id:
            raise SealBroken("the sealed contact belongs to another person")
        return Contact(display_name=payload["name"], email=payload["email"])


def parse_keys(value: SecretStr) -> list[bytes]:
    """Fernet keys from a setting: comma-separated, newest first, blanks ignored."""
    return [k.strip().encode() for k in value.get_secret_value().split(",") if k.strip()]


def contact_seal(value: SecretStr, development: bool) -> ContactSeal:
    """The seal for the configured keys; in development the derived development key."""
    keys = parse_keys(value)
    if not keys and development:
        keys = [DEVELOPMENT_CONTACT_SEALING_KEY]
    return ContactSeal(keys)


def development_seal() -> ContactSeal:
    return ContactSeal([DEVELOPMENT_CONTACT_SEALING_KEY])


def seal_problems(value: SecretStr) -> list[str]:
    """Why ``value`` cannot seal contacts in production (missing, development, malformed)."""
    keys = parse_keys(value)
    if not keys:
        return [f"{SETTING} is not set"]
    if DEVELOPMENT_CONTACT_SEALING_KEY in keys:
        return [f"{SETTING} holds the development key"]
    try:
        ContactSeal(keys)
    except ValueError:
        return [f"{SETTING}: each key must be a Fernet key"]
    return []
