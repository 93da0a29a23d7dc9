"""The organisations-and-programmes area of the registry."""

from __future__ import annotations

from ecbm_registry.adapters.programmes.projections import PROJECTIONS
from ecbm_registry.adapters.programmes.read_models import READ_MODEL_TABLES
from ecbm_registry.application.programmes.handlers import HANDLERS
from ecbm_registry.application.programmes.integration import INTEGRATION
from ecbm_registry.domain.organisation import (
    OrganisationEditorAdded,
    OrganisationRegistered,
    OrganisationUpdated,
    OrganisationWithdrawn,
)
from ecbm_registry.domain.programme import (
    EvaluationAdded,
    EvidenceLevelChanged,
    ProgrammeLearningGoalDeclared,
    ProgrammeRegistered,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=(
        OrganisationRegistered,
        OrganisationUpdated,
        OrganisationEditorAdded,
        OrganisationWithdrawn,
        ProgrammeRegistered,
        ProgrammeUpdated,
        ProgrammeWithdrawn,
        EvaluationAdded,
        EvidenceLevelChanged,
        ProgrammeLearningGoalDeclared,
    ),
    projections=PROJECTIONS,
    integration=INTEGRATION,
    handlers=HANDLERS,
    read_model_tables=READ_MODEL_TABLES,
)
