"""Commands of the Brussels network; their shape is validated when they are built."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from ecbm_registry.domain.interaction import InteractionKind
from ecbm_registry.domain.policy_contact import ContactKind, Stance
from ecbm_registry.domain.taxonomy import FocusArea
from ecbm_registry.domain.vocabulary import CountryCode
from ecbm_runtime.actor import Actor

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Short = Field(default="", max_length=200)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Action(Command):
    actor: Actor = Actor()  # who acts: recorded on what they change


class ContactFields(Command):
    display_name: str = Field(min_length=1, max_length=200)
    kind: ContactKind
    country: CountryCode
    institution: str = Field(min_length=1, max_length=200)
    committee: str = Short
    directorate_general: str = Field(default="", max_length=100)
    unit: str = Field(default="", max_length=100)
    topics: tuple[FocusArea, ...] = Field(default=(), max_length=20)
    email: EmailStr | None = None  # a work address; never a private one


class AddPolicyContact(ContactFields, Action):
    request_id: str = Field(default="", max_length=100)
    stance: Stance = Stance.UNKNOWN


class ContactChanges(Command):
    """The fields named in the update mask, with their new values; absent ones stay."""

    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: ContactKind | None = None
    country: CountryCode | None = None
    institution: str | None = Field(default=None, min_length=1, max_length=200)
    committee: str | None = Field(default=None, max_length=200)
    directorate_general: str | None = Field(default=None, max_length=100)
    unit: str | None = Field(default=None, max_length=100)
    topics: tuple[FocusArea, ...] | None = Field(default=None, max_length=20)
    email: EmailStr | None = None


class UpdatePolicyContact(Action):
    contact_id: Id
    expected_version: int = Field(ge=1)
    changes: ContactChanges


class ChangeStance(Action):
    contact_id: Id
    stance: Stance
    reason: str = Field(min_length=1, max_length=2000)
    expected_version: int = Field(default=0, ge=0)  # 0: no check


class WithdrawPolicyContact(Action):
    contact_id: Id
    reason: str = Field(default="", max_length=2000)
    expected_version: int = Field(default=0, ge=0)


class LogInteraction(Action):
    request_id: str = Field(default="", max_length=100)
    contact_id: Id
    kind: InteractionKind
    occurred_on: date
    participants: tuple[Id, ...] = Field(min_length=1, max_length=50)
    outcome: str = Field(default="", max_length=5000)
