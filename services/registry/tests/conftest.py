"""Fixtures of the registry's tests: a migrated database and the real API in process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from pydantic import BaseModel
from sqlalchemy import select

from ecbm_registry.application.network import commands as network_commands
from ecbm_registry.application.network import queries as network_queries
from ecbm_registry.application.people import commands as people_commands
from ecbm_registry.application.people import queries as people_queries
from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.application.resources import commands as resource_commands
from ecbm_registry.application.resources import queries as resource_queries
from ecbm_registry.bootstrap import (
    SERVICE,
    WIRED,
    Registry,
    RegistryDependencies,
    bootstrap,
    load_settings,
)
from ecbm_runtime.actor import Actor, current_actor
from ecbm_runtime.context import MessageContext
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import outbox
from ecbm_runtime.testing import api_in_process, bearer, wait_until
from ecbm_runtime.wiring import Application

CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))

# A command's id -> the Get query that reads back what it changed, as the servicers do.
READ_BACK: dict[type, Callable[[Any, str], object]] = {
    **dict.fromkeys(
        (commands.RegisterOrganisation, commands.UpdateOrganisation,
         commands.AddOrganisationEditor, commands.WithdrawOrganisation),
        lambda c, id: queries.GetOrganisation(organisation_id=id),
    ),
    **dict.fromkeys(
        (commands.RegisterProgramme, commands.UpdateProgramme, commands.AddEvaluation,
         commands.DeclareProgrammeLearningGoal, commands.WithdrawProgramme),
        lambda c, id: queries.GetProgramme(programme_id=id),
    ),
    **dict.fromkeys(
        (people_commands.JoinNetwork, people_commands.UpdatePerson,
         people_commands.DeclareExpertise, people_commands.WithdrawExpertise,
         people_commands.DeclareLearningGoal, people_commands.WithdrawLearningGoal),
        lambda c, id: people_queries.GetPerson(actor=c.actor, person_id=id),
    ),
    **dict.fromkeys(
        (people_commands.ApplyForMembership, people_commands.ApproveMembership,
         people_commands.DeclineMembership, people_commands.EndMembership),
        lambda c, id: people_queries.GetMembership(actor=c.actor, person_id=id),
    ),
    **dict.fromkeys(
        (network_commands.AddPolicyContact, network_commands.UpdatePolicyContact,
         network_commands.ChangeStance, network_commands.WithdrawPolicyContact),
        lambda c, id: network_queries.GetPolicyContact(contact_id=id),
    ),
    network_commands.LogInteraction: lambda c, id: network_queries.GetInteraction(
        interaction_id=id
    ),
    **dict.fromkeys(
        (resource_commands.CreateResource, resource_commands.UpdateResource,
         resource_commands.SubmitResource, resource_commands.PublishResource,
         resource_commands.ReturnResource, resource_commands.ArchiveResource),
        lambda c, id: resource_queries.GetResource(actor=c.actor, resource_id=id),
    ),
}  # fmt: skip


class ServicerBus(MessageBus[RegistryDependencies]):
    """The bus as the servicers use it, for the application tests.

    Like a servicer, it stamps the caller (``acting_as``) on a message whose actor is not
    given, and answers a command with what it changed, read back with its Get query.
    """

    def handle(self, message: object, context: MessageContext | None = None) -> Any:
        if (
            isinstance(message, BaseModel)
            and "actor" in type(message).model_fields
            and "actor" not in message.model_fields_set
        ):
            message = message.model_copy(update={"actor": current_actor()})
        result = super().handle(message, context)
        read_back = READ_BACK.get(type(message))
        return super().handle(read_back(message, result)) if read_back else result


@pytest.fixture
def registry(database_url: str) -> Iterator[Registry]:
    """The registry application (its bus) on a fresh, migrated database of each kind."""
    upgrade(SERVICE.migrations, database_url)
    app = bootstrap(load_settings(database_url=database_url))
    yield Application(ServicerBus(WIRED.handlers, app.dependencies), app.engine, app.wiring)
    app.close()


@pytest.fixture
def registry_channel(database_url: str, amqp_url: str) -> Iterator[grpc.Channel]:
    """A channel to the registry's real servicers and interceptors, served in process."""
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(database_url=database_url, amqp_url=amqp_url, grpc_port=0)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield channel


@pytest.fixture
def organisation_id(registry: Registry) -> str:
    """The organisation "Mentoring Lab" (BE), registered through the bus."""
    made = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    return str(made.id)


@pytest.fixture
def programme_id(registry: Registry, organisation_id: str) -> str:
    """The programme "Buddy Up" (nl, BE) of "Mentoring Lab", registered through the bus."""
    made = registry.bus.handle(
        commands.RegisterProgramme(
            actor=CENTER_EDITOR, organisation_id=organisation_id, display_name="Buddy Up",
            languages=("nl",), countries=("BE",),
        )
    )  # fmt: skip
    return str(made.id)


@pytest.fixture
def published(registry: Registry) -> Callable[[str], list[dict[str, object]]]:
    """The bodies of the integration events of one type in the registry's outbox, in order."""

    def bodies(event_type: str) -> list[dict[str, object]]:
        with registry.engine.connect() as connection:
            rows = connection.execute(
                select(outbox.c.body)
                .where(outbox.c.routing_key == event_type)
                .order_by(outbox.c.id)
            )
            return [json.loads(body) for body in rows.scalars()]

    return bodies


__all__ = ["bearer", "wait_until"]
