"""Listing and withdrawing organisations through the bus, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_registry.adapters.programmes.views import OrganisationView
from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, Outcome
from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.bootstrap import Registry
from ecbm_registry.domain.organisation import OrganisationHasProgrammes, OrganisationIsWithdrawn
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import PermissionDenied

Published = Callable[[str], list[dict[str, object]]]
CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


def register(registry: Registry, name: str, country: str = "BE", kind: str = "funder") -> str:
    made = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name=name, kind=kind, country=country,  # type: ignore[arg-type]
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    return str(made.id)


def withdraw(
    registry: Registry, organisation_id: str, actor: Actor = CENTER_EDITOR
) -> OrganisationView:
    view = registry.bus.handle(
        commands.WithdrawOrganisation(actor=actor, organisation_id=organisation_id, reason="closed")
    )
    assert isinstance(view, OrganisationView)
    return view


def listed(registry: Registry, **filters: object) -> queries.ListOrganisations:
    return queries.ListOrganisations.model_validate(filters)


def names(registry: Registry, **filters: object) -> list[str]:
    page = registry.bus.handle(listed(registry, page_size=500, **filters))
    return [o.display_name for o in page.organisations]


def test_an_organisation_is_withdrawn_only_after_its_active_programmes(
    registry: Registry, organisation_id: str, programme_id: str, published: Published
) -> None:
    with pytest.raises(OrganisationHasProgrammes, match="withdraw its 1 programme"):
        withdraw(registry, organisation_id)
    registry.bus.handle(commands.WithdrawProgramme(actor=CENTER_EDITOR, programme_id=programme_id))

    withdrawn = withdraw(registry, organisation_id)

    assert (withdrawn.status, withdrawn.version) == ("withdrawn", 2)
    found = registry.bus.handle(queries.GetOrganisation(organisation_id=organisation_id))
    assert found.status == "withdrawn" and found.update_time >= found.create_time
    [body] = published("OrganisationWithdrawn")
    assert (body["organisation_id"], body["reason"]) == (organisation_id, "closed")
    with pytest.raises(OrganisationIsWithdrawn):
        withdraw(registry, organisation_id)
    assert len(published("OrganisationWithdrawn")) == 1


def test_a_withdrawn_organisation_gets_no_programmes_changes_or_editors(
    registry: Registry, organisation_id: str
) -> None:
    withdraw(registry, organisation_id)

    with pytest.raises(OrganisationIsWithdrawn):
        registry.bus.handle(
            commands.RegisterProgramme(
                actor=CENTER_EDITOR, organisation_id=organisation_id, display_name="Late",
                languages=("nl",), countries=("BE",),
            )
        )  # fmt: skip
    with pytest.raises(OrganisationIsWithdrawn):
        registry.bus.handle(
            commands.UpdateOrganisation.model_validate(
                {"actor": CENTER_EDITOR, "organisation_id": organisation_id,
                 "expected_version": 2, "organisation": {"city": "Ghent"}}
            )
        )  # fmt: skip
    with pytest.raises(OrganisationIsWithdrawn):
        registry.bus.handle(
            commands.AddOrganisationEditor(
                actor=CENTER_EDITOR, organisation_id=organisation_id, person_id="person-9"
            )
        )
    assert registry.bus.handle(listed(registry, page_size=10)).total_size == 0


def test_only_editors_of_the_organisation_withdraw_it(registry: Registry) -> None:
    founder = Actor(subject="member-1", roles=frozenset({"member"}))
    made = registry.bus.handle(
        commands.RegisterOrganisation(
            actor=founder, display_name="Own Lab", kind="funder", country="NL",  # type: ignore[arg-type]
            contact_name="Jan Jansen", contact_email="jan@example.org",
        )
    )  # fmt: skip
    stranger = Actor(subject="member-2", roles=frozenset({"member"}))

    with pytest.raises(PermissionDenied):
        withdraw(registry, made.id, actor=stranger)

    assert withdraw(registry, made.id, actor=founder).status == "withdrawn"


def import_row(number: int, **fields: object) -> ProgrammeRowInput:
    return ProgrammeRowInput(
        row=number,
        fields={"external_id": f"ext-{number}", "display_name": f"Buddy Up {number}",
                "languages": ["nl"], "countries": ["BE"], **fields},
    )  # fmt: skip


def test_an_import_row_for_a_withdrawn_organisation_is_invalid_on_organisation(
    registry: Registry, organisation_id: str
) -> None:
    withdraw(registry, organisation_id)
    by_name = {"organisation_name": "mentoring  LAB", "organisation_country": "BE"}

    result = registry.bus.handle(
        ImportProgrammes(
            rows=(
                import_row(2, organisation=f"organisations/{organisation_id}"),
                import_row(3, **by_name),
            )
        )
    )

    assert isinstance(result, ImportedBatch)
    assert [o.outcome for o in result.outcomes] == [Outcome.INVALID, Outcome.INVALID]
    for outcome in result.outcomes:
        [violation] = outcome.violations
        assert violation.field == "organisation" and "is withdrawn" in violation.description
    assert result.organisations_created == 0
    assert registry.bus.handle(queries.ListProgrammes()).total_size == 0


DIRECTORY = (  # name, country, kind: first letters differ, so every collation agrees
    ("alpha Mentors", "BE", "mentoring_organisation"),
    ("Beta Network", "NL", "network"),
    ("charlie Fund", "BE", "funder"),
    ("Delta Uni", "BE", "research_institution"),
    ("echo Agency", "NL", "public_body"),
    ("Foxtrot Lab", "BE", "mentoring_organisation"),
)


@pytest.fixture
def directory(registry: Registry) -> dict[str, str]:
    """The six organisations above, "Delta Uni" withdrawn; name → id."""
    ids = {name: register(registry, name, country, kind) for name, country, kind in DIRECTORY}
    withdraw(registry, ids["Delta Uni"])
    return ids


def test_the_list_holds_active_organisations_by_name_unless_asked(
    registry: Registry, directory: dict[str, str]
) -> None:
    active = ["alpha Mentors", "Beta Network", "charlie Fund", "echo Agency", "Foxtrot Lab"]

    assert names(registry) == active
    assert names(registry, order_by="display_name desc") == active[::-1]
    assert names(registry, status="withdrawn") == ["Delta Uni"]
    assert names(registry, status="active", show_withdrawn=True) == active
    assert names(registry, show_withdrawn=True) == sorted([*active, "Delta Uni"], key=str.casefold)
    assert names(registry, country="BE") == ["alpha Mentors", "charlie Fund", "Foxtrot Lab"]
    assert names(registry, country="BE", kind="mentoring_organisation") == [
        "alpha Mentors", "Foxtrot Lab",
    ]  # fmt: skip
    newest_first = registry.bus.handle(listed(registry, order_by="create_time desc"))
    keys = [(o.create_time, o.id) for o in newest_first.organisations]
    assert keys == sorted(keys, reverse=True) and newest_first.total_size == 5


def test_a_page_says_how_many_match_and_where_the_next_starts(
    registry: Registry, directory: dict[str, str]
) -> None:
    first = registry.bus.handle(listed(registry, page_size=2, country="BE", show_withdrawn=True))

    assert [o.display_name for o in first.organisations] == ["alpha Mentors", "charlie Fund"]
    assert first.total_size == 4
    assert first.next_after == ("charlie fund", directory["charlie Fund"])
    rest = registry.bus.handle(
        listed(registry, page_size=2, country="BE", show_withdrawn=True, after=first.next_after)
    )
    assert [o.display_name for o in rest.organisations] == ["Delta Uni", "Foxtrot Lab"]
    assert rest.next_after is None


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"kind": "club"}, "kind"),
        ({"status": "paused"}, "status"),
        ({"order_by": "kind"}, "order_by"),
        ({"order_by": "display_name, create_time"}, "order_by"),
        ({"order_by": "create_time", "after": ("not a time", "x")}, "after"),
    ],
)
def test_bad_filters_name_their_field(filters: dict[str, object], field: str) -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        queries.ListOrganisations.model_validate(filters)

    assert [error["loc"][0] for error in raised.value.errors()] == [field]


def test_pages_put_together_are_the_whole_ordered_list(
    registry: Registry, directory: dict[str, str]
) -> None:
    @settings(max_examples=25, deadline=None)
    @given(
        size=st.integers(min_value=1, max_value=7),
        order_by=st.sampled_from(
            ["", "display_name", "display_name desc", "create_time", "create_time desc"]
        ),
        country=st.sampled_from([None, "BE", "NL"]),
        show_withdrawn=st.booleans(),
    )
    def paged_equals_whole(
        size: int, order_by: str, country: str | None, show_withdrawn: bool
    ) -> None:
        filters = {"order_by": order_by, "country": country, "show_withdrawn": show_withdrawn}
        whole = registry.bus.handle(listed(registry, page_size=500, **filters))
        seen: list[str] = []
        after = None
        while True:
            page = registry.bus.handle(listed(registry, page_size=size, after=after, **filters))
            assert page.total_size == whole.total_size
            assert len(page.organisations) <= size
            seen += [o.id for o in page.organisations]
            if page.next_after is None:
                break
            after = page.next_after
        assert seen == [o.id for o in whole.organisations]
        assert len(seen) == whole.total_size

    paged_equals_whole()
