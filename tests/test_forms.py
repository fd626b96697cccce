"""The shipped XLSForm: rebuilt from code, converts with pyxform, covers what the importers read."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from cpanalysis import contract
from cpanalysis.forms import (FOLLOWUP_FORM_ID, FORM_ID, action_fields, build_followup_form, build_session_form,
                              followup_fields, read_form, session_fields, shipped_form_path)

ROOT = Path(__file__).resolve().parent.parent


def _cells(path):
    book = load_workbook(path, read_only=True)
    return {name: [tuple(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def test_shipped_form_is_the_generated_one(tmp_path):
    shipped = ROOT / "data" / "forms" / f"{FORM_ID}.xlsx"
    assert shipped_form_path() == shipped
    assert _cells(build_session_form(tmp_path / "f.xlsx")) == _cells(shipped), \
        "data/forms is stale: run python -m cpanalysis.forms"


def test_shipped_followup_form_is_the_generated_one(tmp_path):
    shipped = ROOT / "data" / "forms" / f"{FOLLOWUP_FORM_ID}.xlsx"
    assert _cells(build_followup_form(tmp_path / "f.xlsx")) == _cells(shipped), \
        "data/forms is stale: run python -m cpanalysis.forms"


# What each shipped form's XForm must contain (its sections, as XPaths of the converted form).
NEEDED = {
    FORM_ID: ('odk:rank', 'nodeset="/data/turns"', 'nodeset="/data/rankings/items"', "/data/session/date",
              "/data/roster/marginalised_reason", 'id="cp_session"', 'nodeset="/data/actions"',
              "/data/actions/action_partners", "/data/actions/proposer_id"),
    FOLLOWUP_FORM_ID: ('id="cp_followup"', 'nodeset="/data/updates"', "/data/visit/visit_date",
                       "/data/updates/status"),
}


@pytest.mark.parametrize("form", sorted((ROOT / "data" / "forms").glob("*.xlsx")), ids=lambda p: p.name)
def test_every_shipped_form_converts_with_pyxform(form):
    warnings: list[str] = []
    result = convert(str(form), warnings=warnings)
    assert not warnings
    xml = result.xform
    assert form.stem in NEEDED, f"say what {form.name} must contain"
    for needed in NEEDED[form.stem]:
        assert needed in xml, needed


def test_version_one_question_names_are_unchanged():
    # The importers map exports (and label headers) to these names: the action-planning section adds
    # questions, it renames none. The list is the session form's v1 questions (FORM_VERSION 1).
    v1 = ['community', 'session_id', 'date', 'cycle', 'format', 'convened_for', 'duration_min', 'facilitator_id',
          'attendance_mode', 'count_girls', 'count_boys', 'count_women', 'count_men', 'count_elders',
          'count_children', 'count_adults', 'participant_id', 'gender', 'age_group', 'elite', 'elite_role',
          'marginalised', 'marginalised_reason', 'turn', 'speaker_subgroup', 'speaker_id', 'kind', 'harm_id',
          'duration_s', 'interrupted', 'ranker_type', 'ranker_group', 'ranker_id', 'ranking_method', 'order',
          'pos_1', 'pos_2', 'pos_3', 'pos_4', 'pos_5', 'pos_6', 'pos_7', 'pos_8', 'item_harm', 'item_rank',
          'item_score', 'priority', 'decision_harm']
    assert [f.name for f in session_fields(8)] == v1
    names = [r["name"] for r in read_form(shipped_form_path())["survey"] if r.get("name")]
    assert [n for n in names if n in v1] == v1
    assert names.index("decision_harm") < names.index("action_id")


def test_action_section_offers_the_contract_categories():
    form = read_form(shipped_form_path())
    choices = {}
    for row in form["choices"]:
        choices.setdefault(row["list_name"], []).append(row["name"])
    assert tuple(choices["lead"]) == contract.ACTION_LEADS
    assert tuple(choices["resources"]) == contract.ACTION_RESOURCES
    assert tuple(choices["proposer_type"]) == ("group", "participant", contract.PLANNING_GROUP)
    types = {r["name"]: r["type"] for r in form["survey"] if r.get("name")}
    assert types["action_partners"] == "select_multiple lead"   # exported as words separated by spaces
    followup = read_form(ROOT / "data" / "forms" / f"{FOLLOWUP_FORM_ID}.xlsx")
    statuses = [r["name"] for r in followup["choices"] if r["list_name"] == "status"]
    assert tuple(statuses) == contract.ACTION_STATUSES


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


@pytest.mark.parametrize("fields", [session_fields() + action_fields(), followup_fields()], ids=["session", "followup"])
def test_field_names_and_labels_are_unique(fields):
    # Importers map exports with label headers back to names, so labels must be unique too.
    names = [f.name for f in fields]
    labels = [f.label for f in fields if f.kind != "calculate"]
    assert len(names) == len(set(names))
    assert len(labels) == len(set(labels))
