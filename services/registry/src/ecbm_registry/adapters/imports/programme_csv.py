"""Programme CSV files: one programme a row, in the columns documented in docs/registry-import.md.

The parser only reads syntax (a number is a number, a list is ``;``-separated); whether a
country, a language or a taxonomy id is allowed is the domain's call, on the server. Any
row it cannot read becomes a ``RowError`` naming the column: garbage never raises.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first programme 2.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ecbm_runtime.errors import FieldViolation

LIST_SEPARATOR = ";"

# CSV column -> field of the ProgrammeRow message (import.proto), grouped by how it is read.
TEXT_COLUMNS = {
    "external_id": "external_id",
    "organisation": "organisation",
    "organisation_name": "organisation_name",
    "organisation_country": "organisation_country",
    "organisation_kind": "organisation_kind",
    "organisation_city": "organisation_city",
    "organisation_website": "organisation_website",
    "contact_name": "contact_name",
    "contact_email": "contact_email",
    "name": "display_name",
    "description": "description",
    "status": "status",
    "city": "city",
}
LIST_COLUMNS = {
    name: name
    for name in (
        "languages",
        "countries",
        "regions",
        "target_groups",
        "formats",
        "focus_areas",
        "learning_goals",
    )
}
INTEGER_COLUMNS = {
    name: name
    for name in (
        "age_min",
        "age_max",
        "mentors_per_year",
        "mentees_per_year",
        "matches_per_year",
        "start_year",
    )
}
DECIMAL_COLUMNS = {"lat": "latitude", "lon": "longitude"}
EVALUATIONS_COLUMN = "evaluations"  # design:year[:link];... e.g. "pre_post:2021;randomised:2024"
COLUMNS: tuple[str, ...] = (
    *TEXT_COLUMNS,
    *LIST_COLUMNS,
    *INTEGER_COLUMNS,
    *DECIMAL_COLUMNS,
    EVALUATIONS_COLUMN,
)
REQUIRED_COLUMNS = ("external_id", "name")
# Field of the ProgrammeRow message -> the CSV column it comes from, to report errors by column.
COLUMN_OF_FIELD = {
    field: column
    for group in (TEXT_COLUMNS, LIST_COLUMNS, INTEGER_COLUMNS, DECIMAL_COLUMNS)
    for column, field in group.items()
} | {EVALUATIONS_COLUMN: EVALUATIONS_COLUMN}
_INT32_MAX = 2**31 - 1


class CsvHeaderError(ValueError):
    """The file as a whole cannot be read: no header, unknown or missing columns."""


@dataclass(frozen=True)
class ParsedRow:
    """A row read: ``fields`` holds ProgrammeRow fields; absent optional numbers are left out."""

    number: int
    fields: dict[str, Any]

    @property
    def external_id(self) -> str:
        return str(self.fields.get("external_id", ""))


@dataclass(frozen=True)
class RowError:
    number: int
    external_id: str
    violations: tuple[FieldViolation, ...]


def read_rows(lines: Iterable[str]) -> Iterator[ParsedRow | RowError]:
    """Every row of a CSV text (its lines), read or reported; raises only for a bad header."""
    reader = csv.reader(_no_nul(lines), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise CsvHeaderError("the file is empty; the first row names the columns") from None
    except csv.Error as error:
        raise CsvHeaderError(f"the header row cannot be read: {error}") from None
    _check_header(header)
    number = 1
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowError(number, "", (FieldViolation("row", f"not CSV: {error}"),))
            continue
        if not any(value.strip() for value in values):
            continue  # blank lines separate nothing
        if len(values) > len(header):
            extra = FieldViolation("row", f"{len(values)} values for {len(header)} columns")
            yield RowError(number, "", (extra,))
            continue
        yield parse_row(number, dict(zip(header, values, strict=False)))


def _no_nul(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line.replace("\0", "")


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise CsvHeaderError(f"unknown columns {unknown}; the columns are {list(COLUMNS)}")
    doubled = sorted({name for name in header if header.count(name) > 1})
    if doubled:
        raise CsvHeaderError(f"columns named twice: {doubled}")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise CsvHeaderError(f"missing columns {missing}")


def parse_row(number: int, record: Mapping[str, str | None]) -> ParsedRow | RowError:
    """One row (column → text) into ProgrammeRow fields, or the columns that cannot be read."""
    fields: dict[str, Any] = {}
    violations: list[FieldViolation] = []

    def text(column: str) -> str:
        return (record.get(column) or "").strip()

    for column, field in TEXT_COLUMNS.items():
        fields[field] = text(column)
    for column, field in LIST_COLUMNS.items():
        fields[field] = split_list(text(column))
    for column, field in INTEGER_COLUMNS.items():
        value = text(column)
        if value:
            try:
                fields[field] = _integer(value)
            except ValueError as error:
                violations.append(FieldViolation(column, str(error)))
    for column, field in DECIMAL_COLUMNS.items():
        value = text(column)
        if value:
            try:
                fields[field] = _decimal(value)
            except ValueError as error:
                violations.append(FieldViolation(column, str(error)))
    try:
        fields["evaluations"] = _evaluations(text(EVALUATIONS_COLUMN))
    except ValueError as error:
        violations.append(FieldViolation(EVALUATIONS_COLUMN, str(error)))
    if violations:
        return RowError(number, fields["external_id"], tuple(violations))
    return ParsedRow(number, fields)


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _integer(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if abs(number) > _INT32_MAX:
        raise ValueError(f"{value!r} is out of range")
    return number


def _decimal(value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _evaluations(value: str) -> list[dict[str, Any]]:
    evaluations = []
    for entry in split_list(value):
        design, _, rest = entry.partition(":")
        year, _, link = rest.partition(":")
        try:
            number = int(year)
        except ValueError:
            raise ValueError(f"{entry!r} is not design:year[:link]") from None
        if abs(number) > _INT32_MAX:
            raise ValueError(f"{entry!r}: the year is out of range")
        evaluations.append({"design": design.strip(), "year": number, "link": link.strip()})
    return evaluations


def format_row(fields: Mapping[str, Any]) -> dict[str, str]:
    """ProgrammeRow fields as CSV text per column: the inverse of ``parse_row``."""
    record: dict[str, str] = {}
    for column, field in TEXT_COLUMNS.items():
        record[column] = str(fields.get(field, ""))
    for column, field in LIST_COLUMNS.items():
        record[column] = LIST_SEPARATOR.join(fields.get(field, ()))
    for column, field in (INTEGER_COLUMNS | DECIMAL_COLUMNS).items():
        value = fields.get(field)
        record[column] = "" if value is None else repr(value)
    record[EVALUATIONS_COLUMN] = LIST_SEPARATOR.join(
        f"{e['design']}:{e['year']}" + (f":{e['link']}" if e.get("link") else "")
        for e in fields.get("evaluations", ())
    )
    return record


def write_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """ProgrammeRow field sets as a CSV text with every column."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for fields in rows:
        writer.writerow(format_row(fields))
    return buffer.getvalue()
