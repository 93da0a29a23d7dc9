"""``ecbm registry import`` against the real registry API: summary, bad rows, exit codes.

The command is the registry's (``entrypoints/cli.py``); it is invoked through the ``ecbm``
app, which mounts it from the ``ecbm.cli`` entry point.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecbm_cli.main import app
from ecbm_registry.adapters.imports.programme_csv import write_csv
from ecbm_registry.bootstrap import SERVICE
from ecbm_registry.entrypoints.cli import admin_token, import_file
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, free_port

HEADER = (
    "external_id,organisation_name,organisation_country,organisation_kind,contact_name,"
    "contact_email,name,languages,countries,formats,city,lat,lon\n"
)


@pytest.fixture
def registry_target(database_url: str, amqp_url: str) -> Iterator[str]:
    port = free_port()
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(database_url=database_url, amqp_url=amqp_url, grpc_port=port)
    with api_in_process(SERVICE, settings):
        yield f"127.0.0.1:{port}"


def csv_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "programmes.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


GOOD = [
    f"ams-{n},Amsterdam Mentors,NL,mentoring_organisation,Sanne de Vries,sanne@example.org,"
    f"Maatje {n},nl;en,NL,one-to-one;group,Amsterdam,52.37,4.89\n"
    for n in range(3)
]


def test_the_command_imports_reports_bad_rows_by_column_and_exits_1(
    registry_target: str, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        *GOOD,
        "ams-bad-lat,Amsterdam Mentors,NL,,,,Maatje X,nl,NL,,Amsterdam,north,4.89\n",
        "ams-bad-country,Amsterdam Mentors,NL,,,,Maatje Y,nl,QQ,,Amsterdam,,\n",
    )

    result = CliRunner().invoke(app, ["registry", "import", str(path), "--target", registry_target])

    assert result.exit_code == 1, result.output
    assert "invalid rows" in result.output
    assert "lat" in result.output and "'north' is not a decimal number" in result.output
    assert "countries[0]" in result.output and "QQ" in result.output
    report = import_file(path, registry_target, _token())
    assert (report.counts["unchanged"], report.counts["invalid"]) == (3, 2)


def test_a_clean_file_exits_0_and_a_dry_run_writes_nothing(
    registry_target: str, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, *GOOD)

    dry = import_file(path, registry_target, _token(), dry_run=True)
    result = CliRunner().invoke(app, ["registry", "import", str(path), "--target", registry_target])

    assert dry.counts["created"] == 3
    assert result.exit_code == 0, result.output
    assert import_file(path, registry_target, _token()).counts["unchanged"] == 3


def test_a_file_with_an_unknown_column_is_refused_whole(
    registry_target: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("external_id,name,colour\nx,y,z\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["registry", "import", str(path), "--target", registry_target])

    assert result.exit_code == 2 and "unknown" in result.output and "'colour'" in result.output


def test_write_csv_output_imports_as_written(registry_target: str, tmp_path: Path) -> None:
    fields = {
        "external_id": "w-1", "organisation_name": "Porto Lab", "organisation_country": "PT",
        "organisation_kind": "public_body", "contact_name": "Rui", "contact_email": "r@x.pt",
        "display_name": "Mentor Porto", "languages": ["pt"], "countries": ["PT"],
        "city": "Porto", "age_min": 15, "age_max": 25,
    }  # fmt: skip
    path = tmp_path / "written.csv"
    path.write_text(write_csv([fields]), encoding="utf-8")

    report = import_file(path, registry_target, _token())

    assert report.counts["created"] == 1 and not report.bad_rows


def _token() -> str:
    return admin_token(SERVICE.load_settings())


def test_a_file_that_is_not_utf8_and_an_absent_registry_exit_2(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("external_id,name\nx-1,Mentorat Québec\n".encode("latin-1"))
    port = free_port()

    not_text = CliRunner().invoke(app, ["registry", "import", str(latin), "--target", "x:1"])
    nobody = CliRunner().invoke(
        app, ["registry", "import", str(csv_file(tmp_path, *GOOD)), "--target", f"127.0.0.1:{port}"]
    )

    assert not_text.exit_code == 2 and "UTF-8" in not_text.output
    assert nobody.exit_code == 2 and "UNAVAILABLE" in nobody.output
