"""Real downloads of the v2 forms (action plan and follow-up), imported and compared value by value.

tests/data/exports_v2/ holds exports made by KoboToolbox's and ODK Central's own export code
(formpack 176f619, central-backend 4f5943d1; see its README) of the submissions in
``submissions_session.json`` and ``submissions_followup.json``. :func:`session_content` and
:func:`update_content` read the expected contract rows straight from those submissions, so every
import is compared with what was submitted, not with counts.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import cpanalysis
from cpanalysis.cli import main
from cpanalysis.importers import detect_format, import_export, import_exports
from test_importers_real_exports import COLUMNS, _cell, besides_the_roster_note

EXPORTS = Path(__file__).resolve().parent / "data" / "exports_v2"
SESSIONS = json.loads((EXPORTS / "submissions_session.json").read_text(encoding="utf-8"))
VISITS = json.loads((EXPORTS / "submissions_followup.json").read_text(encoding="utf-8"))
KOBO_XLSX = ["kobo-xml-groups.xlsx", "kobo-xml-nogroups.xlsx", "kobo-xml-groups-sepdot.xlsx",
             "kobo-xml-groups-summary.xlsx", "kobo-xml-groups-details.xlsx", "kobo-xml-groups-typed.xlsx",
             "kobo-ui-default.xlsx", "kobo-labels-groups.xlsx", "kobo-labels-nogroups.xlsx"]
KOBO_CSV = ["kobo-xml-groups.csv", "kobo-xml-nogroups.csv", "kobo-xml-groups-sepdot.csv",
            "kobo-xml-groups-summary.csv", "kobo-xml-groups-details.csv", "kobo-labels-groups.csv",
            "kobo-labels-nogroups.csv"]
ODK = ["cp_session.zip", "nogroups.zip", "split.zip", "split-nogroups.zip", "odata.json"]
SESSION_EXPORTS = [f"kobo/{n}" for n in KOBO_XLSX] + [f"odk/{n}" for n in ODK]
FOLLOWUP_EXPORTS = [f"kobo_followup/{n}" for n in KOBO_XLSX] + \
    [f"odk_followup/{n.replace('cp_session', 'cp_followup')}" for n in ODK]
SESSION = EXPORTS / "kobo" / "kobo-xml-groups.xlsx"
FOLLOWUP = EXPORTS / "odk_followup" / "cp_followup.zip"

ACTION_COLUMNS = ["action_id", "community_id", "harm_id", "cycle", "description", "shareable", "proposed_by",
                  "session_id", "lead", "partners", "due_date", "resources"]
UPDATE_COLUMNS = ["action_id", "date", "status", "note"]


def _yes(value):
    return None if value is None else value == "yes"


def _number(value):
    return None if value is None else float(value)


def session_content() -> dict[str, list[tuple]]:
    """The contract rows of the submitted sessions (neutral shape: plain question names, repeats as lists).

    Rankings: ``order`` gives ranks 1, 2, ... in its order; ``positions`` gives rank k to ``pos_k``;
    ``items`` gives each item's own rank and score. An action's ``proposed_by`` is its
    ``proposer_group``, its ``proposer_id`` or ``planning_group``, by ``proposer_type``; its
    community, cycle and session are its submission's.
    """
    out = {name: [] for name in [*COLUMNS, "actions"]}
    for s in SESSIONS:
        sid, community = s["session_id"], s["community"]
        out["sessions"].append((sid, community, s["date"], int(s["cycle"]), s["format"], s.get("convened_for"),
                                _number(s.get("duration_min")), s.get("facilitator_id")))
        out["attendance_counts"] += [(sid, key[len("count_"):], int(v)) for key, v in s.items()
                                     if key.startswith("count_")]
        for p in s["roster"]:
            out["attendance"].append((sid, p["participant_id"]))
            out["participants"].append((p["participant_id"], community, p["gender"], p["age_group"], _yes(p["elite"]),
                                        p.get("elite_role"), _yes(p.get("marginalised")), p.get("marginalised_reason")))
        # a speaker on the roster counts in the roster's subgroup (the scheme's rule; the importer notes it)
        roster = {p["participant_id"]: _scheme_subgroup(p["gender"], p["age_group"]) for p in s["roster"]}
        for t in s["turns"]:
            out["turns"].append((sid, int(t["turn"]), t.get("speaker_id"),
                                 roster.get(t.get("speaker_id"), t.get("speaker_subgroup")),
                                 _number(t.get("duration_s")), t.get("kind"), t.get("harm_id"), _yes(t.get("interrupted"))))
        for r in s["rankings"]:
            ranker = r.get("ranker_group") or r.get("ranker_id")
            if r["ranking_method"] == "order":
                out["rankings"] += [(sid, ranker, h, k, None) for k, h in enumerate(r["order"].split(), start=1)]
            elif r["ranking_method"] == "positions":
                out["rankings"] += [(sid, ranker, r[f"pos_{k}"], k, None) for k in range(1, 9) if r.get(f"pos_{k}")]
            else:
                out["rankings"] += [(sid, ranker, i["item_harm"], i.get("item_rank"), _number(i.get("item_score")))
                                    for i in r["items"]]
        out["decisions"] += [(community, sid, d["decision_harm"], int(d["priority"])) for d in s["decisions"]]
        for a in s["actions"]:
            proposer = {"group": a.get("proposer_group"), "participant": a.get("proposer_id"),
                        "planning_group": "planning_group"}[a["proposer_type"]]
            out["actions"].append((a["action_id"], community, a["action_harm"], int(s["cycle"]),
                                   a.get("action_description"), _yes(a.get("action_shareable")), proposer, sid,
                                   a["action_lead"], a.get("action_partners"), a.get("action_due_date"),
                                   a.get("action_resources")))
    return {name: sorted(rows, key=repr) for name, rows in out.items()}


def update_content() -> list[tuple]:
    """The submitted updates: each with its visit's date."""
    return sorted(((u["action_id"], v["visit_date"], u["status"], u.get("note")) for v in VISITS
                   for u in v["updates"]), key=repr)


def imported(data) -> dict[str, list[tuple]]:
    tables = data.contract_tables()
    columns = {**COLUMNS, "actions": ACTION_COLUMNS, "action_updates": UPDATE_COLUMNS}
    return {name: sorted((tuple(_cell(c, v) for c, v in zip(cols, row))
                          for row in tables[name][cols].itertuples(index=False, name=None)), key=repr)
            for name, cols in columns.items() if name in tables}


def test_the_submissions_hold_what_the_readme_lists():
    # tests/data/exports_v2/README.md: 4 sessions, 5 attendance rows, 6 turns, 17 ranking rows, 2 decisions,
    # 3 actions; 2 visits, 5 updates
    content = session_content()
    assert [len(content[n]) for n in ("sessions", "attendance", "turns", "rankings", "decisions", "actions")] == \
        [4, 5, 6, 17, 2, 3]
    assert len(VISITS) == 2 and len(update_content()) == 5
    # the README's description of the actions, written out
    assert content["actions"] == [
        ("C02-A1", "C02", "heavy_work", 1, "Talk with farm owners about hours", True, "P101", "C02-S1",
         "community_group", "government service_provider", "2024-05-31", "community"),
        ("C02-A2", "C02", "early_marriage", 1, "Visit two families with the chief", False, "girls", "C02-S1",
         "subgroup", "ngo_agency", "2024-06-30", "agency"),
        ("C02-A3", "C02", "heavy_work", 1, None, None, "planning_group", "C02-S1", "ngo_agency", None, None, "none")]


# --- the session form: every layout ----------------------------------------------------------------

@pytest.mark.parametrize("name", SESSION_EXPORTS)
def test_session_export_imports_with_the_submitted_content(name):
    data = import_export(EXPORTS / name)
    assert imported(data) == session_content()
    assert besides_the_roster_note(data.import_notes) == []


def _odk_copy(tmp_path, source: Path, form_id: str) -> Path:
    """The zip with its files named after another form id, as ODK Central names them."""
    target = tmp_path / f"{form_id}.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            dst.writestr(name.replace(source.stem, form_id, 1), src.read(name))
    return target


def test_session_zip_of_another_form_id_and_its_unzipped_folder(tmp_path):
    renamed = _odk_copy(tmp_path, EXPORTS / "odk" / "cp_session.zip", "cp_session_ke")
    assert "cp_session_ke-actions.csv" in zipfile.ZipFile(renamed).namelist()
    assert imported(import_export(renamed)) == session_content()
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(EXPORTS / "odk" / "cp_session.zip") as archive:
        archive.extractall(folder)
    assert detect_format(folder) == "odk-zip"
    assert imported(import_export(folder)) == session_content()


@pytest.mark.parametrize("name", [f"kobo/{n}" for n in KOBO_CSV] + [f"kobo_followup/{n}" for n in KOBO_CSV])
def test_kobo_csv_is_refused_naming_the_xlsx_download(name, tmp_path, capsys):
    assert main(["import", str(EXPORTS / name), "-o", str(tmp_path / "out"), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "KoboToolbox XLSX download" in out and "read and checked" in out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, repeats", [("odk/cp_session.csv", "the roster, turns, rankings, decisions and actions"),
                                           ("odk_followup/cp_followup.csv", "the updates")])
def test_odk_main_table_is_refused_naming_the_zip(name, repeats, tmp_path, capsys):
    assert main(["import", str(EXPORTS / name), "-o", str(tmp_path / "out"), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert f"{repeats} are not in it" in out and "All data" in out


@pytest.mark.parametrize("folder", ["kobo", "kobo_followup"])
def test_empty_export_says_no_submissions_yet(folder, tmp_path, capsys):
    assert main(["import", str(EXPORTS / folder / "kobo-xml-groups-empty.xlsx"), "-o", str(tmp_path / "o"),
                 "--quiet"]) == 1
    assert "no submissions (it was made before any submission arrived)" in capsys.readouterr().out


# --- the follow-up form ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FOLLOWUP_EXPORTS)
def test_followup_export_imports_with_the_session_export(name):
    data = import_exports([SESSION, EXPORTS / name])
    content = imported(data)
    assert content.pop("action_updates") == update_content()
    assert content == session_content()
    assert besides_the_roster_note(data.import_notes) == []


def test_followup_zip_of_another_form_id_and_its_unzipped_folder(tmp_path):
    renamed = _odk_copy(tmp_path, FOLLOWUP, "visits_ke")
    assert imported(import_exports([SESSION, renamed]))["action_updates"] == update_content()
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(FOLLOWUP) as archive:
        archive.extractall(folder)
    assert imported(import_exports([folder, SESSION]))["action_updates"] == update_content()


def test_followup_export_alone_says_what_to_do(tmp_path, capsys):
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(FOLLOWUP)
    (problem,) = caught.value.problems
    assert "export of the follow-up form" in problem.message and "cp_followup" in problem.message
    assert "SESSION_EXPORT FOLLOWUP_EXPORT -o DATASET" in problem.expected
    assert main(["import", str(FOLLOWUP), "-o", str(tmp_path / "new"), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "not an export of cp_session" not in out and "cpanalysis import FOLLOWUP_EXPORT -o DATASET" in out
    assert not (tmp_path / "new").exists()


def test_the_command_with_both_exports_then_a_followup_into_the_dataset(tmp_path, capsys):
    out = tmp_path / "dataset"
    assert main(["import", str(SESSION), str(FOLLOWUP), "-o", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "3 actions, 5 action updates" in printed
    assert imported(cpanalysis.load(out))["action_updates"] == update_content()
    # a later download of the follow-up form, imported into that dataset: the same updates, not twice
    kobo = EXPORTS / "kobo_followup" / "kobo-labels-groups.xlsx"
    assert main(["import", str(kobo), "-o", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "5 update(s) already in dataset were not added again" in captured.err
    data = cpanalysis.load(out)
    assert imported(data)["action_updates"] == update_content()
    # the session export imported again into it keeps the updates
    assert main(["import", str(EXPORTS / "odk" / "split.zip"), "-o", str(out), "--quiet"]) == 0
    assert imported(cpanalysis.load(out))["action_updates"] == update_content()


def test_a_new_visit_is_added_to_the_dataset(tmp_path):
    out = tmp_path / "dataset"
    assert main(["import", str(SESSION), "-o", str(out), "--quiet"]) == 0
    assert not (out / "action_updates.csv").exists()
    later = _edited(tmp_path, EXPORTS / "kobo_followup" / "kobo-xml-groups.xlsx", "updates",
                    {(2, "updates/status"): "done"})     # A1 done on the first visit already
    assert main(["import", str(later), "-o", str(out), "--quiet"]) == 0
    updates = imported(cpanalysis.load(out))["action_updates"]
    assert ("C02-A1", "2024-04-10", "done", None) in updates and len(updates) == 5


# --- located problems ---------------------------------------------------------------------------------

def _edited(tmp_path, source: Path, sheet: str, cells: dict[tuple[int, str], object]) -> Path:
    """A copy of a Kobo XLSX export with some cells changed: (row, header) -> value."""
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    target.chmod(0o644)
    book = load_workbook(target)
    header = [c.value for c in book[sheet][1]]
    for (row, column), value in cells.items():
        book[sheet].cell(row=row, column=header.index(column) + 1).value = value     # value=None would not clear it
    book.save(target)
    return target


def _problems(paths, **kwargs):
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_exports(paths, **kwargs)
    return {(p.file, p.row, p.column, p.value): p for p in caught.value.problems}


def test_action_row_with_an_unknown_parent(tmp_path):
    # sheet row 2 is C02-A1; its submission is _index 3; there is no 9th submission
    path = _edited(tmp_path, SESSION, "actions", {(2, "_parent_index"): 9, (3, "_parent_table_name"): "Session"})
    found = _problems([path])
    assert ("kobo-xml-groups.xlsx [sheet actions]", "row 2", "_parent_index", "9") in found
    assert ("kobo-xml-groups.xlsx [sheet actions]", "row 3", "_parent_table_name", "Session") in found
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(EXPORTS / "odk" / "cp_session.zip") as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            text = src.read(name).decode()
            if name == "cp_session-actions.csv":     # line 3 is C02-A2
                text = text.replace(",uuid:c7add5d2-ef36-5f25-a4da-6eab71a30c9c,uuid:c7add5d2-ef36-5f25-a4da-6eab71a30c9c"
                                    "/actions[2]", ",uuid:unknown,uuid:c7add5d2-ef36-5f25-a4da-6eab71a30c9c/actions[2]")
            dst.writestr(name, text)
    found = _problems([broken])
    problem = found[("broken.zip [cp_session-actions.csv]", "line 3", "PARENT_KEY", "uuid:unknown")]
    assert problem.message == "refers to a submission that is not in the export"


def test_bad_lead_and_proposer_are_located_with_the_form_questions(tmp_path):
    path = _edited(tmp_path, SESSION, "actions", {(2, "actions/action_lead"): "chief",
                                                  (3, "actions/proposer_group"): None,
                                                  (4, "actions/action_partners"): "police"})
    found = _problems([path])
    lead = found[("kobo-xml-groups.xlsx [sheet actions]", "row 2", "action_lead", "chief")]
    assert "community_group" in lead.expected and "ngo_agency" in lead.expected
    proposer = found[("kobo-xml-groups.xlsx [sheet actions]", "row 3", "proposer_group", None)]
    assert proposer.message == "missing value" and "proposer_type is group" in proposer.expected
    assert ("kobo-xml-groups.xlsx [sheet actions]", "row 4", "action_partners", "police") in found
    # one problem per wrong cell: the empty group is not reported again as an empty proposed_by
    assert len(found) == 3


def test_labels_export_with_an_unknown_label(tmp_path):
    path = _edited(tmp_path, EXPORTS / "kobo" / "kobo-labels-nogroups.xlsx", "actions",
                   {(3, "Who leads the action?"): "The chief"})
    assert ("kobo-labels-nogroups.xlsx [sheet actions]", "row 3", "action_lead", "The chief") in _problems([path])


def test_update_of_an_unknown_action_and_of_another_community(tmp_path):
    path = _edited(tmp_path, EXPORTS / "kobo_followup" / "kobo-xml-groups.xlsx", "updates",
                   {(3, "updates/action_id"): "C02-A9"})
    found = _problems([SESSION, path])
    unknown = found[("kobo-xml-groups.xlsx [sheet updates]", "row 3", "action_id", "C02-A9")]
    assert unknown.message == "unknown action"
    visit = _edited(tmp_path, EXPORTS / "kobo_followup" / "kobo-xml-groups.xlsx", "Follow-up of community actions",
                    {(3, "visit/community"): "C01"})     # the second visit (updates rows 5 and 6)
    found = _problems([SESSION, visit])
    assert {(k[1], k[3]) for k, p in found.items() if "another community" in p.message} == \
        {("row 5", "C02-A1"), ("row 6", "C02-A2")}


def test_update_before_the_action_was_agreed_names_the_visit_date(tmp_path):
    path = _edited(tmp_path, EXPORTS / "kobo_followup" / "kobo-xml-groups.xlsx", "Follow-up of community actions",
                   {(2, "visit/visit_date"): "2024-03-01"})   # C02-S1, where the actions were agreed, is 2024-03-06
    found = _problems([SESSION, path])
    assert {(k[1], k[2]) for k in found} == {("row 2", "visit_date"), ("row 3", "visit_date"), ("row 4", "visit_date")}


def test_followup_into_a_dataset_without_those_actions(tmp_path, capsys):
    out = tmp_path / "dataset"
    assert main(["import", str(EXPORTS.parent / "exports" / "kobo-xml-groups.xlsx"), "-o", str(out), "--quiet"]) == 0
    assert main(["import", str(FOLLOWUP), "-o", str(out), "--quiet"]) == 1
    printed = capsys.readouterr().out
    assert "cp_followup-updates.csv" in printed and "no actions table" in printed


def test_two_session_exports_at_once_are_refused(tmp_path):
    found = _problems([SESSION, EXPORTS / "odk" / "cp_session.zip"])
    (problem,) = found.values()
    assert problem.file == "cp_session.zip" and "one at a time" in problem.message


def test_missing_actions_sheet_is_a_note_naming_the_planning_session(tmp_path):
    """KoboToolbox leaves out the sheet of a repeat without entries; form version 1 had no action plan."""
    path = tmp_path / "no-actions.xlsx"
    shutil.copyfile(SESSION, path)
    path.chmod(0o644)
    book = load_workbook(path)
    del book["actions"]
    book.save(path)
    data = import_export(path)
    (note,) = besides_the_roster_note(data.import_notes)
    # C02-S1, the planning-group session, is the third submission: sheet row 4
    assert "no actions imported (1 submission(s) where the form shows it: row 4)" in note.message
    assert "actions" not in data.tables


def test_pull_from_odk_central_with_the_followup_form():
    """pull_odk_central asks pyODK for each form's OData feed; a stand-in client returns the saved feeds."""
    from cpanalysis.importers import pull_odk_central

    class Submissions:
        asked = []

        def get_table(self, form_id, project_id, table_name, expand):
            self.asked.append((form_id, table_name, expand))
            folder = {"cp_session": "odk", "cp_followup": "odk_followup"}[form_id]
            return json.loads((EXPORTS / folder / "odata.json").read_text(encoding="utf-8"))

    class Client:
        submissions = Submissions()

    content = imported(pull_odk_central(Client(), followup_form_id="cp_followup"))
    assert Submissions.asked == [("cp_session", "Submissions", "*"), ("cp_followup", "Submissions", "*")]
    assert content.pop("action_updates") == update_content()
    assert content == session_content()


def test_tables_an_earlier_import_wrote_and_the_new_one_lacks_are_removed(tmp_path, capsys):
    out = tmp_path / "dataset"
    assert main(["import", str(SESSION), "-o", str(out), "--quiet"]) == 0
    assert (out / "actions.csv").exists()
    # the same sessions downloaded with form version 1: no action plan
    assert main(["import", str(EXPORTS.parent / "exports" / "kobo-xml-groups.xlsx"), "-o", str(out), "--quiet"]) == 0
    assert "removed actions.csv" in capsys.readouterr().err
    assert not (out / "actions.csv").exists() and "actions" not in cpanalysis.load(out).tables


def test_two_downloads_of_the_followup_form_add_each_visit_once(tmp_path):
    """Downloads are cumulative: a later one holds the earlier visits again."""
    data = import_exports([SESSION, FOLLOWUP, EXPORTS / "kobo_followup" / "kobo-xml-groups.xlsx"])
    assert imported(data)["action_updates"] == update_content()
    assert [n.message for n in besides_the_roster_note(data.import_notes)] == ["5 update(s) already in an earlier export given were not "
                                                      "added again"]


def _scheme_subgroup(gender: str, age_group: str) -> str:
    """The default scheme's subgroup of a roster entry (cpanalysis.SubgroupScheme.default())."""
    import pandas as pd

    from cpanalysis.subgroups import SubgroupScheme

    return str(SubgroupScheme.default().assign(pd.Series([gender]), pd.Series([age_group]))[0])
