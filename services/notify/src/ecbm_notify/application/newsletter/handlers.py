"""Newsletter use cases: editors' campaigns, the public's double opt-in, members' profiles."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Connection

from ecbm_notify.adapters import deliveries, newsletter_sends, newsletter_views, people
from ecbm_notify.adapters.mailer import MailError, compose
from ecbm_notify.adapters.newsletter_mail import (
    NAME,
    UNSUBSCRIBE,
    CampaignRenderingFailed,
    render_campaign,
)
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.newsletter.sending import send_due_campaigns
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import Campaign, CampaignNotFound, Draft
from ecbm_notify.domain.preferences import DEFAULTS, Channel, Topic
from ecbm_notify.domain.recipients import recipient_id_for
from ecbm_notify.domain.subscriber import CONFIRMATION_PURPOSE, Subscriber, checked_email
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import Conflict, FieldViolation, InvalidArgument, NotFound, RuleViolation
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]
_log = logging.getLogger("ecbm_notify.newsletter")


class CampaignTemplateProblem(RuleViolation):
    """The campaign does not render; nothing was scheduled."""


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str
    html: str


def create_campaign(
    command: commands.CreateCampaign, uow: UnitOfWorkFactory
) -> newsletter_views.CampaignView:
    """Idempotent on ``request_id``: a retry answers with the campaign the first made."""
    principal = current_principal()
    campaign_id = new_id("campaign", command.request_id)
    with uow() as work:
        repository = work.repository(Campaign)
        if not repository.exists(campaign_id):
            creator = principal.subject if principal else "system"
            repository.add(Campaign.create(campaign_id, command.draft, creator))
        work.commit()
        return _view(work.connection, campaign_id)


def update_campaign(
    command: commands.UpdateCampaign, uow: UnitOfWorkFactory
) -> newsletter_views.CampaignView:
    with uow() as work:
        campaign = _load(work, command.campaign_id)
        if command.expected_version and command.expected_version != campaign.version:
            raise Conflict(
                f"campaign is at version {campaign.version}, not {command.expected_version}"
            )
        current = campaign.draft.model_dump()
        campaign.revise(Draft.model_validate({**current, **command.changes}))
        work.commit()
        return _view(work.connection, command.campaign_id)


def schedule_campaign(
    command: commands.ScheduleCampaign, uow: UnitOfWorkFactory, newsletter: Newsletter
) -> newsletter_views.CampaignView:
    """Renders the campaign once first: a template error fails here, never mid-send."""
    now = newsletter.clock()
    with uow() as work:
        campaign = _load(work, command.campaign_id)
        draft = campaign.draft
        try:
            render_campaign(
                newsletter.renderer, draft.template, draft.language, draft.subject, draft.blocks
            )
        except CampaignRenderingFailed as error:
            raise CampaignTemplateProblem(str(error)) from error
        campaign.schedule(command.send_at or now, now)
        work.commit()
        return _view(work.connection, command.campaign_id)


def _step(name: str, command: Any, uow: UnitOfWorkFactory) -> newsletter_views.CampaignView:
    with uow() as work:
        getattr(_load(work, command.campaign_id), name)()
        work.commit()
        return _view(work.connection, command.campaign_id)


def _load(work: UnitOfWork, campaign_id: str) -> Campaign:
    campaign = work.repository(Campaign).find(campaign_id)
    if campaign is None:
        raise CampaignNotFound(f"no campaign {campaign_id!r}")
    return campaign


def _view(connection: Connection, campaign_id: str) -> newsletter_views.CampaignView:
    view = newsletter_views.campaign(connection, campaign_id)
    if view is None:
        raise CampaignNotFound(f"no campaign {campaign_id!r}")
    return view


def get_campaign(query: queries.GetCampaign, read: ReadConnection) -> newsletter_views.CampaignView:
    with read() as connection:
        return _view(connection, query.campaign_id)


def list_campaigns(query: queries.ListCampaigns, read: ReadConnection) -> newsletter_views.Page:
    with read() as connection:
        return newsletter_views.list_campaigns(
            connection, query.state, query.page_size, query.offset
        )


def preview_campaign(
    query: queries.PreviewCampaign, read: ReadConnection, newsletter: Newsletter
) -> Preview:
    with read() as connection:
        view = _view(connection, query.campaign_id)
    sample_link = newsletter.links.unsubscribe_url("preview", newsletter.clock())
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


def subscribe(
    command: commands.Subscribe, uow: UnitOfWorkFactory, newsletter: Newsletter
) -> newsletter_views.SubscriberView:
    """Pending until confirmed; the link is mailed now. Saying nothing about whether the
    address was known keeps the endpoint from telling strangers who subscribed."""
    email = checked_email(command.email)
    subscriber_id = recipient_id_for(email)
    with uow() as work:
        repository = work.repository(Subscriber)
        subscriber = repository.find(subscriber_id)
        if subscriber is None:
            repository.add(Subscriber.request(subscriber_id, email, command.interests))
            must_confirm = True
        else:
            turned_off = newsletter_views.opted_out(work.connection, subscriber_id)
            must_confirm = subscriber.request_again(command.interests, turned_off)
        work.commit()
        view = newsletter_views.subscriber(work.connection, subscriber_id)
    assert view is not None, "projected in the same transaction"
    if must_confirm:
        _mail_confirmation(view, newsletter)
    return view


def _mail_confirmation(view: newsletter_views.SubscriberView, newsletter: Newsletter) -> None:
    now = newsletter.clock()
    token = newsletter.links.confirmation_token(view.id, CONFIRMATION_PURPOSE, now)
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


def confirm_subscription(
    command: commands.ConfirmSubscription, uow: UnitOfWorkFactory, newsletter: Newsletter
) -> newsletter_views.SubscriberView:
    request = unsubscribe.verify(newsletter.links.key, command.token, newsletter.clock())
    if request.topic != CONFIRMATION_PURPOSE:
        raise InvalidArgument(FieldViolation("token", "not a subscription confirmation"))
    with uow() as work:
        subscriber = work.repository(Subscriber).find(request.recipient_id)
        if subscriber is None:
            raise NotFound("no such subscription")
        subscriber.confirm()
        if newsletter_views.opted_out(work.connection, request.recipient_id):
            # A new double opt-in after the newsletter's unsubscribe link: on again.
            deliveries.save_preference(
                work.connection, request.recipient_id, Topic.NEWSLETTER, Channel.EMAIL,
                DEFAULTS[(Topic.NEWSLETTER, Channel.EMAIL)], newsletter.clock(),
            )  # fmt: skip
        work.commit()
        view = newsletter_views.subscriber(work.connection, request.recipient_id)
    assert view is not None, "projected in the same transaction"
    return view


def list_subscribers(query: queries.ListSubscribers, read: ReadConnection) -> newsletter_views.Page:
    with read() as connection:
        return newsletter_views.list_subscribers(
            connection, query.state, query.page_size, query.offset
        )


def remember_member_profile(
    command: commands.RememberMemberProfile, uow: UnitOfWorkFactory
) -> None:
    with uow() as work:
        # A PersonJoined redelivered or overtaken by PersonForgotten must not bring them back.
        if not people.is_forgotten(work.connection, command.person_id):
            newsletter_sends.remember_member(
                work.connection, command.person_id, command.country, command.roles
            )
        work.commit()


def forget_member_profile(command: commands.ForgetMemberProfile, uow: UnitOfWorkFactory) -> None:
    with uow() as work:
        newsletter_sends.forget_member(work.connection, command.person_id)
        work.commit()


# Handlers take (message, uow=...) or (message, read=...); those in the *_WITH_NEWSLETTER
# tables also take newsletter=... (templates, SMTP, links).
COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    commands.CreateCampaign: create_campaign,
    commands.UpdateCampaign: update_campaign,
    commands.PauseCampaign: partial(_step, "pause"),
    commands.ResumeCampaign: partial(_step, "resume"),
    commands.CancelCampaign: partial(_step, "cancel"),
    commands.RememberMemberProfile: remember_member_profile,
    commands.ForgetMemberProfile: forget_member_profile,
}
COMMAND_HANDLERS_WITH_NEWSLETTER: dict[type, Callable[..., Any]] = {
    commands.ScheduleCampaign: schedule_campaign,
    commands.Subscribe: subscribe,
    commands.ConfirmSubscription: confirm_subscription,
    commands.SendDueCampaigns: send_due_campaigns,
}
QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.GetCampaign: get_campaign,
    queries.ListCampaigns: list_campaigns,
    queries.ListSubscribers: list_subscribers,
}
QUERY_HANDLERS_WITH_NEWSLETTER: dict[type, Callable[..., Any]] = {
    queries.PreviewCampaign: preview_campaign,
}
