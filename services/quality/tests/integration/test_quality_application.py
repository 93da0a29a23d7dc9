"""The quality application on SQLite and PostgreSQL: affiliation from registry's facts, the
accreditation journey to a label, the register, reminders and expiry, object checks.

The fixtures come from quality_fixtures (a conftest here would clash with registry's for mypy).
"""
# ruff: noqa: F811

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from quality_fixtures import Clock, clock, quality_app  # noqa: F401  (fixtures)
from quality_journey import (
    COMMITTEE,
    COORDINATOR,
    accredit,
    affiliate,
    auditors,
    deliver,
    publish_default_criteria,
)
from sqlalchemy import select

from ecbm_integration import matching, registry
from ecbm_quality.application import commands as c
from ecbm_quality.bootstrap import Quality
from ecbm_quality.domain.label import Standing, SurveillanceOutcome
from ecbm_quality.domain.steps import Step
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import NotFound, PermissionDenied, RuleViolation
from ecbm_runtime.tables import outbox


def published(app: Quality) -> list[tuple[str, dict[str, Any]]]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(outbox).order_by(outbox.c.id))
        return [(row.routing_key, json.loads(row.body)) for row in rows]


STEP_EVENTS = ("QualityLabelAwarded", "QualityLabelWithdrawn")


def steps_told(app: Quality, programme: str = "buddy") -> list[str | None]:
    """What registry was told about the programme, in order (None: withdrawn)."""
    return [
        body["step"] if kind == "QualityLabelAwarded" else None
        for kind, body in published(app)
        if kind in STEP_EVENTS and body["programme_id"] == programme
    ]


def test_affiliation_follows_the_membership_of_an_editor(
    quality_app: Quality, clock: Clock
) -> None:
    affiliate(quality_app.bus, clock.now)
    assert steps_told(quality_app) == ["affiliated"]

    deliver(
        quality_app.bus,
        registry.MembershipEnded(person_id="cora", lapsed=True, occurred_at=clock.now),
    )

    assert steps_told(quality_app) == ["affiliated", None]
    withdrawn = published(quality_app)[-1][1]
    assert withdrawn["reason"] == "the membership ended"


def test_applying_without_affiliation_is_refused(quality_app: Quality, clock: Clock) -> None:
    publish_default_criteria(quality_app.bus)
    deliver(
        quality_app.bus,
        registry.ProgrammeRegistered(
            programme_id="solo",
            organisation_id="org-9",
            display_name="Solo",
            countries=["FR"],
            languages=["fr"],
            occurred_at=clock.now,
        ),
    )
    with pytest.raises(RuleViolation, match="needs affiliation first"):
        quality_app.bus.handle(
            c.OpenApplication(actor=COMMITTEE, programme_id="solo", step=Step.ACCREDITED)
        )


def test_an_award_issues_a_label_registry_hears_of_and_the_register_shows(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)

    accredit(quality_app.bus)

    kinds = [kind for kind, _ in published(quality_app)]
    assert kinds.count("AuditAssigned") == 2
    assert {"SelfAssessmentSubmitted", "DecisionMade"} <= set(kinds)
    assert steps_told(quality_app) == ["affiliated", "accredited"]
    page = quality_app.bus.handle(c.ListLabels())
    [label] = page.labels
    assert (label.programme_id, label.step, label.standing) == (
        "buddy",
        Step.ACCREDITED,
        Standing.VALID,
    )
    assert label.valid_until - label.valid_from == timedelta(days=3 * 365)
    verified = quality_app.bus.handle(c.VerifyLabel(code=label.code.lower()))
    assert verified.code == label.code and verified.programme_name == "Programme buddy"


def test_suspension_withdraws_the_step_and_the_history_keeps_it(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    accredit(quality_app.bus)
    code = quality_app.bus.handle(c.ListLabels()).labels[0].code

    with pytest.raises(PermissionDenied):
        quality_app.bus.handle(c.SuspendLabel(actor=COORDINATOR, code=code, reason="no"))
    quality_app.bus.handle(c.SuspendLabel(actor=COMMITTEE, code=code, reason="complaint"))

    assert steps_told(quality_app) == ["affiliated", "accredited", "affiliated"]
    assert quality_app.bus.handle(c.VerifyLabel(code=code)).standing is Standing.SUSPENDED
    assert quality_app.bus.handle(c.ListLabels()).total_size == 0
    history = quality_app.bus.handle(c.ListLabelHistory(programme_id="buddy"))
    assert [(h.change, h.reason) for h in history] == [
        ("LabelAwarded", ""),
        ("LabelSuspended", "complaint"),
    ]
    quality_app.bus.handle(c.RevokeLabel(actor=COMMITTEE, code=code, reason="no screening"))
    told = {kind: body for kind, body in published(quality_app)}
    assert (told["QualityLabelSuspended"]["reason"], told["QualityLabelRevoked"]["reason"]) == (
        "complaint", "no screening",
    )  # fmt: skip
    assert told["QualityLabelRevoked"]["organisation_id"] == "org-1"
    assert told["QualityLabelAwarded"]["organisation_id"] == "org-1"


def test_an_appeals_outcome_is_told_to_the_organisation(quality_app: Quality, clock: Clock) -> None:
    """AppealDecided names the appeal and the organisation (notify's recipient), ids only."""
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    application = accredit(quality_app.bus)
    quality_app.bus.handle(
        c.LodgeAppeal(actor=COORDINATOR, application_id=application, grounds="overlooked")
    )
    [appeal] = quality_app.bus.handle(c.ListAppeals(actor=COMMITTEE)).appeals
    dora = Actor(subject="dora", roles=frozenset({"editor"}))
    quality_app.bus.handle(
        c.DecideAppeal(actor=dora, appeal_id=appeal.appeal_id, upheld=False, reasons="read")
    )

    [told] = [body for kind, body in published(quality_app) if kind == "AppealDecided"]
    assert {key: told[key] for key in ("appeal_id", "application_id", "programme_id",
                                       "organisation_id", "outcome", "reasons")} == {
        "appeal_id": appeal.appeal_id, "application_id": application, "programme_id": "buddy",
        "organisation_id": "org-1", "outcome": "dismissed", "reasons": "read",
    }  # fmt: skip
    assert "dora" not in json.dumps(told)


def test_a_label_is_followed_up_conditions_surveillance_renewal_expiry(
    quality_app: Quality, clock: Clock
) -> None:
    """The worker's timer over a label's life; each reminder goes once, each names the
    organisation (notify's recipient)."""
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    start = clock.now
    accredit(quality_app.bus, conditions_due=start + timedelta(days=180))
    code = quality_app.bus.handle(c.ListLabels()).labels[0].code

    def tick(days: float) -> int:
        clock.now = start + timedelta(days=days)
        done: int = quality_app.bus.handle(c.FollowUpLabels())
        return done

    assert (tick(140), tick(151), tick(152)) == (0, 1, 0)  # ConditionsDue 30 days before
    assert tick(180) == 1  # unmet at the deadline: suspended
    assert steps_told(quality_app)[-1] == "affiliated"
    quality_app.bus.handle(c.MeetConditions(actor=COMMITTEE, code=code, note="log shown"))
    quality_app.bus.handle(c.ReinstateLabel(actor=COMMITTEE, code=code, reason="met"))
    assert (tick(547), tick(548), tick(549)) == (0, 1, 0)  # SurveillanceDue at mid-term
    quality_app.bus.handle(
        c.RecordSurveillance(actor=COMMITTEE, code=code, outcome=SurveillanceOutcome.PASSED)
    )
    assert (tick(3 * 365 - 30), tick(3 * 365 - 29)) == (1, 0)  # RenewalDue
    assert tick(3 * 365 + 1) == 1  # expired

    events = [
        (k, body)
        for k, body in published(quality_app)
        if "label_code" in body and k not in STEP_EVENTS
    ]
    assert [kind for kind, _ in events] == [
        "ConditionsDue", "QualityLabelSuspended", "SurveillanceDue", "RenewalDue",
        "QualityLabelExpired",
    ]  # fmt: skip
    assert all(body["organisation_id"] == "org-1" for _, body in events)
    assert "not met by" in events[1][1]["reason"]
    assert steps_told(quality_app)[-1] == "affiliated"
    history = quality_app.bus.handle(c.ListLabelHistory(programme_id="buddy"))
    assert [h.change for h in history][-3:] == ["SurveillanceRecorded", "RenewalReminded",
                                                "LabelExpired"]  # fmt: skip


def test_the_committee_lists_labels_with_open_conditions_due_before_a_date(
    quality_app: Quality, clock: Clock
) -> None:
    """Conditions' deadline and whether met on the label; the filter pages as the register."""
    publish_default_criteria(quality_app.bus)
    auditors(quality_app.bus, clock.now)
    start = clock.now
    for programme, org, person, days in (
        ("buddy", "org-1", "cora", 180),
        ("kite", "org-2", "kim", 90),
        ("solo", "org-3", "sam", None),
    ):
        affiliate(quality_app.bus, start, programme, org, person)
        due = start + timedelta(days=days) if days else None
        accredit(quality_app.bus, programme, coordinator=Actor(subject=person, roles=frozenset({
            "member"})), conditions_due=due)  # fmt: skip

    def listed(**filters: Any) -> list[str]:
        page = quality_app.bus.handle(c.ListLabels(**filters))
        return [label.programme_id for label in page.labels]

    assert listed(open_conditions=True) == ["buddy", "kite"]
    first = quality_app.bus.handle(c.ListLabels(open_conditions=True, page_size=1))
    assert (len(first.labels), first.next_offset, first.total_size) == (1, 1, 2)
    assert listed(conditions_due_before=start + timedelta(days=100)) == ["kite"]
    kite = quality_app.bus.handle(c.ListLabels(query="kite")).labels[0]
    assert (kite.conditions_due, kite.conditions_met) == (start + timedelta(days=90), False)
    assert quality_app.bus.handle(c.ListLabels(query="solo")).labels[0].conditions_due is None

    quality_app.bus.handle(c.MeetConditions(actor=COMMITTEE, code=kite.code, note="shown"))
    assert listed(open_conditions=True) == ["buddy"]
    met = quality_app.bus.handle(c.VerifyLabel(code=kite.code))
    assert (met.conditions_due, met.conditions_met) == (start + timedelta(days=90), True)


def test_another_organisations_coordinator_cannot_see_or_change_an_application(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    affiliate(quality_app.bus, clock.now, programme="jobs", org="org-2", coordinator="otto")
    application = quality_app.bus.handle(
        c.OpenApplication(actor=COORDINATOR, programme_id="buddy", step=Step.ACCREDITED)
    )
    otto = Actor(subject="otto", roles=frozenset({"member"}))
    with pytest.raises(NotFound):
        quality_app.bus.handle(c.SubmitSelfAssessment(actor=otto, application_id=application))
    with pytest.raises(NotFound):
        quality_app.bus.handle(c.GetApplication(actor=otto, application_id=application))
    with pytest.raises(NotFound):
        quality_app.bus.handle(
            c.OpenApplication(actor=otto, programme_id="buddy", step=Step.ACCREDITED)
        )


def test_an_auditor_from_the_organisation_is_refused_with_the_reason(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    deliver(
        quality_app.bus,
        registry.OrganisationEditorAdded(
            organisation_id="org-1", person_id="ria", occurred_at=clock.now
        ),
    )
    with pytest.raises(RuleViolation, match="people/ria belongs to the organisation"):
        accredit(quality_app.bus)


def test_whoever_registered_the_organisation_is_one_of_it_and_refused_as_auditor(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    deliver(
        quality_app.bus,
        registry.OrganisationRegistered(
            organisation_id="org-1", display_name="Mentoring Lab", kind="MENTORING_ORGANISATION",
            country="BE", contact_name="Ria", contact_email="ria@example.org",
            occurred_at=clock.now, editors=["ria"],
        ),
    )  # fmt: skip
    with pytest.raises(RuleViolation, match="people/ria belongs to the organisation"):
        accredit(quality_app.bus)


def test_a_published_criteria_set_cannot_be_published_again(quality_app: Quality) -> None:
    criteria_set = publish_default_criteria(quality_app.bus)
    with pytest.raises(RuleViolation, match="published"):
        quality_app.bus.handle(c.PublishCriteriaSet(actor=COMMITTEE, criteria_set=criteria_set))
    status, content = quality_app.bus.handle(c.GetCriteriaSet(criteria_set=criteria_set))
    assert status == "published" and len(content.standards) == 8


def test_person_forgotten_leaves_nothing_of_them_here(quality_app: Quality, clock: Clock) -> None:
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    introduced(quality_app, "ria", "cora", clock.now)
    for person in ("cora", "ria"):
        deliver(quality_app.bus, registry.PersonForgotten(person_id=person, occurred_at=clock.now))
    from ecbm_quality.adapters.tables import editors, introductions, members, panel_seats, people

    with quality_app.engine.connect() as connection:
        for table in (editors, members, people, panel_seats, introductions):
            held = connection.execute(
                select(table.c.person_id).where(table.c.person_id.in_(["cora", "ria"]))
            ).all()
            assert held == [], table.name
    assert steps_told(quality_app) == ["affiliated", None]


def test_a_declared_conflict_keeps_the_auditor_off_the_panel(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    piet = Actor(subject="piet", roles=frozenset({"auditor"}))
    with pytest.raises(PermissionDenied):
        quality_app.bus.handle(
            c.DeclareConflict(actor=piet, person_id="ria", subject_id="org-1", reason="x")
        )
    quality_app.bus.handle(
        c.DeclareConflict(actor=piet, subject_id="buddy", reason="my sister coordinates it")
    )
    with pytest.raises(RuleViolation, match="people/piet declared a conflict"):
        accredit(quality_app.bus)


def introduced(app: Quality, one: str, other: str, at: datetime) -> None:
    """Matching's accepted introduction: one event per side, the same introduction id."""
    introduction = f"intro-{one}-{other}-{at:%Y%m%d}"
    for person in (one, other):
        deliver(app.bus, matching.IntroductionAccepted(
            introduction_id=introduction, person_id=person, request_title="Peer exchange",
            occurred_at=at,
        ))  # fmt: skip


def test_an_auditor_introduced_recently_to_the_organisations_people_is_refused(
    quality_app: Quality, clock: Clock
) -> None:
    publish_default_criteria(quality_app.bus)
    affiliate(quality_app.bus, clock.now)
    auditors(quality_app.bus, clock.now)
    introduced(quality_app, "ria", "cora", clock.now - timedelta(days=300))
    introduced(quality_app, "piet", "cora", clock.now - timedelta(days=25 * 31))  # > 24 months

    with pytest.raises(RuleViolation) as refused:
        accredit(quality_app.bus)
    assert "people/ria collaborated recently" in str(refused.value)
    assert "people/piet" not in str(refused.value)
