"""Importing programmes: each row validated as RegisterProgramme is, a batch written at once.

A row is created (new external id), updated (its values differ: UpdateProgramme semantics),
unchanged (no event) or invalid (with the fields at fault). A batch commits in one unit of
work; if the commit fails (another import took a key or a stream meanwhile), each row is
tried again on its own, so good rows are never lost and no row is ever half written.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError

from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.programmes import commands
from ecbm_registry.application.programmes.handlers import (
    organisation_registered,
    programme_changes,
    programme_registered,
)
from ecbm_registry.domain.organisation import Organisation, normalised_name
from ecbm_registry.domain.programme import Programme
from ecbm_runtime.errors import DomainError, FieldViolation
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.grpc.status import validation_violations
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies

_log = logging.getLogger(__name__)
_M = TypeVar("_M", bound=pydantic.BaseModel)

rows_imported = Counter(
    "ecbm_registry_import_rows", "Programme rows imported, by outcome.", ("outcome", "dry_run")
)

# ProgrammeRow field -> RegisterProgramme field, where they differ only in being optional.
PROGRAMME_FIELDS = (
    "display_name", "description", "languages", "countries", "target_groups", "formats",
    "focus_areas", "age_min", "age_max", "mentors_per_year", "mentees_per_year",
    "matches_per_year", "start_year", "regions", "city", "latitude", "longitude",
)  # fmt: skip
# RegisterOrganisation field -> the ProgrammeRow field it is read from.
ORGANISATION_FIELDS = {
    "display_name": "organisation_name",
    "country": "organisation_country",
    "kind": "organisation_kind",
    "city": "organisation_city",
    "website": "organisation_website",
    "contact_name": "contact_name",
    "contact_email": "contact_email",
}
CHANGEABLE = frozenset(commands.ProgrammeChanges.model_fields) - {"derive_location"}


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


@dataclass(frozen=True)
class RowOutcome:
    row: int
    external_id: str
    outcome: Outcome
    programme_id: str = ""
    violations: tuple[FieldViolation, ...] = ()


@dataclass(frozen=True)
class ImportedBatch:
    outcomes: tuple[RowOutcome, ...]
    organisations_created: int = 0


def import_programmes(command: ImportProgrammes, deps: RegistryDependencies) -> ImportedBatch:
    try:
        with deps.uow() as work:
            batch = _Batch(work, command)
            outcomes = tuple(batch.row(row) for row in command.rows)
            if not command.dry_run:
                work.commit()
    except (IntegrityError, VersionConflict) as error:
        if len(command.rows) > 1:
            _log.info("import batch of %d rows conflicted; rows one by one", len(command.rows))
            return _one_by_one(command, deps)
        (row,) = command.rows
        violation = FieldViolation(
            "external_id", f"changed by another writer meanwhile; import the row again ({error})"
        )
        outcomes = (RowOutcome(row.row, _text(row.fields, "external_id"), Outcome.INVALID,
                               violations=(violation,)),)  # fmt: skip
        return ImportedBatch(outcomes)
    for outcome in outcomes:
        rows_imported.labels(outcome.outcome.value, str(command.dry_run).lower()).inc()
    return ImportedBatch(outcomes, batch.organisations_created)


def _one_by_one(command: ImportProgrammes, deps: RegistryDependencies) -> ImportedBatch:
    results = [
        import_programmes(command.model_copy(update={"rows": (row,)}), deps) for row in command.rows
    ]
    return ImportedBatch(
        tuple(o for result in results for o in result.outcomes),
        sum(result.organisations_created for result in results),
    )


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class _Organisation:
    """An organisation a row names: registered already (``id``) or to register (``command``)."""

    id: str = ""
    command: commands.RegisterOrganisation | None = None
    violations: list[FieldViolation] = field(default_factory=list)


def _withdrawn(organisation_id: str) -> _Organisation:
    """A withdrawn organisation runs no new programmes, and an import changes none of its."""
    problem = f"organisations/{organisation_id} is withdrawn"
    return _Organisation(violations=[FieldViolation("organisation", problem)])


class _Batch:
    """One batch in one unit of work; knows what its rows' keys already name."""

    def __init__(self, work: UnitOfWork[RegistryViews], command: ImportProgrammes) -> None:
        self.work, self.command = work, command
        self.organisations_created = 0
        self.seen: dict[str, int] = {}  # external id -> row, within the batch
        rows = [row.fields for row in command.rows]
        lookup = work.views.imports
        self.existing = lookup.programmes_by_external_id(
            {_text(f, "external_id") for f in rows} - {""}
        )
        self.organisation_ids = lookup.existing_organisations(
            {_organisation_id(f) for f in rows} - {""}
        )
        self.identities = lookup.organisations_by_identity(
            {key for f in rows if (key := _identity(f)) is not None}
        )
        self.withdrawn = lookup.withdrawn_organisations(
            self.organisation_ids | set(self.identities.values())
        )

    def row(self, row: ProgrammeRowInput) -> RowOutcome:
        fields = row.fields
        external_id = _text(fields, "external_id")
        violations: list[FieldViolation] = []
        if not external_id:
            violations.append(FieldViolation("external_id", "required: your key of the programme"))
        elif external_id in self.seen:
            violations.append(
                FieldViolation("external_id", f"given in row {self.seen[external_id]} already")
            )
        else:
            self.seen[external_id] = row.row
        programme = _validated(commands.RegisterProgramme, _programme_input(fields), violations)
        goals = [
            _validated(commands.ProgrammeLearningGoalInput, {"topic": t}, violations,
                       f"learning_goals[{i}]")
            for i, t in enumerate(_listed(fields, "learning_goals"))
        ]  # fmt: skip
        evaluations = [
            _validated(commands.EvaluationInput, _evaluation_input(e), violations,
                       f"evaluations[{i}]")
            for i, e in enumerate(_listed(fields, "evaluations"))
        ]  # fmt: skip
        organisation = self._organisation(fields)
        violations += organisation.violations
        if violations or programme is None:
            return RowOutcome(row.row, external_id, Outcome.INVALID, violations=tuple(violations))
        valid_goals = [g for g in goals if g is not None]
        valid_evaluations = [e for e in evaluations if e is not None]
        if external_id in self.existing:
            return self._update(row, self.existing[external_id], programme, organisation,
                                valid_goals, valid_evaluations)  # fmt: skip
        organisation_id = organisation.id or self._register(organisation.command)
        created = Programme.register(
            new_id("programme"),
            programme_registered(programme.model_copy(update={"organisation_id": organisation_id})),
        )
        _record_extras(created, valid_goals, valid_evaluations)
        self.work.repository(Programme).add(created)
        self.existing[external_id] = created.id
        return RowOutcome(row.row, external_id, Outcome.CREATED, created.id)

    def _update(
        self,
        row: ProgrammeRowInput,
        programme_id: str,
        given: commands.RegisterProgramme,
        organisation: _Organisation,
        goals: list[commands.ProgrammeLearningGoalInput],
        evaluations: list[commands.EvaluationInput],
    ) -> RowOutcome:
        external_id = given.external_id
        programme = self.work.repository(Programme).get(programme_id)
        if organisation.id != programme.organisation_id:
            violation = FieldViolation(
                "organisation",
                f"programmes/{programme_id} belongs to organisations/{programme.organisation_id};"
                " a programme does not move",
            )
            return RowOutcome(row.row, external_id, Outcome.INVALID, programme_id, (violation,))
        changes = commands.ProgrammeChanges.model_validate(
            given.model_dump(include=set(CHANGEABLE))
        )
        try:
            programme.update(programme_changes(programme, changes))
            _record_extras(programme, goals, evaluations)
        except DomainError as error:
            programme.collect_new_events()  # none of this row is written
            violation = FieldViolation("external_id", str(error))
            return RowOutcome(row.row, external_id, Outcome.INVALID, programme_id, (violation,))
        outcome = Outcome.UPDATED if programme.has_new_events else Outcome.UNCHANGED
        return RowOutcome(row.row, external_id, outcome, programme_id)

    def _organisation(self, fields: Mapping[str, Any]) -> _Organisation:
        given_id = _organisation_id(fields)
        if given_id:
            if given_id in self.withdrawn:
                return _withdrawn(given_id)
            if given_id in self.organisation_ids:
                return _Organisation(id=given_id)
            problem = f"organisations/{given_id} does not exist"
            return _Organisation(violations=[FieldViolation("organisation", problem)])
        identity = _identity(fields)
        if identity is None:
            problem = "give organisation (organisations/ID) or organisation_name and _country"
            return _Organisation(violations=[FieldViolation("organisation", problem)])
        if identity in self.identities:
            found = self.identities[identity]
            return _withdrawn(found) if found in self.withdrawn else _Organisation(id=found)
        violations: list[FieldViolation] = []
        values: dict[str, Any] = {
            name: _text(fields, column) for name, column in ORGANISATION_FIELDS.items()
        }
        values["website"] = values["website"] or None
        values["kind"] = values["kind"] or None
        registered = _validated(
            commands.RegisterOrganisation, {**values, "actor": self.command.actor}, violations
        )
        renamed = [FieldViolation(ORGANISATION_FIELDS.get(v.field, v.field), v.description)
                   for v in violations]  # fmt: skip
        return _Organisation(command=registered, violations=renamed)

    def _register(self, command: commands.RegisterOrganisation | None) -> str:
        assert command is not None  # a row without an id has a valid command, or violations
        organisation = Organisation.register(
            new_id("organisation"), organisation_registered(command)
        )
        self.work.repository(Organisation).add(organisation)
        self.identities[(normalised_name(command.display_name), command.country)] = organisation.id
        self.organisations_created += 1
        return organisation.id


def _record_extras(
    programme: Programme,
    goals: list[commands.ProgrammeLearningGoalInput],
    evaluations: list[commands.EvaluationInput],
) -> None:
    """Declare the learning goals and add the evaluations the programme lacks (never removes)."""
    for goal in goals:
        if goal.topic not in programme.learning_goals:  # keep a description given elsewhere
            programme.declare_learning_goal(goal.topic, goal.description)
    known = set(programme.evaluations)
    for evaluation in evaluations:
        link = str(evaluation.link) if evaluation.link else ""
        if (evaluation.design, evaluation.year, link) not in known:
            programme.add_evaluation(evaluation.design, evaluation.year, link)
            known.add((evaluation.design, evaluation.year, link))


def _validated(
    model: type[_M], values: Mapping[str, Any], violations: list[FieldViolation], prefix: str = ""
) -> _M | None:
    try:
        return model.model_validate(values)
    except pydantic.ValidationError as error:
        for violation in validation_violations(error):
            name = f"{prefix}.{violation.field}" if prefix else violation.field
            violations.append(FieldViolation(name, violation.description))
        return None


def _programme_input(fields: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: fields[name] for name in PROGRAMME_FIELDS if fields.get(name) is not None}
    values["organisation_id"] = "-"  # resolved apart, from the organisation columns
    values["external_id"] = _text(fields, "external_id")
    if _text(fields, "status"):
        values["status"] = _text(fields, "status").lower()
    return values


def _evaluation_input(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {"design": value}
    return {
        "design": value.get("design"),
        "year": value.get("year"),
        "link": value.get("link") or None,
    }


def _listed(fields: Mapping[str, Any], name: str) -> list[Any]:
    value = fields.get(name) or []
    return list(value) if isinstance(value, list | tuple) else [value]


def _organisation_id(fields: Mapping[str, Any]) -> str:
    return _text(fields, "organisation").removeprefix("organisations/")


def _identity(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    name, country = _text(fields, "organisation_name"), _text(fields, "organisation_country")
    if not name or not country:
        return None
    return normalised_name(name), country.upper()
