"""Loading datasets from CSV, Excel and Parquet, and reporting every problem clearly."""

import hashlib
import shutil

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.cli import main as cli_main

# Each deliberately broken cell of tests/data/broken, as (file, row, column, words in the message).
# Line numbers count the header as line 1 (what a text editor shows).
EXPECTED_PROBLEMS = [
    ("population.csv", None, None, "empty"),
    ("communities.csv", "line 4", "community_id", "duplicate"),
    ("harms.csv", "line 4", "sensitive", "yes/no"),
    ("participants.csv", "line 3", "gender", "unknown value"),
    ("participants.csv", "line 4", "age_group", "unknown value"),
    ("participants.csv", "line 5", "elite", "yes/no"),
    ("participants.csv", "line 6", "participant_id", "duplicate"),
    ("participants.csv", "line 7", "community_id", "unknown community"),
    ("sessions.csv", "line 3", "date", "date"),
    ("sessions.csv", "line 3", "cycle", "too small"),
    ("sessions.csv", "line 3", "format", "unknown value"),
    ("sessions.csv", "line 3", "duration_min", "too small"),
    ("sessions.csv", "line 4", "convened_for", "unknown group"),
    ("attendance.csv", "line 3", "participant_id", "unknown participant"),
    ("attendance.csv", "line 4", "participant_id", "listed twice"),
    ("turns.csv", "line 2", "duration_s", "not a number"),
    ("turns.csv", "line 3", "duration_s", "too small"),
    ("turns.csv", "line 3", "kind", "unknown value"),
    ("turns.csv", "line 4", "turn", "whole number"),
    ("turns.csv", "line 5", "session_id", "unknown session"),
    ("turns.csv", "line 6", "harm_id", "unknown harm"),
    ("turns.csv", "line 6", "session_id", "no attendance"),
    ("rankings.csv", "line 2", "rank", "too small"),
    ("rankings.csv", "line 3", "rank", "whole number"),
    ("rankings.csv", "line 4", "rank", "not a number"),
    ("rankings.csv", "line 6", "harm_id", "ranked twice"),
    ("rankings.csv", "line 7", "ranker", "unknown ranker"),
    ("rankings.csv", "line 8", "rank", "neither a rank nor a score"),
    ("decisions.csv", None, "priority", "missing column"),
]


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_tiny_dataset_loads_with_derived_columns(tiny_path):
    data = cpanalysis.load(tiny_path)
    assert data.summary() == {"communities": 2, "sessions": 3, "participants": 6, "turns": 5, "rankings": 7}
    people = data.participants.set_index("participant_id")
    # Default scheme: female child -> girls, male child -> boys, female adult -> women, male elder -> elders.
    assert people.loc[["C1-P1", "C1-P2", "C1-P3", "C1-P4"], "subgroup"].tolist() == ["girls", "boys", "women", "elders"]
    assert people.loc[["C1-P3", "C1-P4", "C1-P1"], "status"].tolist() == ["marginalised", "elite", "general"]
    assert data.turns["subgroup"].tolist() == ["elders", "girls", "elders", "men", "women"]
    assert data.turns["community_id"].tolist() == ["C1", "C1", "C1", "C2", "C2"]
    kinds = data.rankings.drop_duplicates("ranker").set_index("ranker")["ranker_type"]
    assert kinds.to_dict() == {"girls": "group", "C1-P4": "individual", "C2-P1": "individual"}
    assert data.population is None
    assert pd.api.types.is_datetime64_any_dtype(data.sessions["date"])


def test_every_problem_of_the_broken_folder_is_listed_at_once(broken_path):
    before = _digest(broken_path)
    with pytest.raises(cpanalysis.DatasetError) as caught:
        cpanalysis.load(broken_path)
    problems = caught.value.problems
    missing = []
    for file, row, column, words in EXPECTED_PROBLEMS:
        if not any(p.file == file and p.row == row and p.column == column and words in p.message for p in problems):
            missing.append((file, row, column, words))
    assert missing == []
    assert _digest(broken_path) == before, "the input files must never be modified"


def test_tolerated_spellings_are_not_problems(broken_path):
    problems = cpanalysis.validate(broken_path)
    # "Female " (participants line 2) and "Community Meeting" (sessions line 2) are unambiguous.
    assert not [p for p in problems if p.file == "participants.csv" and p.row == "line 2"]
    assert not [p for p in problems if p.file == "sessions.csv" and p.row == "line 2"]
    # communities.csv is cp1252 and harms.csv is UTF-8 with a byte-order mark and semicolons: both read.
    assert not [p for p in problems if p.file == "harms.csv" and p.column != "sensitive"]


def test_problem_text_names_file_row_column_value_and_expectation(broken_path):
    problems = cpanalysis.validate(broken_path)
    gender = next(p for p in problems if p.column == "gender")
    assert str(gender) == ('participants.csv, line 3, column "gender": unknown value (found "femal"); '
                           "expected one of female, male, other, unknown")


def test_latin1_and_semicolons_are_read(tiny_path, tmp_path):
    folder = tmp_path / "latin"
    shutil.copytree(tiny_path, folder)
    text = (tiny_path / "communities.csv").read_text().replace("Community One", "Kédougou").replace(",", ";")
    (folder / "communities.csv").write_bytes(text.encode("latin-1"))
    data = cpanalysis.load(folder)
    assert data.communities.loc[0, "name"] == "Kédougou"


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "parquet"])
def test_save_and_load_round_trip(tiny_path, tmp_path, file_format):
    data = cpanalysis.load(tiny_path)
    written = data.save(tmp_path / "out", format=file_format)
    again = cpanalysis.load(written)
    assert again.file_format == file_format
    for name, frame in data.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame, check_dtype=False, obj=name)


def test_excel_problems_name_the_sheet_and_row(tiny_path, tmp_path):
    data = cpanalysis.load(tiny_path)
    tables = data.contract_tables()
    tables["turns"] = tables["turns"].astype({"duration_s": object})
    tables["turns"].loc[1, "duration_s"] = "long"
    with pd.ExcelWriter(tmp_path / "bad.xlsx") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    problems = cpanalysis.validate(tmp_path / "bad.xlsx")
    # Row 3 of the sheet: row 1 is the header and index 1 is the second data row.
    assert [(p.file, p.row, p.column) for p in problems] == [("bad.xlsx [sheet turns]", "row 3", "duration_s")]


def test_missing_required_table_and_column(tiny_path, tmp_path):
    folder = tmp_path / "incomplete"
    shutil.copytree(tiny_path, folder)
    (folder / "harms.csv").unlink()
    (folder / "sessions.csv").write_text((tiny_path / "sessions.csv").read_text().replace("cycle", "Cycle"))
    problems = cpanalysis.validate(folder)
    assert any(p.file == "harms.csv" and p.message == "missing table" for p in problems)
    cycle = next(p for p in problems if p.column == "cycle")
    assert 'found "Cycle"' in cycle.message


def test_missing_path_is_a_problem_not_a_traceback(tmp_path):
    problems = cpanalysis.validate(tmp_path / "nowhere")
    assert [p.message for p in problems] == ["no such file or folder"]


def test_head_counts_instead_of_a_roster(tiny_path, tmp_path):
    folder = tmp_path / "counts"
    folder.mkdir()
    for name in ("communities", "harms", "sessions", "rankings", "decisions"):
        shutil.copy(tiny_path / f"{name}.csv", folder)
    (folder / "rankings.csv").write_text("session_id,ranker,harm_id,rank\nC1-S2,girls,early_marriage,1\n")
    (folder / "attendance_counts.csv").write_text("session_id,subgroup,count\nC1-S1,girls,12\nC1-S1,men,20\n")
    (folder / "turns.csv").write_text("session_id,turn,subgroup\nC1-S1,1,men\nC1-S1,2,Girls\n")
    data = cpanalysis.load(folder)
    assert data.participants is None
    assert data.turns["subgroup"].tolist() == ["men", "girls"]  # "Girls" is read as girls


def test_cli_validate_exit_codes(tiny_path, broken_path, capsys):
    assert cli_main(["validate", str(tiny_path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "turns" in out
    assert cli_main(["validate", str(broken_path)]) == 1
    out = capsys.readouterr().out
    assert f"{len(cpanalysis.validate(broken_path))} problem(s)" in out
    assert "Traceback" not in out
