"""``cpanalysis import``: an export becomes a validated dataset folder, or a list of problems and exit 1."""

from __future__ import annotations

from openpyxl import load_workbook

import cpanalysis
from cpanalysis.cli import main
from cpanalysis.importers.exports import form_for, form_tables, write_kobo_xlsx, write_odk_zip


def test_import_command_writes_a_valid_dataset(tmp_path, capsys):
    data = cpanalysis.simulate(1, seed=21)
    form = form_for(data, tmp_path / "form.xlsx")
    for name, path in (("kobo", write_kobo_xlsx(data, tmp_path / "kobo.xlsx")),
                       ("odk", write_odk_zip(data, tmp_path / "odk.zip"))):
        out = tmp_path / f"dataset-{name}"
        assert main(["import", str(path), "-o", str(out), "--form", str(form)]) == 0
        assert "valid; wrote" in capsys.readouterr().out
        loaded = cpanalysis.load(out)
        for table, frame in form_tables(data).items():
            assert form_tables(loaded)[table].astype(str).equals(frame.astype(str)), table


def test_import_command_lists_problems_and_exits_1(tmp_path, capsys):
    data = cpanalysis.simulate(1, seed=21)
    form = form_for(data, tmp_path / "form.xlsx")
    path = write_kobo_xlsx(data, tmp_path / "kobo.xlsx")
    book = load_workbook(path)
    sheet = book["turns"]
    column = [c.value for c in sheet[1]].index("turns/duration_s") + 1
    sheet.cell(row=4, column=column, value="long")
    book.save(path)
    out = tmp_path / "dataset"
    assert main(["import", str(path), "-o", str(out), "--format", "kobo-xlsx", "--form", str(form), "--quiet"]) == 1
    printed = capsys.readouterr().out
    assert 'kobo.xlsx [sheet turns], row 4, column "duration_s": not a number (found "long")' in printed
    assert not out.exists()
