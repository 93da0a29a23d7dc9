"""The map: GeoJSON features of programmes (country counts: see facet_index.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass


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
