"""DirectoryService over gRPC (real servicer and interceptors) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

import grpc
import pytest

from ecbm.registry.v1 import directory_pb2 as pb
from ecbm.registry.v1 import directory_pb2_grpc, registry_pb2
from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import Registry
from ecbm_runtime.actor import Actor
from ecbm_runtime.testing import violations

CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def stub(channel: grpc.Channel) -> directory_pb2_grpc.DirectoryServiceStub:
    return directory_pb2_grpc.DirectoryServiceStub(channel)


@pytest.fixture
def seeded(registry: Registry) -> list[str]:
    organisation = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    made = []
    for name, countries, groups, city in [
        ("Buddy Up Gent", ("BE",), ("youth",), "Ghent"),
        ("Job Mentors Utrecht", ("NL",), ("job-seekers",), "Utrecht"),
        ("Mentoring Women Brussels", ("BE",), ("women",), ""),
    ]:
        programme = registry.bus.handle(
            commands.RegisterProgramme.model_validate(
                {"actor": CENTER_EDITOR, "organisation_id": organisation.id, "display_name": name,
                 "description": f"{name}: mentoring for everyone who wants it.",
                 "languages": ("en",), "countries": countries, "target_groups": groups,
                 "city": city}
            )
        )  # fmt: skip
        made.append(str(programme.id))
    return made


def test_search_is_public_and_returns_hits_facets_and_pages(
    seeded: list[str], registry_channel: grpc.Channel
) -> None:
    first = stub(registry_channel).SearchProgrammes(
        pb.SearchProgrammesRequest(query="mentoring", page_size=2, language="nl")
    )

    assert first.total_size == 3 and len(first.results) == 2 and first.next_page_token
    hit = first.results[0]
    assert hit.name.startswith("programmes/") and hit.organisation.startswith("organisations/")
    assert hit.organisation_display_name == "Mentoring Lab"
    assert hit.status == registry_pb2.PROGRAMME_STATUS_ACTIVE
    assert hit.quality_level == "none" and hit.evidence_level == "none"
    countries = next(f for f in first.facets if f.field == "countries")
    assert [(v.value, v.label, v.count) for v in countries.values] == [
        ("BE", "België", 2), ("NL", "Nederland", 1),
    ]  # fmt: skip

    second = stub(registry_channel).SearchProgrammes(
        pb.SearchProgrammesRequest(query="mentoring", page_size=2, page_token=first.next_page_token)
    )
    assert len(second.results) == 1 and not second.next_page_token
    names = {r.name for r in [*first.results, *second.results]}
    assert names == {f"programmes/{p}" for p in seeded}


def test_search_filters_by_facets_and_locates_hits(
    seeded: list[str], registry_channel: grpc.Channel
) -> None:
    found = stub(registry_channel).SearchProgrammes(
        pb.SearchProgrammesRequest(
            filter=pb.DirectoryFilter(countries=["be"], target_groups=["youth"])
        )
    )

    assert [r.display_name for r in found.results] == ["Buddy Up Gent"]
    assert found.results[0].HasField("location") and found.results[0].location.latitude > 50
    assert (
        not stub(registry_channel)
        .SearchProgrammes(
            pb.SearchProgrammesRequest(
                filter=pb.DirectoryFilter(status=registry_pb2.PROGRAMME_STATUS_PAUSED)
            )
        )
        .results
    )


def test_get_map_returns_geojson_for_leaflet_and_country_aggregates(
    seeded: list[str], registry_channel: grpc.Channel
) -> None:
    answer = stub(registry_channel).GetMap(pb.GetMapRequest())

    collection = json.loads(answer.geojson)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 2  # the Brussels one has no city, so no point
    longitude, latitude = collection["features"][0]["geometry"]["coordinates"]
    assert 3 < longitude < 6 and 50 < latitude < 53
    by_country = {c.country: c for c in answer.countries}
    assert by_country["BE"].count == 2 and dict(by_country["BE"].target_groups) == {
        "youth": 1, "women": 1,
    }  # fmt: skip
    assert answer.total_size == 3


@pytest.mark.parametrize(
    ("request_filter", "field", "allowed"),
    [
        (pb.DirectoryFilter(countries=["ZZ"]), "filter.countries[0]", "ISO 3166-1"),
        (pb.DirectoryFilter(target_groups=["teens"]), "filter.target_groups[0]", "youth"),
        (pb.DirectoryFilter(quality_levels=["gold"]), "filter.quality_levels[0]", "distinction"),
        (
            pb.DirectoryFilter(status=registry_pb2.PROGRAMME_STATUS_WITHDRAWN),
            "filter.status",
            "active",
        ),
    ],
)
def test_an_unknown_filter_value_is_invalid_argument_naming_field_and_allowed_form(
    registry_channel: grpc.Channel, request_filter: pb.DirectoryFilter, field: str, allowed: str
) -> None:
    directory = stub(registry_channel)
    calls: list[Callable[[], object]] = [
        lambda: directory.SearchProgrammes(pb.SearchProgrammesRequest(filter=request_filter)),
        lambda: directory.GetMap(pb.GetMapRequest(filter=request_filter)),
    ]
    for call in calls:
        with pytest.raises(grpc.RpcError) as raised:
            call()
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        [(violated, description)] = violations(raised.value).items()
        assert violated == field and allowed in description


def test_a_page_token_of_another_search_is_invalid_argument(
    seeded: list[str], registry_channel: grpc.Channel
) -> None:
    first = stub(registry_channel).SearchProgrammes(
        pb.SearchProgrammesRequest(query="mentoring", page_size=1)
    )
    with pytest.raises(grpc.RpcError) as raised:
        stub(registry_channel).SearchProgrammes(
            pb.SearchProgrammesRequest(query="buddy", page_token=first.next_page_token)
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in (raised.value.details() or "")
