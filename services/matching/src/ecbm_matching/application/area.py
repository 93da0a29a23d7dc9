"""Everything matching wires: profiles from registry and quality, requests and
recommendations."""

from __future__ import annotations

from ecbm_integration import quality, registry
from ecbm_matching.adapters.requests import (
    CHANGED_BY,
    project_request_changed,
    project_request_opened,
)
from ecbm_matching.adapters.tables import match_requests, request_topics
from ecbm_matching.application import commands as c
from ecbm_matching.application import profiles as p
from ecbm_matching.application import requests as r
from ecbm_matching.domain.request import RequestOpened
from ecbm_runtime.uow import Projection
from ecbm_runtime.wiring import Area

_PROJECTIONS: dict[type, list[Projection]] = {
    RequestOpened: [project_request_opened],
    **{changed: [project_request_changed] for changed in CHANGED_BY},
}

AREA = Area(
    domain_events=[RequestOpened, *CHANGED_BY],
    projections=_PROJECTIONS,
    handlers={
        registry.PersonJoined: p.on_person_changed,
        registry.PersonUpdated: p.on_person_changed,
        registry.ExpertiseDeclared: p.on_expertise_declared,
        registry.LearningGoalDeclared: p.on_learning_goal_declared,
        registry.ProgrammeLearningGoalDeclared: p.on_learning_goal_declared,
        registry.ProgrammeRegistered: p.on_programme_registered,
        registry.ProgrammeUpdated: p.on_programme_updated,
        registry.ProgrammeWithdrawn: p.on_programme_withdrawn,
        registry.ProgrammeEvidenceLevelChanged: p.on_evidence_changed,
        quality.QualityLabelAwarded: p.on_quality_label,
        quality.QualityLabelWithdrawn: p.on_quality_label,
        registry.PersonForgotten: p.on_person_forgotten,
        c.OpenRequest: r.open_request,
        c.EditRequest: r.edit_request,
        c.ChangeState: r.change_state,
        c.GetRequest: r.get_request,
        c.BrowseRequests: r.browse_requests,
        c.Recommend: r.recommend,
        c.MarkCandidate: r.mark_candidate,
        c.SetWeights: r.set_weights,
        c.WeightHistory: r.weight_history,
        c.ExpireRequests: r.expire_requests,
    },
    # Profiles and marks are not projections of matching's own events: replay keeps them.
    read_model_tables=[match_requests, request_topics],
)
