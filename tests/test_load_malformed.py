"""Malformed input: each case found on main (issue 15) ends in located problems, never a traceback.

All cases start from tests/data/tiny (valid) and change one thing; line numbers count the header
as line 1, as a text editor shows them.
"""

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.cli import EXIT_INTERRUPTED, main as cli_main


@pytest.fixture
def tiny_copy(tiny_path, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(tiny_path, folder)
    return folder


def _edit(folder, name, old, new, count=1):
    path = folder / f"{name}.csv"
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, count))


def _problems(folder, **kwargs):
    with pytest.raises(cpanalysis.DatasetError) as caught:
        cpanalysis.load(folder, **kwargs)
    return caught.value.problems


def _where(problems):
    return [(p.file, p.row, p.column) for p in problems]


# --- 1. key columns, blank categories, separators, time zones ---------------------------------

@pytest.mark.parametrize("table", ["participants", "attendance"])
@pytest.mark.parametrize("header", ["PARTICIPANT_ID", "partcipant_id", None])
def test_a_missing_or_misspelt_key_column_is_a_problem(tiny_copy, table, header):
    if header is None:  # dropped: rebuild the file without its first column
        path = tiny_copy / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.drop(columns="participant_id").to_csv(path, index=False)
    else:
        _edit(tiny_copy, table, "participant_id", header)
    problems = _problems(tiny_copy)
    missing = [p for p in problems if p.file == f"{table}.csv" and p.column == "participant_id"]
    assert [p.message.split(";")[0] for p in missing] == ["missing column"]
    if header:
        assert f'found "{header}"' in missing[0].message


def test_a_repeated_key_column_is_a_problem(tiny_copy):
    _edit(tiny_copy, "participants", "elite_role", "participant_id")
    problems = _problems(tiny_copy)
    assert ("participants.csv", None, "participant_id") in _where(problems)
    assert any("more than once (columns 1 and 6)" in p.message for p in problems)


@pytest.mark.parametrize("column, old, new", [("gender", "C1-P2,C1,male,", "C1-P2,C1,,"),
                                              ("age_group", "C1-P2,C1,male,child,", "C1-P2,C1,male,,")])
def test_a_blank_category_is_a_missing_value(tiny_copy, column, old, new):
    _edit(tiny_copy, "participants", old, new)
    problems = _problems(tiny_copy)
    assert _where(problems) == [("participants.csv", "line 3", column)]
    assert problems[0].message == "missing value"


def test_a_comma_only_line_and_a_truncated_file(tiny_copy):
    with open(tiny_copy / "participants.csv", "a") as handle:
        handle.write(",,,,,,,\n")
    raw = (tiny_copy / "attendance.csv").read_bytes()
    (tiny_copy / "attendance.csv").write_bytes(raw[:-4])  # "C2-S1,C2-P2\n" cut to "C2-S1,C2"
    problems = _problems(tiny_copy)
    assert ("participants.csv", "line 8", "gender") in _where(problems)
    assert ("attendance.csv", "line 8", "participant_id") in _where(problems)  # "C2" is nobody


def test_a_trailing_separator_after_data_is_a_ragged_line(tiny_copy):
    _edit(tiny_copy, "decisions", "heavy_work,1\n", "heavy_work,1,\n")
    problems = _problems(tiny_copy)
    assert _where(problems) == [("decisions.csv", "line 2", None)]
    assert problems[0].message == "5 value(s) on this line, more than the header's columns"
    assert problems[0].expected == "4 values separated like the header"


def test_a_separator_at_the_end_of_every_line_is_an_empty_column(tiny_copy):
    path = tiny_copy / "decisions.csv"
    path.write_text(path.read_text().replace("\n", ",\n"))
    assert cpanalysis.validate(tiny_copy) == []


@pytest.mark.parametrize("date, message", [("2025-02-03T10:00:00+02:00", "a date with a time zone"),
                                           ("2025-02-03 10:00Z", "a date with a time zone"),
                                           ("2025", "an incomplete date"), ("2025-02", "an incomplete date")])
def test_zoned_and_partial_dates_are_problems(tiny_copy, date, message):
    _edit(tiny_copy, "sessions", "2025-02-10", date)
    problems = _problems(tiny_copy)
    assert [(p.file, p.row, p.column, p.value, p.message) for p in problems] == [
        ("sessions.csv", "line 3", "date", date, message)]


def test_a_date_with_a_time_of_day_is_read(tiny_copy):
    _edit(tiny_copy, "sessions", "2025-02-10", "2025-02-10T09:30:00")
    assert cpanalysis.load(tiny_copy).sessions["date"][1] == pd.Timestamp("2025-02-10 09:30")


# --- 2. non-finite numbers, repeated headers ---------------------------------------------------

@pytest.mark.parametrize("table, old, new, column, line", [
    ("rankings", "early_marriage,1,50", "early_marriage,1,inf", "score", "line 2"),
    ("rankings", "out_of_school,2,30", "out_of_school,2,Infinity", "score", "line 3"),
    ("sessions", "girls,45,", "girls,-inf,", "duration_min", "line 3"),
    ("turns", "C1-S1,2,C1-P1,15,", "C1-S1,2,C1-P1,1e999,", "duration_s", "line 3"),
    ("turns", "C1-S1,2,C1-P1,15,", "C1-S1,2,C1-P1,nan,", "duration_s", "line 3"),
    ("sessions", "2025-02-04,1,", "2025-02-04,99999999999999999999,", "cycle", "line 4"),
])
def test_non_finite_numbers_are_problems(tiny_copy, table, old, new, column, line):
    _edit(tiny_copy, table, old, new)
    problems = _problems(tiny_copy)
    assert _where(problems) == [(f"{table}.csv", line, column)]


def test_non_finite_numbers_in_parquet_are_problems(tiny_path, tmp_path):
    data = cpanalysis.load(tiny_path)
    tables = data.contract_tables()
    tables["rankings"]["score"] = tables["rankings"]["score"].astype(float)
    tables["rankings"].loc[0, "score"] = float("inf")
    folder = tmp_path / "pq"
    cpanalysis.io.write_tables(tables, folder, "parquet")
    assert _where(_problems(folder)) == [("rankings.parquet", "row 1", "score")]


def test_repeated_headers_are_problems_in_every_format(tiny_path, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.read_csv(tiny_path / "harms.csv", dtype=str)
    for file_format in ("csv", "xlsx", "parquet"):
        folder = tmp_path / file_format
        shutil.copytree(tiny_path, folder)
        names = ["harm_id", "label", "label"]
        values = [frame["harm_id"], frame["label"], frame["sensitive"]]
        if file_format == "csv":
            (folder / "harms.csv").write_text("harm_id,label,label\n" + "".join(
                f"{a},{b},{c}\n" for a, b, c in zip(*values)))
            expected_file = "harms.csv"
        elif file_format == "parquet":
            for path in folder.glob("*.csv"):
                pq.write_table(pa.Table.from_pandas(pd.read_csv(path, dtype=str), preserve_index=False),
                               path.with_suffix(".parquet"))
                path.unlink()
            pq.write_table(pa.Table.from_arrays([pa.array(v.tolist()) for v in values], names=names),
                           folder / "harms.parquet")
            expected_file = "harms.parquet"
        else:
            tables = {p.stem: pd.read_csv(p, dtype=str) for p in sorted(folder.glob("*.csv"))}
            for path in folder.glob("*.csv"):
                path.unlink()
            tables["harms"] = pd.DataFrame(dict(zip(["a", "b", "c"], values)))
            with pd.ExcelWriter(folder / "dataset.xlsx") as writer:
                for name, table in tables.items():
                    table.to_excel(writer, sheet_name=name, index=False, header=names if name == "harms" else True)
            expected_file = "dataset.xlsx [sheet harms]"
        problems = _problems(folder)
        assert [(p.file, p.column) for p in problems if "more than once" in p.message] == [(expected_file, "label")]


# --- 3. near-miss names, ragged rows -----------------------------------------------------------

@pytest.mark.parametrize("table, written, meant", [("communities", "DISTRICT", "district"),
                                                   ("harms", "sensitive_", "sensitive"),
                                                   ("participants", "ELITE_ROLE", "elite_role"),
                                                   ("participants", "marginalised_,", "marginalised"),
                                                   ("participants", "Marginalised Reason", "marginalised_reason"),
                                                   ("turns", "intrerupted", "interrupted")])
def test_a_column_spelt_like_a_contract_column_is_a_problem(tiny_copy, table, written, meant):
    old = meant + ("," if written.endswith(",") else "")
    _edit(tiny_copy, table, old, written)
    problems = _problems(tiny_copy)
    name = written.rstrip(",")
    assert [(p.file, p.column, p.message) for p in problems] == [
        (f"{table}.csv", name, f'unknown column "{name}": did you mean "{meant}"?')]


def test_unrelated_extra_columns_are_kept(tiny_copy):
    _edit(tiny_copy, "communities", "district\n", "district,notes\n")
    _edit(tiny_copy, "communities", "North\n", "North,road closed\n")
    _edit(tiny_copy, "communities", "South\n", "South,\n")
    notes = cpanalysis.load(tiny_copy).communities["notes"]
    assert notes[0] == "road closed" and pd.isna(notes[1])


def test_short_and_long_lines_are_problems_naming_the_line(tiny_copy):
    _edit(tiny_copy, "participants", "C1-P2,C1,male,child,false,,false,\n", "C1-P2,C1,male,child\n")
    _edit(tiny_copy, "turns", "C2-S1,1,C2-P2,90,proposal,out_of_school,false",
          "C2-S1,1,C2-P2,90,proposal,out_of_school,false,extra")
    problems = _problems(tiny_copy)
    assert ("participants.csv", "line 3", None) in _where(problems)
    assert ("turns.csv", "line 5", None) in _where(problems)
    short = next(p for p in problems if p.file == "participants.csv" and p.row == "line 3")
    assert short.value == "C1-P2,C1,male,child" and "fewer" in short.message


def test_line_numbers_survive_blank_lines_and_quoted_line_breaks(tiny_copy):
    _edit(tiny_copy, "communities", "C1,Community One,North\n", 'C1,"Community\nOne",North\n\n')
    _edit(tiny_copy, "sessions", "C1-S1,", "\nC1-S1,")
    _edit(tiny_copy, "sessions", "girls,45,", "girls,-45,")
    _edit(tiny_copy, "communities", "C2,Community Two,South", "C1,Community Two,South")
    problems = _problems(tiny_copy)
    # sessions: a blank line 2 pushes C1-S2 to line 4; communities: line 2 holds two lines.
    assert ("sessions.csv", "line 4", "duration_min") in _where(problems)
    assert ("communities.csv", "line 5", "community_id") in _where(problems)


def test_a_file_named_like_a_table_is_a_problem(tiny_copy):
    (tiny_copy / "rankings.csv").rename(tiny_copy / "Rankings.csv")
    shutil.copy(tiny_copy / "communities.csv", tiny_copy / "notes.csv")
    problems = _problems(tiny_copy)
    assert [(p.file, p.message) for p in problems] == [
        ("Rankings.csv", 'a file named like a table: did you mean "rankings.csv"?'),
        ("rankings.csv", "missing table")]


def test_utf16_with_a_byte_order_mark_is_read(tiny_copy):
    path = tiny_copy / "communities.csv"
    path.write_bytes(path.read_text().replace("Community One", "Kédougou").encode("utf-16"))
    assert cpanalysis.load(tiny_copy).communities["name"][0] == "Kédougou"


# --- 1. unreadable paths: refused before opening, only DatasetError ----------------------------

@pytest.mark.parametrize("kind, words", [("folder", "it is a folder"), ("fifo", "named pipe"),
                                         ("loop", "points to itself"), ("device", "it is a device"),
                                         ("dangling", "no such file")])
def test_a_table_that_is_not_a_regular_file_is_refused_before_reading(tiny_copy, kind, words):
    path = tiny_copy / "harms.csv"
    path.unlink()
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "loop":
        os.symlink("harms.csv", path)
    elif kind == "device":
        os.symlink("/dev/zero", path)  # reading it would never end
    else:
        os.symlink("gone.csv", path)
    problems = _problems(tiny_copy)
    assert [p.file for p in problems] == ["harms.csv"]
    assert words in problems[0].message


def test_a_dataset_path_that_is_not_a_folder_or_workbook(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    os.symlink("loop", tmp_path / "loop")
    assert "named pipe" in _problems(tmp_path / "pipe")[0].message
    assert "points to itself" in _problems(tmp_path / "loop")[0].message
    workbook = tmp_path / "book"
    workbook.mkdir()
    (workbook / "dataset.xlsx").mkdir()
    assert [(p.file, p.message) for p in _problems(workbook)] == [("dataset.xlsx", "cannot be read: it is a folder")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_permission_denied_is_a_problem(tiny_copy):
    (tiny_copy / "harms.csv").chmod(0)
    try:
        problems = _problems(tiny_copy)
    finally:
        (tiny_copy / "harms.csv").chmod(0o644)
    assert [(p.file, p.message) for p in problems] == [("harms.csv", "cannot be read: permission denied")]


def test_files_larger_than_the_limit_are_refused(tiny_copy, monkeypatch):
    size = (tiny_copy / "participants.csv").stat().st_size  # the largest file of tiny
    problems = _problems(tiny_copy, max_file_bytes=size - 1)
    assert [p.file for p in problems] == ["participants.csv"]
    assert f"larger than the limit of {size - 1:,} bytes" in problems[0].message
    assert cpanalysis.validate(tiny_copy) == []
    monkeypatch.setenv("CPANALYSIS_MAX_FILE_MB", str((size - 1) / 1024 ** 2))
    assert [p.file for p in cpanalysis.validate(tiny_copy)] == ["participants.csv"]


# --- 6. contradictions across tables -----------------------------------------------------------

def test_a_speaker_missing_from_the_attendance_of_a_session_with_attendance(tiny_copy):
    _edit(tiny_copy, "turns", "C1-S1,2,C1-P1,", "C1-S1,2,C2-P1,")
    problems = _problems(tiny_copy)
    assert [(p.file, p.row, p.column, p.value, p.message) for p in problems] == [
        ("turns.csv", "line 3", "participant_id", "C2-P1", "the speaker is not in this session's attendance")]


def test_a_stated_subgroup_that_contradicts_the_speaker(tiny_copy):
    path = tiny_copy / "turns.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    # C1-P4 is a male elder: the default scheme makes him one of the elders.
    frame.insert(3, "subgroup", ["elders", "girls", "girls", "", ""])
    frame.to_csv(path, index=False)
    problems = _problems(tiny_copy)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("turns.csv", "line 4", "subgroup", "girls")]
    assert problems[0].expected.startswith('"elders", the subgroup of this speaker')


def test_an_individual_ranking_in_another_communitys_session(tiny_copy):
    _edit(tiny_copy, "rankings", "C2-S1,C2-P1,early_marriage", "C1-S1,C2-P1,early_marriage")
    problems = _problems(tiny_copy)
    assert [(p.file, p.row, p.column, p.message) for p in problems] == [
        ("rankings.csv", "line 8", "ranker", "this participant ranks in a session of another community")]


def test_the_sample_and_tiny_have_no_contradictions(sample_path, tiny_path):
    assert cpanalysis.validate(sample_path) == []
    assert cpanalysis.validate(tiny_path) == []


# --- 4. the console command --------------------------------------------------------------------

def test_validate_ends_quietly_on_a_closed_pipe(broken_path):
    # The reader closes its end before the command writes: every write then meets a closed pipe.
    proc = subprocess.Popen([sys.executable, "-m", "cpanalysis.cli", "validate", str(broken_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    error = proc.stderr.read().decode()
    assert proc.wait(120) == 1
    assert error == ""


def test_validate_piped_into_head(broken_path):
    result = subprocess.run(f'"{sys.executable}" -m cpanalysis.cli validate "{broken_path}" | head -n 1; '
                            'echo "status ${PIPESTATUS[0]}"', shell=True, executable="/bin/bash",
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines()[0].endswith(f"problem(s) in {broken_path}:")
    assert result.stdout.splitlines()[-1] == "status 1"
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_ctrl_c_ends_with_130_and_no_traceback(monkeypatch, capsys, tiny_path):
    import cpanalysis.dataset

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cpanalysis.dataset, "load", interrupted)
    assert cli_main(["validate", str(tiny_path)]) == EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err == "cpanalysis: interrupted\n"


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        cli_main(["validate"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli_main(["no-such-command"])
    assert caught.value.code == 2


# --- found by the fuzzing suite with other seeds (CPANALYSIS_FUZZ_SEED=16) -----------------------

@pytest.mark.parametrize("typed", ["n/a", "NA", "null", "None"])
def test_words_for_missing_typed_in_a_workbook_are_values_not_blanks(tiny_path, tmp_path, typed):
    """pandas reads "n/a", "NA", "null"... in a workbook as missing by default: a category cell holding
    one of them was accepted as blank. Only an empty cell is missing, as in CSV files."""
    tables = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(tiny_path.glob("*.csv"))}
    tables["turns"].loc[0, "kind"] = typed
    with pd.ExcelWriter(tmp_path / "dataset.xlsx") as writer:
        for name, table in tables.items():
            table.to_excel(writer, sheet_name=name, index=False)
    problems = _problems(tmp_path / "dataset.xlsx")
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("dataset.xlsx [sheet turns]", "row 2", "kind", typed)]  # row 2: the first row under the header


@pytest.mark.parametrize("table", ["communities", "harms", "sessions"])
def test_a_required_table_with_a_header_and_no_rows_is_named(tiny_copy, table):
    """A file cut short right after its header: the problem names it, not only the unknown references."""
    path = tiny_copy / f"{table}.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    problems = _problems(tiny_copy)
    assert (f"{table}.csv", "the table has its header but no rows") in [(p.file, p.message) for p in problems]
