"""Demo quality data, loaded through the gRPC APIs (never into tables), for ``ecbm up --demo``.

Registry gets what affiliation needs (coordinators with approved memberships, editing their
organisations' programmes; a researcher and a practitioner); once quality's worker has taken
those in, quality gets a published criteria set and programmes at every step: affiliated,
accredited (with conditions), accredited with distinction, an audit in progress, a
suspended label and a refusal under appeal. Registry's creates are idempotent on their
``request_id`` and an application that exists is not made again, so seeding twice changes
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import grpc

from ecbm.quality.v1 import quality_pb2 as pb
from ecbm.quality.v1.quality_pb2_grpc import QualityServiceStub
from ecbm.registry.v1 import people_pb2 as ppb
from ecbm.registry.v1 import registry_pb2 as rpb
from ecbm.registry.v1.people_pb2_grpc import PeopleServiceStub
from ecbm.registry.v1.registry_pb2_grpc import RegistryServiceStub
from ecbm_quality.domain.default_criteria import default_content
from ecbm_runtime.auth import issue_token
from ecbm_runtime.service import load_service
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

Metadata = tuple[tuple[str, str], ...]
T = TypeVar("T")
# Registry's own demo (2,000 programmes, 520 people) reaches quality's worker first.
WAIT_SECONDS = 300.0
CODES = list(default_content().criteria_by_code())
# key: (programme name, country, where it ends up)
PROGRAMMES = {
    "affiliated": ("Samen Sterk Mentoring", "BE", "affiliated"),
    "accredited": ("Mentorat Jeunes Lyon", "FR", "accredited"),
    "distinction": ("Lernpaten Leipzig", "DE", "distinction"),
    "audit": ("Buddy Up Rotterdam", "NL", "audit in progress"),
    "suspended": ("Mentoring Lisboa", "PT", "suspended"),
    "appeal": ("Mentori Torino", "IT", "refused, under appeal"),
}


def token(subject: str, *roles: str) -> Metadata:
    """A development token (development mode only)."""
    minted = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, list(roles), 3600)
    return (("authorization", f"Bearer {minted}"),)


def seed(target: str, token_: str) -> None:
    """Seed through quality's api at ``target`` and registry's at its configured address."""
    settings = load_service("registry").load_settings()
    registry_target = f"{settings.grpc_host}:{settings.grpc_port}"
    with grpc.insecure_channel(registry_target) as registry, grpc.insecure_channel(target) as q:
        seed_on(registry, q, token_)


def seed_on(registry: grpc.Channel, quality: grpc.Channel, token_: str) -> None:
    Demo(registry, QualityServiceStub(quality), (("authorization", f"Bearer {token_}"),)).run()


def _until(attempt: Callable[[], T | None], what: str) -> T:
    """Retry while quality's worker has not yet taken in registry's facts."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            found = attempt()
            if found is not None:
                return found
        except grpc.RpcError as error:
            retry = (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND)
            if error.code() not in retry or time.monotonic() > deadline:  # type: ignore[attr-defined]
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"quality demo: {what} not ready after {WAIT_SECONDS:.0f}s")
        time.sleep(0.5)


class Demo:
    def __init__(self, registry: grpc.Channel, quality: QualityServiceStub, admin: Metadata):
        self.registry, self.people = RegistryServiceStub(registry), PeopleServiceStub(registry)
        self.quality, self.admin = quality, admin

    def run(self) -> None:
        # Two panels: rotation keeps a panel from auditing the same programme again.
        names = [("Rosa Verhoeven", "Paul Lambert"), ("Ingrid Holm", "Marco Bellini")]
        self.panels = [
            {
                "researcher": self.person(f"auditor-research-{n}", researcher,
                                          ppb.PERSON_ROLE_RESEARCHER),
                "practitioner": self.person(f"auditor-practice-{n}", practitioner,
                                            ppb.PERSON_ROLE_PRACTITIONER),
            }
            for n, (researcher, practitioner) in enumerate(names)
        ]  # fmt: skip
        self.auditors = self.panels[0]
        programmes = {key: self.programme(key, *fields[:2]) for key, fields in PROGRAMMES.items()}
        self.criteria_set()
        existing = {label.programme for label in self.quality.ListLabels(
            pb.ListLabelsRequest(standing="valid", page_size=500)).labels}  # fmt: skip
        if any(name in existing for name, _ in programmes.values()):
            return  # seeded before
        self.accredit(*programmes["accredited"], conditions=True)
        self.accredit(*programmes["distinction"])
        self.auditors = self.panels[1]
        self.accredit(*programmes["distinction"], step=pb.STEP_DISTINCTION)
        self.auditors = self.panels[0]
        code = self.accredit(*programmes["suspended"])
        self.quality.SuspendLabel(pb.SuspendLabelRequest(
            name=f"labels/{code}", reason="A complaint about screening is being looked into.",
        ), metadata=self.admin)  # fmt: skip
        self.audit_in_progress(*programmes["audit"])
        self.appealed(*programmes["appeal"])

    # -- registry ------------------------------------------------------------------------
    def person(self, key: str, name: str, role: int) -> str:
        created = self.people.CreatePerson(ppb.CreatePersonRequest(
            request_id=f"demo-quality-{key}",
            person=ppb.Person(display_name=name, email=f"{key}@quality.example.org",
                              country="BE", roles=[role]),
        ), metadata=self.admin)  # fmt: skip
        return str(created.name).removeprefix("people/")

    def programme(self, key: str, name: str, country: str) -> tuple[str, str]:
        """(programme name, coordinator id): the coordinator a member editing it."""
        coordinator = self.person(f"coordinator-{key}", f"Coordinator of {name}",
                                  ppb.PERSON_ROLE_PROGRAMME_COORDINATOR)  # fmt: skip
        membership = f"people/{coordinator}/membership"
        status = self.membership_status(membership)
        if status != ppb.MEMBERSHIP_STATUS_APPROVED:
            if status != ppb.MEMBERSHIP_STATUS_APPLIED:
                self.people.ApplyForMembership(ppb.ApplyForMembershipRequest(name=membership),
                                               metadata=self.admin)  # fmt: skip
            self.people.ApproveMembership(ppb.ApproveMembershipRequest(name=membership),
                                          metadata=self.admin)  # fmt: skip
        organisation = self.registry.RegisterOrganisation(rpb.RegisterOrganisationRequest(
            request_id=f"demo-quality-org-{key}",
            organisation=rpb.Organisation(
                display_name=f"{name} e.V." if country == "DE" else f"{name} asbl",
                kind=rpb.ORGANISATION_KIND_MENTORING_ORGANISATION, country=country,
                contact=rpb.Contact(display_name=f"Coordinator of {name}",
                                    email=f"coordinator-{key}@quality.example.org"),
            ),
        ), metadata=self.admin)  # fmt: skip
        self.registry.AddOrganisationEditor(
            rpb.AddOrganisationEditorRequest(
                name=organisation.name, editor=f"people/{coordinator}"
            ),
            metadata=self.admin,
        )
        programme = self.registry.RegisterProgramme(rpb.RegisterProgrammeRequest(
            request_id=f"demo-quality-programme-{key}",
            programme=rpb.Programme(organisation=organisation.name, display_name=name,
                                    countries=[country], languages=["en"]),
        ), metadata=self.admin)  # fmt: skip
        return str(programme.name), coordinator

    def membership_status(self, membership: str) -> int:
        try:
            found = self.people.GetMembership(ppb.GetMembershipRequest(name=membership),
                                              metadata=self.admin)  # fmt: skip
        except grpc.RpcError as error:
            if error.code() is not grpc.StatusCode.NOT_FOUND:  # type: ignore[attr-defined]
                raise
            return int(ppb.MEMBERSHIP_STATUS_UNSPECIFIED)
        return int(found.status)

    # -- quality -------------------------------------------------------------------------
    def criteria_set(self) -> None:
        try:
            created = self.quality.CreateCriteriaSet(pb.CreateCriteriaSetRequest(
                criteria_set=pb.CriteriaSet(version=1)), metadata=self.admin)  # fmt: skip
        except grpc.RpcError as error:
            if error.code() is not grpc.StatusCode.FAILED_PRECONDITION:  # type: ignore[attr-defined]
                raise
            return  # drafted before
        self.quality.PublishCriteriaSet(pb.PublishCriteriaSetRequest(name=created.name),
                                        metadata=self.admin)  # fmt: skip

    def submitted(self, programme: str, coordinator: str, step: int, score: int) -> str:
        me = token(coordinator, "member")
        request = pb.CreateApplicationRequest(
            programme=programme, step=step, request_id=f"demo-{step}"
        )
        name = str(_until(lambda: self.quality.CreateApplication(request, metadata=me).name,
                          f"affiliation of {programme}"))  # fmt: skip
        for code in CODES:
            assessment = pb.CriterionAssessment(
                code=code,
                score=score,
                evidence=[f"{code.lower()}-evidence.pdf"],
                action_plan="" if score >= 3 else "Written procedure by next spring.",
            )
            self.quality.AssessCriterion(pb.AssessCriterionRequest(
                name=name, assessment=assessment), metadata=me)  # fmt: skip
        self.quality.SubmitSelfAssessment(pb.SubmitSelfAssessmentRequest(name=name), metadata=me)
        seats = [pb.PanelSeat(person=f"people/{person}", role=role)
                 for role, person in self.auditors.items()]  # fmt: skip
        _until(
            lambda: self.quality.AssignPanel(
                pb.AssignPanelRequest(name=name, seats=seats), metadata=self.admin
            ),
            "auditors' roles",
        )
        return name

    def scored(self, name: str, score: int, auditors: list[str] | None = None) -> None:
        scores = dict.fromkeys(CODES, score)
        for person in auditors or list(self.auditors.values()):
            self.quality.ScoreApplication(pb.ScoreApplicationRequest(
                name=name, scores=scores), metadata=token(person, "auditor"))  # fmt: skip

    def accredit(
        self,
        programme: str,
        coordinator: str,
        step: int = pb.STEP_ACCREDITED,
        conditions: bool = False,
    ) -> str:
        """Awarded; with ``conditions``, an improvement plan due in six months (followed up
        by the worker: reminded 30 days before, the label suspended if unmet)."""
        score = 4 if step == pb.STEP_DISTINCTION else 3
        name = self.submitted(programme, coordinator, step, score)
        self.scored(name, score)
        self.reconcile(name, score)
        decision = pb.DecideApplicationRequest(
            name=name, outcome=pb.OUTCOME_AWARD, reasons="Meets the criteria."
        )
        if conditions:
            decision.outcome = pb.OUTCOME_AWARD_WITH_CONDITIONS
            decision.improvement_plan = "Write down how matches are followed up each month."
            decision.conditions_due.FromDatetime(datetime.now(UTC) + timedelta(days=182))
        self.quality.DecideApplication(decision, metadata=self.admin)  # fmt: skip
        labels = self.quality.ListLabels(pb.ListLabelsRequest(page_size=500)).labels
        return str(next(label.code for label in labels if label.programme == programme))

    def reconcile(self, name: str, score: int) -> None:
        self.quality.ReconcileScores(pb.ReconcileScoresRequest(
            name=name, scores=dict.fromkeys(CODES, score)),
            metadata=token(self.auditors["researcher"], "auditor"))  # fmt: skip

    def audit_in_progress(self, programme: str, coordinator: str) -> None:
        name = self.submitted(programme, coordinator, pb.STEP_ACCREDITED, 3)
        self.scored(name, 3, [self.auditors["researcher"]])  # the practitioner has not yet

    def appealed(self, programme: str, coordinator: str) -> Any:
        name = self.submitted(programme, coordinator, pb.STEP_ACCREDITED, 2)
        self.scored(name, 2)
        self.reconcile(name, 2)
        self.quality.DecideApplication(pb.DecideApplicationRequest(
            name=name, outcome=pb.OUTCOME_REFUSE,
            reasons="Screening and follow-up of matches are not yet written down.",
        ), metadata=self.admin)  # fmt: skip
        return self.quality.LodgeAppeal(pb.LodgeAppealRequest(
            name=name, grounds="Our screening procedure was sent after the audit visit.",
        ), metadata=token(coordinator, "member"))  # fmt: skip
