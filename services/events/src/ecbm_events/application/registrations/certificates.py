"""Verification codes of certificates: random, unambiguous, easy to type from paper."""

from __future__ import annotations

import secrets

from ecbm_runtime.errors import NotFound

# No 0/O, 1/I/L: a code is read from paper and typed in.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CertificateNotFound(NotFound):
    """No certificate has this verification code."""


def new_certificate_code() -> str:
    """Twelve characters in three groups, e.g. K7QH-3MZP-X2RD (about 59 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalised_code(typed: str) -> str:
    """The code as issued, whatever case, spaces or dashes it was typed with."""
    raw = "".join(c for c in typed.upper() if c.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
