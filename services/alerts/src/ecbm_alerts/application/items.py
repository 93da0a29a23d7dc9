"""Handlers of items: read and list them, manual entries, curation, newsletter picks,
partner searches for calls, and deadline reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ecbm_alerts.adapters.views import ItemView, Page
from ecbm_alerts.application import integration
from ecbm_alerts.application.commands import (
    CreateItem,
    CurateItem,
    FindPartners,
    GetItem,
    ListItems,
    PickForNewsletter,
    SendDeadlineReminders,
)
from ecbm_alerts.application.ingest import ingest
from ecbm_alerts.domain.entry import Entry, item_id, item_key
from ecbm_alerts.domain.item import Item, ItemNotFound
from ecbm_alerts.domain.subscription import words
from ecbm_integration import registry
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_alerts.adapters.views import AlertsViews
    from ecbm_alerts.application.dependencies import AlertsDependencies

MANUAL = "manual"


def create_item(command: CreateItem, deps: AlertsDependencies) -> str:
    """An editor's entry; one that duplicates a collected item merges into it."""
    command.actor.require_editor()
    entry = Entry(
        **command.model_dump(exclude={"actor"}, exclude_none=True),
    )
    with deps.uow() as work:
        result = ingest(
            work, [entry], MANUAL, deps.clock(), deps.fuzzy_title_threshold,
            searches=deps.searches,
        )  # fmt: skip
        work.commit()
    return result.item_ids[0] if result.item_ids else _existing(entry, deps)


def _existing(entry: Entry, deps: AlertsDependencies) -> str:
    with deps.read() as views:
        found = views.known([item_key(entry)], [])
    return found[0].id if found else item_id(item_key(entry))


def get_item(query: GetItem, deps: AlertsDependencies) -> ItemView:
    with deps.read() as views:
        found = views.item(query.item_id)
    if found is None or (found.hidden and not query.actor.is_editor):
        raise ItemNotFound(f"item {query.item_id!r} does not exist")
    return found


def list_items(query: ListItems, deps: AlertsDependencies) -> Page[ItemView]:
    """Members see what is not noise (or, best only, the best); editors see everything."""
    with deps.read() as views:
        return views.page(
            query_words=words(query.query),
            kinds=[k.value for k in query.kinds],
            topic=query.topic,
            best_only=query.best_only,
            editor=query.actor.is_editor,
            size=query.page_size,
            offset=query.offset,
        )


def curate_item(command: CurateItem, deps: AlertsDependencies) -> str:
    command.actor.require_editor()
    with deps.uow() as work:
        _item(work, command.item_id).curate(command.pinned, command.hidden, command.note)
        work.commit()
    return command.item_id


def pick_for_newsletter(command: PickForNewsletter, deps: AlertsDependencies) -> str:
    editor = command.actor.require_editor() or "editor"
    with deps.uow() as work:
        _item(work, command.item_id).pick_for_newsletter(editor)
        work.commit()
    return command.item_id


def find_partners(command: FindPartners, deps: AlertsDependencies) -> str:
    """PartnerSearchRequested for matching: one per person and call (asking again repeats
    the same request id, so matching keeps one search)."""
    person = command.actor.require_subject()
    request_id = new_id("partners", f"{person}:{command.item_id}")
    with deps.uow() as work:
        item = _item(work, command.item_id)
        item.require_call()
        event = integration.partner_search_requested(
            item, request_id, person, command.message, deps.clock()
        )
        work.publish(event, subject=person)
        work.commit()
    return request_id


def send_deadline_reminders(command: SendDeadlineReminders, deps: AlertsDependencies) -> int:
    """DeadlineApproaching to each subscriber whose search matched a call closing in one of
    ``reminder_days``; once per call, deadline and day count. How many were sent."""
    now = deps.clock()
    sent = 0
    for days in deps.reminder_days:
        deadline = (now + timedelta(days=days)).date()
        with deps.uow() as work:
            for call_id in work.views.calls_due(deadline):
                item = work.repository(Item).get(call_id)
                if item.hidden or not item.remind(deadline, days):
                    continue
                for sub in work.views.matched_subscriptions(call_id):
                    reminder = integration.deadline_approaching(
                        item, sub.id, sub.person_id, deadline, days, now
                    )
                    work.publish(reminder, subject=sub.person_id)
                    sent += 1
            work.commit()
    return sent


def _item(work: UnitOfWork[AlertsViews], id: str) -> Item:
    found = work.repository(Item).find(id)
    if found is None:
        raise ItemNotFound(f"item {id!r} does not exist")
    return found


def on_rapporteur_linked(event: registry.RapporteurLinked, deps: AlertsDependencies) -> bool:
    """Registry's answer to ``RapporteursNamed``: the rapporteur is one of its contacts.
    An unknown item (or a rapporteur the procedure no longer names) is ignored."""
    with deps.uow() as work:
        item = work.repository(Item).find(event.item_id)
        linked = item is not None and item.link_contact(
            event.rapporteur, event.role, event.policy_contact_id
        )
        work.commit()  # also when nothing changed: the delivery is claimed
    return linked
