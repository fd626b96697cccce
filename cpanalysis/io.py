"""Reading and writing the files of a dataset: a folder of CSV or Parquet files, or one workbook.

Reading never modifies the input. CSV files are read in UTF-8 (with or without a byte-order mark),
falling back to cp1252 and then Latin-1; the separator (comma, semicolon or tab) is taken from
the header line. Identifier and text columns are read as text so that codes such as ``007`` keep
their leading zeros.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .contract import TABLES
from .problems import Problem, Source

#: Optional small tables a dataset may carry besides the contract's tables.
EXTRA_TABLES = ("subgroups",)
FORMATS = ("csv", "xlsx", "parquet")


def _text_columns(table: str) -> list[str]:
    spec = TABLES.get(table)
    if spec is None:
        return []
    return [c.name for c in spec.columns if c.kind in ("id", "text", "category", "bool", "date")]


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def read_csv_table(path: Path, table: str) -> tuple[pd.DataFrame | None, Source, list[Problem]]:
    """Read one CSV file of the contract; returns the frame (None if unreadable), its source and problems."""
    raw = path.read_bytes()
    source = Source(path.name, unit="line", first_data_row=2)
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, source, [Problem(path.name, "the file is empty", expected="a header line with the column names")]
    text, encoding = _decode(raw)
    header_line = text.split("\n", 1)[0]
    separator = _separator(header_line)
    source = Source(path.name, unit="line", first_data_row=2, encoding=encoding, separator=separator)
    text_columns = {name: "string" for name in _text_columns(table)}
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=text_columns, keep_default_na=False,
            na_values=[""], skipinitialspace=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        return None, source, [Problem(path.name, f"the file could not be read as a table: {exc}",
                                      expected=f"a CSV file separated by '{separator}'")]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, source, []


def read_excel_tables(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Source], list[Problem]]:
    """Read every sheet of a workbook; a sheet is a table when its name is a contract table."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for broken files
        return {}, {}, [Problem(path.name, f"the workbook could not be opened: {exc}", expected="an .xlsx workbook")]
    frames, sources, problems = {}, {}, []
    for sheet_name, frame in sheets.items():
        table = str(sheet_name).strip()
        if table not in TABLES and table not in EXTRA_TABLES:
            continue
        label = f"{path.name} [sheet {table}]"
        if frame.shape[1] == 0:
            problems.append(Problem(label, "the sheet is empty", expected="a header row with the column names"))
            continue
        frame.columns = [str(c).strip() for c in frame.columns]
        for name in _text_columns(table):
            if name in frame.columns:
                frame[name] = _cells_as_text(frame[name])
        frames[table] = frame
        sources[table] = Source(label, unit="row", first_data_row=2)
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


def read_parquet_table(path: Path, table: str) -> tuple[pd.DataFrame | None, Source, list[Problem]]:
    source = Source(path.name, unit="row", first_data_row=1)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for broken files
        return None, source, [Problem(path.name, f"the file could not be read as Parquet: {exc}")]
    frame = frame.reset_index(drop=True)
    for name in _text_columns(table):
        if name in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].astype("string")
    return frame, source, []


def read_files(path: str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, Source], list[Problem], str]:
    """Read the tables found at ``path``; returns frames, sources, reading problems and the format."""
    path = Path(path)
    if not path.exists():
        return {}, {}, [Problem(str(path), "no such file or folder",
                                expected="a folder of CSV or Parquet files, or an .xlsx workbook")], "unknown"
    if path.is_file():
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frames, sources, problems = read_excel_tables(path)
            return frames, sources, problems, "xlsx"
        return {}, {}, [Problem(path.name, "not a dataset",
                                expected="a folder of CSV or Parquet files, or an .xlsx workbook")], "unknown"
    frames, sources, problems = {}, {}, []
    names = list(TABLES) + list(EXTRA_TABLES)
    csv_files = {p.stem: p for p in path.glob("*.csv") if p.stem in names}
    parquet_files = {p.stem: p for p in path.glob("*.parquet") if p.stem in names}
    workbooks = sorted(path.glob("*.xlsx"))
    if not csv_files and not parquet_files and len(workbooks) == 1:
        return read_files(workbooks[0])
    file_format = "parquet" if parquet_files and not csv_files else "csv"
    for table in names:
        if table in csv_files:
            frame, source, found = read_csv_table(csv_files[table], table)
        elif table in parquet_files:
            frame, source, found = read_parquet_table(parquet_files[table], table)
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
