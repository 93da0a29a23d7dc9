"""Use cases of organisations and programmes: open a unit of work, load, call the model, commit.

Commands return the id of what they changed; the servicer reads it back with a Get query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from ecbm_registry.adapters.places import locate
from ecbm_registry.adapters.programmes import views
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.domain.errors import (
    ExternalIdTaken,
    OrganisationAlreadyRegistered,
    OrganisationNotFound,
    ProgrammeNotFound,
)
from ecbm_registry.domain.organisation import (
    Organisation,
    OrganisationIsWithdrawn,
    OrganisationRegistered,
    OrganisationStatus,
    normalised_name,
)
from ecbm_registry.domain.programme import Location, Programme, ProgrammeRegistered
from ecbm_runtime.actor import Actor
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies

Work: TypeAlias = UnitOfWork[RegistryViews]


def register_organisation(
    command: commands.RegisterOrganisation, deps: RegistryDependencies
) -> str:
    with deps.uow() as work:
        claim = work.claim_request("organisation", command.request_id, command)
        if claim.repeated:
            return claim.resource_id
        name = normalised_name(command.display_name)
        existing = work.views.programmes.organisation_named(name, command.country)
        if existing:
            raise OrganisationAlreadyRegistered(existing)
        organisation = Organisation.register(claim.resource_id, organisation_registered(command))
        work.repository(Organisation).add(organisation)
        work.commit()
    return claim.resource_id


def organisation_registered(command: commands.RegisterOrganisation) -> OrganisationRegistered:
    actor = command.actor
    return OrganisationRegistered(
        editors=(actor.subject,) if actor.subject and not actor.is_editor else (),
        display_name=command.display_name,
        kind=command.kind,
        country=command.country,
        city=command.city,
        website=str(command.website) if command.website else "",
        contact_name=command.contact_name,
        contact_email=str(command.contact_email),
        description=command.description,
    )


def register_programme(command: commands.RegisterProgramme, deps: RegistryDependencies) -> str:
    """Register a programme for an organisation the caller may edit."""
    with deps.uow() as work:
        claim = work.claim_request("programme", command.request_id, command)
        if claim.repeated:
            return claim.resource_id
        # Checked under the store's append lock, which withdraw_organisation takes
        # exclusively to count: a programme never lands in an organisation withdrawn
        # meanwhile. Shared: registrations do not wait for each other.
        work.lock_appends(exclusive=False)
        organisation = work.views.programmes.organisation(command.organisation_id)
        if organisation is None:
            raise OrganisationNotFound(command.organisation_id)
        _require_organisation_editor(work, command.organisation_id, command.actor)
        if organisation.status == OrganisationStatus.WITHDRAWN:
            raise OrganisationIsWithdrawn(command.organisation_id)
        if command.external_id:
            taken = work.views.imports.programmes_by_external_id([command.external_id])
            if taken:
                raise ExternalIdTaken(command.external_id, taken[command.external_id])
        event = programme_registered(command)
        work.repository(Programme).add(Programme.register(claim.resource_id, event))
        work.commit()
    return claim.resource_id


def programme_registered(command: commands.RegisterProgramme) -> ProgrammeRegistered:
    fields = command.model_dump(exclude={"request_id", "latitude", "longitude", "actor"})
    location: Location | None
    if command.latitude is not None and command.longitude is not None:
        location = Location(latitude=command.latitude, longitude=command.longitude)
    else:
        location = locate(command.city, command.countries) if command.city else None
    return ProgrammeRegistered(**fields, location=location)


def update_programme(command: commands.UpdateProgramme, deps: RegistryDependencies) -> str:
    with deps.uow() as work:
        programme = _load_programme(work, command.programme_id)
        _require_organisation_editor(work, programme.organisation_id, command.actor)
        if programme.version != command.expected_version:
            raise VersionConflict(programme.stream_id, command.expected_version, programme.version)
        programme.update(programme_changes(programme, command.programme))
        work.commit()
    return command.programme_id


def programme_changes(programme: Programme, given: commands.ProgrammeChanges) -> dict[str, Any]:
    changes = given.model_dump(
        exclude_unset=True, exclude={"latitude", "longitude", "derive_location"}
    )
    if given.latitude is not None and given.longitude is not None:
        changes["location"] = Location(latitude=given.latitude, longitude=given.longitude)
    elif given.derive_location or "city" in changes:
        city = changes.get("city", programme.city)
        countries = changes.get("countries", programme.countries)
        changes["location"] = locate(city, countries) if city else None
    return changes


def add_evaluation(command: commands.AddEvaluation, deps: RegistryDependencies) -> str:
    with deps.uow() as work:
        programme = _load_programme(work, command.programme_id)
        _require_organisation_editor(work, programme.organisation_id, command.actor)
        evaluation = command.evaluation
        link = str(evaluation.link) if evaluation.link else ""
        programme.add_evaluation(evaluation.design, evaluation.year, link)
        work.commit()
    return command.programme_id


def declare_programme_learning_goal(
    command: commands.DeclareProgrammeLearningGoal, deps: RegistryDependencies
) -> str:
    with deps.uow() as work:
        programme = _load_programme(work, command.programme_id)
        _require_organisation_editor(work, programme.organisation_id, command.actor)
        goal = command.learning_goal
        programme.declare_learning_goal(goal.topic, goal.description)
        work.commit()
    return command.programme_id


def withdraw_programme(command: commands.WithdrawProgramme, deps: RegistryDependencies) -> str:
    with deps.uow() as work:
        programme = _load_programme(work, command.programme_id)
        _require_organisation_editor(work, programme.organisation_id, command.actor)
        programme.withdraw(command.reason)
        work.commit()
    return command.programme_id


def _require_organisation_editor(work: Work, organisation_id: str, actor: Actor) -> None:
    """Center editors change anything; a member only what their organisations run."""
    if actor.is_editor:
        return
    organisation = work.repository(Organisation).find(organisation_id)
    actor.require_organisation_editor(organisation_id, organisation.editors if organisation else ())


def _load_organisation(work: Work, organisation_id: str) -> Organisation:
    organisation = work.repository(Organisation).find(organisation_id)
    if organisation is None:
        raise OrganisationNotFound(organisation_id)
    return organisation


def add_organisation_editor(
    command: commands.AddOrganisationEditor, deps: RegistryDependencies
) -> str:
    with deps.uow() as work:
        organisation = _load_organisation(work, command.organisation_id)
        _require_organisation_editor(work, command.organisation_id, command.actor)
        organisation.add_editor(command.person_id)
        work.commit()
    return command.organisation_id


def _load_programme(work: Work, programme_id: str) -> Programme:
    programme = work.repository(Programme).find(programme_id)
    if programme is None:
        raise ProgrammeNotFound(programme_id)
    return programme


def update_organisation(command: commands.UpdateOrganisation, deps: RegistryDependencies) -> str:
    with deps.uow() as work:
        organisation = _load_organisation(work, command.organisation_id)
        _require_organisation_editor(work, command.organisation_id, command.actor)
        if organisation.version != command.expected_version:
            raise VersionConflict(
                organisation.stream_id, command.expected_version, organisation.version
            )
        changes = command.organisation.model_dump(exclude_unset=True)
        if changes.get("website") is not None:
            changes["website"] = str(changes["website"])
        if "display_name" in changes:
            name = normalised_name(changes["display_name"])
            existing = work.views.programmes.organisation_named(name, organisation.country)
            if existing and existing != command.organisation_id:
                raise OrganisationAlreadyRegistered(existing)
        organisation.update(changes)
        work.commit()
    return command.organisation_id


def withdraw_organisation(
    command: commands.WithdrawOrganisation, deps: RegistryDependencies
) -> str:
    """Withdraw it once none of its programmes is active.

    The programmes are counted under the store's append lock, which register_programme
    also takes before it checks the organisation: neither can slip past the other.
    (A bulk import checks without it; a row imported at the same instant can still land.)
    """
    with deps.uow() as work:
        organisation = _load_organisation(work, command.organisation_id)
        _require_organisation_editor(work, command.organisation_id, command.actor)
        work.lock_appends()
        active = work.views.programmes.active_programme_count(command.organisation_id)
        organisation.withdraw(command.reason, active)
        work.commit()
    return command.organisation_id


def get_organisation(
    query: queries.GetOrganisation, deps: RegistryDependencies
) -> views.OrganisationView:
    with deps.read() as read:
        found = read.programmes.organisation(query.organisation_id)
    if found is None:
        raise OrganisationNotFound(query.organisation_id)
    return found


def get_programme(query: queries.GetProgramme, deps: RegistryDependencies) -> views.ProgrammeView:
    with deps.read() as read:
        found = read.programmes.programme(query.programme_id)
    if found is None:
        raise ProgrammeNotFound(query.programme_id)
    return found


def get_programme_history(
    query: queries.GetProgrammeHistory, deps: RegistryDependencies
) -> views.ProgrammeHistory:
    """Private to the editors of the programme's organisation and Center editors."""
    with deps.read() as read:
        programme = read.programmes.programme(query.programme_id)
        if programme is None:
            raise ProgrammeNotFound(query.programme_id)
        if not query.actor.is_editor:
            organisation = read.programmes.organisation(programme.organisation_id)
            editors = organisation.editors if organisation else ()
            query.actor.require_organisation_editor(programme.organisation_id, editors)
        return read.programmes.programme_history(
            query.programme_id, query.after_version, query.page_size
        )


def list_organisations(
    query: queries.ListOrganisations, deps: RegistryDependencies
) -> views.OrganisationPage:
    with deps.read() as read:
        return read.programmes.list_organisations(query)


def list_programmes(
    query: queries.ListProgrammes, deps: RegistryDependencies
) -> views.ProgrammePage:
    with deps.read() as read:
        return read.programmes.list_programmes(query)


HANDLERS: dict[type, Callable[[Any, RegistryDependencies], Any]] = {
    commands.RegisterOrganisation: register_organisation,
    commands.RegisterProgramme: register_programme,
    commands.UpdateProgramme: update_programme,
    commands.WithdrawProgramme: withdraw_programme,
    commands.AddEvaluation: add_evaluation,
    commands.DeclareProgrammeLearningGoal: declare_programme_learning_goal,
    commands.UpdateOrganisation: update_organisation,
    commands.AddOrganisationEditor: add_organisation_editor,
    commands.WithdrawOrganisation: withdraw_organisation,
    queries.GetOrganisation: get_organisation,
    queries.GetProgramme: get_programme,
    queries.ListProgrammes: list_programmes,
    queries.ListOrganisations: list_organisations,
    queries.GetProgrammeHistory: get_programme_history,
}
