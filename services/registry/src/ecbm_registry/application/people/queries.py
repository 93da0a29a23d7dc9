"""Queries about people and memberships, answered from the read models."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ecbm_registry.application.people.commands import PersonId
from ecbm_registry.domain.membership import MembershipStatus
from ecbm_registry.domain.person import Role
from ecbm_registry.domain.taxonomy import ExpertiseTopic
from ecbm_registry.domain.vocabulary import CountryCode
from ecbm_runtime.actor import Actor


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor = Actor()


class PeopleOrder(StrEnum):
    JOINED = "joined"  # oldest member first
    DISPLAY_NAME = "display_name"


class GetPerson(Query):
    person_id: PersonId


class ExportPerson(Query):
    person_id: PersonId


class ListPeople(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    after: tuple[str, str] | None = None  # (sort key, id) of the previous page's last person
    order_by: PeopleOrder = PeopleOrder.JOINED
    country: CountryCode | None = None
    role: Role | None = None
    expertise_topic: ExpertiseTopic | None = None
    learning_goal_topic: ExpertiseTopic | None = None
    open_to_visiting_professorship: bool = False
    open_to_hosting_interns: bool = False
    open_to_peer_review: bool = False


class GetMembership(Query):
    person_id: PersonId


class ListMemberships(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    after: str = ""  # person id of the previous page's last membership
    status: MembershipStatus | None = None
