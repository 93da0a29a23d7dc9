"""The quality api as callers see it, on both databases: the accreditation journey over gRPC,
field-level errors naming the criterion, object checks by a second user, and verification
of the label over gRPC and plain HTTP (JSON and SVG badge)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from quality_journey import affiliate, auditors

from ecbm.quality.v1 import quality_pb2 as pb
from ecbm.quality.v1.quality_pb2_grpc import QualityServiceStub
from ecbm_quality.bootstrap import SERVICE, QualitySettings, bootstrap
from ecbm_quality.domain.default_criteria import default_content
from ecbm_quality.entrypoints.verify_http import verify_http_server
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer, free_port, violations

CHAIR = bearer("editor", subject="chair")
CORA = bearer("member", subject="cora")
OTTO = bearer("member", subject="otto")
RIA = bearer("auditor", subject="ria")
PIET = bearer("auditor", subject="piet")
CODES = list(default_content().criteria_by_code())


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[QualityServiceStub, int]]:
    """The api in process with registry's facts delivered as the worker would; the stub and
    the HTTP verification port."""
    upgrade(SERVICE.migrations, database_url)
    http_port = free_port()
    settings = SERVICE.load_settings(
        database_url=database_url, grpc_port=0, verify_http_port=http_port
    )
    assert isinstance(settings, QualitySettings)
    worker = bootstrap(settings)
    now = datetime.now(UTC)
    affiliate(worker.bus, now)
    affiliate(worker.bus, now, programme="jobs", org="org-2", coordinator="otto")
    auditors(worker.bus, now)
    worker.close()
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield QualityServiceStub(channel), http_port


def http_get(port: int, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def decided(stub: QualityServiceStub, outcome: int = pb.OUTCOME_AWARD) -> str:
    """Through every step of an accreditation over gRPC to the committee's decision; the
    application's name."""
    created = stub.CreateCriteriaSet(
        pb.CreateCriteriaSetRequest(criteria_set=pb.CriteriaSet(version=1)), metadata=CHAIR
    )
    stub.PublishCriteriaSet(pb.PublishCriteriaSetRequest(name=created.name), metadata=CHAIR)
    application = stub.CreateApplication(
        pb.CreateApplicationRequest(programme="programmes/buddy", step=pb.STEP_ACCREDITED),
        metadata=CORA,
    )
    name = application.name
    for code in CODES:
        assessment = pb.CriterionAssessment(code=code, score=3, evidence=["handbook.pdf"])
        stub.AssessCriterion(pb.AssessCriterionRequest(name=name, assessment=assessment),
                             metadata=CORA)  # fmt: skip
    stub.SubmitSelfAssessment(pb.SubmitSelfAssessmentRequest(name=name), metadata=CORA)
    seats = [pb.PanelSeat(person="people/ria", role="researcher"),
             pb.PanelSeat(person="people/piet", role="practitioner")]  # fmt: skip
    stub.AssignPanel(pb.AssignPanelRequest(name=name, seats=seats), metadata=CHAIR)
    scores = dict.fromkeys(CODES, 3)
    for auditor in (RIA, PIET):
        stub.ScoreApplication(pb.ScoreApplicationRequest(name=name, scores=scores),
                              metadata=auditor)  # fmt: skip
    stub.ReconcileScores(pb.ReconcileScoresRequest(name=name, scores=scores), metadata=RIA)
    decision = stub.DecideApplication(
        pb.DecideApplicationRequest(name=name, outcome=outcome, reasons="meets all"),
        metadata=CHAIR,
    )
    assert decision.state == "decided"
    decided_name: str = decision.name
    return decided_name


def awarded(stub: QualityServiceStub) -> str:
    """An accreditation awarded over gRPC; the label's code."""
    decided(stub)
    [label] = stub.ListLabels(pb.ListLabelsRequest(step=pb.STEP_ACCREDITED)).labels
    label_code: str = label.code
    return label_code


def test_an_awarded_label_verifies_over_grpc_and_http(
    served: tuple[QualityServiceStub, int],
) -> None:
    stub, port = served
    code = awarded(stub)

    label = stub.VerifyLabel(pb.VerifyLabelRequest(name=f"labels/{code.lower()}"))
    assert (label.step, label.standing, label.programme) == (
        pb.STEP_ACCREDITED, "valid", "programmes/buddy",
    )  # fmt: skip
    assert not label.HasField("conditions_due") and not label.conditions_met
    assert not stub.ListLabels(pb.ListLabelsRequest(open_conditions=True)).labels
    status, kind, body = http_get(port, f"/labels/{code}.json")
    assert status == 200 and kind.startswith("application/json")
    assert json.loads(body)["step"] == "accredited" and json.loads(body)["valid"] is True
    status, kind, body = http_get(port, f"/labels/{code}.svg")
    assert status == 200 and kind.startswith("image/svg+xml") and b"Accredited" in body
    assert http_get(port, "/labels/Q-0000-0000.json")[0] == 404

    stub.SuspendLabel(pb.SuspendLabelRequest(name=f"labels/{code}", reason="complaint"),
                      metadata=CHAIR)  # fmt: skip
    assert json.loads(http_get(port, f"/labels/{code}.json")[2])["standing"] == "suspended"
    history = stub.ListLabelHistory(pb.ListLabelHistoryRequest(programme="programmes/buddy"))
    assert [c.change for c in history.changes] == ["LabelAwarded", "LabelSuspended"]


def test_a_score_out_of_range_names_the_criterion_and_others_see_nothing(
    served: tuple[QualityServiceStub, int],
) -> None:
    stub, _ = served
    created = stub.CreateCriteriaSet(
        pb.CreateCriteriaSetRequest(criteria_set=pb.CriteriaSet(version=1)), metadata=CHAIR
    )
    stub.PublishCriteriaSet(pb.PublishCriteriaSetRequest(name=created.name), metadata=CHAIR)
    application = stub.CreateApplication(
        pb.CreateApplicationRequest(programme="programmes/buddy", step=pb.STEP_ACCREDITED),
        metadata=CORA,
    )
    bad = pb.CriterionAssessment(code="SCR-1", score=9)
    with pytest.raises(grpc.RpcError) as error:
        stub.AssessCriterion(pb.AssessCriterionRequest(name=application.name, assessment=bad),
                             metadata=CORA)  # fmt: skip
    assert error.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "criteria[SCR-1].score" in violations(error.value)

    calls: list[tuple[Any, Any]] = [
        (stub.GetApplication, pb.GetApplicationRequest(name=application.name)),
        (stub.SubmitSelfAssessment, pb.SubmitSelfAssessmentRequest(name=application.name)),
    ]
    for call, request in calls:
        with pytest.raises(grpc.RpcError) as denied:
            call(request, metadata=OTTO)
        assert denied.value.code() is grpc.StatusCode.NOT_FOUND

    with pytest.raises(grpc.RpcError) as skipped:
        stub.CreateApplication(
            pb.CreateApplicationRequest(programme="programmes/jobs", step=pb.STEP_DISTINCTION),
            metadata=OTTO,
        )
    assert skipped.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "cannot be skipped" in (skipped.value.details() or "")

    with pytest.raises(grpc.RpcError) as published:
        stub.PublishCriteriaSet(pb.PublishCriteriaSetRequest(name=created.name), metadata=CHAIR)
    assert published.value.code() is grpc.StatusCode.FAILED_PRECONDITION


def test_verification_over_http_is_limited_per_client(database_url: str) -> None:
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(
        database_url=database_url, verify_http_port=0,
        verify_http_per_client={"burst": 2, "per_minute": 1},
    )  # fmt: skip
    assert isinstance(settings, QualitySettings)
    app = bootstrap(settings)
    server = verify_http_server(app.bus, settings)
    server.start()
    try:
        answers = [http_get(server.port, "/labels/Q-AAAA-BBBB.json")[0] for _ in range(3)]
    finally:
        server.stop()
        app.close()
    assert answers == [404, 404, 429]


def test_a_criteria_set_of_ones_own_round_trips_and_a_missing_language_is_named(
    served: tuple[QualityServiceStub, int],
) -> None:
    stub, _ = served
    texts = {"en": "Text", "fr": "Texte", "de": "Text", "nl": "Tekst"}
    criterion = pb.Criterion(code="A-1", statement=texts, guidance=texts, evidence_expected=texts,
                             weight=2, required_for=pb.STEP_ACCREDITED)  # fmt: skip
    thresholds = [
        pb.Threshold(step=pb.STEP_ACCREDITED, overall=50, minimum_per_standard=30),
        pb.Threshold(step=pb.STEP_DISTINCTION, overall=75, minimum_per_standard=50),
    ]
    standard = pb.Standard(code="A", title=texts, criteria=[criterion])
    own = pb.CriteriaSet(version=2, title=texts, thresholds=thresholds, standards=[standard])

    created = stub.CreateCriteriaSet(pb.CreateCriteriaSetRequest(criteria_set=own), metadata=CHAIR)

    assert (created.name, created.state) == ("criteriaSets/v2", "draft")
    assert created.standards[0].criteria[0].required_for == pb.STEP_ACCREDITED
    assert {t.step: t.overall for t in created.thresholds} == {
        pb.STEP_ACCREDITED: 50, pb.STEP_DISTINCTION: 75,
    }  # fmt: skip

    del own.standards[0].criteria[0].statement["nl"]
    own.version = 3
    with pytest.raises(grpc.RpcError) as error:
        stub.CreateCriteriaSet(pb.CreateCriteriaSetRequest(criteria_set=own), metadata=CHAIR)
    assert error.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "criteria_set.standards[0].criteria[0].statement" in violations(error.value)


DORA = bearer("editor", subject="dora")  # on the committee, not involved in the audit


def test_an_appeal_is_a_resource_its_organisation_and_the_committee_see(
    served: tuple[QualityServiceStub, int],
) -> None:
    stub, _ = served
    application = decided(stub, pb.OUTCOME_REFUSE)
    stub.LodgeAppeal(pb.LodgeAppealRequest(name=application, grounds="evidence overlooked"),
                     metadata=CORA)  # fmt: skip
    [appeal] = stub.ListAppeals(pb.ListAppealsRequest(), metadata=CORA).appeals
    assert (appeal.application, appeal.state) == (application, pb.APPEAL_STATE_LODGED)
    assert appeal.name.startswith("appeals/")

    # Another organisation's coordinator: nothing to see.
    assert list(stub.ListAppeals(pb.ListAppealsRequest(), metadata=OTTO).appeals) == []
    with pytest.raises(grpc.RpcError) as hidden:
        stub.GetAppeal(pb.GetAppealRequest(name=appeal.name), metadata=OTTO)
    assert hidden.value.code() is grpc.StatusCode.NOT_FOUND
    # The chair decided the application: not the one to review its appeal.
    with pytest.raises(grpc.RpcError) as involved:
        stub.ReviewAppeal(pb.ReviewAppealRequest(name=appeal.name), metadata=CHAIR)
    assert involved.value.code() is grpc.StatusCode.PERMISSION_DENIED

    reviewed = stub.ReviewAppeal(pb.ReviewAppealRequest(name=appeal.name), metadata=DORA)
    assert (reviewed.state, reviewed.reviewer) == (pb.APPEAL_STATE_UNDER_REVIEW, "people/dora")
    dismiss = pb.DecideAppealRequest(
        name=appeal.name, upheld=False, reasons="the evidence was read"
    )
    stub.DecideAppeal(dismiss, metadata=DORA)
    dismissed = stub.ListAppeals(
        pb.ListAppealsRequest(state=pb.APPEAL_STATE_DISMISSED, programme="programmes/buddy",
                              page_size=1), metadata=CHAIR,
    )  # fmt: skip
    assert [a.reasons for a in dismissed.appeals] == ["the evidence was read"]
    assert not dismissed.next_page_token
    assert not stub.ListAppeals(
        pb.ListAppealsRequest(state=pb.APPEAL_STATE_LODGED), metadata=CHAIR
    ).appeals
