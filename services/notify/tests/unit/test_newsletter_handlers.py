"""The newsletter's handlers in memory: campaigns, opt-in, member profiles, sending."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import pytest
from tests.fakes import KEY, NOW, InMemoryNotify, aggregates, in_memory_notify

from ecbm_notify.adapters.mailer import MailRejected
from ecbm_notify.adapters.newsletter.sends import Addressee
from ecbm_notify.application.email.commands import SendDueMail
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.application.newsletter.handlers import SubscriptionNotFound
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import (
    Campaign,
    CampaignNotFound,
    CampaignStateRuleViolation,
    Draft,
)
from ecbm_notify.domain.preferences import Channel, Frequency, Topic
from ecbm_notify.domain.subscriber import (
    CONFIRMATION_PURPOSE,
    ConfirmationReplaced,
    Interests,
    Subscriber,
)
from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import Conflict, InvalidArgument
from ecbm_runtime.idempotency import RequestIdReused

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


def confirmation_link(notify: InMemoryNotify, to: str) -> str:
    """The worker's sender sends what is due; the link in the last mail to ``to``."""
    notify.handle(SendDueMail(now=NOW))
    [*_, mail] = [m for m in notify.mailer.sent if str(m["To"]) == to]
    body = mail.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    [link] = [w for w in text.split() if "/newsletter/confirm?token=" in w]
    return link


def token_of(link: str) -> str:
    return unquote(link.split("token=")[1])


def test_subscribe_queues_the_confirmation_and_sends_nothing_itself(
    notify: InMemoryNotify,
) -> None:
    command = commands.Subscribe(
        email="lea@example.org", interests=Interests(display_name="Dear victim, click evil.example")
    )

    assert notify.handle(command) is None

    assert notify.mailer.sent == []  # no SMTP inside the request
    [queued] = notify.tables.deliveries
    assert (queued["notification_type"], queued["status"]) == ("newsletter_confirmation", "queued")
    link = confirmation_link(notify, "lea@example.org")
    assert link.startswith("https://ecbm.test/newsletter/confirm?token=")
    text = notify.mailer.sent[0].get_body(("plain",))
    assert text is not None and "evil.example" not in text.get_content()
    assert notify.mailer.sent[0]["List-Unsubscribe"] is None  # critical: no unsubscribe link


@pytest.mark.parametrize("state", ["new", "pending", "confirmed", "unsubscribed"])
def test_subscribe_does_the_same_work_whatever_the_address_state(
    notify: InMemoryNotify, state: str
) -> None:
    email = "lea@example.org"
    if state != "new":
        notify.handle(commands.Subscribe(email=email))
        if state != "pending":
            notify.handle(
                commands.ConfirmSubscription(token=token_of(confirmation_link(notify, email)))
            )
        if state == "unsubscribed":  # by the newsletter's unsubscribe link
            key = (subscriber_of(notify, email), Topic.NEWSLETTER, Channel.EMAIL)
            notify.tables.preferences[key] = Frequency.OFF
    events, deliveries, sent = (
        len(notify.records.events),
        len(notify.tables.deliveries),
        len(notify.mailer.sent),
    )

    answer = notify.handle(commands.Subscribe(email=email, interests=Interests(language="de")))

    assert answer is None
    assert len(notify.records.events) == events + 1
    assert len(notify.tables.deliveries) == deliveries + 1
    assert len(notify.mailer.sent) == sent


def test_a_confirmed_subscription_changes_only_through_its_new_link(notify: InMemoryNotify) -> None:
    email = "lea@example.org"
    notify.handle(commands.Subscribe(email=email, interests=Interests(language="fr")))
    subscriber_id = subscriber_of(notify, email)
    first = token_of(confirmation_link(notify, email))
    notify.handle(commands.ConfirmSubscription(token=first))

    notify.handle(commands.Subscribe(email=email, interests=Interests(language="de")))

    view = notify.handle(queries.GetSubscriber(subscriber_id=subscriber_id))
    assert (view.state, view.language) == ("confirmed", "fr")  # a stranger's wish: not yet
    with pytest.raises(ConfirmationReplaced):
        notify.handle(commands.ConfirmSubscription(token=first))
    notify.handle(commands.ConfirmSubscription(token=token_of(confirmation_link(notify, email))))
    view = notify.handle(queries.GetSubscriber(subscriber_id=subscriber_id))
    assert (view.state, view.language) == ("confirmed", "de")


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


def test_create_campaign_refuses_the_same_request_id_with_another_draft(
    notify: InMemoryNotify,
) -> None:
    created(notify)
    other = commands.CreateCampaign(
        request_id="r1", draft=DRAFT.model_copy(update={"subject": "x"})
    )

    with pytest.raises(RequestIdReused):
        notify.handle(other, MessageContext(actor="editor-1"))

    assert notify.event_types() == ["CampaignDrafted"]


def test_create_campaign_keys_are_each_editors_own(notify: InMemoryNotify) -> None:
    campaign_id = created(notify)
    command = commands.CreateCampaign(request_id="r1", draft=DRAFT)

    other = notify.handle(command, MessageContext(actor="editor-2"))

    assert other != campaign_id
    assert notify.event_types() == ["CampaignDrafted", "CampaignDrafted"]


def subscriber_of(notify: InMemoryNotify, email: str) -> str:
    """The (random) id of the subscriber with this address."""
    found = aggregates(notify.records, Subscriber)
    return next(id for id, subscriber in found.items() if subscriber.email == email)
