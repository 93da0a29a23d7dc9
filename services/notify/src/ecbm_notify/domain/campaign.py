"""Newsletter campaigns: what an editor writes, for whom, and where its sending stands.

Lifecycle::

    draft ──schedule/send──▶ scheduled ──(due)──▶ sending ──(audience done)──▶ sent
      │                        │   ▲                 │  ▲
      │                        ▼   │ resume          ▼  │ resume
      │                        paused ◀──────pause───┘  │
      └──────────── cancel (from any state but sent) ───┘──▶ cancelled

Only a draft can be edited. Per-recipient outcomes are rows, not events (a campaign to
100,000 people is not 100,000 events); the aggregate records the turns of its lifecycle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import singledispatchmethod
from typing import Annotated, Literal, Self

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound, RuleViolation

CampaignState = Literal["draft", "scheduled", "sending", "paused", "sent", "cancelled"]
BlockKind = Literal["heading", "paragraph", "link"]
PersonRole = Literal[
    "practitioner", "programme_coordinator", "researcher", "policy_maker", "student"
]
LANGUAGES = ("en", "fr", "de", "nl")
NEWSLETTER_TEMPLATES = ("newsletter",)
MAX_BLOCKS = 100
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")


class CampaignNotFound(NotFound):
    """No campaign with this id."""


class CampaignNotEditable(RuleViolation):
    """The campaign left the draft state; copy it into a new draft to change it."""


class CampaignStateRuleViolation(RuleViolation):
    """The lifecycle does not allow this step from the campaign's current state."""


def _country(code: str) -> str:
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _topic(slug: str) -> str:
    if not _TOPIC.fullmatch(slug):
        raise ValueError(f"{slug!r} is not a topic slug (a-z, 0-9, '-', at most 40)")
    return slug


CountryCode = Annotated[str, AfterValidator(_country)]
Topic = Annotated[str, AfterValidator(_topic)]


class ContentBlock(BaseModel):
    """One piece of the newsletter's body: plain text, escaped when rendered as HTML."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: BlockKind
    text: str = Field(min_length=1, max_length=10_000)
    url: str = ""

    @model_validator(mode="after")
    def _link_has_url(self) -> Self:
        if self.kind == "link" and not _URL.fullmatch(self.url):
            raise ValueError("a link block needs an http(s) url")
        if self.kind != "link" and self.url:
            raise ValueError(f"a {self.kind} block has no url")
        return self


class Audience(BaseModel):
    """Who receives a campaign. An empty list does not narrow; filled lists must all match.

    ``topics`` narrows external subscribers to those interested in one of them; members
    have no declared newsletter topics and are reached unless ``include_members`` is off.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    countries: tuple[CountryCode, ...] = ()
    roles: tuple[PersonRole, ...] = ()
    topics: tuple[Topic, ...] = ()
    include_members: bool = True
    include_subscribers: bool = True

    def admits_member(self, country: str | None, roles: Iterable[str]) -> bool:
        if not self.include_members:
            return False
        if self.countries and country not in self.countries:
            return False
        return not self.roles or bool(set(self.roles) & set(roles))

    def admits_subscriber(self, country: str | None, topics: Iterable[str]) -> bool:
        """External subscribers declare no roles: a role filter leaves them out."""
        if not self.include_subscribers or self.roles:
            return False
        if self.countries and country not in self.countries:
            return False
        return not self.topics or bool(set(self.topics) & set(topics))


class Draft(BaseModel):
    """Everything an editor writes; validated as a whole on every change."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    subject: str = Field(min_length=1, max_length=200)
    language: Literal["en", "fr", "de", "nl"] = "en"
    template: str = "newsletter"
    blocks: tuple[ContentBlock, ...] = Field(min_length=1, max_length=MAX_BLOCKS)
    audience: Audience = Audience()

    @model_validator(mode="after")
    def _known_template(self) -> Self:
        if self.template not in NEWSLETTER_TEMPLATES:
            raise ValueError(f"template must be one of {', '.join(NEWSLETTER_TEMPLATES)}")
        if "\n" in self.subject or "\r" in self.subject:
            raise ValueError("the subject is one line")
        return self


# The draft notify opens for picked items when editors have none going.
NEXT_ISSUE = {"title": "Next newsletter", "subject": "News from the mentoring network"}


def picked_blocks(title: str, url: str, text: str) -> tuple[ContentBlock, ...]:
    """An item editors picked in alerts, as draft content: its title linking to it (a
    heading when it has no web address), then their note or its summary."""
    title = title.strip()[:500] or url
    first = (
        ContentBlock(kind="link", text=title, url=url)
        if _URL.fullmatch(url)
        else ContentBlock(kind="heading", text=title)
    )
    text = text.strip()
    return (first, ContentBlock(kind="paragraph", text=text[:10_000])) if text else (first,)


class CampaignDrafted(DomainEvent):
    draft: Draft
    created_by: str


class CampaignRevised(DomainEvent):
    draft: Draft


class CampaignScheduled(DomainEvent):
    send_at: datetime


class CampaignSendingStarted(DomainEvent):
    audience_size: int


class CampaignPaused(DomainEvent):
    pass


class CampaignResumed(DomainEvent):
    pass


class CampaignCancelled(DomainEvent):
    pass


class CampaignCompleted(DomainEvent):
    sent: int
    failed: int


class Campaign(Aggregate):
    """One newsletter issue. Invariants: edited only as a draft; each step from its states."""

    stream_prefix = "campaign"

    draft: Draft
    state: CampaignState
    send_at: datetime | None
    started: bool

    @classmethod
    def create(cls, id: str, draft: Draft, created_by: str) -> Self:
        campaign = cls(id)
        campaign.record(CampaignDrafted(draft=draft, created_by=created_by))
        return campaign

    def revise(self, draft: Draft) -> None:
        if self.state != "draft":
            raise CampaignNotEditable(f"a {self.state} campaign cannot be edited")
        if draft != self.draft:
            self.record(CampaignRevised(draft=draft))

    def add_picked(self, blocks: tuple[ContentBlock, ...]) -> bool:
        """Append an item picked for the newsletter to this draft; False when the draft has
        no room left for it."""
        if self.state != "draft":
            raise CampaignNotEditable(f"a {self.state} campaign cannot be edited")
        if len(self.draft.blocks) + len(blocks) > MAX_BLOCKS:
            return False
        grown = self.draft.model_copy(update={"blocks": self.draft.blocks + blocks})
        self.record(CampaignRevised(draft=grown))
        return True

    def schedule(self, send_at: datetime, now: datetime) -> None:
        """Send at ``send_at`` (now or later); the content must have rendered (see use case)."""
        self._require("schedule", "draft", "scheduled")
        if send_at < now.replace(microsecond=0):
            raise InvalidArgument(FieldViolation("send_time", "must not be in the past"))
        self.record(CampaignScheduled(send_at=send_at))

    def start_sending(self, audience_size: int) -> None:
        self._require("start sending", "scheduled")
        self.record(CampaignSendingStarted(audience_size=audience_size))

    def pause(self) -> None:
        self._require("pause", "scheduled", "sending")
        self.record(CampaignPaused())

    def resume(self) -> None:
        self._require("resume", "paused")
        self.record(CampaignResumed())

    def cancel(self) -> None:
        self._require("cancel", "draft", "scheduled", "sending", "paused")
        self.record(CampaignCancelled())

    def complete(self, sent: int, failed: int) -> None:
        self._require("complete", "sending")
        self.record(CampaignCompleted(sent=sent, failed=failed))

    def _require(self, step: str, *states: CampaignState) -> None:
        if self.state not in states:
            raise CampaignStateRuleViolation(
                f"cannot {step} a {self.state} campaign (only when {' or '.join(states)})"
            )

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: CampaignDrafted) -> None:
        self.draft, self.state, self.send_at, self.started = event.draft, "draft", None, False

    @apply.register
    def _(self, event: CampaignRevised) -> None:
        self.draft = event.draft

    @apply.register
    def _(self, event: CampaignScheduled) -> None:
        self.state, self.send_at = "scheduled", event.send_at

    @apply.register
    def _(self, event: CampaignSendingStarted) -> None:
        self.state, self.started = "sending", True

    @apply.register
    def _(self, event: CampaignPaused) -> None:
        self.state = "paused"

    @apply.register
    def _(self, event: CampaignResumed) -> None:
        self.state = "sending" if self.started else "scheduled"

    @apply.register
    def _(self, event: CampaignCancelled) -> None:
        self.state = "cancelled"

    @apply.register
    def _(self, event: CampaignCompleted) -> None:
        self.state = "sent"


CAMPAIGN_EVENTS: tuple[type[DomainEvent], ...] = (
    CampaignDrafted,
    CampaignRevised,
    CampaignScheduled,
    CampaignSendingStarted,
    CampaignPaused,
    CampaignResumed,
    CampaignCancelled,
    CampaignCompleted,
)
