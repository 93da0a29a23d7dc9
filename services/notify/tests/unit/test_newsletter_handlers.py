"""The newsletter's handlers in memory: campaigns, opt-in, member profiles, sending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes import KEY, NOW, InMemoryNotify, aggregates, in_memory_notify

from ecbm_notify.adapters.mailer import MailRejected
from ecbm_notify.adapters.newsletter.sends import Addressee
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.application.newsletter.handlers import SubscriptionNotFound
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import (
    Campaign,
    CampaignNotFound,
    CampaignStateRuleViolation,
    Draft,
)
from ecbm_notify.domain.subscriber import CONFIRMATION_PURPOSE, Interests, Subscriber
from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import Conflict, InvalidArgument

DRAFT = Draft.model_validate(
    {
        "title": "December",
        "subject": "Mentoring news",
        "language": "en",
        "blocks": [{"kind": "paragraph", "text": "Hello"}],
    }
)


@pytest.fixture
def notify() -> InMemoryNotify:
    return in_memory_notify()


def campaign(notify: InMemoryNotify, campaign_id: str) -> Campaign:
    return aggregates(notify.records, Campaign)[campaign_id]


def created(notify: InMemoryNotify, request_id: str = "r1") -> str:
    command = commands.CreateCampaign(request_id=request_id, draft=DRAFT)
    return str(notify.handle(command, MessageContext(actor="editor-1")))


def test_create_campaign_answers_its_id_and_is_idempotent_on_the_request(
    notify: InMemoryNotify,
) -> None:
    campaign_id = created(notify)

    assert created(notify) == campaign_id
    assert notify.event_types() == ["CampaignDrafted"]
    assert notify.records.events[0].data["created_by"] == "editor-1"


def test_update_campaign_revises_the_draft_at_the_expected_version(notify: InMemoryNotify) -> None:
    campaign_id = created(notify)
    notify.handle(commands.UpdateCampaign(campaign_id=campaign_id, changes={"title": "Jan"}))

    assert campaign(notify, campaign_id).draft.title == "Jan"
    with pytest.raises(Conflict):
        stale = commands.UpdateCampaign(campaign_id=campaign_id, expected_version=1, changes={})
        notify.handle(stale)
    with pytest.raises(CampaignNotFound):
        notify.handle(commands.UpdateCampaign(campaign_id="nope", changes={}))


def test_schedule_pause_resume_cancel(notify: InMemoryNotify) -> None:
    campaign_id = created(notify)
    later = NOW + timedelta(days=1)

    notify.handle(commands.ScheduleCampaign(campaign_id=campaign_id, send_at=later))
    assert (campaign(notify, campaign_id).state, campaign(notify, campaign_id).send_at) == (
        "scheduled",
        later,
    )
    notify.handle(commands.PauseCampaign(campaign_id=campaign_id))
    assert campaign(notify, campaign_id).state == "paused"
    notify.handle(commands.ResumeCampaign(campaign_id=campaign_id))
    notify.handle(commands.CancelCampaign(campaign_id=campaign_id))
    assert campaign(notify, campaign_id).state == "cancelled"
    with pytest.raises(CampaignStateRuleViolation):
        notify.handle(commands.PauseCampaign(campaign_id=campaign_id))


def test_preview_renders_for_a_named_recipient(notify: InMemoryNotify) -> None:
    campaign_id = created(notify)

    preview = notify.handle(queries.PreviewCampaign(campaign_id=campaign_id, recipient_name="Lea"))

    assert preview.subject == "Mentoring news" and "Lea" in preview.text
    assert "/unsubscribe?token=" in preview.text
    assert notify.mailer.sent == []
    with pytest.raises(CampaignNotFound):
        notify.handle(queries.PreviewCampaign(campaign_id="nope"))


def test_subscribe_mails_a_confirmation_link_once(notify: InMemoryNotify) -> None:
    command = commands.Subscribe(email="lea@example.org", interests=Interests(display_name="Lea"))

    assert notify.handle(command) is None
    notify.handle(command)  # still pending: a new link

    assert notify.mailer.to() == ["lea@example.org"] * 2
    body = notify.mailer.sent[0].get_body(("plain",))
    assert body is not None and "/newsletter/confirm?token=" in body.get_content()
    assert set(notify.event_types()) == {"SubscriptionRequested"}


def test_confirm_subscription_answers_the_subscriber_id(notify: InMemoryNotify) -> None:
    notify.handle(commands.Subscribe(email="lea@example.org"))
    [subscriber_id] = aggregates(notify.records, Subscriber)
    token = unsubscribe.issue(KEY, subscriber_id, CONFIRMATION_PURPOSE, NOW, timedelta(days=1))

    assert notify.handle(commands.ConfirmSubscription(token=token)) == subscriber_id
    assert aggregates(notify.records, Subscriber)[subscriber_id].state == "confirmed"
    assert notify.handle(queries.GetSubscriber(subscriber_id=subscriber_id)).state == "confirmed"

    wrong = unsubscribe.issue(KEY, subscriber_id, "newsletter", NOW, timedelta(days=1))
    with pytest.raises(InvalidArgument):
        notify.handle(commands.ConfirmSubscription(token=wrong))
    unknown = unsubscribe.issue(KEY, "nobody", CONFIRMATION_PURPOSE, NOW, timedelta(days=1))
    with pytest.raises(SubscriptionNotFound):
        notify.handle(commands.ConfirmSubscription(token=unknown))


def test_a_subscribers_id_is_random_not_derived_from_the_address() -> None:
    ids = []
    for notify in (in_memory_notify(), in_memory_notify()):
        notify.handle(commands.Subscribe(email="lea@example.org"))
        notify.handle(commands.Subscribe(email="LEA@example.org"))  # the same subscriber
        [subscriber_id] = aggregates(notify.records, Subscriber)
        ids.append(subscriber_id)
    assert ids[0] != ids[1]


def test_member_profiles_are_remembered_unless_the_person_was_forgotten(
    notify: InMemoryNotify,
) -> None:
    notify.handle(commands.RememberMemberProfile(person_id="p1", country="BE", roles=("student",)))
    notify.tables.forgotten.add("p2")
    notify.handle(commands.RememberMemberProfile(person_id="p2", country="BE"))
    assert notify.tables.members == {"p1": ("BE", ("student",))}

    notify.handle(commands.ForgetMemberProfile(person_id="p1"))
    assert notify.tables.members == {}


def test_send_due_campaigns_sends_to_the_audience_and_completes(notify: InMemoryNotify) -> None:
    notify.tables.audience = [
        Addressee("a", "ana@example.org", "Ana", opted_out=False, consent=True),
        Addressee("b", "bo@example.org", "Bo", opted_out=True, consent=True),
        Addressee("c", None, "", opted_out=False, consent=True),
    ]
    campaign_id = created(notify)
    notify.handle(commands.ScheduleCampaign(campaign_id=campaign_id))

    assert notify.handle(commands.SendDueCampaigns(max_seconds=5)) == 1

    assert notify.mailer.to() == ["ana@example.org"]
    assert campaign(notify, campaign_id).state == "sent"
    statuses = {r: s for (_, r), (s, _) in notify.tables.sends.items()}
    assert statuses == {"a": "sent", "b": "skipped", "c": "skipped"}
    assert notify.tables.leases == {}


def test_a_rejected_address_fails_without_stopping_the_campaign(notify: InMemoryNotify) -> None:
    notify.tables.audience = [Addressee("a", "ana@example.org", "Ana", False, True)]
    notify.mailer.fail_with = MailRejected("550 no such user")
    campaign_id = created(notify)
    notify.handle(commands.ScheduleCampaign(campaign_id=campaign_id))

    assert notify.handle(commands.SendDueCampaigns(max_seconds=5)) == 0

    assert notify.tables.sends[(campaign_id, "a")][0] == "failed"
    assert campaign(notify, campaign_id).state == "sent"
