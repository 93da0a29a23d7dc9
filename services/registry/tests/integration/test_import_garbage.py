"""Whatever a row holds, the import answers for it: an outcome per row, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ecbm_registry.adapters.imports.client import OPTIONAL_FIELDS, REPEATED_FIELDS, TEXT_FIELDS
from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, Outcome
from ecbm_registry.bootstrap import Registry

FIELDS = (*TEXT_FIELDS, *REPEATED_FIELDS, *OPTIONAL_FIELDS, "evaluations")
anything = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
        st.sampled_from(["BE", "nl", "youth", "active", "network", "x@example.org"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["design", "year"]), inner)
    ),
    max_leaves=6,
)  # fmt: skip
rows = st.lists(st.dictionaries(st.sampled_from(FIELDS), anything), min_size=1, max_size=4)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows)
@example([{"external_id": "\x00"}])  # PostgreSQL refused the lookup of a key holding NUL
def test_any_row_gets_an_outcome_and_a_dry_run_writes_nothing(
    registry: Registry, fields: list[dict[str, object]]
) -> None:
    command = ImportProgrammes(
        rows=tuple(ProgrammeRowInput(row=n, fields=f) for n, f in enumerate(fields)), dry_run=True
    )

    result = registry.bus.handle(command)

    assert isinstance(result, ImportedBatch)
    assert [o.row for o in result.outcomes] == list(range(len(fields)))
    for outcome in result.outcomes:
        assert (outcome.outcome is Outcome.INVALID) == bool(outcome.violations)
