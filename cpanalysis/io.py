"""Reading and writing the files of a dataset: a folder of CSV or Parquet files, or one workbook.

Reading never modifies the input. Only regular files are opened (a folder, a FIFO, a device or a
looping link where a table's file should be is reported, never read), and at most
:data:`MAX_FILE_BYTES` bytes of each (the ``CPANALYSIS_MAX_FILE_MB`` environment variable or
``load(..., max_file_bytes=...)`` change it). CSV files are read in UTF-8 (with or without a
byte-order mark), UTF-16 with a byte-order mark, or else cp1252 and then Latin-1; the separator
(comma, semicolon or tab) is taken from the header line. Every line must have as many values as
the header has columns. Identifier and text columns are read as text so that codes such as
``007`` keep their leading zeros.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import TABLES
from .problems import ROWS_LISTED_PER_PROBLEM, Problem, Source

#: Optional small tables a dataset may carry besides the contract's tables.
EXTRA_TABLES = ("subgroups",)
FORMATS = ("csv", "xlsx", "parquet")
#: The largest file read (1 GiB: about 25 million speaking turns as CSV); larger files are reported.
MAX_FILE_BYTES = 1024 ** 3
_DATASET = "a folder of CSV or Parquet files, or an .xlsx workbook"


def max_file_bytes() -> int:
    """The size limit in force: ``CPANALYSIS_MAX_FILE_MB`` (megabytes) if set, else :data:`MAX_FILE_BYTES`.

    Examples
    --------
    >>> max_file_bytes() > 0
    True
    """
    text = os.environ.get("CPANALYSIS_MAX_FILE_MB", "").strip()
    try:
        return int(float(text) * 1024 ** 2) if text else MAX_FILE_BYTES
    except ValueError:
        return MAX_FILE_BYTES


def _text_columns(table: str) -> list[str]:
    spec = TABLES.get(table)
    if spec is None:
        return []
    return [c.name for c in spec.columns if c.kind in ("id", "text", "category", "bool", "date")]


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_problem(label: str, exc: OSError, expected: str) -> Problem:
    if exc.errno == errno.ENOENT:
        return Problem(label, "no such file or folder", expected=expected)
    reason = {errno.ELOOP: "a symbolic link that points to itself (a loop)",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.ENAMETOOLONG: "the path is too long"}.get(exc.errno, exc.strerror or str(exc))
    return Problem(label, f"cannot be read: {reason}", expected=expected)


def read_regular_file(path: Path, label: str, limit: int | None = None) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file of at most ``limit`` bytes, or the problem that prevents reading it.

    Anything else (folder, FIFO, device, socket, looping link) is refused before it is opened, so
    that nothing blocks or reads without end.

    Examples
    --------
    >>> raw, problem = read_regular_file(Path("/dev/null"), "null.csv")
    >>> raw is None and "device" in problem.message
    True
    """
    limit = max_file_bytes() if limit is None else limit
    expected = "a regular file"
    try:
        info = os.stat(path)
    except OSError as exc:
        return None, _os_problem(label, exc, expected)
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(label, f"cannot be read: it is {_kind_of(info.st_mode)}", expected=expected)
    too_large = Problem(label, f"the file is larger than the limit of {limit:,} bytes",
                        expected="a smaller file, or a higher limit (CPANALYSIS_MAX_FILE_MB)")
    if info.st_size > limit:
        return None, too_large
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it does not wait.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, Problem(label, "cannot be read: not a regular file", expected=expected)
            raw = handle.read(limit + 1)
    except OSError as exc:
        return None, _os_problem(label, exc, expected)
    if len(raw) > limit:
        return None, too_large
    return raw, None


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _blank_line(line: str) -> bool:
    return line.strip(" \t\r\x0b\x0c") == ""


def _lines_without_quotes(text: str, raw: bytes, encoding: str, separator: str):
    """(values, bytes) of each line of a CSV without quotes, counted with numpy on the bytes."""
    buffer = raw if encoding in ("utf-8", "cp1252", "latin-1", "utf-8-sig") else text.encode("utf-8")
    codes = np.frombuffer(buffer, dtype=np.uint8)
    newlines = np.flatnonzero(codes == 10)
    ends = newlines if buffer.endswith(b"\n") else np.append(newlines, len(codes))
    starts = np.concatenate(([0], newlines[: len(ends) - 1] + 1))
    separators = np.flatnonzero(codes == ord(separator))
    values = np.searchsorted(separators, ends) - np.searchsorted(separators, starts) + 1
    return values, ends - starts


def _records_with_quotes(text: str, separator: str):
    """(records, first line of each record) read by the csv module (quoted fields may hold line breaks)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records, lines, previous_end = [], [], 0
    try:
        for record in reader:
            records.append(record)
            lines.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as exc:
        return records, lines, f"line {previous_end + 1}: {exc}"
    return records, lines, None


def _ragged_problems(label: str, bad: list[tuple[int, int, str]], expected_values: int) -> list[Problem]:
    problems = []
    listed = bad[:ROWS_LISTED_PER_PROBLEM]
    for position, (line, found, text) in enumerate(listed):
        more = len(bad) - len(listed) if position == len(listed) - 1 else 0
        word = "fewer" if found < expected_values else "more"
        problems.append(Problem(label, f"{found} value(s) on this line, {word} than the header's columns",
                                row=f"line {line}", value=text[:80],
                                expected=f"{expected_values} values separated like the header", more_rows=more))
    return problems


def read_csv_table(path: Path, table: str, limit: int | None = None) -> tuple[pd.DataFrame | None, Source, list[Problem]]:
    """Read one CSV file of the contract; returns the frame (None if unreadable), its source and problems."""
    source = Source(path.name, unit="line", first_data_row=2)
    raw, problem = read_regular_file(path, path.name, limit)
    if problem is not None:
        return None, source, [problem]
    if not raw.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        return None, source, [Problem(path.name, "the file is empty", expected="a header line with the column names")]
    text, encoding = _decode(raw)
    if "\x00" in text:
        return None, source, [Problem(path.name, "the file holds NUL characters: not a text file",
                                      expected="a CSV text file (UTF-8, cp1252, Latin-1 or UTF-16)")]
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    separator = _separator(header_line)
    problems: list[Problem] = []
    if '"' not in text and ("\n" in text or "\r" not in text):
        values, lengths = _lines_without_quotes(text, raw, encoding, separator)
        # A line with few bytes may be blank (spaces only); look at those few lines as text.
        candidates = np.flatnonzero((lengths <= values + 2) | (values != values[0]))
        split = text.split("\n") if len(candidates) else None
        blank = np.zeros(len(values), dtype=bool)
        for i in candidates:
            blank[i] = _blank_line(split[i])
        content = np.flatnonzero(~blank)
        if len(content) == 0:
            return None, source, [Problem(path.name, "the file is empty", expected="a header line with the column names")]
        header_index, data_index = content[0], content[1:]
        columns = values[header_index]
        ragged = data_index[values[data_index] != columns]
        good = data_index[values[data_index] == columns]
        if len(ragged):
            split = split or text.split("\n")
            problems += _ragged_problems(path.name, [(int(i) + 1, int(values[i]), split[i].rstrip("\r"))
                                                     for i in ragged], int(columns))
        simple = len(ragged) == 0 and header_index == 0 and len(good) == len(values) - 1
        if not simple:
            split = split or text.split("\n")
            text = "\n".join(split[i] for i in np.concatenate(([header_index], good)))
        line_numbers = None if simple else good + 1
    else:
        records, starts, error = _records_with_quotes(text, separator)
        if error:
            return None, source, [Problem(path.name, f"the file could not be read as a table ({error})",
                                          expected=f"a CSV file separated by '{separator}'")]
        content = [i for i, record in enumerate(records)
                   if len(record) > 1 or (len(record) == 1 and not _blank_line(record[0]))]
        if not content:
            return None, source, [Problem(path.name, "the file is empty", expected="a header line with the column names")]
        header_index, data_index = content[0], content[1:]
        columns = len(records[header_index])
        ragged = [i for i in data_index if len(records[i]) != columns]
        good = [i for i in data_index if len(records[i]) == columns]
        if ragged:
            problems += _ragged_problems(path.name, [(starts[i], len(records[i]), separator.join(records[i]))
                                                     for i in ragged], columns)
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator="\n").writerows(records[i] for i in [header_index] + good)
        text = out.getvalue()
        line_numbers = np.asarray([starts[i] for i in good], dtype=np.int64)
    source = Source(path.name, unit="line", first_data_row=2, encoding=encoding, separator=separator,
                    line_numbers=line_numbers)
    text_columns = {name: "string" for name in _text_columns(table)}
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=text_columns, keep_default_na=False,
            na_values=[""], skipinitialspace=False, index_col=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        return None, source, problems + [Problem(path.name, f"the file could not be read as a table: {exc}",
                                                 expected=f"a CSV file separated by '{separator}'")]
    header = next(csv.reader([text.split("\n", 1)[0]], delimiter=separator), [])
    if len(header) == frame.shape[1]:
        # pandas renames a repeated header to "x.1"; keep the names as written so a repeat is reported.
        frame.columns = [str(c).strip() for c in header]
    else:
        frame.columns = [str(c).strip() for c in frame.columns]
    if line_numbers is not None and len(line_numbers) != len(frame):
        source = Source(path.name, unit="line", first_data_row=2, encoding=encoding, separator=separator)
    return frame, source, problems


def read_excel_tables(path: Path, limit: int | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, Source], list[Problem]]:
    """Read every sheet of a workbook; a sheet is a table when its name is a contract table."""
    raw, problem = read_regular_file(path, path.name, limit)
    if problem is not None:
        return {}, {}, [problem]
    try:
        # only an empty cell is missing: "n/a", "NA" or "null" typed in a cell are values to check
        sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, engine="openpyxl", header=None,
                               keep_default_na=False, na_values=[""])
    except Exception as exc:  # openpyxl raises many kinds for broken files
        return {}, {}, [Problem(path.name, f"the workbook could not be opened: {exc}", expected="an .xlsx workbook")]
    frames, sources, problems = {}, {}, []
    names = list(TABLES) + list(EXTRA_TABLES)
    for sheet_name, sheet in sheets.items():
        table = str(sheet_name).strip()
        if table not in names:
            near = near_table_name(table, names, set(sheets))
            if near:
                problems.append(Problem(f"{path.name} [sheet {sheet_name}]",
                                        f'a sheet named like a table: did you mean "{near}"?',
                                        expected=f'the sheet name "{near}", exactly'))
            continue
        label = f"{path.name} [sheet {table}]"
        sheet = sheet.dropna(how="all").dropna(axis=1, how="all") if sheet.shape[0] else sheet
        if sheet.shape[0] == 0 or sheet.shape[1] == 0:
            problems.append(Problem(label, "the sheet is empty", expected="a header row with the column names"))
            continue
        header_row = sheet.index[0]
        header = ["" if pd.isna(c) else str(c).strip() for c in sheet.iloc[0]]
        frame = sheet.iloc[1:].infer_objects()
        rows = frame.index.to_numpy() + 1  # the sheet's own row numbers (header_row is 0-based)
        frame = frame.reset_index(drop=True)
        frame.columns = header
        for name in _text_columns(table):
            if name in frame.columns and header.count(name) == 1:
                frame[name] = _cells_as_text(frame[name])
        frames[table] = frame
        simple = header_row == 0 and np.array_equal(rows, np.arange(2, len(rows) + 2))
        sources[table] = Source(label, unit="row", first_data_row=2, line_numbers=None if simple else rows)
    return frames, sources, problems


def _cells_as_text(values: pd.Series) -> pd.Series:
    """Spreadsheet cells as text: 101.0 typed into an id cell reads as "101", dates stay dates."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    def one(cell):
        if cell is None or (isinstance(cell, float) and pd.isna(cell)):
            return pd.NA
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        if isinstance(cell, (pd.Timestamp,)):
            return cell.isoformat()
        return str(cell)
    return values.map(one).astype("string")


def read_parquet_table(path: Path, table: str, limit: int | None = None) -> tuple[pd.DataFrame | None, Source, list[Problem]]:
    """Read one Parquet file of the contract; returns the frame (None if unreadable), its source and problems."""
    source = Source(path.name, unit="row", first_data_row=1)
    raw, problem = read_regular_file(path, path.name, limit)
    if problem is not None:
        return None, source, [problem]
    try:
        import pyarrow.parquet as pq

        # Through ParquetFile, so that a repeated column name is read (and then reported) rather than refused.
        frame = pq.ParquetFile(io.BytesIO(raw)).read().to_pandas()
    except Exception as exc:  # pyarrow raises several kinds for broken files
        return None, source, [Problem(path.name, f"the file could not be read as Parquet: {exc}")]
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    names = list(frame.columns)
    for name in _text_columns(table):
        if names.count(name) == 1 and not pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].astype("string")
    return frame, source, []


def _normalised_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn ``a`` into ``b``.

    Examples
    --------
    >>> edit_distance("distrcit", "district"), edit_distance("sensitive_", "sensitive")
    (1, 1)
    """
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def near_name(name: str, candidates, taken=()) -> str | None:
    """The candidate ``name`` was probably meant to be (case, spaces, a small typo), if any.

    Examples
    --------
    >>> near_name("DISTRICT", ["community_id", "name", "district"])
    'district'
    >>> near_name("notes", ["community_id", "name", "district"]) is None
    True
    """
    plain = _normalised_name(name)
    for candidate in candidates:
        if candidate in taken or candidate == name:
            continue
        if plain == candidate:
            return candidate
    for candidate in candidates:
        if candidate in taken or candidate == name:
            continue
        allowed = 1 if len(candidate) <= 5 else 2
        if abs(len(plain) - len(candidate)) <= allowed and edit_distance(plain, candidate) <= allowed:
            return candidate
    return None


def near_table_name(stem: str, names, present) -> str | None:
    """The table a file or sheet was probably meant to be, when that table is not present itself."""
    return near_name(stem, names, taken={n for n in names if n in present})


def read_files(path: str | Path, max_file_bytes: int | None = None
               ) -> tuple[dict[str, pd.DataFrame], dict[str, Source], list[Problem], str]:
    """Read the tables found at ``path``; returns frames, sources, reading problems and the format."""
    path = Path(path)
    label = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        return {}, {}, [_os_problem(label, exc, _DATASET)], "unknown"
    if stat.S_ISREG(info.st_mode):
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frames, sources, problems = read_excel_tables(path, max_file_bytes)
            return frames, sources, problems, "xlsx"
        return {}, {}, [Problem(path.name, "not a dataset", expected=_DATASET)], "unknown"
    if not stat.S_ISDIR(info.st_mode):
        return {}, {}, [Problem(label, f"cannot be read: it is {_kind_of(info.st_mode)}", expected=_DATASET)], "unknown"
    try:
        entries = sorted(entry.name for entry in os.scandir(path))
    except OSError as exc:
        return {}, {}, [_os_problem(label, exc, _DATASET)], "unknown"
    names = list(TABLES) + list(EXTRA_TABLES)
    by_suffix: dict[str, dict[str, Path]] = {".csv": {}, ".parquet": {}, ".xlsx": {}}
    for entry in entries:
        stem, dot, suffix = entry.rpartition(".")
        if dot and "." + suffix.lower() in by_suffix:
            by_suffix["." + suffix.lower()][stem] = path / entry
    csv_files = {stem: p for stem, p in by_suffix[".csv"].items() if stem in names}
    parquet_files = {stem: p for stem, p in by_suffix[".parquet"].items() if stem in names}
    workbooks = list(by_suffix[".xlsx"].values())
    if not csv_files and not parquet_files and len(workbooks) == 1:
        frames, sources, problems = read_excel_tables(workbooks[0], max_file_bytes)
        return frames, sources, problems, "xlsx"
    problems: list[Problem] = []
    present = set(csv_files) | set(parquet_files)
    for suffix in (".csv", ".parquet"):
        for stem, file in by_suffix[suffix].items():
            near = None if stem in names else near_table_name(stem, names, present)
            if near:
                problems.append(Problem(file.name, f'a file named like a table: did you mean "{near}{suffix}"?',
                                        expected=f'the file name "{near}{suffix}", exactly'))
    frames, sources = {}, {}
    file_format = "parquet" if parquet_files and not csv_files else "csv"
    for table in names:
        if table in csv_files:
            frame, source, found = read_csv_table(csv_files[table], table, max_file_bytes)
        elif table in parquet_files:
            frame, source, found = read_parquet_table(parquet_files[table], table, max_file_bytes)
        else:
            continue
        problems += found
        sources[table] = source
        if frame is not None:
            frames[table] = frame
    return frames, sources, problems, file_format


def write_tables(tables: dict[str, pd.DataFrame], path: str | Path, file_format: str) -> Path:
    """Write tables as a folder of CSV or Parquet files, or as one workbook (``path`` ending .xlsx)."""
    if file_format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {file_format!r}")
    path = Path(path)
    if file_format == "xlsx":
        if path.suffix.lower() != ".xlsx":
            path.mkdir(parents=True, exist_ok=True)
            path = path / "dataset.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in tables.items():
                _for_excel(frame).to_excel(writer, sheet_name=name, index=False)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if file_format == "csv":
            frame.to_csv(path / f"{name}.csv", index=False, lineterminator="\n", date_format="%Y-%m-%d")
        else:
            frame.to_parquet(path / f"{name}.parquet", index=False)
    return path


def _for_excel(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = out[name].dt.tz_localize(None)
    return out
