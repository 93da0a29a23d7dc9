"""A programme's way through the quality model, driven on the application's bus: shared by
the integration tests, the e2e test and the demo-like fixtures."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from ecbm_integration import registry
from ecbm_quality.application import commands as c
from ecbm_quality.domain.application import Outcome
from ecbm_quality.domain.default_criteria import default_content
from ecbm_quality.domain.panel import PanelRole
from ecbm_quality.domain.steps import Step
from ecbm_runtime.actor import Actor
from ecbm_runtime.context import MessageContext
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.sealing import Contact, development_seal

COMMITTEE = Actor(subject="chair", roles=frozenset({"editor"}))
COORDINATOR = Actor(subject="cora", roles=frozenset({"member"}))
RESEARCHER = Actor(subject="ria", roles=frozenset({"auditor"}))
PRACTITIONER = Actor(subject="piet", roles=frozenset({"auditor"}))
_ids = itertools.count()


def deliver(bus: Any, event: Any) -> Any:
    context = MessageContext(delivery=Delivery("quality.test", f"e{next(_ids)}"))
    return bus.handle(event, context)


def affiliate(
    bus: Any, at: datetime, programme: str = "buddy", org: str = "org-1", coordinator: str = "cora"
) -> None:
    """Registry's facts: a programme, its coordinator editing it, an approved membership."""
    deliver(
        bus,
        registry.ProgrammeRegistered(
            programme_id=programme,
            organisation_id=org,
            display_name=f"Programme {programme}",
            countries=["BE"],
            languages=["nl"],
            occurred_at=at,
        ),
    )
    deliver(
        bus,
        registry.OrganisationEditorAdded(
            organisation_id=org, person_id=coordinator, occurred_at=at
        ),
    )
    deliver(bus, registry.MembershipApproved(person_id=coordinator, occurred_at=at))


def auditors(bus: Any, at: datetime) -> None:
    for person, role in (("ria", "researcher"), ("piet", "practitioner")):
        deliver(
            bus,
            registry.PersonJoined(
                person_id=person,
                sealed_contact=development_seal().seal(
                    person, Contact(display_name=person.title(), email=f"{person}@example.org")
                ),
                preferred_language="en",
                contact_by_email=True,
                country="BE",
                roles=[role],
                occurred_at=at,
            ),
        )


def publish_default_criteria(bus: Any) -> str:
    criteria_set: str = bus.handle(
        c.DraftCriteriaSet(actor=COMMITTEE, version=1, content=default_content())
    )
    bus.handle(c.PublishCriteriaSet(actor=COMMITTEE, criteria_set=criteria_set))
    return criteria_set


def accredit(
    bus: Any,
    programme: str = "buddy",
    score: int = 3,
    coordinator: Actor = COORDINATOR,
    step: Step = Step.ACCREDITED,
    conditions_due: datetime | None = None,
) -> str:
    """Apply, self-assess, audit, reconcile and award (with conditions when they are due):
    the application's id."""
    application: str = bus.handle(
        c.OpenApplication(actor=coordinator, programme_id=programme, step=step)
    )
    codes = list(default_content().criteria_by_code())
    for code in codes:
        bus.handle(
            c.AssessCriterion(
                actor=coordinator,
                application_id=application,
                code=code,
                score=score,
                evidence=("handbook.pdf",),
            )
        )
    bus.handle(c.SubmitSelfAssessment(actor=coordinator, application_id=application))
    bus.handle(
        c.AssignPanel(
            actor=COMMITTEE,
            application_id=application,
            seats=(
                c.PanelSeat(person_id="ria", role=PanelRole.RESEARCHER),
                c.PanelSeat(person_id="piet", role=PanelRole.PRACTITIONER),
            ),
        )
    )
    scores = dict.fromkeys(codes, score)
    for auditor in (RESEARCHER, PRACTITIONER):
        bus.handle(c.ScoreApplication(actor=auditor, application_id=application, scores=scores))
    bus.handle(c.ReconcileScores(actor=RESEARCHER, application_id=application, scores=scores))
    bus.handle(
        c.DecideApplication(
            actor=COMMITTEE,
            application_id=application,
            outcome=Outcome.AWARD_WITH_CONDITIONS if conditions_due else Outcome.AWARD,
            reasons="meets all",
            improvement_plan="train mentors twice a year" if conditions_due else "",
            conditions_due=conditions_due,
        )
    )
    return application
