"""From a field export to an HTML report with two commands: ``cpanalysis import`` then ``cpanalysis report``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import cpanalysis
from cpanalysis.cli import main
from cpanalysis.importers.exports import form_for, write_kobo_xlsx
from cpanalysis.reports import fingerprint, notebook_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A 2-community programme exported as KoboToolbox XLSX and imported with the command."""
    folder = tmp_path_factory.mktemp("field")
    data = cpanalysis.simulate(2, seed=5)
    form = form_for(data, folder / "form.xlsx")
    export = write_kobo_xlsx(data, folder / "kobo-export.xlsx")
    assert main(["import", str(export), "-o", str(folder / "dataset"), "--form", str(form), "--quiet"]) == 0
    return folder / "dataset"


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, flags=re.S)


@pytest.mark.slow
def test_report_command_from_an_imported_export(imported, tmp_path):
    args = ["report", str(imported), "--n-boot", "49", "--seed", "3", "--quiet"]
    assert main([*args, "-o", str(tmp_path / "a.html")]) == 0
    assert main([*args, "-o", str(tmp_path / "b.html")]) == 0
    first, second = (tmp_path / "a.html").read_text(), (tmp_path / "b.html").read_text()

    data = cpanalysis.load(imported)
    assert cpanalysis.__version__ in first
    assert fingerprint(data) in first
    for shown in ("n_boot", "49", "seed", "suppress_threshold", "ranking_method", str(imported.resolve())):
        assert shown in first
    assert "<img" in first
    assert "Method notes" in first
    # no code: no input areas, no prompts, and none of the notebook's code appears
    assert "jp-InputArea-editor" not in re.sub(r"<style.*?</style>", "", first, flags=re.S)
    assert "Report(data_path" not in first and "report.header()" not in first
    # deterministic: same input and parameters give the same tables (and the same page)
    assert _tables(first) and _tables(first) == _tables(second)
    assert first == second


@pytest.mark.slow
def test_report_per_community(imported, tmp_path):
    assert main(["report", str(imported), "-o", str(tmp_path / "r.html"), "--per-community",
                 "--n-boot", "49", "--quiet"]) == 0
    pages = sorted(p.name for p in tmp_path.glob("r-*.html"))
    assert pages == ["r-C01.html", "r-C02.html"]
    page = (tmp_path / "r-C02.html").read_text()
    assert "Community 02 (C02)" in page and "Community 01 (C01)" not in page


def test_unknown_community_is_refused(imported, tmp_path, capsys):
    assert main(["report", str(imported), "-o", str(tmp_path / "x.html"), "--community", "C99", "--quiet"]) == 1
    assert "C99" in capsys.readouterr().err


def test_notebook_is_thin_and_shipped_copy_matches():
    notebook = nbformat.read(notebook_path(), as_version=4)
    assert notebook.cells[0].metadata.get("tags") == ["parameters"]
    code = "\n".join(c.source for c in notebook.cells)
    assert "def " not in code and "class " not in code
    shipped = ROOT / "cpanalysis" / "resources" / "report.ipynb"
    assert json.loads(shipped.read_text()) == json.loads((ROOT / "notebooks" / "report.ipynb").read_text())


def test_fingerprint_ignores_row_order_and_survives_save(tmp_path):
    data = cpanalysis.simulate(1, seed=8)
    tables = data.contract_tables()
    tables["turns"] = tables["turns"].iloc[::-1].reset_index(drop=True)
    shuffled = cpanalysis.Dataset.from_tables(tables)
    assert fingerprint(shuffled) == fingerprint(data)
    assert fingerprint(cpanalysis.load(data.save(tmp_path / "d"))) == fingerprint(data)
    tables["turns"].loc[0, "duration_s"] = 1.0
    assert fingerprint(cpanalysis.Dataset.from_tables(tables)) != fingerprint(data)
