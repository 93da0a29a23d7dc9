"""The registry's handlers without a database or a broker: fake views, in-memory records.

``in_memory_registry()`` wires the real handlers (``WIRED.handlers``) on
``ecbm_runtime.in_memory``: aggregates live in ``InMemoryRecords`` (events, outbox, inbox),
and what the handlers read goes to the fake views below, which a test fills. Projections
are SQL and do not run: a test that needs a read model row puts it in the fake views.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ecbm_registry.adapters.directory.views import DirectoryViews
from ecbm_registry.adapters.imports.views import ImportViews
from ecbm_registry.adapters.network.views import NetworkViews
from ecbm_registry.adapters.people.views import PeopleViews
from ecbm_registry.adapters.programmes.views import OrganisationView, ProgrammeViews
from ecbm_registry.adapters.resources.views import ResourceViews
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.bootstrap import WIRED, RegistryDependencies, registry_wiring
from ecbm_registry.domain.organisation import normalised_name
from ecbm_runtime.context import MessageContext
from ecbm_runtime.eventstore import EventCodec, StoredEvent
from ecbm_runtime.in_memory import InMemoryRecords, fixed_views, in_memory_units_of_work
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.outbox import OutboxEntry
from ecbm_runtime.sealing import development_seal

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeProgrammeViews(ProgrammeViews):
    """Organisations by id, and active programme counts, as a test sets them."""

    def __init__(self) -> None:
        self.organisations: dict[str, OrganisationView] = {}
        self.active_programmes: dict[str, int] = {}

    def add_organisation(
        self,
        id: str,
        display_name: str = "Mentoring Lab",
        country: str = "BE",
        status: str = "active",
    ) -> OrganisationView:
        view = OrganisationView(
            id=id, display_name=display_name, kind="mentoring_organisation", country=country,
            city="", website="", contact_name="An Peeters", contact_email="an@example.org",
            description="", version=1, create_time=NOW, update_time=NOW, status=status,
        )  # fmt: skip
        self.organisations[id] = view
        return view

    def organisation(self, organisation_id: str) -> OrganisationView | None:
        return self.organisations.get(organisation_id)

    def organisation_named(self, normalised: str, country: str) -> str | None:
        return next(
            (
                o.id
                for o in self.organisations.values()
                if normalised_name(o.display_name) == normalised and o.country == country
            ),
            None,
        )

    def active_programme_count(self, organisation_id: str) -> int:
        return self.active_programmes.get(organisation_id, 0)


class FakeImportViews(ImportViews):
    """The import's lookups over the fake organisations and a map of external ids."""

    def __init__(self, programmes: FakeProgrammeViews) -> None:
        self.programmes = programmes
        self.external_ids: dict[str, str] = {}  # external id -> programme id

    def programmes_by_external_id(self, external_ids: Collection[str]) -> dict[str, str]:
        return {e: self.external_ids[e] for e in external_ids if e in self.external_ids}

    def existing_organisations(self, ids: Collection[str]) -> set[str]:
        return {id for id in ids if id in self.programmes.organisations}

    def withdrawn_organisations(self, ids: Collection[str]) -> set[str]:
        known = self.programmes.organisations
        return {id for id in ids if id in known and known[id].status == "withdrawn"}

    def organisations_by_identity(
        self, identities: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        known = {
            (normalised_name(o.display_name), o.country): o.id
            for o in self.programmes.organisations.values()
        }
        return {identity: known[identity] for identity in identities if identity in known}


class FakePeopleViews(PeopleViews):
    """Remembers whose key was shredded."""

    def __init__(self) -> None:
        self.shredded: list[str] = []

    def shred_key(self, person_id: str) -> None:
        self.shredded.append(person_id)


class FakeDirectoryViews(DirectoryViews):
    """Quality labels by programme, as the worker's handlers record them."""

    def __init__(self) -> None:
        self.labels: dict[str, tuple[str, datetime]] = {}

    def record_quality_level(self, programme_id: str, level: str, occurred_at: datetime) -> bool:
        held = self.labels.get(programme_id)
        if held is not None and held[1] >= occurred_at:
            return False
        self.labels[programme_id] = (level, occurred_at)
        return True


class FakeNetworkViews(NetworkViews):
    """No network command reads a view."""

    def __init__(self) -> None:
        pass


class FakeResourceViews(ResourceViews):
    """No resource command reads a view."""

    def __init__(self) -> None:
        pass


class FakeRegistryViews(RegistryViews):
    programmes: FakeProgrammeViews
    imports: FakeImportViews
    people: FakePeopleViews
    network: FakeNetworkViews
    resources: FakeResourceViews
    directory: FakeDirectoryViews

    def __init__(self) -> None:
        self.programmes = FakeProgrammeViews()
        self.imports = FakeImportViews(self.programmes)
        self.people = FakePeopleViews()
        self.network = FakeNetworkViews()
        self.resources = FakeResourceViews()
        self.directory = FakeDirectoryViews()


@dataclass
class InMemoryRegistry:
    """The registry's bus on in-memory records and fake views."""

    records: InMemoryRecords = field(default_factory=InMemoryRecords)
    views: FakeRegistryViews = field(default_factory=FakeRegistryViews)

    def __post_init__(self) -> None:
        # A plain codec: sealing personal data needs a key table (the integration tests').
        wiring = registry_wiring(EventCodec(WIRED.domain_events), development_seal())
        self.dependencies = RegistryDependencies(
            units_of_work=in_memory_units_of_work(self.records, wiring, self.views),
            read_views=fixed_views(self.views),
        )
        self.bus = MessageBus(WIRED.handlers, self.dependencies)

    def handle(self, message: object, context: MessageContext | None = None) -> object:
        """Handle ``message`` as a servicer would: acting as the caller the message names."""
        if context is None:
            actor = getattr(message, "actor", None)
            context = MessageContext(actor=actor.subject or None) if actor else MessageContext()
        return self.bus.handle(message, context)

    def event_types(self, stream_id: str) -> list[str]:
        """The types of a stream's stored events, in order."""
        return [event.type for event in self.records.stream(stream_id)]

    def stored(self, stream_id: str) -> list[StoredEvent]:
        return self.records.stream(stream_id)

    def published(self, event_type: str) -> list[OutboxEntry]:
        return self.records.published(event_type)


def in_memory_registry() -> InMemoryRegistry:
    return InMemoryRegistry()
