"""Commands about people and memberships; their shape is validated when they are built."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from ecbm_registry.domain.person import ExpertiseLevel, Role
from ecbm_registry.domain.taxonomy import ExpertiseTopic
from ecbm_registry.domain.vocabulary import CountryCode, LanguageCode
from ecbm_runtime.actor import Actor

PERSON_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
PersonId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
FreeText = Annotated[str, Field(max_length=2000)]


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    actor: Actor = Actor()


class PersonDetails(BaseModel):
    """A profile as a caller states it (every field present)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    display_name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    bio: FreeText = ""
    roles: Annotated[tuple[Role, ...], AfterValidator(_unique)] = ()
    affiliation_id: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")] = ""
    country: CountryCode
    languages: Annotated[tuple[LanguageCode, ...], AfterValidator(_unique)] = ()
    preferred_language: LanguageCode = "en"
    open_to_visiting_professorship: bool = False
    open_to_hosting_interns: bool = False
    open_to_peer_review: bool = False
    listed_in_directory: bool = False
    contact_by_email: bool = True


class JoinNetwork(Command):
    """An editor adds a person, or a member joins as themself (their token's subject)."""

    request_id: str = Field(default="", max_length=100)
    person: PersonDetails


class PersonChanges(BaseModel):
    """The fields of a profile an update sets; a field not set keeps its value."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    email: EmailStr | None = None
    bio: FreeText | None = None
    roles: Annotated[tuple[Role, ...], AfterValidator(_unique)] | None = None
    affiliation_id: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")] | None = None
    country: CountryCode | None = None
    languages: Annotated[tuple[LanguageCode, ...], AfterValidator(_unique)] | None = None
    preferred_language: LanguageCode | None = None
    open_to_visiting_professorship: bool | None = None
    open_to_hosting_interns: bool | None = None
    open_to_peer_review: bool | None = None
    listed_in_directory: bool | None = None
    contact_by_email: bool | None = None


class UpdatePerson(Command):
    """Set the fields given in ``person`` (the update mask's); the rest keep their value."""

    person_id: PersonId
    expected_version: int = Field(default=0, ge=0)  # 0: whatever the current version is
    person: PersonChanges


class ExpertiseInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    topic: ExpertiseTopic
    level: ExpertiseLevel
    description: FreeText = ""


class LearningGoalInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    topic: ExpertiseTopic
    description: FreeText = ""


class DeclareExpertise(Command):
    person_id: PersonId
    expertise: ExpertiseInput


class WithdrawExpertise(Command):
    person_id: PersonId
    topic: str = Field(min_length=1, max_length=64)


class DeclareLearningGoal(Command):
    person_id: PersonId
    learning_goal: LearningGoalInput


class WithdrawLearningGoal(Command):
    person_id: PersonId
    topic: str = Field(min_length=1, max_length=64)


class ForgetPerson(Command):
    person_id: PersonId


class ApplyForMembership(Command):
    person_id: PersonId
    motivation: FreeText = ""


class ApproveMembership(Command):
    person_id: PersonId


class DeclineMembership(Command):
    person_id: PersonId
    reason: str = Field(min_length=1, max_length=2000)


class EndMembership(Command):
    person_id: PersonId
    reason: FreeText = ""
    lapsed: bool = False  # not renewed, rather than ended on purpose
