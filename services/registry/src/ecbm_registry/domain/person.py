"""People of the network: members with roles, expertise, learning goals and consent.

Personal fields (name, e-mail, free texts) travel in these events as plain values; the
registry's event codec seals them with the person's own key before they are stored, so
forgetting a person is deleting that key (see adapters/people/personal_data.py).
"""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import RuleViolation

MAX_EXPERTISE = 20
MAX_LEARNING_GOALS = 20


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    PROGRAMME_COORDINATOR = "programme_coordinator"
    RESEARCHER = "researcher"
    POLICY_MAKER = "policy_maker"
    STUDENT = "student"


class ExpertiseLevel(StrEnum):
    AWARE = "aware"
    PRACTISING = "practising"
    EXPERT = "expert"


class Profile(BaseModel):
    """Everything a person says about themself; replaced as a whole on every change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_name: str
    email: str
    bio: str = ""
    roles: tuple[Role, ...] = ()
    affiliation_id: str = ""
    country: str
    languages: tuple[str, ...] = ()
    preferred_language: str = "en"
    open_to_visiting_professorship: bool = False
    open_to_hosting_interns: bool = False
    open_to_peer_review: bool = False
    listed_in_directory: bool = False  # consent to appear in public reads
    contact_by_email: bool = True  # consent to be e-mailed by the Center's services


# Fields of a Profile the codec seals: they identify the person.
PERSONAL_PROFILE_FIELDS = ("display_name", "email", "bio")


class PersonJoined(DomainEvent):
    person_id: str
    profile: Profile


class PersonProfileChanged(DomainEvent):
    person_id: str
    profile: Profile
    changed: tuple[str, ...]  # profile fields that differ from before


class ExpertiseDeclared(DomainEvent):
    person_id: str
    topic: str
    level: ExpertiseLevel
    description: str


class ExpertiseWithdrawn(DomainEvent):
    person_id: str
    topic: str


class LearningGoalDeclared(DomainEvent):
    person_id: str
    topic: str
    description: str


class LearningGoalWithdrawn(DomainEvent):
    person_id: str
    topic: str


class PersonForgotten(DomainEvent):
    """The person asked to be forgotten; only the id remains."""

    person_id: str


class Expertise(BaseModel):
    model_config = ConfigDict(frozen=True)
    level: ExpertiseLevel
    description: str


class Person(Aggregate):
    """A member of the network.

    Invariants: a forgotten person changes no more; at most ``MAX_EXPERTISE`` expertise
    topics and ``MAX_LEARNING_GOALS`` learning-goal topics, one entry per topic;
    re-declaring what is already declared records nothing.
    """

    stream_prefix = "person"

    profile: Profile
    expertise: dict[str, Expertise]
    learning_goals: dict[str, str]
    forgotten: bool

    @classmethod
    def join(cls, id: str, profile: Profile) -> Self:
        person = cls(id)
        person.record(PersonJoined(person_id=id, profile=profile))
        return person

    def change_profile(self, profile: Profile) -> None:
        self._check_not_forgotten()
        old, new = self.profile.model_dump(), profile.model_dump()
        changed = tuple(name for name in new if new[name] != old[name])
        if changed:
            self.record(PersonProfileChanged(person_id=self.id, profile=profile, changed=changed))

    def declare_expertise(self, topic: str, level: ExpertiseLevel, description: str) -> None:
        self._check_not_forgotten()
        if self.expertise.get(topic) == Expertise(level=level, description=description):
            return
        if topic not in self.expertise and len(self.expertise) >= MAX_EXPERTISE:
            raise RuleViolation(f"at most {MAX_EXPERTISE} topics of expertise per person")
        self.record(
            ExpertiseDeclared(person_id=self.id, topic=topic, level=level, description=description)
        )

    def withdraw_expertise(self, topic: str) -> None:
        self._check_not_forgotten()
        if topic not in self.expertise:
            raise RuleViolation(f"no expertise declared on {topic!r}")
        self.record(ExpertiseWithdrawn(person_id=self.id, topic=topic))

    def declare_learning_goal(self, topic: str, description: str) -> None:
        self._check_not_forgotten()
        if self.learning_goals.get(topic) == description:
            return
        if topic not in self.learning_goals and len(self.learning_goals) >= MAX_LEARNING_GOALS:
            raise RuleViolation(f"at most {MAX_LEARNING_GOALS} learning goals per person")
        self.record(LearningGoalDeclared(person_id=self.id, topic=topic, description=description))

    def withdraw_learning_goal(self, topic: str) -> None:
        self._check_not_forgotten()
        if topic not in self.learning_goals:
            raise RuleViolation(f"no learning goal declared on {topic!r}")
        self.record(LearningGoalWithdrawn(person_id=self.id, topic=topic))

    def forget(self) -> None:
        self._check_not_forgotten()
        self.record(PersonForgotten(person_id=self.id))

    def _check_not_forgotten(self) -> None:
        if self.forgotten:
            raise RuleViolation("this person has been forgotten")

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: PersonJoined) -> None:
        self.profile = event.profile
        self.expertise, self.learning_goals, self.forgotten = {}, {}, False

    @apply.register
    def _(self, event: PersonProfileChanged) -> None:
        self.profile = event.profile

    @apply.register
    def _(self, event: ExpertiseDeclared) -> None:
        self.expertise[event.topic] = Expertise(level=event.level, description=event.description)

    @apply.register
    def _(self, event: ExpertiseWithdrawn) -> None:
        del self.expertise[event.topic]

    @apply.register
    def _(self, event: LearningGoalDeclared) -> None:
        self.learning_goals[event.topic] = event.description

    @apply.register
    def _(self, event: LearningGoalWithdrawn) -> None:
        del self.learning_goals[event.topic]

    @apply.register
    def _(self, event: PersonForgotten) -> None:
        self.forgotten = True
        self.expertise, self.learning_goals = {}, {}
