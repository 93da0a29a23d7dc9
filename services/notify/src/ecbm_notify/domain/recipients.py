"""Recipients: the people notify reaches, known by a stable id derived from their address."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("2b7f3f0e-5d55-4c1f-8f0e-8d7a2c1b9e44")


def normalised_email(email: str) -> str:
    return email.strip().lower()


def recipient_id_for(email: str) -> str:
    """The same person (address) gets the same id whichever service mentions them first."""
    return uuid.uuid5(_NAMESPACE, normalised_email(email)).hex
