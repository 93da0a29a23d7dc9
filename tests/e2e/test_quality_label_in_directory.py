"""A quality award end to end: registry's membership and editor → quality's affiliation;
the committee's decision → QualityLabelAwarded → registry's directory facet. Then, on the
same processes (they take most of the time), the demo seeds every step through both apis."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
from test_first_slice import organisation_request, programme_request

from ecbm.quality.v1 import quality_pb2 as qpb
from ecbm.quality.v1 import quality_pb2_grpc
from ecbm.registry.v1 import directory_pb2 as dpb
from ecbm.registry.v1 import directory_pb2_grpc, people_pb2_grpc, registry_pb2_grpc
from ecbm.registry.v1 import people_pb2 as ppb
from ecbm.registry.v1 import registry_pb2 as rpb
from ecbm_quality.domain.default_criteria import default_content
from ecbm_quality.entrypoints import demo
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import bearer, wait_until

from platform_processes import ServiceProcesses

pytestmark = pytest.mark.e2e
EDITOR = bearer("editor", subject="chair")
ADMIN_TOKEN = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "admin", ["admin"], 3600)
CODES = list(default_content().criteria_by_code())


@pytest.fixture
def platform(isolated_amqp_url: str, tmp_path: Path) -> Any:
    """registry and quality, api and worker each, on SQLite."""
    started = []
    for name in ("registry", "quality"):
        env = {
            "ECBM_AMQP_URL": isolated_amqp_url,
            f"ECBM_{name.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / (name + '.db')}",
            "ECBM_QUALITY_VERIFY_HTTP_PORT": "0",
        }
        service = ServiceProcesses(name, env, tmp_path)
        started.append(service)
        service.start("api")
        service.start("worker")
    yield {service.name: grpc.insecure_channel(service.target) for service in started}
    for service in started:
        service.stop()


def person(people: Any, name: str, role: int) -> str:
    created = people.CreatePerson(
        ppb.CreatePersonRequest(
            request_id=str(uuid.uuid4()),
            person=ppb.Person(display_name=name, email=f"{uuid.uuid4().hex[:8]}@example.org",
                              country="BE", roles=[role]),
        ),
        metadata=EDITOR,
    )  # fmt: skip
    return str(created.name).removeprefix("people/")


def quality_levels(directory: Any) -> dict[str, int]:
    found = directory.SearchProgrammes(dpb.SearchProgrammesRequest())
    [facet] = [f for f in found.facets if f.field == "quality_levels"]
    return {v.value: v.count for v in facet.values}


def test_a_committee_award_shows_in_the_directorys_quality_facet(platform: Any) -> None:
    registry = registry_pb2_grpc.RegistryServiceStub(platform["registry"])
    people = people_pb2_grpc.PeopleServiceStub(platform["registry"])
    directory = directory_pb2_grpc.DirectoryServiceStub(platform["registry"])
    quality = quality_pb2_grpc.QualityServiceStub(platform["quality"])

    coordinator = person(people, "Cora Coordinator", ppb.PERSON_ROLE_PROGRAMME_COORDINATOR)
    researcher = person(people, "Ria Researcher", ppb.PERSON_ROLE_RESEARCHER)
    practitioner = person(people, "Piet Practitioner", ppb.PERSON_ROLE_PRACTITIONER)
    membership = f"people/{coordinator}/membership"
    people.ApplyForMembership(ppb.ApplyForMembershipRequest(name=membership), metadata=EDITOR)
    people.ApproveMembership(ppb.ApproveMembershipRequest(name=membership), metadata=EDITOR)
    organisation = registry.RegisterOrganisation(
        organisation_request("contact@example.org"), metadata=EDITOR
    )
    registry.AddOrganisationEditor(
        rpb.AddOrganisationEditorRequest(name=organisation.name, editor=f"people/{coordinator}"),
        metadata=EDITOR,
    )
    programme = registry.RegisterProgramme(programme_request(organisation.name), metadata=EDITOR)
    wait_until(lambda: quality_levels(directory) == {"affiliated": 1}, 30, message="affiliated")

    created = quality.CreateCriteriaSet(
        qpb.CreateCriteriaSetRequest(criteria_set=qpb.CriteriaSet(version=1)), metadata=EDITOR
    )
    quality.PublishCriteriaSet(qpb.PublishCriteriaSetRequest(name=created.name), metadata=EDITOR)
    cora = bearer("member", subject=coordinator)
    name = quality.CreateApplication(
        qpb.CreateApplicationRequest(programme=programme.name, step=qpb.STEP_ACCREDITED),
        metadata=cora,
    ).name
    for code in CODES:
        assessment = qpb.CriterionAssessment(code=code, score=3, evidence=["handbook.pdf"])
        quality.AssessCriterion(qpb.AssessCriterionRequest(name=name, assessment=assessment),
                                metadata=cora)  # fmt: skip
    quality.SubmitSelfAssessment(qpb.SubmitSelfAssessmentRequest(name=name), metadata=cora)
    seats = [qpb.PanelSeat(person=f"people/{researcher}", role="researcher"),
             qpb.PanelSeat(person=f"people/{practitioner}", role="practitioner")]  # fmt: skip
    wait_until(lambda: _assigned(quality, name, seats), 30, message="auditors known to quality")
    scores = dict.fromkeys(CODES, 3)
    for auditor in (researcher, practitioner):
        quality.ScoreApplication(qpb.ScoreApplicationRequest(name=name, scores=scores),
                                 metadata=bearer("auditor", subject=auditor))  # fmt: skip
    quality.ReconcileScores(qpb.ReconcileScoresRequest(name=name, scores=scores),
                            metadata=bearer("auditor", subject=researcher))  # fmt: skip

    quality.DecideApplication(
        qpb.DecideApplicationRequest(name=name, outcome=qpb.OUTCOME_AWARD, reasons="meets all"),
        metadata=EDITOR,
    )

    wait_until(lambda: quality_levels(directory) == {"accredited": 1}, 30, message="facet")
    hit = directory.SearchProgrammes(dpb.SearchProgrammesRequest()).results[0]
    assert hit.quality_level == "accredited"

    demo.seed_on(platform["registry"], platform["quality"], ADMIN_TOKEN)

    register = quality.ListLabels(qpb.ListLabelsRequest(page_size=50)).labels
    assert sorted(qpb.Step.Name(label.step) for label in register) == [
        "STEP_ACCREDITED", "STEP_ACCREDITED", "STEP_DISTINCTION",
    ]  # fmt: skip
    suspended = quality.ListLabels(qpb.ListLabelsRequest(standing="suspended")).labels
    assert [label.programme_display_name for label in suspended] == ["Mentoring Lisboa"]
    wait_until(
        lambda: quality_levels(directory).get("distinction") == 1, 30, message="demo in registry"
    )


def _assigned(quality: Any, name: str, seats: list[qpb.PanelSeat]) -> bool:
    """The panel, once quality's worker has taken in the auditors' roles from registry."""
    try:
        quality.AssignPanel(qpb.AssignPanelRequest(name=name, seats=seats), metadata=EDITOR)
    except grpc.RpcError as error:
        if error.code() is grpc.StatusCode.FAILED_PRECONDITION:
            return False
        raise
    return True
