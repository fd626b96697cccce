"""Readers of KoboToolbox and ODK Central exports of the session form.

Each reader returns an :class:`~cpanalysis.importers._core.Export`: the export's tables renamed to
the form's field names, with each row's key, parent key and place in the export. The files are only
read.

- KoboToolbox XLSX: one sheet for the submissions and one per repeat (nested repeats too), linked by
  ``_index`` / ``_parent_index`` / ``_parent_table_name``; headers are group paths joined with
  ``/`` (``session/date``); dates may be Excel serial numbers; ``_submission__*`` columns on repeat
  sheets are ignored.
- KoboToolbox CSV: ``;`` (or ``,``) separated and quoted; headers as XML names or as labels;
  select_multiple as one space-separated column and/or one-hot ``field/option`` columns; an
  optional HXL hashtag row under the header. Kobo's CSV export holds the submissions only; repeat
  tables, when you have them (e.g. ``roster.csv``), go in the same folder or zip.
- ODK Central CSV zip (``Download all data as CSV``): ``FormId.csv`` plus ``FormId-repeat.csv``
  per repeat, headers joined with ``-`` (``session-date``), linked by ``KEY`` / ``PARENT_KEY``.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pandas as pd

from ..forms import REPEATS
from ._core import Export, Sheet, as_text, fields_frame, label_map, load_form
from ..problems import Problem, ProblemList


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- KoboToolbox XLSX ---------------------------------------------------------------------------

def read_kobo_xlsx(path: str | Path, *, progress: bool = False) -> Export:
    """Read a KoboToolbox XLSX export (one sheet per table, group paths joined with ``/``)."""
    path = Path(path)
    export = Export(path.name, {})
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for broken files
        export.problems.add(Problem(path.name, f"the workbook could not be opened: {exc}",
                                    expected="a KoboToolbox XLSX export"))
        return export
    main_name = next((n for n, f in book.items() if "_parent_index" not in f.columns), None)
    for sheet_name, raw in book.items():
        if progress:
            _progress(f"reading {path.name} [sheet {sheet_name}] ({len(raw):,} rows)")
        raw.columns = [str(c).strip() for c in raw.columns]
        is_main = sheet_name == main_name
        name = "main" if is_main else _repeat_name(sheet_name)
        if name is None:
            continue
        n = len(raw)
        index = [as_text(v) for v in raw["_index"]] if "_index" in raw else [str(i + 1) for i in range(n)]
        keys = [f"{name}:{v}" for v in index]
        if is_main:
            parents = [None] * n
        else:
            if "_parent_index" not in raw:
                export.problems.add(Problem(f"{path.name} [sheet {sheet_name}]", "missing column",
                                            column="_parent_index", expected="Kobo's links between sheets"))
                continue
            tables = raw["_parent_table_name"] if "_parent_table_name" in raw else [None] * n
            parents = []
            for table, parent_index in zip(tables, raw["_parent_index"]):
                table = as_text(table)
                parent = _repeat_name(table) if table and table != main_name else None
                parents.append(f"{parent or 'main'}:{as_text(parent_index)}")
        export.sheets[name] = Sheet(name, fields_frame(raw, "/"), keys, parents, f"sheet {sheet_name}",
                                    [f"row {i + 2}" for i in range(n)], parent_column="_parent_index")
    return export


def _repeat_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = str(name).strip()
    if name in REPEATS:
        return name
    for repeat in REPEATS:   # "cp_session-turns", "Community planning session_turns", ...
        if name.endswith(("-" + repeat, "_" + repeat, "/" + repeat)):
            return repeat
    return None


# --- CSV files (KoboToolbox and ODK Central) ----------------------------------------------------

def _read_csv_text(raw: bytes, part: str, problems: ProblemList, export_name: str):
    """A CSV file as text columns; returns (frame, first data line number) or (None, 0)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    header = text.split("\n", 1)[0]
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False,
                            na_values=[""], quotechar='"')
    except (pd.errors.ParserError, ValueError) as exc:
        problems.add(Problem(f"{export_name} [{part}]" if part else export_name,
                             f"the file could not be read as a table: {exc}", expected="a CSV export"))
        return None, 0
    frame.columns = [str(c).strip() for c in frame.columns]
    first_line = 2
    if len(frame):
        first = [v for v in frame.iloc[0].tolist() if isinstance(v, str) and v.strip()]
        if first and all(v.strip().startswith("#") for v in first):   # HXL hashtag row
            frame = frame.iloc[1:].reset_index(drop=True)
            first_line = 3
    return frame, first_line


def _csv_files(path: Path) -> dict[str, bytes]:
    """Name -> content of the CSV files of a file, a folder or a zip."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.glob("*.csv"))}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {Path(n).name: archive.read(n) for n in sorted(archive.namelist()) if n.lower().endswith(".csv")}
    return {path.name: path.read_bytes()}


def read_kobo_csv(path: str | Path, *, form=None, progress: bool = False) -> Export:
    """Read a KoboToolbox CSV export: a ``.csv`` file, or a folder or zip of the main and repeat CSVs."""
    path = Path(path)
    form = load_form(form)
    labels = label_map(form)
    export = Export(path.name, {})
    files = _csv_files(path)
    single = path.is_file() and not zipfile.is_zipfile(path)
    repeats = {name: _repeat_name(Path(name).stem) for name in files}
    mains = [n for n, r in repeats.items() if r is None]
    if len(mains) != 1:
        export.problems.add(Problem(path.name, f"found {len(mains)} tables of submissions",
                                    expected="one main CSV file (plus, optionally, one CSV per repeat named after it)"))
        return export
    for file_name, content in files.items():
        part = None if single else file_name
        if progress:
            _progress(f"reading {export.where(part)}")
        raw, first_line = _read_csv_text(content, part, export.problems, export.name)
        if raw is None:
            continue
        name = repeats[file_name] or "main"
        xml_headers = any(str(c).split("/")[-1] in ("session_id", "participant_id", "kind", "ranker_type",
                                                    "item_harm", "decision_harm", "speaker_subgroup")
                          for c in raw.columns)
        frame = fields_frame(raw, "/", None if xml_headers else labels)
        n = len(raw)
        index = [as_text(v) for v in raw["_index"]] if "_index" in raw else [str(i + 1) for i in range(n)]
        keys = [f"{name}:{v}" for v in index]
        if name == "main":
            parents = [None] * n
        else:
            tables = raw["_parent_table_name"] if "_parent_table_name" in raw else [None] * n
            parents = [f"{_repeat_name(as_text(t)) or 'main'}:{as_text(p)}"
                       for t, p in zip(tables, raw.get("_parent_index", [None] * n))]
        export.sheets[name] = Sheet(name, frame, keys, parents, part,
                                    [f"line {i + first_line}" for i in range(n)], parent_column="_parent_index")
    return export


def read_odk_zip(path: str | Path, *, progress: bool = False) -> Export:
    """Read an ODK Central CSV zip: ``FormId.csv`` and ``FormId-<repeat>.csv``, linked by KEY/PARENT_KEY."""
    path = Path(path)
    export = Export(path.name, {})
    try:
        files = _csv_files(path)
    except (zipfile.BadZipFile, OSError) as exc:
        export.problems.add(Problem(path.name, f"the zip could not be opened: {exc}", expected="an ODK Central CSV zip"))
        return export
    repeats = {name: _repeat_name(Path(name).stem) for name in files}
    mains = [n for n, r in repeats.items() if r is None]
    if len(mains) != 1:
        export.problems.add(Problem(path.name, f"found {len(mains)} tables of submissions",
                                    expected="FormId.csv plus FormId-<repeat>.csv files"))
        return export
    for file_name, content in files.items():
        if progress:
            _progress(f"reading {path.name} [{file_name}]")
        raw, first_line = _read_csv_text(content, file_name, export.problems, export.name)
        if raw is None:
            continue
        name = repeats[file_name] or "main"
        key_column = "KEY" if "KEY" in raw else "meta-instanceID"
        if key_column not in raw:
            export.problems.add(Problem(export.where(file_name), "missing column", column="KEY",
                                        expected="ODK Central's KEY column"))
            continue
        keys = [as_text(v) for v in raw[key_column]]
        if name == "main":
            parents = [None] * len(raw)
        elif "PARENT_KEY" not in raw:
            export.problems.add(Problem(export.where(file_name), "missing column", column="PARENT_KEY",
                                        expected="ODK Central's PARENT_KEY column"))
            continue
        else:
            parents = [as_text(v) for v in raw["PARENT_KEY"]]
        export.sheets[name] = Sheet(name, fields_frame(raw, "-/"), keys, parents, file_name,
                                    [f"line {i + first_line}" for i in range(len(raw))], parent_column="PARENT_KEY")
    return export

