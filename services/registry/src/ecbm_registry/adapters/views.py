"""The registry's views: every area's read side, bound to one connection.

A unit of work hands its handler ``work.views`` on its own transaction; a query reads
``deps.read()``'s on a read-only connection. Handlers never see the connection itself.
"""

from __future__ import annotations

from sqlalchemy import Connection

from ecbm_registry.adapters.directory.views import DirectoryViews
from ecbm_registry.adapters.imports.views import ImportViews
from ecbm_registry.adapters.network.views import NetworkViews
from ecbm_registry.adapters.people.views import PeopleViews
from ecbm_registry.adapters.programmes.views import ProgrammeViews
from ecbm_registry.adapters.resources.views import ResourceViews
from ecbm_runtime.eventstore import EventCodec


class RegistryViews:
    """``views.programmes.organisation(id)``, ``views.people.person(id)``, …

    ``codec`` opens the sealed history a person's export shows; it is bound to
    ``connection``, so it reads their keys in the same transaction.
    """

    programmes: ProgrammeViews
    imports: ImportViews
    people: PeopleViews
    network: NetworkViews
    resources: ResourceViews
    directory: DirectoryViews

    def __init__(self, connection: Connection, codec: EventCodec | None = None) -> None:
        self.programmes = ProgrammeViews(connection)
        self.imports = ImportViews(connection)
        self.people = PeopleViews(connection, (codec or EventCodec()).bound_to(connection))
        self.network = NetworkViews(connection)
        self.resources = ResourceViews(connection)
        self.directory = DirectoryViews(connection)
