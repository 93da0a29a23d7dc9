"""Use cases of the registry: open a unit of work, load, call the model, commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from ecbm_registry.adapters import views
from ecbm_registry.adapters.places import locate
from ecbm_registry.application import commands, queries
from ecbm_registry.domain.errors import (
    OrganisationAlreadyRegistered,
    OrganisationNotFound,
    ProgrammeNotFound,
)
from ecbm_registry.domain.organisation import (
    Organisation,
    OrganisationRegistered,
    normalised_name,
)
from ecbm_registry.domain.programme import Location, Programme, ProgrammeRegistered
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
ReadConnection = Callable[[], Connection]


def register_organisation(
    command: commands.RegisterOrganisation, uow: UnitOfWorkFactory
) -> views.OrganisationView:
    organisation_id = new_id("organisation", command.request_id)
    with uow() as work:
        repository = work.repository(Organisation)
        if not (command.request_id and repository.exists(organisation_id)):
            name = normalised_name(command.display_name)
            existing = views.organisation_named(work.connection, name, command.country)
            if existing:
                raise OrganisationAlreadyRegistered(existing)
            repository.add(Organisation.register(organisation_id, _registered(command)))
        work.commit()
        view = views.organisation(work.connection, organisation_id)  # after the store lock
    assert view is not None
    return view


def _registered(command: commands.RegisterOrganisation) -> OrganisationRegistered:
    return OrganisationRegistered(
        display_name=command.display_name,
        kind=command.kind,
        country=command.country,
        city=command.city,
        website=str(command.website) if command.website else "",
        contact_name=command.contact_name,
        contact_email=str(command.contact_email),
        description=command.description,
    )


def register_programme(
    command: commands.RegisterProgramme, uow: UnitOfWorkFactory
) -> views.ProgrammeView:
    programme_id = new_id("programme", command.request_id)
    with uow() as work:
        repository = work.repository(Programme)
        if not (command.request_id and repository.exists(programme_id)):
            if views.organisation(work.connection, command.organisation_id) is None:
                raise OrganisationNotFound(command.organisation_id)
            event = _programme_registered(command)
            repository.add(Programme.register(programme_id, event))
        work.commit()
        view = views.programme(work.connection, programme_id)  # after the store lock
    assert view is not None
    return view


def _programme_registered(command: commands.RegisterProgramme) -> ProgrammeRegistered:
    fields = command.model_dump(exclude={"request_id", "latitude", "longitude"})
    location: Location | None
    if command.latitude is not None and command.longitude is not None:
        location = Location(latitude=command.latitude, longitude=command.longitude)
    else:
        location = locate(command.city, command.countries) if command.city else None
    return ProgrammeRegistered(**fields, location=location)


def get_organisation(
    query: queries.GetOrganisation, read: ReadConnection
) -> views.OrganisationView:
    with read() as connection:
        found = views.organisation(connection, query.organisation_id)
    if found is None:
        raise OrganisationNotFound(query.organisation_id)
    return found


def get_programme(query: queries.GetProgramme, read: ReadConnection) -> views.ProgrammeView:
    with read() as connection:
        found = views.programme(connection, query.programme_id)
    if found is None:
        raise ProgrammeNotFound(query.programme_id)
    return found


def list_programmes(query: queries.ListProgrammes, read: ReadConnection) -> views.ProgrammePage:
    with read() as connection:
        return views.list_programmes(connection, query)


COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    commands.RegisterOrganisation: register_organisation,
    commands.RegisterProgramme: register_programme,
}
QUERY_HANDLERS: dict[type, Callable[..., Any]] = {
    queries.GetOrganisation: get_organisation,
    queries.GetProgramme: get_programme,
    queries.ListProgrammes: list_programmes,
}
