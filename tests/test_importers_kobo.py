"""KoboToolbox exports (XLSX and CSV) of the session form: simulate, export, import, compare.

The exports are written by cpanalysis.importers.exports the way KoboToolbox writes them: a main
sheet plus one sheet per repeat linked by _index/_parent_index/_parent_table_name (nested repeat
``items`` under ``rankings``), _submission__* columns on repeat sheets, group paths joined with '/',
dates as Excel serial numbers; the CSV holds the main table only (as KoboToolbox's), ';'-separated
and fully quoted, with XML-name or label headers and an optional HXL row. The real downloads are
tested in test_importers_real_exports.py.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

import cpanalysis
from conftest import assert_same_tables
from cpanalysis.importers import detect_format, import_export
from cpanalysis.importers.exports import form_for, write_kobo_csv, write_kobo_xlsx


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    data = cpanalysis.simulate(2, seed=11)
    folder = tmp_path_factory.mktemp("kobo")
    return data, form_for(data, folder / "form.xlsx"), folder


def test_kobo_xlsx_round_trip(programme):
    data, form, folder = programme
    path = write_kobo_xlsx(data, folder / "export.xlsx")
    assert detect_format(path) == "kobo-xlsx"
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Community planning session", "roster", "turns", "rankings", "items", "decisions",
                               "actions"]
    header = next(book["items"].iter_rows(values_only=True))
    assert "rankings/items/item_harm" in header and "_submission__uuid" in header
    assert isinstance(next(book["Community planning session"].iter_rows(min_row=2, values_only=True))[4], int)
    assert_same_tables(data, import_export(path, form=form))


@pytest.mark.parametrize("options", [
    dict(headers="xml", hxl=False, select_multiple="both"),
    dict(headers="xml", hxl=True, select_multiple="space"),
    dict(headers="label", hxl=False, select_multiple="onehot"),
    dict(headers="label", hxl=True, select_multiple="both"),
], ids=lambda o: "-".join(str(v) for v in o.values()))
def test_kobo_csv_is_read_checked_and_refused_naming_the_xlsx(programme, options):
    """A KoboToolbox CSV holds the submissions only: read, checked, then refused (nothing invented)."""
    data, form, folder = programme
    path = write_kobo_csv(data, folder / ("csv-" + "-".join(str(v) for v in options.values()) + ".csv"), **options)
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert text.startswith('"')
    assert ("session/session_id" in rows[0]) == (options["headers"] == "xml")
    assert rows[1][0].startswith("#") == options["hxl"]
    assert detect_format(path) == "kobo-csv"
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(path, form=form)
    (problem,) = caught.value.problems
    assert problem.file == path.name
    assert f"holds the table of submissions only ({len(data.sessions)} read and checked)" in problem.message
    assert "KoboToolbox XLSX download" in problem.expected


def _edit_xlsx(path, sheet, header, row, value):
    book = load_workbook(path)
    ws = book[sheet]
    column = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=column, value=value)
    book.save(path)


def test_broken_kobo_xlsx_points_to_sheet_and_row(programme, tmp_path):
    data, form, _ = programme
    path = write_kobo_xlsx(data, tmp_path / "broken.xlsx")
    _edit_xlsx(path, "turns", "turns/kind", 7, "shouting")
    _edit_xlsx(path, "items", "rankings/items/item_harm", 4, "no_such_harm")
    _edit_xlsx(path, "Community planning session", "session/date", 3, "last Tuesday")
    _edit_xlsx(path, "roster", "_parent_index", 5, 9999)
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(path, form=form)
    found = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    assert ("broken.xlsx [sheet turns]", "row 7", "kind", "shouting") in found
    assert ("broken.xlsx [sheet Community planning session]", "row 3", "date", "last Tuesday") in found
    assert ("broken.xlsx [sheet roster]", "row 5", "_parent_index", "9999") in found
    # rankings gather rows from two sheets (rankings for order/positions, items for per-harm rows)
    harm = [p for p in caught.value.problems if p.value == "no_such_harm"]
    assert harm and harm[0].column == "harm_id"
    assert (harm[0].file, harm[0].row) in {("broken.xlsx [sheet items]", "row 4"), ("broken.xlsx", "sheet items, row 4")}


def test_broken_kobo_csv_with_hxl_row_counts_lines_as_an_editor(programme, tmp_path):
    data, form, _ = programme
    path = write_kobo_csv(data, tmp_path / "export.csv", hxl=True)
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    third_date = data.sessions["date"].iloc[2].strftime("%Y-%m-%d")
    lines[4] = lines[4].replace(f'"{third_date}"', '"last Tuesday"', 1)
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(path, form=form)
    # header = line 1, HXL row = line 2, first submission = line 3: lines[4] (3rd submission) is line 5
    found = [(p.file, p.row, p.column, p.value) for p in caught.value.problems if p.row]
    assert found == [("export.csv", "line 5", "date", "last Tuesday")]


def test_unknown_community_points_to_the_submission(programme, tmp_path):
    data, _, _ = programme
    path = write_kobo_xlsx(data, tmp_path / "e.xlsx")
    # the shipped form lists C01..C12; the export names them too, but the form's harms differ not
    with_other = form_for(cpanalysis.simulate(1, seed=11), tmp_path / "one.xlsx")   # only C01
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(path, form=with_other)
    community = [p for p in caught.value.problems if p.column == "community_id" and p.value == "C02"]
    assert community and community[0].file in ("e.xlsx [sheet Community planning session]", "e.xlsx [sheet roster]",
                                                "e.xlsx")
