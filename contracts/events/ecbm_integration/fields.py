"""Constrained field types shared by integration events (no extra dependencies)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code, upper case, e.g. PT.", examples=["PT"]),
]

LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2}$"),
    Field(description="ISO 639-1 language code, lower case, e.g. pt.", examples=["pt"]),
]

Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    Field(
        description="E-mail address, checked loosely (local@domain.tld).",
        examples=["ana@example.org"],
    ),
]

SealedContact = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2048, pattern=r"^[A-Za-z0-9_-]+=*$"),
    Field(
        description=(
            "A person's name and e-mail address sealed with the contact-sealing keys "
            "(a Fernet token; ecbm_runtime.sealing). Only services holding the keys open it."
        )
    ),
]

ResourceId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"),
    Field(description="Id part of a resource name, e.g. 123 in programmes/123."),
]

DisplayName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    Field(description="Human-readable name, 1 to 200 characters."),
]

OccurredAt = Annotated[
    AwareDatetime,
    Field(description="When the fact happened, with time zone (RFC 3339)."),
]
