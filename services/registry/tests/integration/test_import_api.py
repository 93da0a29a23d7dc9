"""ImportService over real gRPC: streamed outcomes, progress, summary, roles and bad streams."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from ecbm.registry.v1 import import_pb2 as ipb
from ecbm.registry.v1 import import_pb2_grpc, registry_pb2_grpc
from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_registry.adapters.imports.client import import_rows, row_message
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import bearer


def token(*roles: str) -> str:
    return issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "importer", list(roles), 600)


def fields(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "external_id": f"ext-{number}", "organisation_name": "Lyon Mentoring Lab",
        "organisation_country": "FR", "organisation_kind": "network",
        "contact_name": "Léa Martin", "contact_email": "lea@example.org",
        "display_name": f"Tremplin {number}", "languages": ["fr"], "countries": ["FR"],
        "formats": ["group"], "city": "Lyon", "mentors_per_year": 20,
        "evaluations": [{"design": "descriptive", "year": 2022, "link": ""}],
        **changes,
    }  # fmt: skip


def test_an_editor_streams_rows_and_gets_outcomes_progress_and_a_summary(
    registry_channel: grpc.Channel,
) -> None:
    rows = [row_message(n, fields(n)) for n in range(2, 302)]
    rows.append(row_message(302, fields(302, countries=["ZZ"], age_min=9, age_max=3)))

    responses = list(import_rows(registry_channel, token("editor"), rows, total_rows=301))

    outcomes = [o for r in responses if r.HasField("outcomes") for o in r.outcomes.outcomes]
    progress = [r.progress for r in responses if r.HasField("progress")]
    summary = responses[-1].summary
    assert (summary.created, summary.invalid, summary.organisations_created) == (300, 1, 1)
    assert [p.rows_done for p in progress] == [250, 301] and progress[-1].total_rows == 301
    (bad,) = [o for o in outcomes if o.outcome == ipb.RowOutcome.OUTCOME_INVALID]
    assert bad.row == 302 and sorted(e.field for e in bad.errors) == [
        "age_max", "countries", "countries[0]",
    ]  # fmt: skip
    registry = registry_pb2_grpc.RegistryServiceStub(registry_channel)
    found = registry.GetProgramme(pb.GetProgrammeRequest(name=outcomes[0].programme))
    assert found.display_name == "Tremplin 2" and found.location.matched.startswith("Lyon")

    again = list(import_rows(registry_channel, token("admin"), rows[:5]))

    assert again[-1].summary.unchanged == 5 and again[-1].summary.created == 0


def test_a_dry_run_over_the_api_writes_nothing(registry_channel: grpc.Channel) -> None:
    rows = [row_message(2, fields(2))]

    dry = list(import_rows(registry_channel, token("editor"), rows, dry_run=True))
    real = list(import_rows(registry_channel, token("editor"), rows))

    assert dry[-1].summary.dry_run and dry[-1].summary.created == 1
    assert real[-1].summary.created == 1  # the dry run left the key free


def test_members_may_not_import(registry_channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        list(import_rows(registry_channel, token("member"), [row_message(2, fields(2))]))

    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_rows_before_the_header_are_invalid_argument(registry_channel: grpc.Channel) -> None:
    stub = import_pb2_grpc.ImportServiceStub(registry_channel)
    requests = [ipb.ImportProgrammesRequest(rows=ipb.ProgrammeRows(rows=[row_message(2, {})]))]

    with pytest.raises(grpc.RpcError) as raised:
        list(stub.ImportProgrammes(iter(requests), metadata=bearer("editor")))

    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "header" in (raised.value.details() or "")
