"""Handlers of subscriptions (saved searches): each member sees and changes only their own;
another member's is NOT_FOUND to them. A forgotten person's subscriptions are erased."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecbm_alerts.adapters.views import SubscriptionView
from ecbm_alerts.application.commands import (
    CreateSubscription,
    DeleteSubscription,
    GetSubscription,
    ListSubscriptions,
    SubscriptionCommand,
    Terms,
    UpdateSubscription,
)
from ecbm_alerts.domain.subscription import (
    SearchTerms,
    Subscription,
    SubscriptionChanged,
    SubscriptionNotFound,
    SubscriptionSaved,
)
from ecbm_integration import registry
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_alerts.adapters.views import AlertsViews
    from ecbm_alerts.application.dependencies import AlertsDependencies


def _terms(terms: Terms, work: UnitOfWork[AlertsViews]) -> SearchTerms:
    """The saved search; its organisation must be one registry announced (ids only)."""
    if terms.organisation_id and work.views.organisation_kind(terms.organisation_id) is None:
        raise InvalidArgument(
            FieldViolation("subscription.organisation", "no such organisation in registry")
        )
    return SearchTerms.model_validate(terms.model_dump())


def create_subscription(command: CreateSubscription, deps: AlertsDependencies) -> str:
    person = command.actor.require_subject()
    key = f"{person}:{command.request_id}" if command.request_id else ""
    subscription_id = new_id("subscription", key)
    with deps.uow() as work:
        repository = work.repository(Subscription)
        if not repository.exists(subscription_id):
            terms = _terms(command.terms, work)
            repository.add(Subscription.save(subscription_id, person, terms))
            work.commit()
    return subscription_id


def update_subscription(command: UpdateSubscription, deps: AlertsDependencies) -> str:
    with deps.uow() as work:
        _own(work, command).change(_terms(command.terms, work))
        work.commit()
    return command.subscription_id


def delete_subscription(command: DeleteSubscription, deps: AlertsDependencies) -> str:
    with deps.uow() as work:
        _own(work, command).delete()
        work.commit()
    return command.subscription_id


def get_subscription(query: GetSubscription, deps: AlertsDependencies) -> SubscriptionView:
    with deps.read() as views:
        found = views.subscription(query.subscription_id)
    if found is None or not (query.actor.owns(found.person_id) or query.actor.is_editor):
        raise SubscriptionNotFound(f"subscription {query.subscription_id!r} does not exist")
    return found


def list_subscriptions(
    query: ListSubscriptions, deps: AlertsDependencies
) -> list[SubscriptionView]:
    person = query.actor.require_subject()
    with deps.read() as views:
        return views.subscriptions_of(person)


def on_person_forgotten(event: registry.PersonForgotten, deps: AlertsDependencies) -> int:
    """Erase the person's saved searches: rows, stored search terms and unsent alerts."""
    with deps.uow() as work:
        found = work.views.subscriptions_of(event.person_id)
        for view in found:
            subscription = work.repository(Subscription).get(view.id)
            subscription.erase()
            work.store.redact(
                subscription.stream_id,
                {
                    SubscriptionSaved.__name__: {"person_id": "", "terms": _ERASED},
                    SubscriptionChanged.__name__: {"terms": _ERASED},
                },
                {"actor": None},
            )
        work.forget_subject(event.person_id)
        work.commit()
    return len(found)


_ERASED = SearchTerms(
    name="(erased)", query="", kinds=(), topics=(), countries=(), rhythm="daily", best_only=True
).model_dump(mode="json")


def on_organisation_registered(
    event: registry.OrganisationRegistered, deps: AlertsDependencies
) -> None:
    """Keep the organisation's kind (its id and kind only: no name, no contact)."""
    with deps.uow() as work:
        work.views.remember_organisation(event.organisation_id, event.kind)
        work.commit()


def _own(work: UnitOfWork[AlertsViews], command: SubscriptionCommand) -> Subscription:
    found = work.repository(Subscription).find(command.subscription_id)
    if found is None or found.deleted or not command.actor.owns(found.person_id):
        raise SubscriptionNotFound(f"subscription {command.subscription_id!r} does not exist")
    return found
