"""Handlers of the quality service: ``handler(message, deps)``, one per use case.

Every change that can move the step a programme shows ends in ``_announce``, which tells
other services (QualityLabelAwarded / QualityLabelWithdrawn) when it differs from what they
were last told: the highest valid label's step while the organisation is affiliated,
affiliated without one, nothing without membership.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from ecbm_integration import matching, registry
from ecbm_integration import quality as published
from ecbm_quality.adapters.views import (
    AppealPage,
    AppealView,
    HistoryEntry,
    LabelPage,
    LabelView,
    QualityViews,
    as_of,
)
from ecbm_quality.application import commands as c
from ecbm_quality.application.dependencies import QualityDependencies
from ecbm_quality.domain.application import Application, Outcome, SelfAssessment
from ecbm_quality.domain.criteria import CriteriaContent, CriteriaSet
from ecbm_quality.domain.label import Label, SurveillanceOutcome, new_code
from ecbm_quality.domain.panel import Candidate
from ecbm_quality.domain.steps import Step
from ecbm_runtime.errors import NotFound, RuleViolation
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

Work = UnitOfWork[QualityViews]
_log = logging.getLogger("ecbm_quality")


# -- announcing the step -----------------------------------------------------------------
def _announce(work: Work, programme_id: str, now: datetime, reason: str = "") -> None:
    work.flush()  # label rows projected before they are read
    views = work.views
    facts = views.programme(programme_id)
    if facts is None:
        return
    step: Step | None = None
    if views.is_affiliated(facts.organisation_id):
        step = views.best_label_step(programme_id, now) or Step.AFFILIATED
    if step == facts.published_step:
        return
    views.set_published_step(programme_id, step)
    _log.info(
        "programme's step changed",
        extra={"programme_id": programme_id, "step": step.value if step else "none"},
    )
    if step is None:
        assert facts.published_step is not None
        work.publish(
            published.QualityLabelWithdrawn(
                programme_id=programme_id,
                organisation_id=facts.organisation_id,
                step=published.QualityStep(facts.published_step),
                reason=reason,
                occurred_at=now,
            )
        )
    else:
        work.publish(
            published.QualityLabelAwarded(
                programme_id=programme_id,
                organisation_id=facts.organisation_id,
                step=published.QualityStep(step),
                occurred_at=now,
            )
        )


def _announce_organisation(work: Work, organisation_id: str, now: datetime, reason: str) -> None:
    for programme in work.views.programmes_of_organisation(organisation_id):
        _announce(work, programme, now, reason)


# -- registry's facts (the worker) -------------------------------------------------------
def on_programme_registered(event: registry.ProgrammeRegistered, deps: QualityDependencies) -> None:
    with deps.uow() as work:
        work.views.record_programme(
            event.programme_id, event.organisation_id, event.display_name, event.countries[0]
        )
        _announce(work, event.programme_id, event.occurred_at)
        work.commit()


def on_organisation_registered(
    event: registry.OrganisationRegistered, deps: QualityDependencies
) -> None:
    """Its first editors (whoever registered it): later ones come as OrganisationEditorAdded."""
    with deps.uow() as work:
        for person in event.editors:
            work.views.record_editor(event.organisation_id, person.removeprefix("people/"))
        work.commit()


def on_editor_added(event: registry.OrganisationEditorAdded, deps: QualityDependencies) -> None:
    with deps.uow() as work:
        work.views.record_editor(event.organisation_id, event.person_id.removeprefix("people/"))
        _announce_organisation(work, event.organisation_id, event.occurred_at, "")
        work.commit()


def on_membership_approved(event: registry.MembershipApproved, deps: QualityDependencies) -> None:
    with deps.uow() as work:
        work.views.record_membership(event.person_id, member=True)
        for programme in work.views.programmes_of_person(event.person_id):
            _announce(work, programme, event.occurred_at)
        work.commit()


def on_membership_ended(event: registry.MembershipEnded, deps: QualityDependencies) -> None:
    with deps.uow() as work:
        work.views.record_membership(event.person_id, member=False)
        for programme in work.views.programmes_of_person(event.person_id):
            _announce(work, programme, event.occurred_at, "the membership ended")
        work.commit()


def on_person_joined(
    event: registry.PersonJoined | registry.PersonUpdated, deps: QualityDependencies
) -> None:
    with deps.uow() as work:
        work.views.record_roles(event.person_id, list(event.roles))
        work.commit()


def on_introduction_accepted(
    event: matching.IntroductionAccepted, deps: QualityDependencies
) -> None:
    """Each side of an accepted introduction comes as its own event with the same id: the
    pair is who collaborated (ids only; impartiality's recent-collaboration rule)."""
    with deps.uow() as work:
        work.views.record_introduction(event.introduction_id, event.person_id, event.occurred_at)
        work.commit()


def on_person_forgotten(event: registry.PersonForgotten, deps: QualityDependencies) -> None:
    with deps.uow() as work:
        programmes = work.views.programmes_of_person(event.person_id)
        work.views.forget_person(event.person_id)
        for programme in programmes:
            _announce(work, programme, event.occurred_at, "the membership ended")
        work.commit()


# -- criteria sets -----------------------------------------------------------------------
def draft_criteria_set(command: c.DraftCriteriaSet, deps: QualityDependencies) -> str:
    command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        sets = work.repository(CriteriaSet)
        if sets.exists(f"v{command.version}"):
            raise RuleViolation(f"criteria set v{command.version} exists: draft another version")
        drafted = CriteriaSet.draft(
            command.version, command.content, command.actor.subject, deps.clock()
        )
        sets.add(drafted)
        work.commit()
    return drafted.id


def publish_criteria_set(command: c.PublishCriteriaSet, deps: QualityDependencies) -> str:
    command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        _criteria_set(work, command.criteria_set).publish(command.actor.subject, deps.clock())
        work.commit()
    return command.criteria_set


def retire_criteria_set(command: c.RetireCriteriaSet, deps: QualityDependencies) -> str:
    command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        _criteria_set(work, command.criteria_set).retire(command.actor.subject, deps.clock())
        work.commit()
    return command.criteria_set


def get_criteria_set(
    query: c.GetCriteriaSet, deps: QualityDependencies
) -> tuple[str, CriteriaContent]:
    with deps.read() as views:
        found = views.criteria_set(query.criteria_set)
    if found is None:
        raise NotFound(f"criteria set {query.criteria_set!r} does not exist")
    return found


def _criteria_set(work: Work, id: str) -> CriteriaSet:
    found = work.repository(CriteriaSet).find(id)
    if found is None:
        raise NotFound(f"criteria set {id!r} does not exist")
    return found


# -- applications ------------------------------------------------------------------------
def open_application(command: c.OpenApplication, deps: QualityDependencies) -> str:
    """A coordinator (an editor of the organisation) applies for the next step."""
    person = command.actor.require_subject()
    key = f"{command.programme_id}:{person}:{command.request_id}" if command.request_id else ""
    application_id = new_id("application", key)
    with deps.uow() as work:
        facts = work.views.programme(command.programme_id)
        if facts is None or not (
            command.actor.is_editor or work.views.edits(person, facts.organisation_id)
        ):
            raise NotFound(f"programme {command.programme_id!r} does not exist")
        repository = work.repository(Application)
        if repository.exists(application_id):
            return application_id
        current = work.views.published_criteria_set()
        if current is None:
            raise RuleViolation("no criteria set is published yet")
        repository.add(
            Application.open(
                application_id,
                facts.programme_id,
                facts.organisation_id,
                facts.published_step,
                command.step,
                current[0],
                person,
                deps.clock(),
            )
        )
        work.commit()
    return application_id


def assess_criterion(command: c.AssessCriterion, deps: QualityDependencies) -> str:
    with deps.uow() as work:
        application, content = _as_applicant(work, command)
        assessment = SelfAssessment(
            score=command.score, evidence=command.evidence, action_plan=command.action_plan
        )
        application.assess(content, command.code, assessment)
        work.commit()
    return command.application_id


def submit_self_assessment(command: c.SubmitSelfAssessment, deps: QualityDependencies) -> str:
    now = deps.clock()
    with deps.uow() as work:
        application, content = _as_applicant(work, command)
        application.submit(content, command.actor.subject, now)
        s = application.state
        work.publish(
            published.SelfAssessmentSubmitted(
                application_id=application.id,
                programme_id=s.programme_id,
                organisation_id=s.organisation_id,
                step=published.QualityStep(s.step),
                occurred_at=now,
            )
        )
        work.commit()
    return command.application_id


def assign_panel(command: c.AssignPanel, deps: QualityDependencies) -> str:
    """The committee proposes auditors; any impartiality rule broken refuses them all."""
    command.actor.require_editor("act for the quality committee")
    now = deps.clock()
    with deps.uow() as work:
        application = _application(work, command.application_id)
        views = work.views
        candidates = [
            Candidate(
                person_id=seat.person_id,
                role=seat.role,
                is_auditor=seat.role.value in views.roles_of(seat.person_id),
                organisations=views.organisations_of(seat.person_id),
                conflicts=views.conflicts_of(seat.person_id),
                audited_last_cycle=views.audited_since(seat.person_id, now - deps.rotation),
                collaborated_with=views.collaborated_with(seat.person_id, now - deps.collaboration),
            )
            for seat in command.seats
        ]
        application.assign_panel(candidates, command.actor.subject, now)
        for seat in command.seats:
            work.publish(
                published.AuditAssigned(
                    application_id=application.id,
                    programme_id=application.state.programme_id,
                    person_id=seat.person_id,
                    role=seat.role.value,
                    occurred_at=now,
                ),
                subject=seat.person_id,
            )
        work.commit()
    return command.application_id


def declare_conflict(command: c.DeclareConflict, deps: QualityDependencies) -> str:
    person = command.person_id or command.actor.require_subject()
    if person != command.actor.subject:
        command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        work.views.declare_conflict(person, command.subject_id, command.reason, deps.clock())
        work.commit()
    return person


def score_application(command: c.ScoreApplication, deps: QualityDependencies) -> str:
    with deps.uow() as work:
        application = _application(work, command.application_id)
        content = _content(work, application)
        application.score(content, command.actor.require_subject(), command.scores, deps.clock())
        work.commit()
    return command.application_id


def reconcile_scores(command: c.ReconcileScores, deps: QualityDependencies) -> str:
    with deps.uow() as work:
        application = _application(work, command.application_id)
        content = _content(work, application)
        application.reconcile(
            content, command.scores, command.actor.require_subject(), deps.clock()
        )
        work.commit()
    return command.application_id


def decide_application(command: c.DecideApplication, deps: QualityDependencies) -> str:
    """The committee's decision; an award issues a label replacing the programme's others."""
    command.actor.require_editor("act for the quality committee")
    now = deps.clock()
    with deps.uow() as work:
        application = _application(work, command.application_id)
        content = _content(work, application)
        application.decide(
            content,
            command.outcome,
            command.reasons,
            command.actor.subject,
            now,
            command.improvement_plan,
            command.conditions_due,
        )
        superseded = _after_decision(work, application, command, now, deps)
        work.commit()
    for code in superseded:
        deps.recent_labels.forget(code)
    return command.application_id


def _after_decision(
    work: Work,
    application: Application,
    command: c.DecideApplication,
    now: datetime,
    deps: QualityDependencies,
) -> list[str]:
    """Issue the label of an award, superseding the programme's others (their codes)."""
    outcome, reasons, conditions_due = command.outcome, command.reasons, command.conditions_due
    s = application.state
    superseded: list[str] = []
    if outcome is not Outcome.REFUSE:
        code = new_code()
        labels = work.repository(Label)
        superseded = work.views.live_labels(s.programme_id)
        for old in superseded:
            labels.get(old).supersede(code, now)
        labels.add(
            Label.award(
                code,
                s.programme_id,
                s.organisation_id,
                s.step,
                s.criteria_set,
                application.id,
                now,
                deps.validity,
                *(
                    (command.improvement_plan, conditions_due)
                    if outcome is Outcome.AWARD_WITH_CONDITIONS
                    else ("", None)
                ),
            )
        )
    work.publish(
        published.DecisionMade(
            application_id=application.id,
            programme_id=s.programme_id,
            organisation_id=s.organisation_id,
            step=published.QualityStep(s.step),
            outcome=outcome.value,
            reasons=reasons,
            conditions_due=conditions_due,
            occurred_at=now,
        )
    )
    _announce(work, s.programme_id, now)
    return superseded


def lodge_appeal(command: c.LodgeAppeal, deps: QualityDependencies) -> str:
    now = deps.clock()
    with deps.uow() as work:
        application, _ = _as_applicant(work, command)
        application.lodge_appeal(new_id("appeal"), command.grounds, command.actor.subject, now)
        s = application.state
        work.publish(
            published.AppealLodged(
                appeal_id=s.appeal_id,
                application_id=application.id,
                programme_id=s.programme_id,
                organisation_id=s.organisation_id,
                occurred_at=now,
            )
        )
        work.commit()
    return command.application_id


def review_appeal(command: c.ReviewAppeal, deps: QualityDependencies) -> str:
    """Someone not involved before takes a lodged appeal up: lodged → under review."""
    command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        application = _application(work, _appealed_application(work, command.appeal_id))
        application.review_appeal(command.actor.subject, deps.clock())
        work.commit()
    return command.appeal_id


def decide_appeal(command: c.DecideAppeal, deps: QualityDependencies) -> str:
    """The appellant hears the outcome (AppealDecided): the reasons go to the organisation,
    the deciders' ids do not."""
    command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        application_id = command.application_id or _appealed_application(work, command.appeal_id)
        application = _application(work, application_id)
        if command.appeal_id and application.state.appeal_id != command.appeal_id:
            raise RuleViolation(f"appeal {command.appeal_id} is decided already")
        now = deps.clock()
        application.decide_appeal(command.upheld, command.reasons, command.actor.subject, now)
        s = application.state
        work.publish(
            published.AppealDecided(
                appeal_id=s.appeal_id,
                application_id=application.id,
                programme_id=s.programme_id,
                organisation_id=s.organisation_id,
                outcome="upheld" if command.upheld else "dismissed",
                reasons=command.reasons,
                occurred_at=now,
            )
        )
        work.commit()
    return application_id


def _appealed_application(work: Work, appeal_id: str) -> str:
    found = work.views.appeal(appeal_id)
    if found is None:
        raise NotFound(f"appeal {appeal_id!r} does not exist")
    return found.application_id


def get_appeal(query: c.GetAppeal, deps: QualityDependencies) -> AppealView:
    """To the committee and the editors of the programme's organisation; NOT_FOUND else."""
    with deps.read() as views:
        found = views.appeal(query.appeal_id)
        actor = query.actor
        if found is None or not (
            actor.is_editor or views.edits(actor.subject, found.organisation_id)
        ):
            raise NotFound(f"appeal {query.appeal_id!r} does not exist")
        return found


def list_appeals(query: c.ListAppeals, deps: QualityDependencies) -> AppealPage:
    """The committee sees every appeal; a member those of the organisations they edit."""
    actor = query.actor
    with deps.read() as views:
        return views.appeals(
            state=query.state,
            programme_id=query.programme_id,
            editor=None if actor.is_editor else actor.require_subject(),
            size=query.page_size,
            offset=query.offset,
        )


def get_application(query: c.GetApplication, deps: QualityDependencies) -> Application:
    with deps.uow() as work:
        application = _application(work, query.application_id)
        actor = query.actor
        allowed = (
            actor.is_editor
            or actor.subject in application.state.panel
            or work.views.edits(actor.subject, application.state.organisation_id)
        )
        if not allowed:
            raise NotFound(f"application {query.application_id!r} does not exist")
    return application


def _application(work: Work, id: str) -> Application:
    found = work.repository(Application).find(id)
    if found is None:
        raise NotFound(f"application {id!r} does not exist")
    return found


def _content(work: Work, application: Application) -> CriteriaContent:
    found = work.views.criteria_set(application.state.criteria_set)
    assert found is not None, "an application names a criteria set that exists"
    return found[1]


def _as_applicant(
    work: Work, command: c.AssessCriterion | c.SubmitSelfAssessment | c.LodgeAppeal
) -> tuple[Application, CriteriaContent]:
    """The application if the caller edits its organisation; NOT_FOUND otherwise."""
    found = work.repository(Application).find(command.application_id)
    person = command.actor.require_subject()
    if found is None or not work.views.edits(person, found.state.organisation_id):
        raise NotFound(f"application {command.application_id!r} does not exist")
    return found, _content(work, found)


# -- labels ------------------------------------------------------------------------------
def suspend_label(command: c.SuspendLabel, deps: QualityDependencies) -> str:
    return _change_label(command, deps, "suspend")


def reinstate_label(command: c.ReinstateLabel, deps: QualityDependencies) -> str:
    return _change_label(command, deps, "reinstate")


def revoke_label(command: c.RevokeLabel, deps: QualityDependencies) -> str:
    return _change_label(command, deps, "revoke")


def _change_label(
    command: c.SuspendLabel | c.ReinstateLabel | c.RevokeLabel,
    deps: QualityDependencies,
    change: str,
) -> str:
    command.actor.require_editor("act for the quality committee")
    now = deps.clock()
    with deps.uow() as work:
        label = _label_to_follow(work, command.code)
        getattr(label, change)(command.reason, command.actor.subject, now)
        if change == "suspend":
            _tell_suspended(work, label, command.reason, now)
        elif change == "revoke":
            work.publish(
                published.QualityLabelRevoked(
                    **_label_fact(label), reason=command.reason, occurred_at=now
                )
            )
        _announce(work, label.state.programme_id, now, command.reason)
        work.commit()
    deps.recent_labels.forget(label.id)
    return command.code


def _label_fact(label: Label) -> dict[str, Any]:
    """What every event about one label names: code, programme, organisation, step."""
    s = label.state
    return {
        "label_code": label.id,
        "programme_id": s.programme_id,
        "organisation_id": s.organisation_id,
        "step": published.QualityStep(s.step),
    }


def _tell_suspended(work: Work, label: Label, reason: str, now: datetime) -> None:
    work.publish(
        published.QualityLabelSuspended(**_label_fact(label), reason=reason, occurred_at=now)
    )


def _label_to_follow(work: Work, code: str) -> Label:
    label = work.repository(Label).find(code)
    if label is None:
        raise NotFound(f"label {code!r} does not exist")
    return label


def record_surveillance(command: c.RecordSurveillance, deps: QualityDependencies) -> str:
    """The committee's mid-term check: passed, findings (conditions) or suspension."""
    command.actor.require_editor("act for the quality committee")
    now = deps.clock()
    with deps.uow() as work:
        label = _label_to_follow(work, command.code)
        label.record_surveillance(
            command.outcome, command.findings, command.actor.subject, now, command.conditions_due
        )
        if command.outcome is SurveillanceOutcome.SUSPENDED:
            _tell_suspended(work, label, label.state.reason, now)
            _announce(work, label.state.programme_id, now, label.state.reason)
        work.commit()
    deps.recent_labels.forget(label.id)
    return command.code


def meet_conditions(command: c.MeetConditions, deps: QualityDependencies) -> str:
    """The committee marks a label's conditions met (a suspended label may then be
    reinstated)."""
    command.actor.require_editor("act for the quality committee")
    with deps.uow() as work:
        _label_to_follow(work, command.code).meet_conditions(
            command.note, command.actor.subject, deps.clock()
        )
        work.commit()
    deps.recent_labels.forget(command.code)  # the label view says whether they are met
    return command.code


def verify_label(query: c.VerifyLabel, deps: QualityDependencies) -> LabelView:
    """From the labels verified in the last seconds, or one lookup (adapters.recent)."""
    found = deps.recent_labels.get(query.code)
    if found is None:
        with deps.read() as views:
            found = views.label(query.code)
        if found is None:
            raise NotFound(f"label {query.code!r} does not exist")
        deps.recent_labels.put(found)
    return as_of(found, deps.clock())


def list_labels(query: c.ListLabels, deps: QualityDependencies) -> LabelPage:
    with deps.read() as views:
        return views.register(
            step=query.step,
            country=query.country,
            query=query.query,
            standing=query.standing,
            now=deps.clock(),
            size=query.page_size,
            offset=query.offset,
            open_conditions=query.open_conditions,
            conditions_due_before=query.conditions_due_before,
        )


def list_label_history(query: c.ListLabelHistory, deps: QualityDependencies) -> list[HistoryEntry]:
    with deps.read() as views:
        return views.history(query.programme_id)


def follow_up_labels(command: c.FollowUpLabels, deps: QualityDependencies) -> int:
    """The worker's timer, each step recorded once per label so a tick may repeat: lapsed
    labels expire; RenewalDue within the notice; SurveillanceDue at the mid-term date;
    ConditionsDue within the conditions' notice; unmet conditions past their deadline
    suspend the label. Returns how many reminders and changes it made."""
    now = command.now or deps.clock()
    with deps.read() as views:
        lapsed = views.lapsed(now)
        renewals = views.due_for_reminder(now, deps.renewal_notice)
        surveillance = views.due_for_surveillance(now)
        conditions = views.conditions_due(now, deps.conditions_notice)
    done = 0
    for code in lapsed:
        done += _follow_up(deps, code, partial(_expire, now=now))
    for code in renewals:
        done += _follow_up(deps, code, partial(_remind_renewal, now=now, deps=deps))
    for code in surveillance:
        done += _follow_up(deps, code, partial(_remind_surveillance, now=now))
    for code in conditions:
        done += _follow_up(deps, code, partial(_follow_conditions, now=now, deps=deps))
    return done


def _follow_up(deps: QualityDependencies, code: str, step: Callable[[Work, Label], bool]) -> int:
    with deps.uow() as work:
        changed = step(work, work.repository(Label).get(code))
        work.commit()
    deps.recent_labels.forget(code)
    return int(changed)


def _expire(work: Work, label: Label, now: datetime) -> bool:
    if not label.expire(now):
        return False
    work.publish(published.QualityLabelExpired(**_label_fact(label), occurred_at=now))
    _announce(work, label.state.programme_id, now, "the label expired")
    return True


def _remind_renewal(work: Work, label: Label, now: datetime, deps: QualityDependencies) -> bool:
    if not label.remind_renewal(now, deps.renewal_notice):
        return False
    assert label.state.valid_until is not None
    work.publish(
        published.RenewalDue(
            **_label_fact(label), valid_until=label.state.valid_until, occurred_at=now
        )
    )
    return True


def _remind_surveillance(work: Work, label: Label, now: datetime) -> bool:
    if not label.remind_surveillance(now):
        return False
    work.publish(
        published.SurveillanceDue(
            **_label_fact(label), due=label.surveillance_due(), occurred_at=now
        )
    )
    return True


def _follow_conditions(work: Work, label: Label, now: datetime, deps: QualityDependencies) -> bool:
    due = label.state.conditions_due
    if label.enforce_conditions(now):
        _tell_suspended(work, label, label.state.reason, now)
        _announce(work, label.state.programme_id, now, label.state.reason)
        return True
    if label.remind_conditions(now, deps.conditions_notice):
        assert due is not None
        work.publish(
            published.ConditionsDue(**_label_fact(label), conditions_due=due, occurred_at=now)
        )
        return True
    return False
