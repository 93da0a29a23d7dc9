"""Client side of the ImportService, shared by ``ecbm registry import``, the demo and the bench.

Rows travel as ProgrammeRow messages; ``row_message`` and ``row_fields`` translate between
them and the field dicts of ``programme_csv`` (the same names), both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import grpc

from ecbm.registry.v1 import import_pb2 as ipb
from ecbm.registry.v1 import import_pb2_grpc

ROWS_PER_MESSAGE = 100
REPEATED_FIELDS = (
    "languages", "countries", "target_groups", "formats", "focus_areas", "regions",
    "learning_goals",
)  # fmt: skip
OPTIONAL_FIELDS = (
    "age_min", "age_max", "mentors_per_year", "mentees_per_year", "matches_per_year",
    "start_year", "latitude", "longitude",
)  # fmt: skip
TEXT_FIELDS = (
    "external_id", "organisation", "organisation_name", "organisation_country",
    "organisation_kind", "organisation_city", "organisation_website", "contact_name",
    "contact_email", "display_name", "description", "status", "city",
)  # fmt: skip


def row_message(number: int, fields: Mapping[str, Any]) -> ipb.ProgrammeRow:
    message = ipb.ProgrammeRow(row=number)
    for name in TEXT_FIELDS:
        setattr(message, name, str(fields.get(name) or ""))
    for name in REPEATED_FIELDS:
        getattr(message, name).extend(str(v) for v in fields.get(name) or ())
    for name in OPTIONAL_FIELDS:
        if fields.get(name) is not None:
            setattr(message, name, fields[name])
    for evaluation in fields.get("evaluations") or ():
        message.evaluations.add(
            design=str(evaluation.get("design", "")),
            year=int(evaluation.get("year", 0)),
            link=str(evaluation.get("link") or ""),
        )
    return message


def row_fields(message: ipb.ProgrammeRow) -> dict[str, Any]:
    fields: dict[str, Any] = {name: getattr(message, name) for name in TEXT_FIELDS}
    fields |= {name: list(getattr(message, name)) for name in REPEATED_FIELDS}
    fields |= {name: getattr(message, name) for name in OPTIONAL_FIELDS if message.HasField(name)}
    fields["evaluations"] = [
        {"design": e.design, "year": e.year, "link": e.link} for e in message.evaluations
    ]
    return fields


def import_rows(
    channel: grpc.Channel,
    token: str,
    rows: Iterable[ipb.ProgrammeRow],
    *,
    dry_run: bool = False,
    source: str = "",
    total_rows: int = 0,
    timeout: float | None = None,
) -> Iterator[ipb.ImportProgrammesResponse]:
    """Stream ``rows`` to the registry; yields its outcomes, progress and finally the summary."""
    header = ipb.ImportHeader(dry_run=dry_run, source=source, total_rows=total_rows)
    stub = import_pb2_grpc.ImportServiceStub(channel)
    metadata = (("authorization", f"Bearer {token}"),)
    yield from stub.ImportProgrammes(_requests(header, rows), metadata=metadata, timeout=timeout)


def _requests(
    header: ipb.ImportHeader, rows: Iterable[ipb.ProgrammeRow]
) -> Iterator[ipb.ImportProgrammesRequest]:
    yield ipb.ImportProgrammesRequest(header=header)
    chunk: list[ipb.ProgrammeRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= ROWS_PER_MESSAGE:
            yield _rows(chunk)
            chunk = []
    if chunk:
        yield _rows(chunk)


def _rows(chunk: Sequence[ipb.ProgrammeRow]) -> ipb.ImportProgrammesRequest:
    return ipb.ImportProgrammesRequest(rows=ipb.ProgrammeRows(rows=chunk))
