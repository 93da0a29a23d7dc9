"""gRPC ImportService: the stream of rows → ImportProgrammes batches → outcomes, nothing else."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import grpc

from ecbm.registry.v1 import import_pb2 as ipb
from ecbm.registry.v1 import import_pb2_grpc
from ecbm_registry.adapters.imports.client import row_fields
from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, RowOutcome
from ecbm_runtime.actor import current_actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.messagebus import MessageBus

_log = logging.getLogger(__name__)
SERVICE_NAME = ipb.DESCRIPTOR.services_by_name["ImportService"].full_name
# Center editors: an import may touch programmes of any organisation.
# Rows per transaction: big enough to amortise a commit, small enough to hold the store
# lock briefly and to report progress often.
BATCH_ROWS = 250
_OUTCOMES = {
    name.removeprefix("OUTCOME_").lower(): number for name, number in ipb.RowOutcome.Outcome.items()
}


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        import_pb2_grpc.add_ImportServiceServicer_to_server, ImportServicer(bus), SERVICE_NAME
    )


class ImportServicer(import_pb2_grpc.ImportServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def ImportProgrammes(
        self, requests: Iterator[ipb.ImportProgrammesRequest], context: grpc.ServicerContext
    ) -> Iterator[ipb.ImportProgrammesResponse]:
        first = next(requests, None)
        if first is None or first.WhichOneof("item") != "header":
            raise InvalidArgument(FieldViolation("header", "send the header first, then rows"))
        header, caller = first.header, current_actor()
        started, totals, organisations, done = time.perf_counter(), Counter[str](), 0, 0
        for rows in _batches(requests):
            command = ImportProgrammes(actor=caller, dry_run=header.dry_run, rows=rows)
            batch: ImportedBatch = self.bus.handle(command)
            totals.update(o.outcome.value for o in batch.outcomes)
            organisations += batch.organisations_created
            done += len(batch.outcomes)
            yield ipb.ImportProgrammesResponse(
                outcomes=ipb.RowOutcomes(outcomes=[outcome_message(o) for o in batch.outcomes])
            )
            yield ipb.ImportProgrammesResponse(
                progress=ipb.ImportProgress(rows_done=done, total_rows=header.total_rows)
            )
        seconds = time.perf_counter() - started
        _log.info(
            "import of %s: %s in %.1f s", header.source or "rows", dict(totals), seconds,
            extra={"import_source": header.source, "import_dry_run": header.dry_run,
                   "import_outcomes": dict(totals), "duration_ms": round(seconds * 1000)},
        )  # fmt: skip
        yield ipb.ImportProgrammesResponse(
            summary=ipb.ImportSummary(
                **{name: totals[name] for name in ("created", "updated", "unchanged", "invalid")},
                organisations_created=organisations,
                dry_run=header.dry_run,
                seconds=seconds,
            )
        )


def _batches(
    requests: Iterable[ipb.ImportProgrammesRequest],
) -> Iterator[tuple[ProgrammeRowInput, ...]]:
    pending: list[ProgrammeRowInput] = []
    for request in requests:
        if request.WhichOneof("item") != "rows":
            raise InvalidArgument(FieldViolation("header", "only the first request is a header"))
        pending += [_row_input(row) for row in request.rows.rows]
        while len(pending) >= BATCH_ROWS:
            yield tuple(pending[:BATCH_ROWS])
            del pending[:BATCH_ROWS]
    if pending:
        yield tuple(pending)


def _row_input(row: ipb.ProgrammeRow) -> ProgrammeRowInput:
    fields: dict[str, Any] = row_fields(row)
    return ProgrammeRowInput(row=max(row.row, 0), fields=fields)


def outcome_message(outcome: RowOutcome) -> ipb.RowOutcome:
    return ipb.RowOutcome(
        row=outcome.row,
        external_id=outcome.external_id,
        outcome=_OUTCOMES[outcome.outcome.value],  # type: ignore[arg-type]
        programme=f"programmes/{outcome.programme_id}" if outcome.programme_id else "",
        errors=[
            ipb.FieldError(field=v.field, description=v.description) for v in outcome.violations
        ],
    )
