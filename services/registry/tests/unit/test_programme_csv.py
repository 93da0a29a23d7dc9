"""The programme CSV parser: what it writes it reads back; garbage is a row error, never a crash."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_registry.adapters.imports.programme_csv import (
    COLUMNS,
    CsvHeaderError,
    ParsedRow,
    RowError,
    parse_row,
    read_rows,
    write_csv,
)

# Text a spreadsheet may hold: no surrounding blanks (the parser strips), no list separator.
words = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters=";"
    ),
    min_size=1,
    max_size=12,
)
phrase = st.builds(lambda parts: " ".join(parts), st.lists(words, max_size=3))
optional_int = st.one_of(st.none(), st.integers(min_value=-(2**31) + 1, max_value=2**31 - 1))
optional_float = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
evaluation = st.fixed_dictionaries(
    {
        "design": st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12),
        "year": st.integers(min_value=1900, max_value=2100),
        "link": st.sampled_from(["", "https://example.org/report:1", "http://x.eu/a?b=c"]),
    }
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {"external_id": draw(words)}  # a row of blanks is no row
    fields |= {
        name: draw(phrase)
        for name in (
            "organisation", "organisation_name", "organisation_country",
            "organisation_kind", "organisation_city", "organisation_website", "contact_name",
            "contact_email", "display_name", "description", "status", "city",
        )
    }  # fmt: skip
    for name in ("languages", "countries", "regions", "target_groups", "formats",
                 "focus_areas", "learning_goals"):  # fmt: skip
        fields[name] = draw(st.lists(words, max_size=4))
    for name in ("age_min", "age_max", "mentors_per_year", "mentees_per_year",
                 "matches_per_year", "start_year"):  # fmt: skip
        value = draw(optional_int)
        if value is not None:
            fields[name] = value
    for name in ("latitude", "longitude"):
        degrees = draw(optional_float)
        if degrees is not None:
            fields[name] = degrees
    fields["evaluations"] = draw(st.lists(evaluation, max_size=3))
    return fields


@settings(max_examples=200)
@given(st.lists(rows(), min_size=1, max_size=5))
def test_rows_written_as_csv_read_back_as_the_same_fields(written: list[dict[str, Any]]) -> None:
    read = list(read_rows(write_csv(written).splitlines(keepends=True)))

    assert all(isinstance(row, ParsedRow) for row in read)
    assert [row.fields for row in read if isinstance(row, ParsedRow)] == written
    assert [row.number for row in read] == list(range(2, 2 + len(written)))


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(COLUMNS), st.one_of(st.none(), st.text(max_size=30))))
def test_any_values_give_fields_or_a_row_error_never_an_exception(
    record: dict[str, str | None],
) -> None:
    row = parse_row(7, record)

    assert row.number == 7
    if isinstance(row, RowError):
        assert row.violations and all(v.field in COLUMNS for v in row.violations)


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_garbage_after_a_good_header_only_ever_yields_rows_or_row_errors(body: str) -> None:
    text = ",".join(COLUMNS) + "\n" + body

    for row in read_rows(text.splitlines(keepends=True)):
        assert isinstance(row, ParsedRow | RowError)


def test_a_bad_number_names_its_column_and_row() -> None:
    text = "external_id,name,age_min,lat,evaluations\nx-1,Buddies,ten,50.8,pre_post:2021\n"

    (row,) = read_rows(text.splitlines(keepends=True))

    assert isinstance(row, RowError)
    assert (row.number, row.external_id) == (2, "x-1")
    assert [(v.field, v.description) for v in row.violations] == [
        ("age_min", "'ten' is not a whole number")
    ]


def test_lists_are_split_on_semicolons_and_evaluations_keep_the_colons_of_their_link() -> None:
    text = (
        "external_id,name,languages,evaluations\n"
        'x-1,Buddies, nl ; fr ;,"randomised:2024:https://example.org/a:b;pre_post:2019"\n'
    )

    (row,) = read_rows(text.splitlines(keepends=True))

    assert isinstance(row, ParsedRow)
    assert row.fields["languages"] == ["nl", "fr"]
    assert row.fields["evaluations"] == [
        {"design": "randomised", "year": 2024, "link": "https://example.org/a:b"},
        {"design": "pre_post", "year": 2019, "link": ""},
    ]


def test_a_row_with_more_values_than_columns_is_an_error_and_the_next_row_still_reads() -> None:
    text = "external_id,name\nx-1,A,surplus\nx-2,B\n"

    first, second = read_rows(text.splitlines(keepends=True))

    assert isinstance(first, RowError) and first.number == 2
    assert isinstance(second, ParsedRow) and second.fields["display_name"] == "B"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("external_id,name,colour\n", "unknown columns ['colour']"),
        ("external_id,description\n", "missing columns ['name']"),
        ("external_id,name,name\n", "named twice"),
    ],
)
def test_a_header_that_cannot_be_used_rejects_the_file(text: str, message: str) -> None:
    with pytest.raises(CsvHeaderError, match=message.replace("[", r"\[").replace("]", r"\]")):
        list(read_rows(text.splitlines(keepends=True)))
