"""The contributions area: everything it wires into the events service."""

from __future__ import annotations

from ecbm_events.adapters.contributions.projections import (
    CHANGED_BY,
    project_contribution_changed,
    project_contribution_proposed,
)
from ecbm_events.adapters.contributions.tables import contributions
from ecbm_events.application.contributions import commands, handlers
from ecbm_events.domain.contribution import ContributionProposed
from ecbm_runtime.uow import Projection
from ecbm_runtime.wiring import Area

_PROJECTIONS: dict[type, list[Projection]] = {
    ContributionProposed: [project_contribution_proposed],
    **{changed: [project_contribution_changed] for changed in CHANGED_BY},
}

AREA = Area(
    domain_events=[ContributionProposed, *CHANGED_BY],
    projections=_PROJECTIONS,
    handlers={
        commands.ProposeContribution: handlers.propose_contribution,
        commands.ReviewContribution: handlers.review_contribution,
        commands.ReviseContribution: handlers.revise_contribution,
        commands.GetContribution: handlers.get_contribution,
        commands.ListContributions: handlers.list_contributions,
    },
    read_model_tables=[contributions],
)
