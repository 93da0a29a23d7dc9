"""Use cases of the Brussels network: open a unit of work, load, call the model, commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from ecbm_registry.adapters.network import views
from ecbm_registry.adapters.paging import Page
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.network import commands, queries
from ecbm_registry.domain.interaction import Interaction, InteractionLogged
from ecbm_registry.domain.policy_contact import ContactDetails, ContactWithdrawn, PolicyContact
from ecbm_runtime.auth import EDITOR
from ecbm_runtime.errors import Conflict, NotFound
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies

Work: TypeAlias = UnitOfWork[RegistryViews]


class PolicyContactNotFound(NotFound):
    def __init__(self, contact_id: str) -> None:
        super().__init__(f"policyContacts/{contact_id} does not exist")


class StaleVersion(Conflict):
    def __init__(self, name: str, expected: int, actual: int) -> None:
        super().__init__(f"{name} is at version {actual}, not {expected}; reload and retry")


def _load(work: Work, contact_id: str, expected_version: int = 0) -> PolicyContact:
    contact = work.repository(PolicyContact).find(contact_id)
    if contact is None:
        raise PolicyContactNotFound(contact_id)
    if expected_version and contact.version != expected_version:
        raise StaleVersion(f"policyContacts/{contact_id}", expected_version, contact.version)
    return contact


def _details(fields: dict[str, Any]) -> ContactDetails:
    fields["email"] = str(fields["email"] or "")
    fields["topics"] = tuple(fields["topics"])
    return ContactDetails(**fields)


def add_policy_contact(command: commands.AddPolicyContact, deps: RegistryDependencies) -> str:
    by = command.actor.require_subject()
    with deps.uow() as work:
        claim = work.claim_request("policycontact", command.request_id, command)
        if claim.repeated:
            return claim.resource_id
        details = _details(command.model_dump(exclude={"request_id", "stance", "actor"}))
        contact = PolicyContact.add(claim.resource_id, details, command.stance, by)
        work.repository(PolicyContact).add(contact)
        work.commit()
    return claim.resource_id


def update_policy_contact(command: commands.UpdatePolicyContact, deps: RegistryDependencies) -> str:
    by = command.actor.require_subject()
    with deps.uow() as work:
        contact = _load(work, command.contact_id, command.expected_version)
        changes = command.changes.model_dump(exclude_unset=True)
        contact.revise(_details({**contact.details.model_dump(), **changes}), by)
        work.commit()
    return command.contact_id


def change_stance(command: commands.ChangeStance, deps: RegistryDependencies) -> str:
    by = command.actor.require_subject()
    with deps.uow() as work:
        contact = _load(work, command.contact_id, command.expected_version)
        contact.change_stance(command.stance, command.reason, by)
        work.commit()
    return command.contact_id


def withdraw_policy_contact(
    command: commands.WithdrawPolicyContact, deps: RegistryDependencies
) -> str:
    by = command.actor.require_subject()
    with deps.uow() as work:
        contact = _load(work, command.contact_id, command.expected_version)
        contact.withdraw(command.reason, by)
        work.commit()
    return command.contact_id


def log_interaction(command: commands.LogInteraction, deps: RegistryDependencies) -> str:
    caller = command.actor.require_subject()
    with deps.uow() as work:
        claim = work.claim_request("interaction", command.request_id, command)
        if claim.repeated:
            return claim.resource_id
        if _load(work, command.contact_id).withdrawn:
            raise ContactWithdrawn(command.contact_id)
        event = InteractionLogged(
            **command.model_dump(exclude={"request_id", "actor"}), logged_by=caller
        )
        on_behalf = command.actor.has_role(EDITOR)
        interaction = Interaction.log(claim.resource_id, event, on_behalf_allowed=on_behalf)
        work.repository(Interaction).add(interaction)
        work.commit()
    return claim.resource_id


def get_policy_contact(
    query: queries.GetPolicyContact, deps: RegistryDependencies
) -> views.PolicyContactView:
    with deps.read() as read:
        found = read.network.policy_contact(query.contact_id)
    if found is None:
        raise PolicyContactNotFound(query.contact_id)
    return found


def get_interaction(
    query: queries.GetInteraction, deps: RegistryDependencies
) -> views.InteractionView:
    with deps.read() as read:
        found = read.network.interaction(query.interaction_id)
    if found is None:
        raise NotFound(f"interactions/{query.interaction_id} does not exist")
    return found


def list_policy_contacts(query: queries.ListPolicyContacts, deps: RegistryDependencies) -> Page:
    with deps.read() as read:
        return read.network.list_policy_contacts(query)


def get_stance_history(
    query: queries.GetStanceHistory, deps: RegistryDependencies
) -> list[views.StanceChangeView]:
    with deps.read() as read:
        if read.network.policy_contact(query.contact_id) is None:
            raise PolicyContactNotFound(query.contact_id)
        return read.network.stance_history(query.contact_id)


def list_interactions(query: queries.ListInteractions, deps: RegistryDependencies) -> Page:
    with deps.read() as read:
        if query.contact_id and read.network.policy_contact(query.contact_id) is None:
            raise PolicyContactNotFound(query.contact_id)
        return read.network.list_interactions(query)


def summarise_support(
    query: queries.SummariseSupport, deps: RegistryDependencies
) -> Sequence[views.CountrySupport]:
    kind = query.kind.value if query.kind else None
    with deps.read() as read:
        return read.network.support_by_country(kind, query.country)


HANDLERS: dict[type, Callable[[Any, RegistryDependencies], Any]] = {
    commands.AddPolicyContact: add_policy_contact,
    commands.UpdatePolicyContact: update_policy_contact,
    commands.ChangeStance: change_stance,
    commands.WithdrawPolicyContact: withdraw_policy_contact,
    commands.LogInteraction: log_interaction,
    queries.GetPolicyContact: get_policy_contact,
    queries.GetInteraction: get_interaction,
    queries.ListPolicyContacts: list_policy_contacts,
    queries.GetStanceHistory: get_stance_history,
    queries.ListInteractions: list_interactions,
    queries.SummariseSupport: summarise_support,
}
