"""Real downloads of the session form (made by KoboToolbox's and ODK Central's own export code).

The files in tests/data/exports/ are copies of /work/shared/field-exports/hand/ (see the README
there: the platforms' export code, formpack 176f619 and central-backend 4f5943d1, run on four
hand-made submissions). ``kobo_submissions.json`` holds those submissions as KoboToolbox stores
them; :func:`submitted_content` reads the expected rows straight from it, so every import is
compared value by value with what was submitted.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import cpanalysis
from cpanalysis.cli import main
from cpanalysis.forms import shipped_form_path
from cpanalysis.importers import detect_format, import_export

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
KOBO_XLSX = ["kobo-xml-groups.xlsx", "kobo-xml-nogroups.xlsx", "kobo-xml-groups-sepdot.xlsx",
             "kobo-xml-groups-summary.xlsx", "kobo-xml-groups-details.xlsx", "kobo-xml-groups-typed.xlsx",
             "kobo-ui-default.xlsx", "kobo-labels-groups.xlsx", "kobo-labels-nogroups.xlsx"]
KOBO_CSV = ["kobo-xml-groups.csv", "kobo-xml-nogroups.csv", "kobo-xml-groups-sepdot.csv",
            "kobo-xml-groups-summary.csv", "kobo-xml-groups-details.csv", "kobo-labels-groups.csv",
            "kobo-labels-nogroups.csv"]
ODK = ["odk/cp_session.zip", "odk/nogroups.zip", "odk/split.zip", "odk/split-nogroups.zip",
       "odk/formid-cp_session_ke.zip", "odk/odata.json"]


def _yes(value):
    return None if value is None else value == "yes"


def _number(value):
    return None if value is None else float(value)


def submitted_content() -> dict[str, list[tuple]]:
    """The contract rows of the hand-made submissions, read from KoboToolbox's submission JSON.

    Keys there are XML paths (``session/session_id``, ``rankings/items/item_harm``); an answer
    left empty is absent. Rankings: ``order`` gives ranks 1, 2, ... in its order; ``positions``
    gives rank k to ``pos_k``; ``items`` gives each item's own rank and score.
    """
    subs = json.loads((EXPORTS / "kobo_submissions.json").read_text(encoding="utf-8"))
    out = {name: [] for name in ("sessions", "attendance_counts", "attendance", "participants", "turns",
                                 "rankings", "decisions")}
    for s in subs:
        sid, community = s["session/session_id"], s["session/community"]
        out["sessions"].append((sid, community, s["session/date"], int(s["session/cycle"]), s["session/format"],
                                s.get("session/convened_for"), _number(s.get("session/duration_min")),
                                s.get("session/facilitator_id")))
        for key, value in s.items():
            if key.startswith("counts/count_"):
                out["attendance_counts"].append((sid, key[len("counts/count_"):], int(value)))
        for p in s.get("roster", []):
            g = lambda k: p.get(f"roster/{k}")  # noqa: E731
            out["attendance"].append((sid, g("participant_id")))
            out["participants"].append((g("participant_id"), community, g("gender"), g("age_group"), _yes(g("elite")),
                                        g("elite_role"), _yes(g("marginalised")), g("marginalised_reason")))
        # a speaker on the roster counts in the roster's subgroup (the scheme's rule); the importer notes
        # a different subgroup ticked for the turn (P002, female youth, was ticked as a girl)
        roster = {p["roster/participant_id"]: _scheme_subgroup(p["roster/gender"], p["roster/age_group"])
                  for p in s.get("roster", [])}
        for t in s.get("turns", []):
            g = lambda k: t.get(f"turns/{k}")  # noqa: E731
            stated = roster.get(g("speaker_id"), g("speaker_subgroup"))
            out["turns"].append((sid, int(g("turn")), g("speaker_id"), stated, _number(g("duration_s")),
                                 g("kind"), g("harm_id"), _yes(g("interrupted"))))
        for r in s.get("rankings", []):
            ranker = r.get("rankings/ranker_group") or r.get("rankings/ranker_id")
            method = r["rankings/ranking_method"]
            if method == "order":
                for rank, harm in enumerate(r["rankings/order"].split(), start=1):
                    out["rankings"].append((sid, ranker, harm, rank, None))
            elif method == "positions":
                for k in range(1, 9):
                    if r.get(f"rankings/pos_{k}"):
                        out["rankings"].append((sid, ranker, r[f"rankings/pos_{k}"], k, None))
            else:
                for item in r["rankings/items"]:
                    rank = item.get("rankings/items/item_rank")
                    out["rankings"].append((sid, ranker, item["rankings/items/item_harm"],
                                            None if rank is None else int(rank),
                                            _number(item.get("rankings/items/item_score"))))
        for d in s.get("decisions", []):
            out["decisions"].append((community, sid, d["decisions/decision_harm"], int(d["decisions/priority"])))
    return {name: sorted(rows, key=repr) for name, rows in out.items()}


COLUMNS = {
    "sessions": ["session_id", "community_id", "date", "cycle", "format", "convened_for", "duration_min",
                 "facilitator_id"],
    "attendance_counts": ["session_id", "subgroup", "count"], "attendance": ["session_id", "participant_id"],
    "participants": ["participant_id", "community_id", "gender", "age_group", "elite", "elite_role", "marginalised",
                     "marginalised_reason"],
    "turns": ["session_id", "turn", "participant_id", "subgroup", "duration_s", "kind", "harm_id", "interrupted"],
    "rankings": ["session_id", "ranker", "harm_id", "rank", "score"],
    "decisions": ["community_id", "session_id", "harm_id", "priority"],
}
FLOATS = {"duration_min", "duration_s", "score"}


def _cell(column, value):
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if column in FLOATS:
        return float(value)
    if hasattr(value, "item"):
        value = value.item()
    return value


def imported_content(data) -> dict[str, list[tuple]]:
    tables = data.contract_tables()
    return {name: sorted((tuple(_cell(c, v) for c, v in zip(columns, row))
                          for row in tables[name][columns].itertuples(index=False, name=None)), key=repr)
            for name, columns in COLUMNS.items()}


def besides_the_action_plan(notes):
    """The notes other than the one every download of form version 1 gets with the v2 form.

    These downloads were made with form version 1, before the action plan: their planning-group
    submission (C02-S1, the third) has no actions, which the import says in one note.
    """
    plan = [n for n in notes if 'for the repeat "actions": no actions imported' in n.message]
    assert len(plan) == 1 and "(1 submission(s) where the form shows it" in plan[0].message
    return besides_the_roster_note([n for n in notes if n not in plan])


def besides_the_roster_note(notes):
    """The notes other than the one every download gets for turn 2 of C01-S2: its speaker P002 (female,
    youth: "women" in the default scheme) was ticked as a girl; the roster decides and the import says so."""
    roster = [n for n in notes if "the roster makes them" in n.message]
    # one such note, or none when the turns were not read (the test that deletes the turns sheet)
    assert len(roster) <= 1 and all(n.message.endswith('the speaker P002 was ticked as "girls" but the roster '
                                                           'makes them "women" (female, youth); counted as women')
                                    for n in roster)
    return [n for n in notes if n not in roster]


def test_the_submitted_content_is_what_the_readme_lists():
    # /work/shared/field-exports/README.md: 4 sessions, 5 attendance rows, 6 turns, 17 ranking rows, 2 decisions
    content = submitted_content()
    assert [len(content[n]) for n in ("sessions", "attendance", "turns", "rankings", "decisions")] == [4, 5, 6, 17, 2]


@pytest.mark.parametrize("name", KOBO_XLSX + ODK)
def test_real_export_imports_with_the_submitted_content(name):
    data = import_export(EXPORTS / name)
    assert imported_content(data) == submitted_content()
    assert besides_the_action_plan(data.import_notes) == []
    assert sum("the roster makes them" in n.message for n in data.import_notes) == 1  # P002, listed not dropped
    assert "actions" not in data.tables


def test_unzipped_odk_folder_imports_with_the_submitted_content(tmp_path):
    folder = tmp_path / "cp_session"
    with zipfile.ZipFile(EXPORTS / "odk/cp_session.zip") as archive:
        archive.extractall(folder)
    assert detect_format(folder) == "odk-zip"
    assert imported_content(import_export(folder)) == submitted_content()


@pytest.mark.parametrize("name", KOBO_CSV)
def test_kobo_csv_is_checked_and_refused_naming_the_xlsx_download(name):
    assert detect_format(EXPORTS / name) == "kobo-csv"
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(EXPORTS / name)
    (problem,) = caught.value.problems
    assert problem.file == name
    assert "holds the table of submissions only (4 read and checked)" in problem.message
    assert "KoboToolbox XLSX download" in problem.expected


def test_kobo_csv_values_are_checked_too(tmp_path):
    text = (EXPORTS / "kobo-labels-groups.csv").read_text(encoding="utf-8")
    broken = tmp_path / "labels.csv"
    broken.write_text(text.replace('"Community 02"', '"Community 99"'), encoding="utf-8")
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(broken)
    found = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    # line 1 is the header; C02's submission is the third, on line 4
    assert ("labels.csv", "line 4", "community_id", "Community 99") in found
    assert any("XLSX download" in (p.expected or "") for p in caught.value.problems)


def test_odk_main_table_csv_is_checked_and_refused_naming_the_zip(tmp_path):
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(EXPORTS / "odk/cp_session.csv")
    (problem,) = caught.value.problems
    assert "main data table (no repeats)" in problem.message and "All data" in problem.expected
    lines = (EXPORTS / "odk/cp_session.csv").read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(",2024-03-05,", ",5 March,")
    broken = tmp_path / "main.csv"
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(broken)
    assert ("main.csv", "line 3", "date", "5 March") in {(p.file, p.row, p.column, p.value)
                                                        for p in caught.value.problems}


def test_the_command_on_every_real_export(tmp_path, capsys):
    """Every download imports with the content (exit 0) or exits 1 naming the download to make."""
    for name in KOBO_XLSX + ODK:
        out = tmp_path / name.replace("/", "-")
        assert main(["import", str(EXPORTS / name), "-o", str(out), "--quiet"]) == 0, name
        assert imported_content(cpanalysis.load(out)) == submitted_content(), name
    for name, download in [*[(n, "KoboToolbox XLSX download") for n in KOBO_CSV],
                           ("odk/cp_session.csv", "ODK Central zip"),
                           ("kobo-xml-groups-empty.xlsx", "new download once sessions are submitted")]:
        out = tmp_path / name.replace("/", "-")
        capsys.readouterr()
        assert main(["import", str(EXPORTS / name), "-o", str(out), "--quiet"]) == 1, name
        assert download in capsys.readouterr().out, name
        assert not out.exists()


# --- labels in another language of the form ----------------------------------------------------

def _french_form(path: Path) -> tuple[Path, dict[str, str]]:
    """The shipped form with its labels moved to label::English (en) and a French column added.

    The "French" labels are the English ones prefixed with "FR " (enough to tell the languages apart).
    """
    book = load_workbook(shipped_form_path())
    english_to_french = {}
    for sheet in (book["survey"], book["choices"]):
        header = [c.value for c in sheet[1]]
        column = header.index("label") + 1
        sheet.cell(row=1, column=column, value="label::English (en)")
        french = len(header) + 1
        sheet.cell(row=1, column=french, value="label::Français (fr)")
        for row in range(2, sheet.max_row + 1):
            label = sheet.cell(row=row, column=column).value
            if label:
                sheet.cell(row=row, column=french, value=f"FR {label}")
                english_to_french[label] = f"FR {label}"
    book.save(path)
    return path, english_to_french


def test_labels_export_in_another_language_of_the_form(tmp_path):
    form, to_french = _french_form(tmp_path / "form-fr.xlsx")
    book = load_workbook(EXPORTS / "kobo-labels-groups.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("_"):
                    text = cell.value
                    if cell.row == 1:          # a header: group and question labels joined with "/"
                        text = "/".join(to_french.get(p, p) for p in text.split("/"))
                    elif text in to_french:
                        text = to_french[text]
                    elif all(w in to_french for w in text.split()):    # select_multiple labels
                        text = " ".join(to_french[w] for w in text.split())
                    cell.value = text
    french = tmp_path / "labels-fr.xlsx"
    book.save(french)
    assert load_workbook(french)["turns"]["D1"].value == "FR Speaking turns, in order/FR Kind of turn"
    assert imported_content(import_export(french, form=form)) == submitted_content()
    # with the shipped form (no French labels) the import stops at once and says why
    (problem,) = _problems(french)
    assert "labels in a language that form does not have" in problem.message
    assert problem.file == "labels-fr.xlsx [sheet Community planning session]"


# --- nothing dropped silently --------------------------------------------------------------------

def _copy(tmp_path, name="kobo-xml-groups.xlsx"):
    target = tmp_path / Path(name).name
    shutil.copyfile(EXPORTS / name, target)
    target.chmod(0o644)
    return target


def _problems(path, **kwargs):
    with pytest.raises(cpanalysis.DatasetError) as caught:
        import_export(path, **kwargs)
    return caught.value.problems


def test_renamed_repeat_sheet_is_an_error_naming_the_sheet(tmp_path, capsys):
    path = _copy(tmp_path)
    book = load_workbook(path)
    book["turns"].title = "Speaking"
    book.save(path)
    problems = _problems(path)
    assert [(p.file, p.value) for p in problems] == [("kobo-xml-groups.xlsx [sheet Speaking]", "Speaking")]
    assert 'the repeat "turns"' in problems[0].message and '"turns"' in problems[0].expected
    assert main(["import", str(path), "-o", str(tmp_path / "out"), "--quiet"]) == 1
    assert "sheet Speaking" in capsys.readouterr().out


def test_sheet_names_are_matched_whatever_their_case(tmp_path):
    path = _copy(tmp_path)
    book = load_workbook(path)
    sheet = book["turns"]
    sheet.title = "renaming"        # openpyxl refuses a title that differs from the old one by case only
    sheet.title = "TURNS"
    book.save(path)
    assert "TURNS" in load_workbook(path, read_only=True).sheetnames
    assert len(import_export(path).turns) == 6


def test_extra_sheet_with_rows_is_an_error_and_an_empty_one_a_note(tmp_path):
    path = _copy(tmp_path)
    book = load_workbook(path)
    notes = book.create_sheet("Notes")
    notes.append(["remark", "_parent_index"])
    notes.append(["rain", 1])
    book.create_sheet("Blank")
    book.save(path)
    problems = _problems(path)
    assert [(p.file, p.value) for p in problems] == [("kobo-xml-groups.xlsx [sheet Notes]", "Notes")]
    book = load_workbook(path)
    del book["Notes"]
    book.save(path)
    data = import_export(path)
    assert [(n.file, n.value) for n in besides_the_action_plan(data.import_notes)] == [
        ("kobo-xml-groups.xlsx [sheet Blank]", "Blank")]


def test_unknown_parent_table_is_an_error(tmp_path):
    path = _copy(tmp_path)
    book = load_workbook(path)
    sheet = book["turns"]
    column = [c.value for c in sheet[1]].index("_parent_table_name") + 1
    sheet.cell(row=3, column=column, value="Session")
    sheet = book["items"]
    column = [c.value for c in sheet[1]].index("_parent_table_name") + 1
    sheet.cell(row=2, column=column, value="Community planning session")   # items belong to rankings
    book.save(path)
    found = {(p.file, p.row, p.column, p.value) for p in _problems(path)}
    assert ("kobo-xml-groups.xlsx [sheet turns]", "row 3", "_parent_table_name", "Session") in found
    assert ("kobo-xml-groups.xlsx [sheet items]", "row 2", "_parent_table_name", "Community planning session") in found


def test_missing_repeat_sheet_the_submissions_need_is_an_error(tmp_path):
    path = _copy(tmp_path)
    book = load_workbook(path)
    del book["roster"]
    del book["turns"]
    book.save(path)
    problems = _problems(path)
    # attendance_mode is roster or both in the 2nd and 3rd submissions (sheet rows 3 and 4)
    (roster,) = [p for p in problems if '"roster"' in p.message]
    assert roster.file == "kobo-xml-groups.xlsx [sheet Community planning session]"
    assert "2 row(s) (row 3, row 4)" in roster.message
    # turns have no condition in the form: their absence is a note, listed, not an error
    assert not any('"turns"' in p.message for p in problems)


def test_missing_turns_sheet_alone_is_a_listed_note(tmp_path, capsys):
    path = _copy(tmp_path)
    book = load_workbook(path)
    del book["turns"]
    book.save(path)
    data = import_export(path)
    assert [n.message for n in besides_the_action_plan(data.import_notes)] == [
        'no sheet for the repeat "turns": the export holds no turns entries']
    assert main(["import", str(path), "-o", str(tmp_path / "out"), "--quiet"]) == 0
    assert 'note: kobo-xml-groups.xlsx: no sheet for the repeat "turns"' in capsys.readouterr().err


def test_items_ranking_without_item_rows_is_an_error(tmp_path):
    path = _copy(tmp_path)
    book = load_workbook(path)
    sheet = book["items"]
    parent = [c.value for c in sheet[1]].index("_parent_index")
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=parent + 1).value == 4]
    for r in reversed(rows):
        sheet.delete_rows(r)
    book.save(path)
    # rankings row 5 is the 4th ranking (_index 4): the adults' scores in C02-S1
    found = {(p.file, p.row, p.column, p.value) for p in _problems(path)}
    assert ("kobo-xml-groups.xlsx [sheet rankings]", "row 5", "ranking_method", "items") in found


def test_odk_folder_without_a_repeat_file_is_an_error(tmp_path):
    folder = tmp_path / "cp_session"
    with zipfile.ZipFile(EXPORTS / "odk/cp_session.zip") as archive:
        archive.extractall(folder)
    (folder / "cp_session-turns.csv").unlink()
    problems = _problems(folder)
    assert [(p.file, p.message) for p in problems] == [("cp_session", 'no file for the repeat "turns" (its entries '
                                                                      'are missing)')]
    assert "cp_session-turns.csv" in problems[0].expected


def test_odk_zip_with_a_wrong_parent_key_is_an_error(tmp_path):
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(EXPORTS / "odk/cp_session.zip") as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            text = src.read(name).decode()
            if name == "cp_session-items.csv":
                # an item linked to a submission instead of a ranking
                text = text.replace("uuid:c7add5d2-ef36-5f25-a4da-6eab71a30c9c/rankings[1],", "uuid:c7add5d2-ef36-5f25-a4da-6eab71a30c9c,", 1)
            dst.writestr(name, text)
    found = {(p.file, p.row, p.column, p.value) for p in _problems(broken)}
    assert ("broken.zip [cp_session-items.csv]", "line 5", "PARENT_KEY", "uuid:c7add5d2-ef36-5f25-a4da-6eab71a30c9c") in found


# --- not an export of this form ------------------------------------------------------------------

def test_export_of_another_form_stops_after_one_message(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Household survey"
    sheet.append(["start", "end", "household/hh_id", "household/members", "_id", "_uuid", "_index"])
    for n in range(1, 4):
        sheet.append(["2024-01-01", "2024-01-01", f"H{n}", n + 2, n, f"u{n}", n])
    roster = book.create_sheet("members")
    roster.append(["members/age", "_index", "_parent_table_name", "_parent_index"])
    roster.append([30, 1, "Household survey", 1])
    book.save(tmp_path / "household.xlsx")
    (problem,) = _problems(tmp_path / "household.xlsx")
    assert problem.file == "household.xlsx [sheet Household survey]"
    assert 'looks like an export of "Household survey"' in problem.message
    assert "cp_session" in problem.message and "cp_session" in problem.expected
    assert problem.value == "household/hh_id, household/members"


def test_xlsform_given_as_export(tmp_path, capsys):
    (problem,) = _problems(shipped_form_path())
    assert "XLSForm" in problem.message and "--form" in problem.expected
    assert main(["import", str(shipped_form_path()), "-o", str(tmp_path / "out"), "--quiet"]) == 1
    assert "is an XLSForm" in capsys.readouterr().out


def test_export_given_as_the_form(tmp_path, capsys):
    (problem,) = _problems(EXPORTS / "kobo-xml-groups.xlsx", form=EXPORTS / "kobo-xml-groups.xlsx")
    assert problem.message.startswith("this is not an XLSForm") and problem.file == "kobo-xml-groups.xlsx"
    (problem,) = _problems(EXPORTS / "kobo-xml-groups.xlsx", form=EXPORTS / "kobo-xml-groups.csv")
    assert problem.message.startswith("the form could not be read")
    assert main(["import", str(EXPORTS / "kobo-xml-groups.xlsx"), "--form", str(tmp_path / "none.xlsx"),
                 "-o", str(tmp_path / "out"), "--quiet"]) == 1
    assert "the form was not found" in capsys.readouterr().out


def test_empty_export_says_no_submissions_yet():
    (problem,) = _problems(EXPORTS / "kobo-xml-groups-empty.xlsx")
    assert problem.message == "the export holds no submissions (it was made before any submission arrived)"


def test_unknown_files_name_the_downloads(tmp_path):
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty file"):
        detect_format(tmp_path / "notes.txt")
    (tmp_path / "api.json").write_text(json.dumps([{"_uuid": "x"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="not an OData feed"):
        detect_format(tmp_path / "api.json")
    (problem,) = _problems(tmp_path / "api.json")
    assert "KoboToolbox XLSX download" in problem.message


# --- several versions of the form ----------------------------------------------------------------

def test_submissions_of_several_form_versions_import_together(tmp_path):
    """An older version without facilitator_id, a newer one with a question the form given lacks."""
    path = _copy(tmp_path)
    book = load_workbook(path)
    sheet = book["Community planning session"]
    header = [c.value for c in sheet[1]]
    version = header.index("__version__") + 1
    for row in (2, 3):
        sheet.cell(row=row, column=version, value="vOlder")
    sheet.delete_cols(header.index("session/facilitator_id") + 1)
    sheet.cell(row=1, column=sheet.max_column + 1, value="session/weather")
    sheet.cell(row=4, column=sheet.max_column, value="rain")
    book.save(path)
    data = import_export(path)
    expected = submitted_content()
    expected["sessions"] = [row[:7] + (None,) for row in expected["sessions"]]
    assert imported_content(data) == expected
    notes = besides_the_action_plan(data.import_notes)
    (versions,) = [n for n in notes if n.column == "__version__"]
    (weather,) = [n for n in notes if n.column != "__version__"]
    assert len(notes) == 2
    assert (versions.column, versions.value) == ("__version__", "vOlder: 2, vKoboAudit1: 2")
    assert weather.value == "session/weather" and weather.file == "kobo-xml-groups.xlsx [sheet Community planning session]"


def test_the_main_sheet_is_found_by_its_columns_not_its_place(tmp_path):
    path = _copy(tmp_path)
    book = load_workbook(path)
    notes = book.create_sheet("Read me", 0)
    notes.append(["remark"])
    notes.append(["exported on Monday"])
    book.save(path)
    (problem,) = _problems(path)
    assert (problem.file, problem.value) == ("kobo-xml-groups.xlsx [sheet Read me]", "Read me")


def _scheme_subgroup(gender: str, age_group: str) -> str:
    """The default scheme's subgroup of a roster entry (cpanalysis.SubgroupScheme.default())."""
    import pandas as pd

    from cpanalysis.subgroups import SubgroupScheme

    return str(SubgroupScheme.default().assign(pd.Series([gender]), pd.Series([age_group]))[0])
