"""The shipped XLSForm: rebuilt from code, converts with pyxform, covers what the importers read."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from cpanalysis.forms import FORM_ID, build_session_form, read_form, session_fields, shipped_form_path

ROOT = Path(__file__).resolve().parent.parent


def _cells(path):
    book = load_workbook(path, read_only=True)
    return {name: [tuple(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def test_shipped_form_is_the_generated_one(tmp_path):
    shipped = ROOT / "data" / "forms" / f"{FORM_ID}.xlsx"
    assert shipped_form_path() == shipped
    assert _cells(build_session_form(tmp_path / "f.xlsx")) == _cells(shipped), \
        "data/forms is stale: run python -m cpanalysis.forms"


@pytest.mark.parametrize("form", sorted((ROOT / "data" / "forms").glob("*.xlsx")), ids=lambda p: p.name)
def test_every_shipped_form_converts_with_pyxform(form):
    warnings: list[str] = []
    result = convert(str(form), warnings=warnings)
    assert not warnings
    xml = result.xform
    for needed in ('odk:rank', 'nodeset="/data/turns"', 'nodeset="/data/rankings/items"',
                   "/data/session/date", "/data/roster/marginalised_reason", 'id="cp_session"'):
        assert needed in xml


def test_form_with_a_programmes_own_lists_converts(tmp_path):
    harms = [("h1", "Harm one", False), ("h2", "Harm two", True), ("h3", "Harm three", False)]
    path = build_session_form(tmp_path / "mine.xlsx", harms=harms, communities=[("K1", "Village one", "North")])
    assert convert(str(path), warnings=[]).xform
    form = read_form(path)
    harm_rows = [r for r in form["choices"] if r["list_name"] == "harm"]
    assert [r["name"] for r in harm_rows] == ["h1", "h2", "h3"]
    assert [r["sensitive"] for r in harm_rows] == ["no", "yes", "no"]
    positions = [r["name"] for r in form["survey"] if str(r.get("name", "")).startswith("pos_")]
    assert positions == ["pos_1", "pos_2", "pos_3"]


def test_field_names_and_labels_are_unique():
    # Importers map exports with label headers back to names, so labels must be unique too.
    fields = session_fields()
    names = [f.name for f in fields]
    labels = [f.label for f in fields if f.kind != "calculate"]
    assert len(names) == len(set(names))
    assert len(labels) == len(set(labels))
