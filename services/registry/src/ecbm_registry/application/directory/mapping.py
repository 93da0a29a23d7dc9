"""The map: GeoJSON features of programmes and per-country counts for a choropleth."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ecbm_registry.application.directory.results import CountryAggregate


@dataclass(frozen=True)
class MappedProgramme:
    """What the map needs of one programme; multi-valued fields as tuples of ids."""

    programme_id: str
    display_name: str
    organisation_name: str
    countries: tuple[str, ...]
    target_groups: tuple[str, ...]
    formats: tuple[str, ...]
    city: str
    latitude: float | None
    longitude: float | None
    evidence_level: str
    quality_level: str


def feature_collection(programmes: Iterable[MappedProgramme]) -> str:
    """A GeoJSON FeatureCollection (RFC 7946: [longitude, latitude]) of those with a place."""
    features = [
        {
            "type": "Feature",
            "id": p.programme_id,
            "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
            "properties": {
                "name": f"programmes/{p.programme_id}",
                "display_name": p.display_name,
                "organisation_display_name": p.organisation_name,
                "countries": list(p.countries),
                "city": p.city,
                "quality_level": p.quality_level,
                "evidence_level": p.evidence_level,
            },
        }
        for p in programmes
        if p.latitude is not None and p.longitude is not None
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def country_aggregates(programmes: Iterable[MappedProgramme]) -> tuple[CountryAggregate, ...]:
    """Per country: programmes running there, by target group, format and evidence level.

    A programme in two countries counts in both; one with two target groups counts once
    under each (so a country's target-group counts may add up to more than its count).
    """
    counts: Counter[str] = Counter()
    target_groups: defaultdict[str, Counter[str]] = defaultdict(Counter)
    formats: defaultdict[str, Counter[str]] = defaultdict(Counter)
    evidence: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for p in programmes:
        for country in p.countries:
            counts[country] += 1
            target_groups[country].update(p.target_groups)
            formats[country].update(p.formats)
            evidence[country][p.evidence_level] += 1
    return tuple(
        CountryAggregate(
            country=country,
            count=counts[country],
            target_groups=dict(target_groups[country]),
            formats=dict(formats[country]),
            evidence_levels=dict(evidence[country]),
        )
        for country in sorted(counts)
    )
