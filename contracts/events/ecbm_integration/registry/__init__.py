"""Integration events published by the registry service (exchange ``registry.events``).

One module per area of the registry; each event class is re-exported here.
"""

from ecbm_integration.registry.base import RegistryEvent
from ecbm_integration.registry.network import (
    InteractionLogged,
    PolicyContactAdded,
    PolicyContactUpdated,
)
from ecbm_integration.registry.people import (
    ExpertiseDeclared,
    LearningGoalDeclared,
    MembershipApproved,
    MembershipEnded,
    PersonForgotten,
    PersonJoined,
    PersonUpdated,
)
from ecbm_integration.registry.programmes import (
    OrganisationEditorAdded,
    OrganisationRegistered,
    OrganisationUpdated,
    OrganisationWithdrawn,
    ProgrammeEvaluationAdded,
    ProgrammeEvidenceLevelChanged,
    ProgrammeLearningGoalDeclared,
    ProgrammeRegistered,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_integration.registry.rapporteurs import RapporteurLinked
from ecbm_integration.registry.resources import ResourcePublished

__all__ = [
    "ExpertiseDeclared",
    "InteractionLogged",
    "LearningGoalDeclared",
    "MembershipApproved",
    "MembershipEnded",
    "OrganisationEditorAdded",
    "OrganisationRegistered",
    "OrganisationUpdated",
    "OrganisationWithdrawn",
    "PersonForgotten",
    "PersonJoined",
    "PersonUpdated",
    "PolicyContactAdded",
    "PolicyContactUpdated",
    "ProgrammeEvaluationAdded",
    "ProgrammeEvidenceLevelChanged",
    "ProgrammeLearningGoalDeclared",
    "ProgrammeRegistered",
    "ProgrammeUpdated",
    "ProgrammeWithdrawn",
    "RapporteurLinked",
    "RegistryEvent",
    "ResourcePublished",
]
