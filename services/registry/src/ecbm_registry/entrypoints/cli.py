"""The registry's ``ecbm registry ...`` commands (entry point ``ecbm.cli``).

``ecbm registry import FILE.csv`` streams a programme CSV to the running registry. Rows the
parser cannot read are reported here and never sent; the registry validates the rest (the
same rules as RegisterProgramme) and answers per row. The exit code is 1 when any row was
invalid, 2 when the file cannot be read at all.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ecbm_runtime.settings import ServiceSettings

app = typer.Typer(help="Operate the registry.", no_args_is_help=True)


@dataclass(frozen=True)
class BadRow:
    row: int
    external_id: str
    column: str
    error: str


@dataclass
class ImportReport:
    """What an import did: counts per outcome, the bad rows and how long it took."""

    counts: Counter[str] = field(default_factory=Counter)
    bad_rows: list[BadRow] = field(default_factory=list)
    organisations_created: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def import_file(
    path: Path,
    target: str,
    token: str,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse ``path``, stream its good rows to ``target`` and collect what the registry says."""
    import grpc

    from ecbm.registry.v1 import import_pb2 as ipb
    from ecbm_registry.adapters.imports.client import import_rows, row_message
    from ecbm_registry.adapters.imports.programme_csv import CsvHeaderError, ParsedRow, read_rows

    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    try:
        with path.open(newline="", encoding="utf-8-sig") as lines:
            read = list(read_rows(lines))
    except UnicodeDecodeError as error:
        raise CsvHeaderError(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    messages = []
    for row in read:
        if isinstance(row, ParsedRow):
            messages.append(row_message(row.number, row.fields))
        else:
            report.counts["invalid"] += 1
            report.bad_rows += [
                BadRow(row.number, row.external_id, v.field, v.description) for v in row.violations
            ]
    total = len(read)
    if on_progress:
        on_progress(report.rows, total)
    names = {number: name.removeprefix("OUTCOME_").lower()
             for name, number in ipb.RowOutcome.Outcome.items()}  # fmt: skip
    with grpc.insecure_channel(target) as channel:
        responses = import_rows(
            channel, token, messages, dry_run=dry_run, source=path.name, total_rows=len(messages)
        )
        for response in responses:
            kind = response.WhichOneof("item")
            if kind == "outcomes":
                for outcome in response.outcomes.outcomes:
                    report.counts[names[outcome.outcome]] += 1
                    report.bad_rows += [
                        BadRow(outcome.row, outcome.external_id, column_of(e.field), e.description)
                        for e in outcome.errors
                    ]
            elif kind == "progress" and on_progress:
                on_progress(report.rows, total)
            elif kind == "summary":
                report.organisations_created = response.summary.organisations_created
    report.bad_rows.sort(key=lambda bad: bad.row)
    report.seconds = time.perf_counter() - started
    return report


def column_of(field_path: str) -> str:
    """A ProgrammeRow field path (``display_name``, ``countries[1]``) as its CSV column."""
    from ecbm_registry.adapters.imports.programme_csv import COLUMN_OF_FIELD

    end = next((i for i, char in enumerate(field_path) if char in ".["), len(field_path))
    head = field_path[:end]
    return COLUMN_OF_FIELD.get(head, head) + field_path[end:]


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A programme CSV.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report every row; write nothing.")
    ] = False,
    target: Annotated[
        str | None, typer.Option(help="The registry's gRPC address (default: its settings).")
    ] = None,
) -> None:
    """Import programmes from a CSV file (columns: docs/registry-import.md); idempotent."""
    import grpc
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ecbm_registry.adapters.imports.programme_csv import CsvHeaderError
    from ecbm_registry.bootstrap import SERVICE

    console = Console()
    settings = SERVICE.load_settings()
    address = target or f"{settings.grpc_host}:{settings.grpc_port}"
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress("[progress.description]{task.description}", *columns,
                      console=console) as progress:  # fmt: skip
            task = progress.add_task("importing" if not dry_run else "checking", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = import_file(file, address, admin_token(settings), dry_run, advance)
    except CsvHeaderError as error:
        console.print(f"[red]{file}: {error}[/red]")
        raise typer.Exit(2) from None
    except grpc.RpcError as error:  # nothing listening, a bad token, a refused stream
        code, details = error.code(), error.details()  # type: ignore[attr-defined]
        console.print(f"[red]registry at {address}: {code.name} {details}[/red]")
        raise typer.Exit(2) from None
    console.print(summary_table(report))
    if report.bad_rows:
        console.print(bad_rows_table(report.bad_rows))
    raise typer.Exit(1 if report.counts["invalid"] else 0)


@app.command("rewrap-keys")
def rewrap_keys_command() -> None:
    """Wrap every person key with the newest key-encryption key (after rotating them).

    Reads ECBM_REGISTRY_PERSONAL_DATA_KEYS (newest first) and the registry's database; one
    transaction. Afterwards the older key-encryption keys can be removed from the setting.
    """
    from ecbm_registry.adapters.people.personal_data import rewrap_all
    from ecbm_registry.bootstrap import load_settings
    from ecbm_runtime.db import make_engine

    settings = load_settings()
    engine = make_engine(settings.effective_database_url())
    try:
        with engine.begin() as connection:
            count = rewrap_all(connection, settings.key_wrapping())
    finally:
        engine.dispose()
    typer.echo(f"wrapped {count} person keys with the newest key-encryption key")


def admin_token(settings: ServiceSettings) -> str:
    """An hour's admin token signed with the registry's key (the development key by default)."""
    from ecbm_runtime.auth import issue_token

    secret = settings.jwt_secret.get_secret_value()
    return issue_token(
        secret, settings.jwt_algorithm, settings.jwt_issuer, "ecbm-cli", ["admin"], 3600,
        audience=settings.service_name,
    )  # fmt: skip


def summary_table(report: ImportReport) -> object:
    from rich.table import Table

    title = "dry run: nothing written" if report.dry_run else "imported"
    table = Table(title=f"{report.rows} rows in {report.seconds:.1f} s ({title})")
    for outcome in ("created", "updated", "unchanged", "invalid"):
        table.add_column(outcome, justify="right")
    table.add_column("organisations created", justify="right")
    counts = [str(report.counts[name]) for name in ("created", "updated", "unchanged", "invalid")]
    table.add_row(*counts, str(report.organisations_created))
    return table


def bad_rows_table(bad_rows: list[BadRow]) -> object:
    from rich.table import Table

    table = Table(title="invalid rows")
    for name in ("row", "external_id", "column", "error"):
        table.add_column(name)
    for bad in bad_rows:
        table.add_row(str(bad.row), bad.external_id, bad.column, bad.error)
    return table
