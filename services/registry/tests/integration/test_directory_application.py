"""The programme directory through the bus on SQLite and PostgreSQL: search, facets, map,
projections of programme changes, quality labels in, replay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import count

import pydantic
import pytest

from ecbm_integration import quality
from ecbm_registry.application.directory.queries import GetMap, SearchProgrammes
from ecbm_registry.application.directory.results import SearchResult
from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import WIRED, Registry
from ecbm_runtime.actor import Actor
from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import InvalidArgument
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.projections import replay

EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))
_ids = count(1)


def organisation(registry: Registry, name: str = "Mentoring Lab", country: str = "BE") -> str:
    made = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name=name, kind="mentoring_organisation", country=country,
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    return str(made.id)


def programme(registry: Registry, organisation_id: str, name: str, **fields: object) -> str:
    values: dict[str, object] = {
        "actor": EDITOR,
        "organisation_id": organisation_id,
        "display_name": name,
        "description": "",
        "languages": ("en",),
        "countries": ("BE",),
        **fields,
    }
    made = registry.bus.handle(commands.RegisterProgramme.model_validate(values))
    return str(made.id)


def search(registry: Registry, query: str = "", **filters: object) -> SearchResult:
    query_ = SearchProgrammes.model_validate({"query": query, "filter": filters})
    result = registry.bus.handle(query_)
    assert isinstance(result, SearchResult)
    return result


def names(result: SearchResult) -> list[str]:
    return [hit.display_name for hit in result.hits]


def facet(result: SearchResult, field: str) -> dict[str, int]:
    [found] = [f for f in result.facets if f.field == field]
    return {v.value: v.count for v in found.values}


def deliver(registry: Registry, event: object, event_id: str | None = None) -> None:
    delivery = Delivery("registry.quality", event_id or f"q{next(_ids)}")
    registry.bus.handle(event, MessageContext(delivery=delivery))


def awarded(programme_id: str, level: str, at: datetime) -> quality.QualityLabelAwarded:
    return quality.QualityLabelAwarded(
        programme_id=programme_id, step=quality.QualityStep(level), occurred_at=at
    )


@pytest.fixture
def europe(registry: Registry) -> dict[str, str]:
    """Four programmes in three countries with different profiles."""
    lab = organisation(registry)
    verein = organisation(registry, "Mentoring Verein Wien", "AT")
    return {
        "buddy": programme(
            registry, lab, "Buddy Up Gent",
            description="Young newcomers meet a buddy who knows the city of Ghent.",
            target_groups=("youth", "migrants-refugees"), formats=("one-to-one",),
            focus_areas=("social-inclusion",), city="Ghent",
        ),
        "jobs": programme(
            registry, lab, "Job Mentors",
            description="Job seekers find work with a mentor from a company.",
            countries=("BE", "NL"), target_groups=("job-seekers",), formats=("group",),
            focus_areas=("labour-market-integration",), latitude=52.1, longitude=5.1,
        ),
        "wien": programme(
            registry, verein, "Jugendförderung Wien",
            description="Schüler:innen begleiten jüngere Jugendliche beim Übergang.",
            countries=("AT",), target_groups=("youth",), formats=("one-to-one", "peer"),
            focus_areas=("education",), city="Wien",
        ),
        "paused": programme(
            registry, lab, "Buddy Pause", countries=("BE",), status="paused",
            target_groups=("youth",),
        ),
    }  # fmt: skip


def test_text_matches_word_starts_without_regard_to_case_or_accents(
    registry: Registry, europe: dict[str, str]
) -> None:
    assert names(search(registry, "JUGENDFORDER")) == ["Jugendförderung Wien"]
    assert names(search(registry, "übergang")) == ["Jugendförderung Wien"]
    assert names(search(registry, "buddy ghent")) == ["Buddy Up Gent"]
    assert names(search(registry, "verein")) == ["Jugendförderung Wien"]  # organisation name
    assert search(registry, "buddy nowhere").total_size == 0
    # Punctuation and operators of either engine are only separators.
    assert names(search(registry, 'buddy" * & :| ( -')) == ["Buddy Up Gent"]


def test_only_programmes_of_the_status_asked_for_are_found(
    registry: Registry, europe: dict[str, str]
) -> None:
    assert names(search(registry, "buddy")) == ["Buddy Up Gent"]
    assert names(search(registry, "buddy", status="paused")) == ["Buddy Pause"]


def test_each_facet_counts_under_the_other_facets_selections_but_not_its_own(
    registry: Registry, europe: dict[str, str]
) -> None:
    result = search(registry, target_groups=["youth"], countries=["BE"])

    assert names(result) == ["Buddy Up Gent"]
    assert result.total_size == 1
    # Countries ignore the country selection: youth programmes per country.
    assert facet(result, "countries") == {"AT": 1, "BE": 1}
    # Target groups ignore the target-group selection: programmes in BE per group.
    assert facet(result, "target_groups") == {"youth": 1, "migrants-refugees": 1, "job-seekers": 1}
    assert facet(result, "formats") == {"one-to-one": 1}
    assert facet(result, "quality_levels") == {"none": 1}
    assert [f.field for f in result.facets] == [
        "countries", "target_groups", "formats", "focus_areas", "evidence_levels",
        "quality_levels",
    ]  # fmt: skip


def test_a_selected_value_without_programmes_stays_in_its_facet(
    registry: Registry, europe: dict[str, str]
) -> None:
    result = search(registry, target_groups=["women"])

    assert result.total_size == 0
    assert facet(result, "target_groups")["women"] == 0


def test_facet_labels_come_in_the_language_asked_for(
    registry: Registry, europe: dict[str, str]
) -> None:
    result = registry.bus.handle(SearchProgrammes(language="fr"))
    [countries] = [f for f in result.facets if f.field == "countries"]
    labels = {v.value: v.label for v in countries.values}
    assert labels["BE"] == "Belgique" and labels["AT"] == "Autriche"
    [groups] = [f for f in result.facets if f.field == "target_groups"]
    assert groups.label == "Publics cibles"
    assert {v.value: v.label for v in groups.values}["youth"] == "Jeunes"


def test_labelled_programmes_rank_first_highest_level_first(
    registry: Registry, europe: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    deliver(registry, awarded(europe["jobs"], "affiliated", now))
    deliver(registry, awarded(europe["wien"], "distinction", now))

    result = search(registry)

    assert names(result) == ["Jugendförderung Wien", "Job Mentors", "Buddy Up Gent"]
    assert [hit.quality_level for hit in result.hits] == ["distinction", "affiliated", "none"]
    assert facet(result, "quality_levels") == {"distinction": 1, "affiliated": 1, "none": 1}
    assert names(search(registry, quality_levels=["accredited", "distinction"])) == [
        "Jugendförderung Wien"
    ]


def test_a_label_decision_older_than_the_one_held_changes_nothing(
    registry: Registry, europe: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    deliver(registry, awarded(europe["buddy"], "accredited", now))
    late = quality.QualityLabelWithdrawn(
        programme_id=europe["buddy"], step=quality.QualityStep.AFFILIATED,
        occurred_at=now - timedelta(days=1),
    )  # fmt: skip
    deliver(registry, late)
    assert search(registry, "buddy").hits[0].quality_level == "accredited"

    withdrawn = late.model_copy(update={"occurred_at": now + timedelta(seconds=1)})
    deliver(registry, withdrawn)
    assert search(registry, "buddy").hits[0].quality_level == "none"


def test_a_redelivered_label_event_is_applied_once(
    registry: Registry, europe: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    deliver(registry, awarded(europe["buddy"], "distinction", now), event_id="same")
    deliver(registry, awarded(europe["buddy"], "accredited", now + timedelta(seconds=1)))
    # The first event again: the inbox refuses it, so accredited (the newer) stays.
    with pytest.raises(Exception, match="already handled"):
        deliver(registry, awarded(europe["buddy"], "distinction", now), event_id="same")
    assert search(registry, "buddy").hits[0].quality_level == "accredited"


def test_a_label_awarded_before_the_programme_is_registered_is_kept(
    registry: Registry,
) -> None:
    deliver(registry, awarded("early-bird", "accredited", datetime.now(UTC)))
    assert search(registry).total_size == 0  # nothing to show yet, and nothing failed


def test_programme_and_organisation_changes_reach_the_directory(
    registry: Registry, europe: dict[str, str]
) -> None:
    buddy = europe["buddy"]
    registry.bus.handle(
        commands.UpdateProgramme.model_validate(
            {"actor": EDITOR, "programme_id": buddy, "expected_version": 1,
             "programme": {"display_name": "Maatjes Gent", "target_groups": ("children",)}}
        )
    )  # fmt: skip
    assert names(search(registry, "maatjes")) == ["Maatjes Gent"]
    assert search(registry, "buddy up").total_size == 0
    assert names(search(registry, target_groups=["children"])) == ["Maatjes Gent"]
    assert search(registry, target_groups=["migrants-refugees"]).total_size == 0

    registry.bus.handle(
        commands.AddEvaluation.model_validate(
            {"actor": EDITOR, "programme_id": buddy,
             "evaluation": {"design": "randomised", "year": 2024}}
        )
    )  # fmt: skip
    assert names(search(registry, evidence_levels=["randomised"])) == ["Maatjes Gent"]

    registry.bus.handle(commands.WithdrawProgramme(actor=EDITOR, programme_id=buddy))
    assert search(registry, "maatjes").total_size == 0


def test_an_organisation_renamed_is_found_by_its_new_name(
    registry: Registry, europe: dict[str, str]
) -> None:
    [hit] = search(registry, "verein").hits
    registry.bus.handle(
        commands.UpdateOrganisation.model_validate(
            {"actor": EDITOR, "organisation_id": hit.organisation_id, "expected_version": 1,
             "organisation": {"display_name": "Mentoring Netzwerk Wien"}}
        )
    )  # fmt: skip
    assert search(registry, "verein").total_size == 0
    [renamed] = search(registry, "netzwerk").hits
    assert renamed.organisation_name == "Mentoring Netzwerk Wien"


def test_did_you_mean_suggests_close_names_when_few_are_found(
    registry: Registry, europe: dict[str, str]
) -> None:
    result = search(registry, "jugendfördrung")

    assert result.total_size == 0
    assert result.did_you_mean[0] == "Jugendförderung Wien"
    assert search(registry, "buddy").did_you_mean == ()  # found it; no suggestion


def test_pages_cover_every_hit_once_and_a_foreign_token_is_refused(
    registry: Registry,
) -> None:
    lab = organisation(registry)
    for n in range(7):
        programme(registry, lab, f"Programme {n}", description="mentoring for all")
    seen: list[str] = []
    offset, key = 0, None
    while True:
        page = registry.bus.handle(
            SearchProgrammes(query="mentoring", page_size=3, offset=offset, page_key=key)
        )
        seen += [hit.programme_id for hit in page.hits]
        if page.next_offset is None:
            break
        offset, key = page.next_offset, page.key
    assert len(seen) == len(set(seen)) == 7 == page.total_size

    with pytest.raises(InvalidArgument, match="page_token"):
        registry.bus.handle(SearchProgrammes(query="other", offset=3, page_key=key))


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"countries": ["XX"]}, "countries"),
        ({"target_groups": ["teenagers"]}, "target_groups"),
        ({"evidence_levels": ["strong"]}, "evidence_levels"),
        ({"quality_levels": ["gold"]}, "quality_levels"),
        ({"status": "withdrawn"}, "status"),
    ],
)
def test_an_unknown_filter_value_is_refused_naming_the_field(
    filters: dict[str, object], field: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        SearchProgrammes.model_validate({"filter": filters})
    [error] = raised.value.errors()
    assert error["loc"][:2] == ("filter", field)


def test_the_map_has_a_feature_per_located_programme_and_counts_per_country(
    registry: Registry, europe: dict[str, str]
) -> None:
    result = registry.bus.handle(GetMap())

    collection = json.loads(result.geojson)
    assert collection["type"] == "FeatureCollection"
    located = {f["properties"]["display_name"]: f for f in collection["features"]}
    assert set(located) == {"Buddy Up Gent", "Job Mentors", "Jugendförderung Wien"}
    assert located["Job Mentors"]["geometry"] == {"type": "Point", "coordinates": [5.1, 52.1]}
    by_country = {c.country: c for c in result.countries}
    assert {c: a.count for c, a in by_country.items()} == {"AT": 1, "BE": 2, "NL": 1}
    assert by_country["BE"].target_groups == {
        "youth": 1, "migrants-refugees": 1, "job-seekers": 1,
    }  # fmt: skip
    assert by_country["BE"].evidence_levels == {"none": 2}
    assert result.total_size == 3

    youth = registry.bus.handle(GetMap.model_validate({"filter": {"target_groups": ["youth"]}}))
    assert {c.country for c in youth.countries} == {"AT", "BE"}


def test_replay_rebuilds_the_directory_and_keeps_the_labels(
    registry: Registry, europe: dict[str, str]
) -> None:
    deliver(registry, awarded(europe["jobs"], "accredited", datetime.now(UTC)))
    before = search(registry, "company")

    replay(registry.engine, registry.wiring, WIRED.read_model_tables)

    after = search(registry, "company")
    assert names(after) == names(before) == ["Job Mentors"]
    assert after.hits[0].quality_level == "accredited"
    assert search(registry, "jugendforderung").total_size == 1
