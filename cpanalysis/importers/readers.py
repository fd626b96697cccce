"""Readers of the downloads KoboToolbox and ODK Central really make of the session form.

Each reader returns an :class:`~cpanalysis.importers._core.Export`: the export's tables with their
columns renamed to the form's question names and their answers as choice names, each row with its
own key, its parent's key and its place in the export. Every sheet or file of the export is either
read or named in a problem (an error when it may hold data, a note otherwise). Files are only read.

- KoboToolbox XLSX (*Downloads* > XLS): one sheet for the submissions (named after the form's
  title) and one per repeat that has entries, linked by ``_index`` / ``_parent_index`` /
  ``_parent_table_name``. Headers are XML names or labels (any language of the form), with or
  without the groups, joined with ``/`` or ``.``; with labels, the answers are labels too.
- KoboToolbox CSV: the table of submissions only (KoboToolbox puts no repeat in a CSV export).
  What it holds is read and checked, and the import stops, naming the XLSX download.
- ODK Central *Download all data* (a ``.zip``, or the folder it unzips to): ``FormId.csv`` and
  ``FormId-<repeat>.csv`` per repeat, linked by ``KEY`` / ``PARENT_KEY``; headers joined with ``-``
  or without groups. ODK Central's "main data table (no repeats)" CSV is read and checked, and the
  import stops, naming the zip download.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..problems import Problem
from ._core import Export, Sheet, as_text
from ..forms import ACTION_REPEATS
from .form_schema import MULTI_KINDS, SEPARATORS, FormSchema

KOBO_XLSX_DOWNLOAD = ('the KoboToolbox XLSX download (Downloads > "XLS", "XML values and headers", '
                      '"Include groups in headers")')
ODK_ZIP_DOWNLOAD = 'the ODK Central zip ("Download" > "All data", not "Main data table (no repeats)")'
#: Columns the platforms add to every export (not questions of the form).
PLATFORM_COLUMNS = {
    "start", "end", "today", "deviceid", "__version__", "KEY", "PARENT_KEY", "SubmissionDate", "SubmitterID",
    "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion", "instanceID", "formhub/uuid", "meta/instanceID", "meta-instanceID", "meta.instanceID",
    "meta/deprecatedID", "meta-deprecatedID", "instanceName", "meta-instanceName", "meta/instanceName",
}
LISTED_ROWS = 20
#: Repeats added by form version 2 (the action plan): downloads of version 1 submissions lack them.
ADDED_REPEATS = frozenset(ACTION_REPEATS)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _is_platform_column(header: str) -> bool:
    return header in PLATFORM_COLUMNS or header.startswith("_") or header.startswith("#")


@dataclass(eq=False)
class RawTable:
    """One sheet or file of an export, as read."""

    name: str                   # the sheet or file name
    part: str | None            # how problems name it: "sheet turns", "cp_session-turns.csv"
    frame: pd.DataFrame         # text or typed cells, headers stripped
    rows: list[str]             # each row's place: "row 2", "line 3"


# --- headers and answers ------------------------------------------------------------------------

class HeaderReader:
    """Recognises an export's headers and answers: separator and language found from the headers."""

    def __init__(self, schema: FormSchema, tables: list[RawTable]):
        self.schema = schema
        self._cache: dict = {}
        best = None
        languages = [None] + sorted(schema.languages)
        for language in languages:
            for separator in SEPARATORS:
                score = sum(self.identify(t.frame.columns, separator, language)[1] for t in tables)
                if best is None or score > best[0]:
                    best = (score, separator, language)
        _, self.separator, self.language = best

    def headers(self, repeat, separator=None, language="auto"):
        separator = self.separator if separator is None else separator
        language = self.language if language == "auto" else language
        key = (repeat, separator, language)
        if key not in self._cache:
            self._cache[key] = self.schema.headers(repeat, separator, language)
        return self._cache[key]

    def identify(self, columns, separator=None, language="auto") -> tuple[str | None, int]:
        """The table (None: main, else a repeat) whose questions match most headers, and how many match."""
        best = (None, 0)
        for repeat in [None, *self.schema.repeats]:
            known = self.headers(repeat, separator, language)
            score = sum(1 for c in columns if str(c) in known)
            if score > best[1]:
                best = (repeat, score)
        return best

    def fields(self, table: RawTable, repeat: str | None, export: Export) -> pd.DataFrame:
        """The table's columns renamed to question names, answers as choice names.

        Split select_multiple columns are joined back when the one-column answer is absent; headers
        that are neither questions nor platform columns are named in a note.
        """
        known = self.headers(repeat)
        raw = table.frame
        plain, onehot, unknown = {}, {}, []
        for header in raw.columns:
            text = str(header)
            match = known.get(text)
            if match is None:
                blank_header = text.startswith("Unnamed:")      # pandas' name for a header cell left empty
                if blank_header and raw[header].map(as_text).notna().any():
                    unknown.append(f"(no header, column {list(raw.columns).index(header) + 1})")
                elif not blank_header and not _is_platform_column(text):
                    unknown.append(text)
                continue
            name, option = match
            if option is None:
                plain.setdefault(name, text)
            else:
                onehot.setdefault(name, []).append((text, option))
        if unknown:
            export.notes.append(Problem(export.where(table.part), "columns not read: they are not questions of "
                                        f"the form {self.schema.form_id}", value=", ".join(unknown),
                                        expected="the form the data was collected with (--form), "
                                        "if it has more questions"))
        out = pd.DataFrame({name: raw[header].tolist() for name, header in plain.items()}, index=range(len(raw)))
        for name, columns in onehot.items():
            if name in out:
                continue
            cells = [raw[h].tolist() for h, _ in columns]

            def chosen(i, columns=columns, cells=cells):
                picked = [option for (_, option), values in zip(columns, cells)
                          if as_text(values[i]) in ("1", "True", "true", "1.0")]
                return " ".join(picked) if picked else None
            out[name] = [chosen(i) for i in range(len(raw))]
        if self.language is not None:
            for name in out.columns:
                question = self.schema.questions[name]
                if question.list_name is None:
                    continue
                multi = question.kind in MULTI_KINDS
                out[name] = [self._answer(question.list_name, v, multi) for v in out[name].tolist()]
        return out

    def _answer(self, list_name, value, multi: bool):
        text = as_text(value)
        if text is None:
            return None
        if multi:
            return self.schema.choice_names(list_name, text, self.language)
        return self.schema.choice_name(list_name, text, self.language) or text


# --- the parts of every reader ------------------------------------------------------------------

def _stop(export: Export, message: str, *, part: str | None = None, expected: str | None = None,
          value: str | None = None) -> Export:
    """One problem that makes reading the rest pointless (another form, no submissions, ...)."""
    export.problems.add(Problem(export.where(part), message, value=value, expected=expected))
    export.stopped = True
    return export


def _header_examples(schema: FormSchema, name: str) -> str:
    """How a question's column is headed in the usual downloads, for messages."""
    question = schema.questions.get(name)
    if question is None:
        return name
    path = [*question.path, name]
    label = schema.label(question.labels, "", name)
    return f"{'/'.join(path)}, {'-'.join(path)}, {name} or \"{label}\""


def _main_table(export: Export, reader: HeaderReader, table: RawTable, key_column: str | None) -> Sheet | None:
    """The table of submissions, or None (and a stop) when it is not one of this form."""
    schema = reader.schema
    frame = reader.fields(table, None, export)
    key = schema.key_question
    if key not in frame.columns:
        shown = [c for c in table.frame.columns if not _is_platform_column(str(c))][:4]
        looks_like = Path(str(table.name)).stem
        if looks_like.lower() in (schema.title.lower(), schema.form_id.lower()):
            message = (f"none of the columns is the question {key} of the form given ({schema.file}): the "
                       "download has labels in a language that form does not have, or another form has the same "
                       "name")
        else:
            message = (f"this is not an export of the form \"{schema.title}\" ({schema.form_id}): none of its "
                       f"columns is the question {key}; it looks like an export of \"{looks_like}\"")
            export.foreign = True
        _stop(export, message, part=table.part, value=", ".join(shown) or None,
              expected=f"an export of {schema.form_id} (a column {_header_examples(schema, key)}), "
              "downloaded with XML values and headers, or with labels of the form given with --form")
        return None
    for column in ("__version__", "FormVersion"):
        versions = pd.Series(table.frame[column] if column in table.frame else [], dtype=object).map(as_text)
        counts = versions.dropna().value_counts(sort=False)
        if len(counts) > 1:       # read together: a question a version lacks is simply empty
            export.notes.append(Problem(export.where(table.part), f"submissions from {len(counts)} versions of the "
                                        "form, read together", column=column,
                                        value=", ".join(f"{v}: {n}" for v, n in counts.items())))
    if key_column and key_column in table.frame:
        keys = [f"main:{as_text(v)}" for v in table.frame[key_column]]
    else:
        keys = [f"main:{i + 1}" for i in range(len(frame))]
    return Sheet("main", frame, keys, [None] * len(frame), table.part, table.rows, parent_column=None)


def _repeat_words(schema: FormSchema) -> str:
    """The form's repeats in words, for messages: "the roster, turns, ... and actions"."""
    names = [name for name, info in schema.repeats.items() if info.parent is None]
    if len(names) <= 1:
        return "the " + "".join(names) if names else "the repeats"
    return "the " + ", ".join(names[:-1]) + " and " + names[-1]


def _no_submissions(export: Export, part: str | None, download: str) -> Export:
    return _stop(export, "the export holds no submissions (it was made before any submission arrived)",
                 part=part, expected=f"a new download once sessions are submitted: {download}")


def _limited(export: Export, problems: list[Problem]) -> None:
    for problem in problems[:LISTED_ROWS]:
        export.problems.add(problem)
    if len(problems) > LISTED_ROWS:
        last = export.problems.problems[-1]
        export.problems.problems[-1] = Problem(last.file, last.message, last.row, last.column, last.value,
                                               last.expected, more_rows=len(problems) - LISTED_ROWS)


def _check_repeats(export: Export, schema: FormSchema, read: dict[str, str | None]) -> None:
    """A repeat without a sheet or file: an error when the submissions say it has entries, else a note.

    ``read`` maps each repeat found to its sheet or file. A repeat "has entries" when its ``relevant``
    condition holds for a row of its parent table, or when the data contract needs its table
    (rankings).
    """
    needed_by_contract = {"rankings"}
    for repeat, info in schema.repeats.items():
        if repeat in read:
            continue
        if repeat in ADDED_REPEATS:
            _note_added_repeat(export, schema, repeat)
            continue
        parent = export.sheets.get(info.parent or "main")
        if parent is None:
            continue
        conditions = schema.relevant_values(repeat)
        rows = []
        if conditions:
            for i in range(len(parent.keys)):
                if any(q in parent.frame and as_text(parent.frame[q].iloc[i]) == v for q, v in conditions):
                    rows.append(parent.rows[i])
        where = "sheet" if export.kind == "kobo-xlsx" else "file"
        if export.kind == "odk-zip":
            # ODK Central's download has one file per repeat, even when no submission has entries
            export.problems.add(Problem(export.name, f"no file for the repeat \"{repeat}\" (its entries are missing)",
                                        expected=f"the file {Path(export.sheets['main'].part or '').stem}-{repeat}.csv "
                                        f"that {ODK_ZIP_DOWNLOAD} holds"))
        elif rows:
            shown = ", ".join(rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
            export.problems.add(Problem(export.where(parent.part), f"no {where} for the repeat \"{repeat}\", yet the "
                                        f"form shows it for {len(rows)} row(s) ({shown}): its entries are missing",
                                        value=schema.repeats[repeat].relevant,
                                        expected=f"the {where} \"{repeat}\" of the complete download "
                                        f"({KOBO_XLSX_DOWNLOAD if export.kind == 'kobo-xlsx' else ODK_ZIP_DOWNLOAD})"))
        elif repeat in needed_by_contract and len(parent.keys):
            export.problems.add(Problem(export.name, f"no {where} for the repeat \"{repeat}\"",
                                        expected=f"the {where} \"{repeat}\" of the complete download"))
        else:
            export.notes.append(Problem(export.name, f"no {where} for the repeat \"{repeat}\": the export holds "
                                        f"no {repeat} entries"))


def _note_added_repeat(export: Export, schema: FormSchema, repeat: str) -> None:
    """A repeat added by form version 2 without a sheet or file: a note naming the rows it was shown for.

    Downloads of submissions made with form version 1 have no such sheet or file, and KoboToolbox
    leaves out the sheet of a repeat without entries; in both cases the export holds no entries.
    """
    parent = export.sheets.get(schema.repeats[repeat].parent or "main")
    conditions = schema.relevant_values(repeat) or []
    rows = [parent.rows[i] for i in range(len(parent.keys))
            if any(q in parent.frame and as_text(parent.frame[q].iloc[i]) == v for q, v in conditions)] \
        if parent is not None else []
    where = "sheet" if export.kind == "kobo-xlsx" else "file"
    shown = ""
    if rows:
        listed = ", ".join(rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        shown = f" ({len(rows)} submission(s) where the form shows it: {listed})"
    export.notes.append(Problem(export.name, f"no {where} for the repeat \"{repeat}\": no {repeat} imported"
                                f"{shown}; submissions made with form version 1, or with no {repeat} entered, "
                                "have none", expected=f"the {where} \"{repeat}\" if {repeat} were entered with "
                                "form version 2 (then download again)"))


# --- KoboToolbox XLSX ---------------------------------------------------------------------------

def _kobo_sheet_repeat(sheet_name: str, schema: FormSchema) -> str | None:
    """The repeat a sheet is named after (KoboToolbox cuts sheet names to 31 characters)."""
    name = sheet_name.strip().lower()
    for repeat in schema.repeats:
        if name == repeat.lower()[:31]:
            return repeat
    return None


def read_kobo_xlsx(path: str | Path, *, form=None, progress: bool = False) -> Export:
    """Read a KoboToolbox XLSX export of the session form (see the module's notes), without validating.

    Parameters
    ----------
    path : str or Path
    form : FormSchema, dict, str or Path, optional
        The form (default: the shipped one).
    progress : bool
        Print a line per sheet to stderr.

    Returns
    -------
    Export
        Its ``problems`` and ``notes`` say what could not be read.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers.exports import form_for, write_kobo_xlsx
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> form = form_for(data, folder / "form.xlsx")
    >>> export = read_kobo_xlsx(write_kobo_xlsx(data, folder / "export.xlsx"), form=form)
    >>> sorted(export.sheets), len(export.problems)
    (['actions', 'decisions', 'items', 'main', 'rankings', 'roster', 'turns'], 0)
    """
    from ._core import load_form

    path = Path(path)
    schema = form if isinstance(form, FormSchema) else FormSchema(load_form(form))
    export = Export(path.name, {}, kind="kobo-xlsx")
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl",
                             keep_default_na=False, na_values=[""])   # "None" is a label (resources)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        return _stop(export, f"the workbook could not be opened: {exc}", expected="a KoboToolbox XLSX export")
    if {"survey", "choices"} & {s.strip().lower() for s in book}:
        return _stop(export, "this is an XLSForm (a form, with a survey sheet), not an export of submissions",
                     expected="the form given with --form FORM.xlsx and, as the export, "
                     f"{KOBO_XLSX_DOWNLOAD} or {ODK_ZIP_DOWNLOAD}")
    tables = []
    for sheet_name, raw in book.items():
        raw.columns = [str(c).strip() for c in raw.columns]
        raw, first_row = _without_hxl_row(raw)
        tables.append(RawTable(sheet_name, f"sheet {sheet_name}", raw,
                               [f"row {i + first_row}" for i in range(len(raw))]))
        if progress:
            _progress(f"reading {path.name} [sheet {sheet_name}] ({len(raw):,} rows)")
    filled = [t for t in tables if len(t.frame.columns) or len(t.frame)]
    if not filled:
        return _no_submissions(export, None, KOBO_XLSX_DOWNLOAD)
    mains = [t for t in filled if "_parent_index" not in t.frame.columns]
    if not mains:
        return _stop(export, "no sheet of submissions (every sheet has a _parent_index column)",
                     expected="the sheet named after the form's title, as downloaded")
    reader = HeaderReader(schema, filled)
    known = reader.headers(None)
    main_table = max(mains, key=lambda t: sum(1 for c in t.frame.columns if c in known))   # first of equals
    main = _main_table(export, reader, main_table, "_index")
    if main is None:
        return export
    if not len(main_table.frame):
        return _no_submissions(export, main_table.part, KOBO_XLSX_DOWNLOAD)
    export.sheets["main"] = main
    for table in tables:
        if table not in filled:
            export.notes.append(Problem(export.where(table.part), "this sheet was not read: it is empty",
                                        value=table.name))
    sheet_of: dict[str, str] = {}             # repeat -> sheet name
    for table in filled:
        if table is main_table:
            continue
        named = _kobo_sheet_repeat(table.name, schema)
        by_columns, score = reader.identify(table.frame.columns)
        if named is not None and "_parent_index" not in table.frame.columns:
            export.problems.add(Problem(export.where(table.part), "missing column", column="_parent_index",
                                        expected="KoboToolbox's links between sheets (_index, _parent_index, "
                                        "_parent_table_name), as downloaded"))
            continue
        if named is None or (score and by_columns != named):
            _unknown_sheet(export, reader, table, by_columns if score else None, "sheet")
            continue
        if named in sheet_of:
            export.problems.add(Problem(export.where(table.part), f"a second sheet for the repeat \"{named}\"",
                                        expected=f"one sheet per repeat (the first is sheet {sheet_of[named]})"))
            continue
        sheet_of[named] = table.name
    for table in filled:
        repeat = next((r for r, s in sheet_of.items() if s == table.name), None)
        if repeat is None:
            continue
        parent = schema.repeats[repeat].parent
        parent_sheet = main_table.name if parent is None else sheet_of.get(parent, parent)
        frame = reader.fields(table, repeat, export)
        raw = table.frame
        n = len(raw)
        index = [as_text(v) for v in raw["_index"]] if "_index" in raw else [str(i + 1) for i in range(n)]
        names = raw["_parent_table_name"].tolist() if "_parent_table_name" in raw else [parent_sheet] * n
        wrong = []
        parents = []
        for i, (name, parent_index) in enumerate(zip(names, raw["_parent_index"])):
            name = as_text(name)
            # KoboToolbox names the parent by its section (the form's title or the repeat), cut to 31
            # characters in sheet names
            if name is None or not (name.lower()[:31] == str(parent_sheet).lower()[:31]
                                    or name.lower() == (parent or schema.title).lower()):
                wrong.append(Problem(export.where(table.part), "links to a table that is not this repeat's parent",
                                     row=table.rows[i], column="_parent_table_name", value=str(name or ""),
                                     expected=f"\"{parent_sheet}\" (the sheet of {parent or 'the submissions'}, "
                                     f"which the repeat \"{repeat}\" belongs to in the form)"))
                parents.append(None)
            else:
                parents.append(f"{parent or 'main'}:{as_text(parent_index)}")
        _limited(export, wrong)
        export.sheets[repeat] = Sheet(repeat, frame, [f"{repeat}:{v}" for v in index], parents, table.part,
                                      table.rows, parent_column="_parent_index",
                                      parent_cells=[as_text(v) for v in raw["_parent_index"]])
    _check_repeats(export, schema, sheet_of)
    return export


def _unknown_sheet(export: Export, reader: HeaderReader, table: RawTable, looks_like: str | None, what: str) -> None:
    """A sheet or file that is not one of the download's: an error when it has rows, else a note."""
    expected_names = ", ".join(f'"{r}"' for r in reader.schema.repeats)
    if looks_like is not None:
        message = (f"this {what} was not read: its columns are those of the repeat \"{looks_like}\" but its name "
                   f"is not")
        expected = f"the {what} names of the download (\"{looks_like}\"); rename it back or download again"
    else:
        message = f"this {what} was not read: it is not a table of the form {reader.schema.form_id}"
        expected = f"only the {what}s of the download: the submissions and {expected_names}"
    problem = Problem(export.where(table.part), message, value=table.name, expected=expected)
    if len(table.frame):
        export.problems.add(problem)
    else:
        export.notes.append(problem)


# --- CSV files (KoboToolbox and ODK Central) ----------------------------------------------------

def _read_csv_text(raw: bytes, name: str, part: str | None, export: Export) -> RawTable | None:
    """A CSV file as text columns (an HXL hashtag row under the header is skipped)."""
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
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except (pd.errors.ParserError, ValueError) as exc:
        export.problems.add(Problem(export.where(part), f"the file could not be read as a table: {exc}",
                                    expected="a CSV export"))
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame, first_line = _without_hxl_row(frame)
    return RawTable(name, part, frame, [f"line {i + first_line}" for i in range(len(frame))])


def _without_hxl_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The table without an HXL hashtag row under the header, and the line or row of its first data row."""
    if len(frame):
        first = [v for v in frame.iloc[0].tolist() if isinstance(v, str) and v.strip()]
        if first and all(v.strip().startswith("#") for v in first):
            return frame.iloc[1:].reset_index(drop=True), 3
    return frame, 2


def is_odk_table(columns) -> bool:
    """Whether CSV headers are ODK Central's: KEY, with PARENT_KEY, SubmissionDate or meta-instanceID.

    Examples
    --------
    >>> is_odk_table(["SubmissionDate", "session-session_id", "meta-instanceID", "KEY"])
    True
    >>> is_odk_table(["session/session_id", "_uuid", "_index"])
    False
    """
    columns = set(columns)
    return "KEY" in columns and ("PARENT_KEY" in columns or "SubmissionDate" in columns
                                 or any(c.endswith("instanceID") for c in columns))


def read_kobo_csv(path: str | Path, *, form=None, progress: bool = False) -> Export:
    """Read a KoboToolbox CSV export: the table of submissions only, with a problem naming the XLSX download.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers.exports import form_for, write_kobo_csv
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> form = form_for(data, folder / "form.xlsx")
    >>> export = read_kobo_csv(write_kobo_csv(data, folder / "export.csv"), form=form)
    >>> list(export.sheets), "XLSX download" in export.problems.problems[0].expected
    (['main'], True)
    """
    from ._core import load_form

    path = Path(path)
    schema = form if isinstance(form, FormSchema) else FormSchema(load_form(form))
    export = Export(path.name, {}, kind="kobo-csv")
    if progress:
        _progress(f"reading {path.name}")
    table = _read_csv_text(path.read_bytes(), path.name, None, export)
    if table is None:
        return export
    if not len(table.frame.columns):
        return _no_submissions(export, None, KOBO_XLSX_DOWNLOAD)
    reader = HeaderReader(schema, [table])
    main = _main_table(export, reader, table, "_index")
    if main is None:
        return export
    if not len(table.frame):
        return _no_submissions(export, None, KOBO_XLSX_DOWNLOAD)
    export.sheets["main"] = main
    export.problems.add(Problem(export.name, f"a KoboToolbox CSV export holds the table of submissions only "
                                f"({len(table.frame)} read and checked); {_repeat_words(schema)} "
                                "are not in it, so nothing was imported", expected=KOBO_XLSX_DOWNLOAD))
    return export


def _csv_files(path: Path) -> dict[str, bytes]:
    """Name -> content of every file of a folder or zip (CSV or not), names relative to it."""
    if path.is_dir():
        return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in sorted(archive.namelist()) if not n.endswith("/")}


def read_odk_zip(path: str | Path, *, form=None, progress: bool = False) -> Export:
    """Read ODK Central's "all data" download: the zip, the folder it unzips to, or the main-table CSV alone.

    The main-table CSV alone is read with a problem naming the zip download.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers.exports import form_for, write_odk_zip
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> form = form_for(data, folder / "form.xlsx")
    >>> export = read_odk_zip(write_odk_zip(data, folder / "cp_session.zip"), form=form)
    >>> sorted(export.sheets), len(export.problems)
    (['actions', 'decisions', 'items', 'main', 'rankings', 'roster', 'turns'], 0)
    """
    from ._core import load_form

    path = Path(path)
    schema = form if isinstance(form, FormSchema) else FormSchema(load_form(form))
    export = Export(path.name, {}, kind="odk-zip")
    single = path.is_file() and not zipfile.is_zipfile(path)
    try:
        files = {path.name: path.read_bytes()} if single else _csv_files(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return _stop(export, f"the zip could not be opened: {exc}", expected=ODK_ZIP_DOWNLOAD)
    tables = []
    for name, content in files.items():
        if not name.lower().endswith(".csv"):
            export.notes.append(Problem(export.where(name), "not read: not a table (an attachment?); the form "
                                        "has no attachment questions"))
            continue
        if progress:
            _progress(f"reading {export.where(None if single else name)}")
        table = _read_csv_text(content, name, None if single else name, export)
        if table is not None:
            tables.append(table)
    mains = [t for t in tables if "KEY" in t.frame.columns and "PARENT_KEY" not in t.frame.columns]
    if not mains:
        if tables and not any(len(t.frame.columns) for t in tables):
            return _no_submissions(export, None, ODK_ZIP_DOWNLOAD)
        return _stop(export, "no table of submissions (a CSV file with a KEY column and no PARENT_KEY)",
                     expected=ODK_ZIP_DOWNLOAD)
    reader = HeaderReader(schema, tables)
    main_table = mains[0]
    main = _main_table(export, reader, main_table, "KEY")
    if main is None:
        return export
    main.keys = [as_text(v) for v in main_table.frame["KEY"]]
    if not len(main_table.frame):
        return _no_submissions(export, main_table.part, ODK_ZIP_DOWNLOAD)
    export.sheets["main"] = main
    if single:
        export.kind = "odk-csv"
        export.problems.add(Problem(export.name, "an ODK Central \"main data table (no repeats)\" CSV holds the "
                                    f"submissions only ({len(main_table.frame)} read and checked); "
                                    f"{_repeat_words(schema)} are not in it, so nothing was imported",
                                    expected=ODK_ZIP_DOWNLOAD))
        return export
    stem = Path(main_table.name).stem
    file_of: dict[str, str] = {}
    for table in tables:
        if table is main_table:
            continue
        if table in mains:
            export.problems.add(Problem(export.where(table.part), "a second table of submissions was not read",
                                        expected=f"one download of one form (the first is {main_table.name})"))
            continue
        file_stem = Path(table.name).stem
        named = None
        for repeat in schema.repeats:
            if file_stem.lower() == f"{stem}-{repeat}".lower():
                named = repeat
        by_columns, score = reader.identify(table.frame.columns)
        if named is not None and not {"KEY", "PARENT_KEY"} <= set(table.frame.columns):
            export.problems.add(Problem(export.where(table.part), "missing column",
                                        column="PARENT_KEY" if "KEY" in table.frame.columns else "KEY",
                                        expected="ODK Central's links between files (KEY, PARENT_KEY), as downloaded"))
            continue
        if named is None or (score and by_columns != named):
            _unknown_sheet(export, reader, table, by_columns if score else None, "file")
            continue
        file_of[named] = table.name
        frame = reader.fields(table, named, export)
        export.sheets[named] = Sheet(named, frame, [as_text(v) for v in table.frame["KEY"]],
                                     [as_text(v) for v in table.frame["PARENT_KEY"]], table.part, table.rows,
                                     parent_column="PARENT_KEY")
    _check_repeats(export, schema, file_of)
    return export

