"""Registry integration events linking the alerts' procedures to the Brussels network.

Alerts publishes a procedure's rapporteurs by their public names (``RapporteursNamed``);
registry, which holds its policy contacts' names, matches them and answers with ids only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ecbm_integration.fields import OccurredAt, ResourceId
from ecbm_integration.registry.base import RegistryEvent


class RapporteurLinked(RegistryEvent):
    """A procedure's rapporteur (or shadow rapporteur) is a policy contact of the network."""

    item_id: ResourceId = Field(description="The alerts item of the procedure: items/{item_id}.")
    reference: str = Field(
        min_length=1,
        max_length=200,
        description="Procedure reference.",
        examples=["2024/0123(COD)"],
    )
    policy_contact_id: ResourceId = Field(
        description="The contact: policyContacts/{policy_contact_id}."
    )
    role: Literal["rapporteur", "shadow"] = Field(description="Rapporteur or shadow rapporteur.")
    rapporteur: str = Field(
        min_length=1,
        max_length=200,
        description="The name as RapporteursNamed gave it (the Legislative Observatory's "
        "public text, not registry's record), so alerts knows which rapporteur it is.",
    )
    occurred_at: OccurredAt = Field(description="When the link was made.")
