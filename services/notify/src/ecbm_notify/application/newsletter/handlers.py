"""Newsletter use cases: editors' campaigns, the public's double opt-in, members' profiles.

Commands answer with an id or nothing; the servicer then asks a query for the view.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ecbm_notify.adapters.mailer import MailError, compose
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
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import Campaign, CampaignNotFound, Draft
from ecbm_notify.domain.preferences import DEFAULTS, Channel, Topic
from ecbm_notify.domain.subscriber import CONFIRMATION_PURPOSE, Subscriber, checked_email
from ecbm_runtime.errors import Conflict, FieldViolation, InvalidArgument, NotFound, RuleViolation
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

_log = logging.getLogger("ecbm_notify.newsletter")


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
    """Idempotent on ``request_id``: a retry answers with the campaign the first made."""
    campaign_id = new_id("campaign", command.request_id)
    with deps.uow() as work:
        repository = work.repository(Campaign)
        if not repository.exists(campaign_id):
            creator = deps.context.actor or "system"
            repository.add(Campaign.create(campaign_id, command.draft, creator))
        work.commit()
    return campaign_id


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
    """Pending until confirmed; the link is mailed now. Saying nothing about whether the
    address was known keeps the endpoint from telling strangers who subscribed."""
    email = checked_email(command.email)
    with deps.uow() as work:
        work.lock_appends()  # two first subscriptions of one address: one subscriber
        found = work.views.campaigns.subscriber_id_by_email(email)
        subscriber_id = found or new_id("subscriber")  # random: no address leads to it
        repository = work.repository(Subscriber)
        subscriber = repository.find(subscriber_id)
        if subscriber is None:
            repository.add(Subscriber.request(subscriber_id, email, command.interests))
            must_confirm = True
        else:
            turned_off = work.views.campaigns.opted_out(subscriber_id)
            must_confirm = subscriber.request_again(command.interests, turned_off)
        work.commit()
        view = work.views.campaigns.subscriber(subscriber_id)
    assert view is not None, "projected in the same transaction"
    if must_confirm:
        _mail_confirmation(view, deps)


def _mail_confirmation(view: SubscriberView, deps: NotifyDependencies) -> None:
    newsletter = deps.newsletter
    token = newsletter.links.confirmation_token(view.id, CONFIRMATION_PURPOSE, deps.clock())
    base = newsletter.links.public_base_url.rstrip("/")
    context = {
        "recipient_name": view.display_name,
        "confirm_url": f"{base}/newsletter/confirm?token={token}",
        "unsubscribe_url": "",
    }
    mail = newsletter.renderer.render("newsletter_confirmation", view.language, context)
    message = compose(view.email, mail.subject, mail.text, mail.html)
    message["Content-Language"] = view.language
    try:
        newsletter.mailers[0].send(message)
    except MailError as error:
        # Still pending; subscribing again mails a new link.
        _log.warning(
            "newsletter confirmation not sent: %s", error, extra={"subscriber_id": view.id}
        )


def confirm_subscription(command: commands.ConfirmSubscription, deps: NotifyDependencies) -> str:
    """Confirms the token's subscription; its subscriber id."""
    now = deps.clock()
    request = unsubscribe.verify(deps.newsletter.links.key, command.token, now)
    if request.topic != CONFIRMATION_PURPOSE:
        raise InvalidArgument(FieldViolation("token", "not a subscription confirmation"))
    with deps.uow() as work:
        subscriber = work.repository(Subscriber).find(request.recipient_id)
        if subscriber is None:
            raise SubscriptionNotFound("no such subscription")
        subscriber.confirm()
        if work.views.campaigns.opted_out(request.recipient_id):
            # A new double opt-in after the newsletter's unsubscribe link: on again.
            work.views.deliveries.save_preference(
                request.recipient_id, Topic.NEWSLETTER, Channel.EMAIL,
                DEFAULTS[(Topic.NEWSLETTER, Channel.EMAIL)], now,
            )  # fmt: skip
        work.commit()
    return request.recipient_id


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
