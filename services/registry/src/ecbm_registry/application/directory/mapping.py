"""The map: GeoJSON features of programmes and per-country counts for a choropleth."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ecbm_registry.application.directory.results import CountryAggregate


@dataclass(frozen=True)
class MappedProgramme:
    """What a programme's map feature shows."""

    programme_id: str
    display_name: str
    organisation_name: str
    countries: tuple[str, ...]
    city: str
    latitude: float | None
    longitude: float | None
    evidence_level: str
    quality_level: str


def feature(p: MappedProgramme) -> str | None:
    """The programme's GeoJSON Point Feature (RFC 7946: [longitude, latitude]) as JSON text;
    None without a location. Rendered when the programme changes, not per map request."""
    if p.latitude is None or p.longitude is None:
        return None
    rendered = {
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
    return json.dumps(rendered, ensure_ascii=False, separators=(",", ":"))


def feature_collection(features: Iterable[str]) -> str:
    """A GeoJSON FeatureCollection of rendered features, without parsing them again."""
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


# (countries, target groups, formats, evidence level): ids separated by spaces, as stored.
Tally = tuple[str, str, str, str]


def country_aggregates(tallies: Iterable[Tally]) -> tuple[CountryAggregate, ...]:
    """Per country: programmes running there, by target group, format and evidence level.

    A programme in two countries counts in both; one with two target groups counts once
    under each (so a country's target-group counts may add up to more than its count).
    Identical profiles are counted together first: a map has many alike.
    """
    counts: Counter[str] = Counter()
    target_groups: defaultdict[str, Counter[str]] = defaultdict(Counter)
    formats: defaultdict[str, Counter[str]] = defaultdict(Counter)
    evidence: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for (countries, groups, kinds, level), times in Counter(tallies).items():
        group_list, kind_list = groups.split(), kinds.split()
        for country in countries.split():
            counts[country] += times
            for group in group_list:
                target_groups[country][group] += times
            for kind in kind_list:
                formats[country][kind] += times
            evidence[country][level] += times
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
