"""Contract v2: the actions and action_updates tables are checked like every other table.

tests/data/broken_actions is tests/data/tiny (valid) plus an actions.csv and an action_updates.csv
in which every line but three (actions lines 2 and 6, updates lines 2-4, 10) is broken on purpose.
"""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.contract import (ACTION_LEADS, ACTION_STATUSES, CONTRACT_VERSION, SUPPORTED_CONTRACT_VERSIONS,
                                 TABLES, contract_version_of)
from conftest import TESTS

BROKEN = TESTS / "data" / "broken_actions"

# Each deliberately broken cell, as (file, line, column, words in the message). Lines count the
# header as line 1. What is wrong is written in the comment of each row.
EXPECTED = [
    ("actions.csv", "line 3", "harm_id", "unknown harm"),                    # child_labour is not in harms.csv
    ("actions.csv", "line 3", "cycle", "too small"),                         # cycle 0
    ("actions.csv", "line 3", "proposed_by", "unknown proposer"),            # C1-P9 is nobody
    ("actions.csv", "line 3", "lead", "unknown value"),                      # chief is not a kind of lead
    ("actions.csv", "line 3", "partners", "unknown kind of partner"),        # police
    ("actions.csv", "line 3", "due_date", "not a date"),                     # month 13
    ("actions.csv", "line 3", "resources", "unknown value"),                 # money
    ("actions.csv", "line 3", "session_id", "another cycle"),                # C1-S1 is cycle 1, the action says 0
    ("actions.csv", "line 4", "action_id", "duplicate"),                     # A1 twice
    ("actions.csv", "line 4", "session_id", "another community"),            # C1-S1 for a C2 action
    ("actions.csv", "line 4", "proposed_by", "another community"),           # C1-P1 proposing in C2
    ("actions.csv", "line 4", "due_date", "due before the session"),         # 2025-01-01 < 2025-02-03
    ("actions.csv", "line 5", "shareable", "yes/no"),                        # maybe
    ("actions.csv", "line 5", "partners", "unknown kind of partner"),        # teachers
    ("actions.csv", "line 5", "session_id", "another cycle"),                # C1-S2 is cycle 1, the action says 2
    ("action_updates.csv", "line 5", "status", "already done or dropped"),   # stalled after done
    ("action_updates.csv", "line 6", "action_id", "unknown action"),         # A9
    ("action_updates.csv", "line 7", "date", "not a date"),                  # 31 April
    ("action_updates.csv", "line 8", "status", "unknown value"),             # finished
    ("action_updates.csv", "line 9", "date", "before the session"),          # 2025-01-15 < C2-S1's 2025-02-04
    ("action_updates.csv", "line 11", "status", "planned again"),            # planned after started
]


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_every_problem_of_the_broken_actions_is_located_at_once():
    before = _digest(BROKEN)
    with pytest.raises(cpanalysis.DatasetError) as caught:
        cpanalysis.load(BROKEN)
    problems = caught.value.problems
    missing = [e for e in EXPECTED if not any(p.file == e[0] and p.row == e[1] and p.column == e[2]
                                              and e[3] in p.message for p in problems)]
    assert missing == []
    # nothing is reported on the lines that are right (the first line of A1 is a duplicate id only)
    fine = {("actions.csv", "line 6"), ("action_updates.csv", "line 2"), ("action_updates.csv", "line 3"),
            ("action_updates.csv", "line 4"), ("action_updates.csv", "line 10")}
    assert [str(p) for p in problems if (p.file, p.row) in fine] == []
    assert {(p.file, p.row, p.column) for p in problems if p.row == "line 2"} == {("actions.csv", "line 2", "action_id")}
    # every problem quotes the cell; all but the duplicate id (whose message says the rule) say what was expected
    assert all(p.value is not None for p in problems)
    assert all(p.expected for p in problems if "duplicate" not in p.message)
    assert _digest(BROKEN) == before, "the input files must never be modified"


def test_valid_actions_load_in_canonical_spelling(tmp_path):
    folder = tmp_path / "ok"
    shutil.copytree(BROKEN, folder)
    lines = (BROKEN / "actions.csv").read_text().splitlines()
    (folder / "actions.csv").write_text("\n".join([lines[0], lines[1], lines[5]]) + "\n")
    updates = (BROKEN / "action_updates.csv").read_text().splitlines()
    (folder / "action_updates.csv").write_text("\n".join(updates[:4] + [updates[9]]) + "\n")
    data = cpanalysis.load(folder)
    actions = data.actions.set_index("action_id")
    # "Girls" -> girls, "Service provider" -> service_provider, "Government" -> government
    assert actions.loc["A1", "proposed_by"] == "girls"
    assert actions.loc["A4", "lead"] == "service_provider"
    assert actions.loc["A4", "partners"] == "government"
    assert actions.loc["A1", "partners"] == "government service_provider"
    assert bool(actions.loc["A1", "shareable"]) and pd.isna(actions.loc["A4", "shareable"])
    assert pd.api.types.is_datetime64_any_dtype(data.action_updates["date"])
    assert data.action_updates["status"].tolist() == ["planned", "started", "done", "started"]


def test_updates_without_actions_are_a_problem(tmp_path):
    folder = tmp_path / "orphans"
    shutil.copytree(TESTS / "data" / "tiny", folder)
    shutil.copy(BROKEN / "action_updates.csv", folder)
    problems = cpanalysis.validate(folder)
    assert any(p.file == "action_updates.csv" and "no actions table" in p.message for p in problems)


def test_version_one_datasets_stay_valid(tiny_path):
    assert CONTRACT_VERSION == "2" and SUPPORTED_CONTRACT_VERSIONS == ("1", "2")
    assert cpanalysis.validate(tiny_path) == []
    data = cpanalysis.load(tiny_path)
    assert data.actions is None and data.action_updates is None
    assert contract_version_of(data.tables) == "1"
    assert contract_version_of(["communities", "actions"]) == "2"


def test_the_action_tables_are_optional_contract_tables():
    for name in ("actions", "action_updates"):
        assert not TABLES[name].required and TABLES[name].since == "2"
    assert TABLES["actions"].column("lead").categories == ACTION_LEADS
    assert TABLES["actions"].column("partners").word_list == ACTION_LEADS
    assert TABLES["action_updates"].column("status").categories == ACTION_STATUSES
    assert TABLES["actions"].column("action_id").unique


def test_an_xlsx_dataset_with_actions_is_checked_the_same_way(tmp_path):
    frames = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in BROKEN.glob("*.csv")}
    book = tmp_path / "dataset.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    problems = cpanalysis.validate(book)
    # a spreadsheet's header is row 1, so CSV line n is sheet row n
    assert any(p.file == "dataset.xlsx [sheet actions]" and p.row == "row 3" and p.column == "lead"
               for p in problems)
    assert any(p.file == "dataset.xlsx [sheet action_updates]" and p.row == "row 11" and p.column == "status"
               for p in problems)


# --- found by the fuzzing suite once it mutated the action tables too ---------------------------

def test_an_update_on_the_day_of_a_session_with_a_time_is_not_before_it(sample_path, tmp_path):
    """C01-A001 was agreed at session C01-S009 on 2024-02-13 and marked planned that day. A session
    time of 09:30 must not make the update (a date, no time) "dated before the session"."""
    folder = tmp_path / "sample"
    shutil.copytree(sample_path, folder)
    path = folder / "sessions.csv"
    text = path.read_text()
    assert "C01-S009,C01,2024-02-13," in text
    path.write_text(text.replace("C01-S009,C01,2024-02-13,", "C01-S009,C01,2024-02-13T09:30:00,"))
    assert cpanalysis.validate(folder) == []


def test_actions_with_a_sessions_file_cut_after_its_header_are_problems_not_a_traceback(sample_path, tmp_path):
    folder = tmp_path / "sample"
    shutil.copytree(sample_path, folder)
    path = folder / "sessions.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    problems = cpanalysis.validate(folder)
    assert ("sessions.csv", "the table has its header but no rows") in [(p.file, p.message) for p in problems]
    assert any(p.file == "actions.csv" and p.column == "session_id" for p in problems)
