"""The real exports of the v2 forms (tests/data/exports_v2, made by KoboToolbox's and ODK Central's own
export code) carry the action plan and the follow-up in shapes the data contract accepts.

These tests read the raw files, not through the importers: they pin down what the platforms really
write. tests/test_importers_exports_v2.py imports every one of them and compares the result with
the submissions.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import TESTS
from cpanalysis import contract

EXPORTS = TESTS / "data" / "exports_v2"
SUBMITTED = json.loads((EXPORTS / "submissions_session.json").read_text())
VISITS = json.loads((EXPORTS / "submissions_followup.json").read_text())


def _sheet(path, name):
    book = load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _zip_csv(path, member):
    with zipfile.ZipFile(path) as archive:
        text = archive.read(member).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_submissions_hold_what_the_readme_says():
    actions = [a for s in SUBMITTED for a in s["actions"]]
    assert len(SUBMITTED) == 4 and [a["action_id"] for a in actions] == ["C02-A1", "C02-A2", "C02-A3"]
    assert sum(len(v["updates"]) for v in VISITS) == 5


@pytest.mark.parametrize("export, column", [("kobo-xml-groups.xlsx", "actions/action_partners"),
                                            ("kobo-xml-nogroups.xlsx", "action_partners")])
def test_kobo_xlsx_has_an_actions_sheet(export, column):
    rows = _sheet(EXPORTS / "kobo" / export, "actions")
    assert len(rows) == 3
    # select_multiple is exported as the chosen names separated by spaces: the contract's partners format
    assert [r[column] for r in rows] == ["government service_provider", "ngo_agency", None]
    for value in filter(None, (r[column] for r in rows)):
        assert set(value.split()) <= set(contract.ACTION_LEADS)
    # each action row points to its session (the planning-group submission, _parent_index 3)
    assert {r["_parent_index"] for r in rows} == {3}


def test_odk_zip_has_an_actions_file_keyed_to_its_submission():
    main = _zip_csv(EXPORTS / "odk" / "cp_session.zip", "cp_session.csv")
    actions = _zip_csv(EXPORTS / "odk" / "cp_session.zip", "cp_session-actions.csv")
    assert len(main) == 4 and len(actions) == 3
    planning = next(r for r in main if r["session-format"] == "planning_group")
    assert {a["PARENT_KEY"] for a in actions} == {planning["KEY"]}
    assert [a["proposer_type"] for a in actions] == ["participant", "group", "planning_group"]
    assert [a["action_lead"] for a in actions] == ["community_group", "subgroup", "ngo_agency"]
    assert actions[0]["action_partners"] == "government service_provider"


def test_followup_exports_hold_every_update():
    kobo = _sheet(EXPORTS / "kobo_followup" / "kobo-xml-groups.xlsx", "updates")
    odk = _zip_csv(EXPORTS / "odk_followup" / "cp_followup.zip", "cp_followup-updates.csv")
    expected = [(u["action_id"], u["status"]) for v in VISITS for u in v["updates"]]
    assert [(r["updates/action_id"], r["updates/status"]) for r in kobo] == expected
    assert [(r["action_id"], r["status"]) for r in odk] == expected
    assert {status for _, status in expected} <= set(contract.ACTION_STATUSES)
    visits = _zip_csv(EXPORTS / "odk_followup" / "cp_followup.zip", "cp_followup.csv")
    assert [v["visit-visit_date"] for v in visits] == ["2024-04-10", "2024-05-15"]
