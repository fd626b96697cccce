"""Seeded mutations of a small valid dataset, each labelled with whether the contract still holds.

Used by tests/test_fuzz_loader.py (a fixed number of cases in every run) and by
scripts/fuzz_loader.py (as many as asked, on demand). A case is written to a fresh folder as CSV
files, one .xlsx workbook or Parquet files, then changed on disk (bytes, encodings, file types).

The label of every mutation comes from the contract (docs/data-contract.md), never from what the
loader does: a mutation is generated only where its effect on validity is certain.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import shutil
import signal
import stat
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.contract import TABLES

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
FORMATS = ("csv", "xlsx", "parquet")
#: Seconds a single load may take before it counts as a hang.
TIME_LIMIT_S = 20


# --------------------------------------------------------------------------------------------
# The base dataset: two communities of the bundled sample, a few sessions each.

def base_tables() -> dict[str, pd.DataFrame]:
    """Every table of the sample restricted to C01 and C02 and four sessions each (text cells)."""
    read = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(SAMPLE.glob("*.csv"))}
    communities = ("C01", "C02")
    sessions_kept = [f"{c}-S{n:03d}" for c in communities for n in (2, 7, 19, 27)]
    out = {"communities": read["communities"][read["communities"].community_id.isin(communities)]
           [["community_id", "name", "district"]],
           "harms": read["harms"],
           "population": read["population"][read["population"].community_id.isin(communities)],
           "sessions": read["sessions"][read["sessions"].session_id.isin(sessions_kept)]}
    turns = read["turns"][read["turns"].session_id.isin(sessions_kept)].groupby("session_id").head(6)
    rankings = read["rankings"][read["rankings"].session_id.isin(sessions_kept)]
    rankers = rankings.drop_duplicates(["session_id", "ranker"]).groupby("session_id").head(3)
    rankings = rankings.merge(rankers[["session_id", "ranker"]], on=["session_id", "ranker"])
    attendance = read["attendance"][read["attendance"].session_id.isin(sessions_kept)]
    keep_people = set(turns.participant_id) | set(rankings.ranker)
    attendance = attendance[attendance.participant_id.isin(keep_people)
                            | attendance.groupby("session_id").cumcount().lt(3)]
    # contract v2: the action plans agreed in the kept sessions, and their follow-up
    actions = read["actions"][read["actions"].session_id.isin(sessions_kept)]
    people = set(attendance.participant_id) | set(rankings.ranker) | set(actions.proposed_by)
    out["participants"] = read["participants"][read["participants"].participant_id.isin(people)]
    out["actions"] = actions
    out["action_updates"] = read["action_updates"][read["action_updates"].action_id.isin(actions.action_id)]
    out["attendance"] = attendance
    out["turns"] = turns
    out["rankings"] = rankings
    out["pairwise"] = read["pairwise"][read["pairwise"].session_id.isin(sessions_kept)].groupby("session_id").head(5)
    out["decisions"] = read["decisions"][read["decisions"].community_id.isin(communities)]
    return {name: frame.reset_index(drop=True) for name, frame in out.items()}


# --------------------------------------------------------------------------------------------
# Cases

@dataclass
class Case:
    number: int
    file_format: str
    mutation: str
    valid: bool  # whether the mutated dataset still satisfies the contract
    table: str | None = None  # the table a problem must name (None: any)
    tables: dict = field(default_factory=dict)
    disk: list = field(default_factory=list)  # changes made to the written files, in order
    max_file_bytes: int | None = None
    retype: tuple | None = None  # (table, column, physical type) written into a Parquet file


def _kind(table: str, column: str) -> str | None:
    spec = TABLES.get(table)
    if spec is None or column not in spec.column_names:
        return None
    return spec.column(column).kind


def _required(table: str, column: str) -> bool:
    col = TABLES[table].column(column)
    return col.required and not col.nullable


def _blank_cell_is_valid(tables, table, column, row) -> bool | None:
    """Whether blanking one cell keeps the dataset valid; None when the contract leaves it unsure."""
    if _kind(table, column) is None:
        return True
    if table == "turns" and column == "participant_id":
        return None  # would then need the subgroup, and changes attendance checks
    if table == "turns" and column == "subgroup":
        return tables["turns"].at[row, "participant_id"] != ""
    if table == "rankings" and column in ("rank", "score"):
        other = "score" if column == "rank" else "rank"
        return tables["rankings"].at[row, other] != ""
    return not _required(table, column)


def _typo(name: str, rng: random.Random) -> str:
    """One edit of a column name that is not only spacing at its ends."""
    choice = rng.randrange(5)
    i = rng.randrange(len(name))
    if choice == 0 and len(name) > 3:
        return name[:i] + name[i + 1:]
    if choice == 1 and len(name) > 1:
        i = min(i, len(name) - 2)
        if name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if choice == 2:
        return name[:i] + "x" + name[i:] if i > 0 else "x" + name
    if choice == 3:
        return name.upper()
    return name[:i] + ("_" if name[i] != "_" else "-") + name[i + 1:] if 0 < i < len(name) - 1 else name.title()


def _numeric_columns(tables):
    return [(t, c) for t in tables for c in tables[t].columns if _kind(t, c) in ("int", "number")]


def _columns_of_kind(tables, kinds):
    return [(t, c) for t in tables for c in tables[t].columns if _kind(t, c) in kinds]


def _set(tables, table, row, column, value):
    frame = tables[table].copy()
    frame.at[row, column] = value
    tables[table] = frame


# Each mutation: (rng, tables, case) -> None; it edits case.tables / case.disk and sets the label.

def m_drop_column(rng, tables, case):
    table = rng.choice(sorted(tables))
    column = rng.choice(list(tables[table].columns))
    case.table = table
    tables[table] = tables[table].drop(columns=[column])
    if _kind(table, column) is None:
        case.valid = True
    elif table == "turns" and column in ("participant_id", "subgroup"):
        case.valid = column == "subgroup"  # without speakers, the category alone is allowed but
        if column == "participant_id":      # turns then carry no speaker for the attendance checks
            case.valid = bool((tables["turns"]["subgroup"] != "").all())
    elif table == "rankings" and column in ("rank", "score"):
        other = "score" if column == "rank" else "rank"
        case.valid = bool((tables["rankings"][other] != "").all())
    else:
        case.valid = not TABLES[table].column(column).required
    case.mutation = f"drop column {table}.{column}"


def m_rename_column(rng, tables, case):
    table = rng.choice(sorted(tables))
    column = rng.choice([c for c in tables[table].columns if len(c) >= 4])
    new = _typo(column, rng)
    if new == column or new.strip() == column:
        new = column.upper()
    tables[table] = tables[table].rename(columns={column: new})
    case.table, case.valid = table, False
    case.mutation = f"rename column {table}.{column} -> {new!r}"


def m_duplicate_column(rng, tables, case):
    table = rng.choice(sorted(tables))
    frame = tables[table]
    column = rng.choice(list(frame.columns))
    position = rng.randrange(frame.shape[1] + 1)
    copy = frame.copy()
    copy.insert(position, "__dup__", frame[column])
    copy.columns = [column if c == "__dup__" else c for c in copy.columns]
    tables[table] = copy
    case.table, case.valid = table, False
    case.mutation = f"duplicate column {table}.{column}"


def m_reorder_columns(rng, tables, case):
    table = rng.choice(sorted(tables))
    columns = list(tables[table].columns)
    rng.shuffle(columns)
    tables[table] = tables[table][columns]
    case.valid, case.mutation = True, f"reorder columns of {table}"


def m_shuffle_rows(rng, tables, case):
    table = rng.choice(sorted(tables))
    tables[table] = tables[table].sample(frac=1, random_state=rng.randrange(10 ** 6)).reset_index(drop=True)
    case.valid, case.mutation = True, f"shuffle rows of {table}"


def m_extra_column(rng, tables, case):
    table = rng.choice(sorted(tables))
    name = rng.choice(["notes", "comment", "enumerator_remark", "village_notes"])
    frame = tables[table].copy()
    frame[name] = [rng.choice(["", "ok", "late start"]) for _ in range(len(frame))]
    tables[table] = frame
    case.valid, case.mutation = True, f"extra column {table}.{name}"


def m_blank_cell(rng, tables, case):
    for _ in range(50):
        table = rng.choice(sorted(tables))
        frame = tables[table]
        if len(frame) == 0:
            continue
        column = rng.choice(list(frame.columns))
        row = rng.randrange(len(frame))
        valid = _blank_cell_is_valid(tables, table, column, row)
        if valid is None:
            continue
        _set(tables, table, row, column, rng.choice(["", " ", "  "]))
        case.table, case.valid = table, valid
        case.mutation = f"blank cell {table}.{column} row {row}"
        return
    raise RuntimeError("no cell to blank")


def m_padded_or_cased_cell(rng, tables, case):
    table, column = rng.choice([(t, c) for t, c in _columns_of_kind(tables, ("category", "id", "int", "number",
                                                                              "date", "bool"))
                                if (tables[t][c] != "").any()])  # a column with a cell to respell
    frame = tables[table]
    rows = [i for i in range(len(frame)) if frame.at[i, column] != ""]
    row = rng.choice(rows)
    value = frame.at[row, column]
    if _kind(table, column) == "category":
        value = rng.choice([value.upper(), value.title(), f" {value} ", value.replace("_", " ")])
    else:
        value = f" {value}  "
    _set(tables, table, row, column, value)
    case.valid, case.mutation = True, f"tolerated spelling {table}.{column} row {row}: {value!r}"


def m_non_finite(rng, tables, case):
    table, column = rng.choice(_numeric_columns(tables))
    frame = tables[table]
    row = rng.randrange(len(frame))
    words = ["inf", "-inf", "Infinity", "-Infinity", "1e999"]
    if case.file_format == "csv":
        words += ["nan", "NaN"]  # a typed file's NaN is a missing cell, so only text can say "nan"
    value = rng.choice(words)
    _set(tables, table, row, column, value)
    case.table, case.valid = table, False
    case.mutation = f"non-finite {table}.{column} row {row}: {value}"


def m_wrong_type(rng, tables, case):
    table, column = rng.choice(_columns_of_kind(tables, ("int", "number", "bool", "date", "category")))
    kind = _kind(table, column)
    row = rng.randrange(len(tables[table]))
    col = TABLES[table].column(column)
    choices = {"int": ["abc", "1.5", "two", "-3"], "number": ["abc", "12..5", "-5", "1e-3x"],
               "bool": ["maybe", "2", "yes please"], "date": ["yesterday", "2024-13-45", "31/02/2024"],
               "category": ["purple", "n/a", "other one"]}[kind]
    if kind == "int" and (col.minimum is None or col.minimum < 1):
        choices = [c for c in choices if c != "-3"] + ["-1"] * (col.minimum == 0)
    if kind == "number" and col.minimum is None:
        choices.remove("-5")
    value = rng.choice(choices)
    _set(tables, table, row, column, value)
    case.table, case.valid = table, False
    case.mutation = f"wrong type {table}.{column} row {row}: {value}"


def m_bad_date(rng, tables, case):
    row = rng.randrange(len(tables["sessions"]))
    date = tables["sessions"].at[row, "date"]
    value = rng.choice([date[:4], date[:7], date + "T10:00:00+02:00", date + "T10:00:00Z", date + " 10:00 -0500"])
    _set(tables, "sessions", row, "date", value)
    case.table, case.valid = "sessions", False
    case.mutation = f"partial or zoned date: {value}"


def m_date_with_time(rng, tables, case):
    row = rng.randrange(len(tables["sessions"]))
    value = tables["sessions"].at[row, "date"] + rng.choice(["T09:30:00", " 14:00", "T08:00"])
    _set(tables, "sessions", row, "date", value)
    case.valid, case.mutation = True, f"date with a time of day: {value}"


KEYED = ("communities", "harms", "participants", "sessions", "attendance", "turns", "rankings", "decisions",
         "population")


def m_duplicate_row(rng, tables, case):
    table = rng.choice(KEYED + ("pairwise",))
    frame = tables[table]
    row = rng.randrange(len(frame))
    tables[table] = pd.concat([frame, frame.iloc[[row]]], ignore_index=True)
    case.table, case.valid = table, table == "pairwise"  # the contract gives pairwise no key
    case.mutation = f"duplicate row {table} row {row}"


def m_unknown_reference(rng, tables, case):
    places = [(t, c.name) for t in tables for c in TABLES[t].columns if c.references and c.name in tables[t]]
    places.append(("rankings", "ranker"))
    table, column = rng.choice(places)
    frame = tables[table]
    rows = [i for i in range(len(frame)) if frame.at[i, column] != ""]
    row = rng.choice(rows)
    _set(tables, table, row, column, "ZZ-NOT-LISTED")
    case.table, case.valid = table, False
    case.mutation = f"unknown reference {table}.{column} row {row}"


def m_speaker_not_attending(rng, tables, case):
    turns, attendance, people = tables["turns"], tables["attendance"], tables["participants"]
    row = rng.randrange(len(turns))
    session = turns.at[row, "session_id"]
    there = set(attendance.loc[attendance.session_id == session, "participant_id"])
    community = session.split("-")[0]
    others = sorted(set(people.loc[people.community_id == community, "participant_id"]) - there)
    _set(tables, "turns", row, "participant_id", rng.choice(others))
    _set(tables, "turns", row, "subgroup", "")
    case.table, case.valid = "turns", False
    case.mutation = f"speaker not in the attendance of {session}"


def m_stated_subgroup_contradiction(rng, tables, case):
    turns = tables["turns"]
    rows = [i for i in range(len(turns)) if turns.at[i, "subgroup"] != "" and turns.at[i, "participant_id"] != ""]
    row = rng.choice(rows)
    stated = turns.at[row, "subgroup"]
    other = rng.choice([s for s in ("girls", "boys", "women", "men", "elders") if s != stated])
    _set(tables, "turns", row, "subgroup", other)
    case.table, case.valid = "turns", False
    case.mutation = f"turn subgroup {stated} -> {other}"


def m_ranking_other_community(rng, tables, case):
    rankings, people = tables["rankings"], set(tables["participants"].participant_id)
    rows = [i for i in range(len(rankings)) if rankings.at[i, "ranker"] in people]
    row = rng.choice(rows)
    session = rankings.at[row, "session_id"]
    other = "C02" if session.startswith("C01") else "C01"
    _set(tables, "rankings", row, "session_id", other + session[3:])
    case.table, case.valid = "rankings", False
    case.mutation = f"individual ranking moved to {other}"


def m_parquet_physical_type(rng, tables, case):
    """A Parquet column of another physical type: yes/no or lists for numbers, bytes for ids."""
    if case.file_format != "parquet":
        return m_wrong_type(rng, tables, case)
    kind = rng.choice(["bool", "list", "bytes"])
    kinds = ("id",) if kind == "bytes" else ("int", "number")
    table, column = rng.choice([(t, c) for t, c in _columns_of_kind(tables, kinds)
                                if (tables[t][c] != "").any() and not (kind == "bytes" and c == "ranker")])
    case.retype = (table, column, kind)
    # UTF-8 bytes in an id column are the same ids read as text; yes/no or lists are not numbers.
    case.table, case.valid = (None, True) if kind == "bytes" else (table, False)
    case.mutation = f"parquet column {table}.{column} stored as {kind}"


def m_delete_table(rng, tables, case):
    table = rng.choice(sorted(tables))
    del tables[table]
    # population, pairwise, turns and action_updates are optional and nothing refers to them.
    case.valid = table in ("population", "pairwise", "turns", "action_updates")
    # A missing required table is named; a missing optional one is named in the message of what refers to it.
    case.table = table if TABLES[table].required else None
    case.mutation = f"delete table {table}"


FRAME_MUTATIONS = [m_drop_column, m_rename_column, m_duplicate_column, m_reorder_columns, m_shuffle_rows,
                   m_extra_column, m_blank_cell, m_padded_or_cased_cell, m_non_finite, m_wrong_type, m_bad_date,
                   m_date_with_time, m_duplicate_row, m_unknown_reference, m_speaker_not_attending,
                   m_stated_subgroup_contradiction, m_ranking_other_community, m_delete_table,
                   m_parquet_physical_type]

# Changes on disk: (name, valid, formats, needs a table)
CSV_DISK = [("trailing separator on a data line", False), ("trailing separator on every line", True),
            ("short line", False), ("long line", False), ("comma-only line", False),
            ("truncated mid-line", False), ("blank lines", True), ("crlf", True), ("utf-8 bom", True),
            ("utf-16", True), ("cp1252 accents", True), ("semicolons", True), ("tabs", True),
            ("quoted everything", True), ("padded header", True), ("empty file", False),
            ("header only of a required table", True)]
ANY_DISK = [("fifo", False), ("folder", False), ("symlink loop", False), ("symlink to /dev/zero", False),
            ("dangling symlink", False), ("size limit", False), ("truncated binary", False),
            ("near-miss file name", False)]


def make_case(number: int, seed: int, base: dict[str, pd.DataFrame]) -> Case:
    rng = random.Random(f"{seed}-{number}")
    file_format = FORMATS[number % 3] if number % 5 else "csv"  # CSV has the most byte-level mutations
    case = Case(number, file_format, "", True, tables={k: v.copy() for k, v in base.items()})
    roll = rng.random()
    if roll < 0.6:
        rng.choice(FRAME_MUTATIONS)(rng, case.tables, case)
        return case
    options = ANY_DISK + (CSV_DISK if file_format == "csv" else [])
    name, valid = rng.choice(options)
    table = rng.choice(sorted(case.tables))
    if name == "header only of a required table":
        table = "pairwise"  # an optional table with no rows: nothing refers into it
    if name == "truncated binary" and file_format == "csv":
        name = "truncated mid-line"
    case.disk.append((name, table, rng.randrange(10 ** 9)))
    whole_workbook = file_format == "xlsx" and name != "near-miss file name"
    case.valid, case.table = valid, (None if valid else "dataset" if whole_workbook else table)
    case.mutation = f"{name} ({'dataset.xlsx' if whole_workbook else table})"
    if name == "size limit":
        case.max_file_bytes, case.table = 200, None  # every file but the smallest is larger
    return case


# --------------------------------------------------------------------------------------------
# Writing a case

def _typed(table: str, frame: pd.DataFrame, file_format: str) -> pd.DataFrame:
    """Typed columns where every cell reads as the contract's type (as a spreadsheet or Parquet holds them)."""
    out = frame.copy()
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        kind = _kind(table, column)
        blank = values.str.strip() == ""
        if kind in ("int", "number"):
            numbers = pd.to_numeric(values.str.strip(), errors="coerce")
            if not (numbers.isna() & ~blank).any() and (file_format == "parquet" or np.isfinite(numbers.dropna()).all()):
                out.isetitem(position, numbers)
                continue
        if kind == "date":
            dates = pd.to_datetime(values.str.strip(), format="%Y-%m-%d", errors="coerce")
            if not (dates.isna() & ~blank).any():
                out.isetitem(position, dates)
                continue
        out.isetitem(position, values.mask(blank, None) if file_format == "parquet" else values.mask(blank, ""))
    return out


def write_case(case: Case, folder: Path) -> Path:
    """Write the case's tables, then apply its changes on disk; returns the path to load."""
    folder.mkdir(parents=True, exist_ok=True)
    if case.file_format == "csv":
        for name, frame in case.tables.items():
            frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    elif case.file_format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        for name, frame in case.tables.items():
            typed = _typed(name, frame, "parquet")
            arrays = [pa.array(typed.iloc[:, i], from_pandas=True) for i in range(typed.shape[1])]
            if case.retype and case.retype[0] == name:
                _, column, kind = case.retype
                position = list(typed.columns).index(column)
                text = frame[column].tolist()
                arrays[position] = {"bool": lambda: pa.array([None if v == "" else True for v in text]),
                                    "list": lambda: pa.array([None if v == "" else [v] for v in text]),
                                    "bytes": lambda: pa.array([v.encode() for v in text], type=pa.binary())}[kind]()
            pq.write_table(pa.Table.from_arrays(arrays, names=[str(c) for c in typed.columns]),
                           folder / f"{name}.parquet")
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        for name, frame in case.tables.items():
            sheet = book.create_sheet(name)
            typed = _typed(name, frame, "xlsx")
            sheet.append([str(c) for c in typed.columns])
            for row in typed.itertuples(index=False):
                sheet.append([None if (isinstance(v, str) and v == "") else
                              (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for v in row])
        book.save(folder / "dataset.xlsx")
    for name, table, seed in case.disk:
        _change_on_disk(folder, case.file_format, name, table, random.Random(seed))
    return folder


def _file_of(folder: Path, file_format: str, table: str | None) -> Path:
    if file_format == "xlsx":
        return folder / "dataset.xlsx"
    return folder / f"{table}.{file_format}"


def _change_on_disk(folder: Path, file_format: str, name: str, table: str, rng: random.Random) -> None:
    path = _file_of(folder, file_format, table)
    if name in ("fifo", "folder", "symlink loop", "symlink to /dev/zero", "dangling symlink"):
        path.unlink()
        if name == "fifo":
            os.mkfifo(path)
        elif name == "folder":
            path.mkdir()
        elif name == "symlink loop":
            os.symlink(path.name, path)
        elif name == "symlink to /dev/zero":
            os.symlink("/dev/zero", path)
        else:
            os.symlink("nowhere-" + path.name, path)
        return
    if name == "size limit":
        return  # the case loads with a limit smaller than the file
    if name == "truncated binary":
        raw = path.read_bytes()
        path.write_bytes(raw[: rng.randrange(8, max(9, len(raw) // 2))])
        return
    if name == "near-miss file name":
        stem = path.stem if file_format != "xlsx" else table
        if file_format == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(path)
            book[table].title = rng.choice([table.title(), table.upper(), table[:-1] if len(table) > 5 else table + "s"])
            book.save(path)
            return
        new = rng.choice([stem.title(), stem.upper(), stem + "_", stem[:-1] if len(stem) > 5 else stem + "x"])
        path.rename(path.with_name(new + path.suffix))
        return
    # CSV text changes
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")[:-1]  # the file ends with a newline
    data_rows = list(range(1, len(lines)))
    if name == "trailing separator on a data line" and data_rows:
        i = rng.choice(data_rows)
        lines[i] += ","
    elif name == "trailing separator on every line":
        lines = [line + "," for line in lines]
    elif name == "short line" and data_rows:
        i = rng.choice(data_rows)
        lines[i] = lines[i].rsplit(",", rng.randint(1, max(1, lines[i].count(",") ))) [0]
    elif name == "long line" and data_rows:
        i = rng.choice(data_rows)
        lines[i] += "," * rng.randint(1, 3) + rng.choice(["", "x", "12"])
    elif name == "comma-only line":
        lines.insert(rng.randint(1, len(lines)), "," * lines[0].count(","))
    elif name == "truncated mid-line" and data_rows:
        i = rng.choice(data_rows)
        cut = lines[i].rfind(",")
        keep = rng.randint(0, max(0, cut - 1))
        lines = lines[:i] + [lines[i][:keep]]
        path.write_text("\n".join(lines), encoding="utf-8")  # no final newline: cut off
        return
    elif name == "blank lines":
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randint(1, len(lines)), rng.choice(["", "  ", "\t"]))
    elif name == "header only of a required table":
        lines = lines[:1]
    elif name == "padded header":
        header = next(csv.reader([lines[0]]))
        lines[0] = ",".join(f"  {h} " for h in header)
    if name == "empty file":
        path.write_bytes(rng.choice([b"", b"\n\n", b"   \r\n"]))
        return
    text = "\n".join(lines) + "\n"
    if name in ("semicolons", "tabs", "quoted everything"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.to_csv(path, index=False, sep={"semicolons": ";", "tabs": "\t"}.get(name, ","),
                     quoting=csv.QUOTE_ALL if name == "quoted everything" else csv.QUOTE_MINIMAL,
                     lineterminator="\n")
        return
    if name == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    elif name == "utf-8 bom":
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    elif name == "utf-16":
        path.write_bytes(text.encode("utf-16"))
    elif name == "cp1252 accents":
        # Accents go into free text only (names and labels), where any text is valid.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("name", "label", "elite_role"):
            if column in frame:
                frame[column] = frame[column] + rng.choice([" Sédhiou", " (é)", " Mbañ"])
        path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("cp1252"))
    else:
        path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Running a case

class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def fingerprint(folder: Path) -> dict[str, str]:
    """What each entry of the folder is, and the hash of each regular file (never opening anything else)."""
    out = {}
    for entry in sorted(os.listdir(folder)):
        path = folder / entry
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            out[entry] = "link to " + os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            out[entry] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[entry] = f"mode {stat.S_IFMT(info.st_mode)}"
    return out


@dataclass
class Outcome:
    case: Case
    result: str  # "accepted", "rejected", "traceback", "hang"
    seconds: float
    detail: str = ""
    modified: bool = False
    named: bool = True  # a problem names the mutated table's file or sheet

    @property
    def wrong(self) -> str | None:
        if self.result in ("traceback", "hang"):
            return self.result
        if self.modified:
            return "input modified"
        if self.case.valid and self.result == "rejected":
            return "valid input rejected"
        if not self.case.valid and self.result == "accepted":
            return "bad input accepted silently"
        if self.result == "rejected" and not self.named:
            return "problem does not name the file"
        return None


def run_case(case: Case, folder: Path) -> Outcome:
    import cpanalysis

    path = write_case(case, folder)
    before = fingerprint(folder)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S)
    start = time.perf_counter()
    try:
        cpanalysis.load(path, max_file_bytes=case.max_file_bytes)
        result, detail, problems = "accepted", "", []
    except cpanalysis.DatasetError as error:
        result, detail, problems = "rejected", error.report()[:2000], error.problems
    except Hang:
        result, detail, problems = "hang", "", []
    except BaseException:  # a traceback is what this suite looks for
        result, detail, problems = "traceback", traceback.format_exc()[-3000:], []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - start
    named = True
    if result == "rejected" and case.table:
        # The first five letters survive every renaming this generator makes (Sessions, sessio, SESSIONS).
        named = any(case.table[:5] in p.file.lower() for p in problems)
    outcome = Outcome(case, result, seconds, detail, fingerprint(folder) != before, named)
    shutil.rmtree(folder, ignore_errors=True)
    case.tables = {}  # the outcome travels back from a worker process; the tables are not needed
    return outcome


def run_cases(numbers, seed: int, workdir: str) -> list[Outcome]:
    base = base_tables()
    return [run_case(make_case(n, seed, base), Path(workdir) / f"case{n}") for n in numbers]


def run_in_parallel(cases: int, seed: int, workdir: Path, workers: int | None = None) -> list[Outcome]:
    """Cases 0..cases-1, split over ``workers`` processes (default: up to 2, the CI machine's cores)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = workers or max(1, min(2, os.cpu_count() or 1))
    chunks = [range(i, cases, workers) for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(run_cases, chunks, [seed] * workers, [str(workdir)] * workers))
    return sorted((o for part in parts for o in part), key=lambda o: o.case.number)


def summary(outcomes: list[Outcome]) -> dict:
    by_format = {f: sum(o.case.file_format == f for o in outcomes) for f in FORMATS}
    return {
        "cases": len(outcomes), "by_format": by_format,
        "valid_cases": sum(o.case.valid for o in outcomes),
        "tracebacks": sum(o.result == "traceback" for o in outcomes),
        "hangs": sum(o.result == "hang" for o in outcomes),
        "inputs_modified": sum(o.modified for o in outcomes),
        "bad_inputs_accepted": sum(not o.case.valid and o.result == "accepted" for o in outcomes),
        "valid_inputs_rejected": sum(o.case.valid and o.result == "rejected" for o in outcomes),
        "problems_not_naming_the_file": sum(o.result == "rejected" and not o.named for o in outcomes),
        "slowest_case_s": round(max((o.seconds for o in outcomes), default=0), 3),
    }
