"""Everything the quality service wires: domain events, projections, handlers, read models."""

from __future__ import annotations

from ecbm_integration import matching, registry
from ecbm_quality.adapters import projections as p
from ecbm_quality.adapters.tables import READ_MODELS
from ecbm_quality.application import commands as c
from ecbm_quality.application import handlers as h
from ecbm_quality.domain import application as app
from ecbm_quality.domain import criteria as crit
from ecbm_quality.domain import label as lab
from ecbm_runtime.uow import Projection
from ecbm_runtime.wiring import Area

_PROJECTIONS: dict[type, list[Projection]] = {
    lab.LabelAwarded: [p.project_label_awarded],
    **{changed: [p.project_label_changed] for changed in p.LABEL_CHANGED_BY},
    app.ApplicationOpened: [p.project_application_opened],
    **{changed: [p.project_application_changed] for changed in p.APPLICATION_CHANGED_BY},
    app.AppealLodged: [p.project_application_changed, p.project_appeal],
    app.AppealReviewStarted: [p.project_appeal],
    app.AppealDecided: [p.project_application_changed, p.project_appeal],
    crit.CriteriaSetDrafted: [p.project_criteria_set_drafted],
    **{changed: [p.project_criteria_set_changed] for changed in p.CRITERIA_CHANGED_BY},
}

AREA = Area(
    domain_events=[
        lab.LabelAwarded,
        *p.LABEL_CHANGED_BY,
        app.ApplicationOpened,
        app.CriterionSelfAssessed,
        app.AuditorScored,
        *p.APPLICATION_CHANGED_BY,
        app.AppealReviewStarted,
        crit.CriteriaSetDrafted,
        *p.CRITERIA_CHANGED_BY,
    ],
    projections=_PROJECTIONS,
    handlers={
        registry.ProgrammeRegistered: h.on_programme_registered,
        registry.OrganisationRegistered: h.on_organisation_registered,
        registry.OrganisationEditorAdded: h.on_editor_added,
        registry.MembershipApproved: h.on_membership_approved,
        registry.MembershipEnded: h.on_membership_ended,
        registry.PersonJoined: h.on_person_joined,
        registry.PersonUpdated: h.on_person_joined,
        registry.PersonForgotten: h.on_person_forgotten,
        matching.IntroductionAccepted: h.on_introduction_accepted,
        c.DraftCriteriaSet: h.draft_criteria_set,
        c.PublishCriteriaSet: h.publish_criteria_set,
        c.RetireCriteriaSet: h.retire_criteria_set,
        c.GetCriteriaSet: h.get_criteria_set,
        c.OpenApplication: h.open_application,
        c.AssessCriterion: h.assess_criterion,
        c.SubmitSelfAssessment: h.submit_self_assessment,
        c.AssignPanel: h.assign_panel,
        c.DeclareConflict: h.declare_conflict,
        c.ScoreApplication: h.score_application,
        c.ReconcileScores: h.reconcile_scores,
        c.DecideApplication: h.decide_application,
        c.LodgeAppeal: h.lodge_appeal,
        c.ReviewAppeal: h.review_appeal,
        c.DecideAppeal: h.decide_appeal,
        c.GetAppeal: h.get_appeal,
        c.ListAppeals: h.list_appeals,
        c.GetApplication: h.get_application,
        c.SuspendLabel: h.suspend_label,
        c.ReinstateLabel: h.reinstate_label,
        c.RevokeLabel: h.revoke_label,
        c.VerifyLabel: h.verify_label,
        c.ListLabels: h.list_labels,
        c.ListLabelHistory: h.list_label_history,
        c.RecordSurveillance: h.record_surveillance,
        c.MeetConditions: h.meet_conditions,
        c.FollowUpLabels: h.follow_up_labels,
    },
    read_model_tables=list(READ_MODELS),
)
