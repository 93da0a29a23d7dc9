"""The alerts service's one area: everything it wires in."""

from __future__ import annotations

from ecbm_alerts.adapters.projections import PROJECTIONS
from ecbm_alerts.adapters.tables import READ_MODELS
from ecbm_alerts.application import commands as c
from ecbm_alerts.application import items, sources, subscriptions
from ecbm_alerts.application.integration import TRANSLATIONS
from ecbm_alerts.domain import item, source, subscription
from ecbm_integration import registry
from ecbm_runtime.wiring import Area

AREA = Area(
    domain_events=[
        item.ItemCollected,
        item.ItemRevised,
        item.ItemSighted,
        item.ItemCurated,
        item.ItemPickedForNewsletter,
        item.ItemMatched,
        item.RapporteursChanged,
        item.ContactLinked,
        item.DeadlineReminded,
        source.SourceAdded,
        source.SourcePaused,
        source.SourceResumed,
        source.SourceRemoved,
        source.SourceFetched,
        source.SourceFailed,
        subscription.SubscriptionSaved,
        subscription.SubscriptionChanged,
        subscription.SubscriptionDeleted,
        subscription.SubscriptionErased,
    ],
    projections=PROJECTIONS,
    integration=TRANSLATIONS,
    handlers={
        c.AddSource: sources.add_source,
        c.PauseSource: sources.pause_source,
        c.ResumeSource: sources.resume_source,
        c.RemoveSource: sources.remove_source,
        c.GetSource: sources.get_source,
        c.ListSources: sources.list_sources,
        c.PollSources: sources.poll_sources,
        c.PollSource: sources.poll_source,
        c.CreateItem: items.create_item,
        c.GetItem: items.get_item,
        c.ListItems: items.list_items,
        c.CurateItem: items.curate_item,
        c.PickForNewsletter: items.pick_for_newsletter,
        c.FindPartners: items.find_partners,
        c.SendDeadlineReminders: items.send_deadline_reminders,
        c.CreateSubscription: subscriptions.create_subscription,
        c.UpdateSubscription: subscriptions.update_subscription,
        c.DeleteSubscription: subscriptions.delete_subscription,
        c.GetSubscription: subscriptions.get_subscription,
        c.ListSubscriptions: subscriptions.list_subscriptions,
        registry.PersonForgotten: subscriptions.on_person_forgotten,
        registry.RapporteurLinked: items.on_rapporteur_linked,
        registry.OrganisationRegistered: subscriptions.on_organisation_registered,
    },
    read_model_tables=READ_MODELS,
)
