"""Use cases of the Brussels network: open a unit of work, load, call the model, commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from ecbm_registry.adapters.network import views
from ecbm_registry.adapters.paging import Page
from ecbm_registry.application.network import commands, queries
from ecbm_registry.domain.interaction import Interaction, InteractionLogged
from ecbm_registry.domain.policy_contact import ContactDetails, ContactWithdrawn, PolicyContact
from ecbm_runtime.auth import EDITOR, Principal, current_principal
from ecbm_runtime.errors import Conflict, NotFound, Unauthenticated
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]


class PolicyContactNotFound(NotFound):
    def __init__(self, contact_id: str) -> None:
        super().__init__(f"policyContacts/{contact_id} does not exist")


class StaleVersion(Conflict):
    def __init__(self, name: str, expected: int, actual: int) -> None:
        super().__init__(f"{name} is at version {actual}, not {expected}; reload and retry")


def actor() -> Principal:
    """The caller; commands always have one (the access policy lets no anonymous call in)."""
    principal = current_principal()
    if principal is None:
        raise Unauthenticated("this needs a bearer token")
    return principal


def _load(work: UnitOfWork, contact_id: str, expected_version: int = 0) -> PolicyContact:
    contact = work.repository(PolicyContact).find(contact_id)
    if contact is None:
        raise PolicyContactNotFound(contact_id)
    if expected_version and contact.version != expected_version:
        raise StaleVersion(f"policyContacts/{contact_id}", expected_version, contact.version)
    return contact


def _saved(work: UnitOfWork, contact_id: str) -> views.PolicyContactView:
    work.flush()
    view = views.policy_contact(work.connection, contact_id)
    work.commit()
    assert view is not None
    return view


def _details(fields: dict[str, Any]) -> ContactDetails:
    fields["email"] = str(fields["email"] or "")
    fields["topics"] = tuple(fields["topics"])
    return ContactDetails(**fields)


def add_policy_contact(
    command: commands.AddPolicyContact, uow: UnitOfWorkFactory
) -> views.PolicyContactView:
    contact_id = new_id("policycontact", command.request_id)
    by = actor().subject
    with uow() as work:
        repository = work.repository(PolicyContact)
        if not (command.request_id and repository.exists(contact_id)):
            details = _details(command.model_dump(exclude={"request_id", "stance"}))
            repository.add(PolicyContact.add(contact_id, details, command.stance, by))
        return _saved(work, contact_id)


def update_policy_contact(
    command: commands.UpdatePolicyContact, uow: UnitOfWorkFactory
) -> views.PolicyContactView:
    by = actor().subject
    with uow() as work:
        contact = _load(work, command.contact_id, command.expected_version)
        changes = command.changes.model_dump(exclude_unset=True)
        contact.revise(_details({**contact.details.model_dump(), **changes}), by)
        return _saved(work, command.contact_id)


def change_stance(
    command: commands.ChangeStance, uow: UnitOfWorkFactory
) -> views.PolicyContactView:
    by = actor().subject
    with uow() as work:
        contact = _load(work, command.contact_id, command.expected_version)
        contact.change_stance(command.stance, command.reason, by)
        return _saved(work, command.contact_id)


def withdraw_policy_contact(
    command: commands.WithdrawPolicyContact, uow: UnitOfWorkFactory
) -> views.PolicyContactView:
    by = actor().subject
    with uow() as work:
        contact = _load(work, command.contact_id, command.expected_version)
        contact.withdraw(command.reason, by)
        return _saved(work, command.contact_id)


def log_interaction(
    command: commands.LogInteraction, uow: UnitOfWorkFactory
) -> views.InteractionView:
    caller = actor()
    interaction_id = new_id("interaction", command.request_id)
    with uow() as work:
        repository = work.repository(Interaction)
        if not (command.request_id and repository.exists(interaction_id)):
            if _load(work, command.contact_id).withdrawn:
                raise ContactWithdrawn(command.contact_id)
            event = InteractionLogged(
                **command.model_dump(exclude={"request_id"}), logged_by=caller.subject
            )
            on_behalf = caller.has_any_role({EDITOR})
            repository.add(Interaction.log(interaction_id, event, on_behalf_allowed=on_behalf))
        work.flush()
        view = views.interaction(work.connection, interaction_id)
        work.commit()
    assert view is not None
    return view


def get_policy_contact(
    query: queries.GetPolicyContact, read: ReadConnection
) -> views.PolicyContactView:
    with read() as connection:
        found = views.policy_contact(connection, query.contact_id)
    if found is None:
        raise PolicyContactNotFound(query.contact_id)
    return found


def list_policy_contacts(query: queries.ListPolicyContacts, read: ReadConnection) -> Page:
    with read() as connection:
        return views.list_policy_contacts(connection, query)


def get_stance_history(
    query: queries.GetStanceHistory, read: ReadConnection
) -> list[views.StanceChangeView]:
    with read() as connection:
        if views.policy_contact(connection, query.contact_id) is None:
            raise PolicyContactNotFound(query.contact_id)
        return views.stance_history(connection, query.contact_id)


def list_interactions(query: queries.ListInteractions, read: ReadConnection) -> Page:
    with read() as connection:
        if query.contact_id and views.policy_contact(connection, query.contact_id) is None:
            raise PolicyContactNotFound(query.contact_id)
        return views.list_interactions(connection, query)


def summarise_support(
    query: queries.SummariseSupport, read: ReadConnection
) -> Sequence[views.CountrySupport]:
    kind = query.kind.value if query.kind else None
    with read() as connection:
        return views.support_by_country(connection, kind, query.country)


COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    commands.AddPolicyContact: add_policy_contact,
    commands.UpdatePolicyContact: update_policy_contact,
    commands.ChangeStance: change_stance,
    commands.WithdrawPolicyContact: withdraw_policy_contact,
    commands.LogInteraction: log_interaction,
}
QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.GetPolicyContact: get_policy_contact,
    queries.ListPolicyContacts: list_policy_contacts,
    queries.GetStanceHistory: get_stance_history,
    queries.ListInteractions: list_interactions,
    queries.SummariseSupport: summarise_support,
}
