"""Newsletter use cases: editors' campaigns, the public's double opt-in, members' profiles.

Commands answer with an id or nothing; the servicer then asks a query for the view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ecbm_integration import alerts
from ecbm_notify.adapters.email.deliveries import NewDelivery
from ecbm_notify.adapters.newsletter.mail import (
    NAME,
    UNSUBSCRIBE,
    CampaignRenderingFailed,
    render_campaign,
)
from ecbm_notify.adapters.newsletter.views import CampaignView, Page, SubscriberView
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.application.newsletter.privacy import erase_unconfirmed
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import (
    NEXT_ISSUE,
    Campaign,
    CampaignNotFound,
    Draft,
    picked_blocks,
)
from ecbm_notify.domain.preferences import DEFAULTS, Channel, Frequency, Topic
from ecbm_notify.domain.subscriber import (
    CONFIRMATION_TYPE,
    Subscriber,
    checked_email,
    confirmed_request,
)
from ecbm_runtime.errors import Conflict, FieldViolation, InvalidArgument, NotFound, RuleViolation
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork


class CampaignTemplateProblem(RuleViolation):
    """The campaign does not render; nothing was scheduled."""


class SubscriptionNotFound(NotFound):
    """No subscriber has this id (a confirmation link for a subscription that is gone)."""


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str
    html: str


def create_campaign(command: commands.CreateCampaign, deps: NotifyDependencies) -> str:
    """Idempotent on ``request_id`` per caller: a retry answers with the campaign the first
    made; the same key with a different draft is refused (``RequestIdReused``)."""
    with deps.uow() as work:
        claim = work.claim_request("campaign", command.request_id, command)
        if claim.repeated:
            return claim.resource_id
        creator = deps.context.actor or "system"
        work.repository(Campaign).add(Campaign.create(claim.resource_id, command.draft, creator))
        work.commit()
    return claim.resource_id


def on_newsletter_item_picked(event: alerts.NewsletterItemPicked, deps: NotifyDependencies) -> str:
    """An item editors picked in alerts becomes draft content of the next campaign: the
    newest draft (the issue editors are writing), or a new one when there is none or it
    is full. The same item twice in one draft is added once. Answers the campaign's id."""
    blocks = picked_blocks(event.title, event.url, event.note or event.summary)
    with deps.uow() as work:
        work.lock_appends()  # picks handled at once must not each open a draft
        newest = work.views.campaigns.newest_draft()
        campaign = _load(work, newest) if newest else None
        picked_again = campaign is not None and blocks[0] in campaign.draft.blocks
        if campaign is None or not (picked_again or campaign.add_picked(blocks)):
            draft = Draft.model_validate({**NEXT_ISSUE, "blocks": blocks})
            campaign = Campaign.create(new_id("campaign"), draft, "alerts")
            work.repository(Campaign).add(campaign)
        work.commit()  # also when picked again: the delivery is claimed
    return campaign.id


def update_campaign(command: commands.UpdateCampaign, deps: NotifyDependencies) -> None:
    with deps.uow() as work:
        campaign = _load(work, command.campaign_id)
        if command.expected_version and command.expected_version != campaign.version:
            raise Conflict(
                f"campaign is at version {campaign.version}, not {command.expected_version}"
            )
        current = campaign.draft.model_dump()
        campaign.revise(Draft.model_validate({**current, **command.changes}))
        work.commit()


def schedule_campaign(command: commands.ScheduleCampaign, deps: NotifyDependencies) -> None:
    """Renders the campaign once first: a template error fails here, never mid-send."""
    now = deps.clock()
    with deps.uow() as work:
        campaign = _load(work, command.campaign_id)
        draft = campaign.draft
        try:
            render_campaign(
                deps.newsletter.renderer, draft.template, draft.language, draft.subject,
                draft.blocks,
            )  # fmt: skip
        except CampaignRenderingFailed as error:
            raise CampaignTemplateProblem(str(error)) from error
        campaign.schedule(command.send_at or now, now)
        work.commit()


def pause_campaign(command: commands.PauseCampaign, deps: NotifyDependencies) -> None:
    _step(deps, command.campaign_id, Campaign.pause)


def resume_campaign(command: commands.ResumeCampaign, deps: NotifyDependencies) -> None:
    _step(deps, command.campaign_id, Campaign.resume)


def cancel_campaign(command: commands.CancelCampaign, deps: NotifyDependencies) -> None:
    _step(deps, command.campaign_id, Campaign.cancel)


def _step(deps: NotifyDependencies, campaign_id: str, step: Any) -> None:
    with deps.uow() as work:
        step(_load(work, campaign_id))
        work.commit()


def _load(work: UnitOfWork[NotifyViews], campaign_id: str) -> Campaign:
    campaign = work.repository(Campaign).find(campaign_id)
    if campaign is None:
        raise CampaignNotFound(f"no campaign {campaign_id!r}")
    return campaign


def _view(views: NotifyViews, campaign_id: str) -> CampaignView:
    view = views.campaigns.campaign(campaign_id)
    if view is None:
        raise CampaignNotFound(f"no campaign {campaign_id!r}")
    return view


def get_campaign(query: queries.GetCampaign, deps: NotifyDependencies) -> CampaignView:
    with deps.read() as views:
        return _view(views, query.campaign_id)


def list_campaigns(query: queries.ListCampaigns, deps: NotifyDependencies) -> Page:
    with deps.read() as views:
        return views.campaigns.list_campaigns(query.state, query.page_size, query.offset)


def preview_campaign(query: queries.PreviewCampaign, deps: NotifyDependencies) -> Preview:
    with deps.read() as views:
        view = _view(views, query.campaign_id)
    newsletter = deps.newsletter
    sample_link = newsletter.links.unsubscribe_url("preview", deps.clock())
    try:
        mail = render_campaign(
            newsletter.renderer,
            view.template,
            view.language,
            view.subject,
            view.blocks,
            recipient_name=query.recipient_name,
            unsubscribe_url=sample_link,
        )
    except CampaignRenderingFailed as error:
        raise CampaignTemplateProblem(str(error)) from error
    assert NAME not in mail.text and UNSUBSCRIBE not in mail.text
    return Preview(mail.subject, mail.text, mail.html)


def subscribe(command: commands.Subscribe, deps: NotifyDependencies) -> None:
    """Records the request and queues a confirmation link for the sender, whatever the
    address's state: the caller learns nothing (same answer, same work, no SMTP here), and
    only the address's owner can make it count by following the link."""
    email = checked_email(command.email)
    with deps.uow() as work:
        work.lock_appends()  # two first subscriptions of one address: one subscriber
        found = work.views.campaigns.subscriber_id_by_email(email)
        subscriber_id = found or new_id("subscriber")  # random: no address leads to it
        repository = work.repository(Subscriber)
        subscriber = repository.find(subscriber_id)
        turned_off = work.views.campaigns.opted_out(subscriber_id)  # asked alike for anyone
        if subscriber is None:
            subscriber = Subscriber.request(subscriber_id, email, command.interests)
            repository.add(subscriber)
            request = subscriber.request_number
        else:
            request = subscriber.request_again(command.interests, turned_off)
        work.views.deliveries.enqueue(confirmation_mail(subscriber_id, request), deps.clock())
        work.commit()


SENDING_MARGIN = timedelta(days=1)


def erase_unconfirmed_subscriptions(
    command: commands.EraseUnconfirmedSubscriptions, deps: NotifyDependencies
) -> int:
    """A request whose link expired can never count: nothing of it is kept (its address,
    the name its requester typed, the confirmation mail). How many were erased."""
    now = command.now or deps.clock()
    # The link is signed when its mail goes out, after retries at most hours later.
    cutoff = now - deps.newsletter.links.valid_for - SENDING_MARGIN
    with deps.uow() as work:
        erased = erase_unconfirmed(work, cutoff)
        work.commit()
    return erased


def confirmation_mail(subscriber_id: str, request: int) -> NewDelivery:
    """The e-mail with the link confirming request number ``request``. Critical: it goes
    out whatever the preferences, and has no unsubscribe link (ignoring it is enough)."""
    return NewDelivery(
        source_key=f"{CONFIRMATION_TYPE}:{request}",
        recipient_id=subscriber_id,
        channel=Channel.EMAIL,
        notification_type=CONFIRMATION_TYPE,
        topic=Topic.NEWSLETTER,
        critical=True,
        frequency=Frequency.IMMEDIATELY,
        payload={"request": request},
    )


def confirm_subscription(command: commands.ConfirmSubscription, deps: NotifyDependencies) -> str:
    """Confirms the request the token was mailed for; the subscriber id."""
    now = deps.clock()
    token = unsubscribe.verify(deps.newsletter.links.key, command.token, now)
    try:
        request = confirmed_request(token.topic)
    except ValueError as error:
        raise InvalidArgument(FieldViolation("token", "not a subscription confirmation")) from error
    with deps.uow() as work:
        subscriber = work.repository(Subscriber).find(token.recipient_id)
        if subscriber is None:
            raise SubscriptionNotFound("no such subscription")
        subscriber.confirm(request)
        if work.views.campaigns.opted_out(token.recipient_id):
            # A new double opt-in after the newsletter's unsubscribe link: on again.
            work.views.deliveries.save_preference(
                token.recipient_id, Topic.NEWSLETTER, Channel.EMAIL,
                DEFAULTS[(Topic.NEWSLETTER, Channel.EMAIL)], now,
            )  # fmt: skip
        work.commit()
    return token.recipient_id


def get_subscriber(query: queries.GetSubscriber, deps: NotifyDependencies) -> SubscriberView:
    with deps.read() as views:
        view = views.campaigns.subscriber(query.subscriber_id)
    if view is None:
        raise SubscriptionNotFound("no such subscription")
    return view


def list_subscribers(query: queries.ListSubscribers, deps: NotifyDependencies) -> Page:
    with deps.read() as views:
        return views.campaigns.list_subscribers(query.state, query.page_size, query.offset)


def remember_member_profile(
    command: commands.RememberMemberProfile, deps: NotifyDependencies
) -> None:
    with deps.uow() as work:
        # A PersonJoined redelivered or overtaken by PersonForgotten must not bring them back.
        if not work.views.people.is_forgotten(command.person_id):
            work.views.sends.remember_member(command.person_id, command.country, command.roles)
        work.commit()


def forget_member_profile(command: commands.ForgetMemberProfile, deps: NotifyDependencies) -> None:
    with deps.uow() as work:
        work.views.sends.forget_member(command.person_id)
        work.commit()
