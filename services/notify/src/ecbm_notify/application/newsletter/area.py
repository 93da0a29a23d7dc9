"""The newsletter: campaigns and subscribers (event-sourced), members' profiles, sending."""

from __future__ import annotations

from ecbm_integration import alerts
from ecbm_notify.adapters.newsletter.projections import NEWSLETTER_PROJECTIONS
from ecbm_notify.adapters.newsletter.tables import NEWSLETTER_READ_MODEL_TABLES
from ecbm_notify.application.newsletter import commands, handlers, queries
from ecbm_notify.application.newsletter.sending import send_due_campaigns
from ecbm_notify.domain.campaign import CAMPAIGN_EVENTS
from ecbm_notify.domain.subscriber import SUBSCRIBER_EVENTS
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=[*CAMPAIGN_EVENTS, *SUBSCRIBER_EVENTS],
    projections=NEWSLETTER_PROJECTIONS,
    handlers={
        commands.CreateCampaign: handlers.create_campaign,
        commands.UpdateCampaign: handlers.update_campaign,
        commands.ScheduleCampaign: handlers.schedule_campaign,
        commands.PauseCampaign: handlers.pause_campaign,
        commands.ResumeCampaign: handlers.resume_campaign,
        commands.CancelCampaign: handlers.cancel_campaign,
        commands.Subscribe: handlers.subscribe,
        commands.ConfirmSubscription: handlers.confirm_subscription,
        commands.EraseUnconfirmedSubscriptions: handlers.erase_unconfirmed_subscriptions,
        commands.RememberMemberProfile: handlers.remember_member_profile,
        commands.ForgetMemberProfile: handlers.forget_member_profile,
        commands.SendDueCampaigns: send_due_campaigns,
        alerts.NewsletterItemPicked: handlers.on_newsletter_item_picked,
        queries.GetCampaign: handlers.get_campaign,
        queries.ListCampaigns: handlers.list_campaigns,
        queries.PreviewCampaign: handlers.preview_campaign,
        queries.GetSubscriber: handlers.get_subscriber,
        queries.ListSubscribers: handlers.list_subscribers,
    },
    read_model_tables=NEWSLETTER_READ_MODEL_TABLES,
)
