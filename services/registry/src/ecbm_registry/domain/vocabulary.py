"""Codes the registry accepts: ISO 3166-1 countries and ISO 639-1 languages."""

from __future__ import annotations

from typing import Annotated

import pycountry
from pydantic import AfterValidator


def country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'BE', 'NL')")
    return code


def language_code(value: str) -> str:
    code = value.strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code (e.g. 'en', 'fr')")
    return code


CountryCode = Annotated[str, AfterValidator(country_code)]
LanguageCode = Annotated[str, AfterValidator(language_code)]
