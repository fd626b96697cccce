"""Importers: from KoboToolbox and ODK Central downloads of the session form to a validated dataset.

``import_export(path)`` reads an export (its format recognised from the content, not the file's
name), makes the data contract's tables and validates them; every problem names the export's sheet
or file, row, column and value. The lists of communities and harms, and the labels of a "Labels"
download, come from the form (``form=``; by default the shipped ``data/forms/cp_session.xlsx``).

Formats (:data:`FORMATS`): ``kobo-xlsx`` (KoboToolbox XLSX, XML values or labels), ``kobo-csv``
(KoboToolbox CSV: the submissions only; read and checked, then the import stops naming the XLSX
download), ``odk-zip`` (ODK Central "all data" zip, the folder it unzips to, or its main-table CSV
alone, which is read and checked, then stops naming the zip), ``odata-json`` (ODK Central's OData
feed saved as JSON) and, through pyODK, ODK Central's OData API (:func:`pull_odk_central`).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

from ..dataset import Dataset
from ..problems import DatasetError, Problem
from ..subgroups import SubgroupScheme
from ._core import Export, ExportSource, Sheet, build_dataset, build_tables, load_form
from .form_schema import FormSchema
from .odata import export_from_odata, pull_odk_central
from .readers import KOBO_XLSX_DOWNLOAD, ODK_ZIP_DOWNLOAD, is_odk_table, read_kobo_csv, read_kobo_xlsx, read_odk_zip

FORMATS = ("kobo-xlsx", "kobo-csv", "odk-zip", "odata-json")
_WHAT = f"{KOBO_XLSX_DOWNLOAD}, {ODK_ZIP_DOWNLOAD}, or ODK Central's OData feed saved as .json"


def detect_format(path: str | Path) -> str:
    """The export's format, recognised from its content: one of :data:`FORMATS`.

    Raises
    ------
    FileNotFoundError
        No such file or folder.
    ValueError
        The file is none of the downloads the importers read (the message says what to download).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "export.txt").write_text('"_uuid";"session/session_id"\\n', encoding="utf-8")
    >>> detect_format(folder / "export.txt")
    'kobo-csv'
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "no such file or folder", str(path))
    if path.is_dir():
        files = [p for p in path.rglob("*.csv")]
        headers = [_first_line(p.read_bytes()) for p in files]
        if any(is_odk_table(h) for h in headers):
            return "odk-zip"
        raise ValueError(f"{path.name}: this folder holds no ODK Central table (CSV files with a KEY column); "
                         f"expected {_WHAT}")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if any(n.startswith("xl/") for n in names):
                return "kobo-xlsx"
            headers = [_first_line(archive.read(n)) for n in names if n.lower().endswith(".csv")]
        if any(is_odk_table(h) for h in headers):
            return "odk-zip"
        raise ValueError(f"{path.name}: a zip that holds no ODK Central table (CSV files with a KEY column); "
                         f"expected {_WHAT}")
    head = path.read_bytes()[:65536]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(f"{path.name}: an old Excel (.xls) workbook; expected {_WHAT}")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"{", b"[")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            raise ValueError(f"{path.name}: not valid JSON ({exc}); expected {_WHAT}") from None
        if isinstance(payload, dict) and isinstance(payload.get("value"), list):
            return "odata-json"
        raise ValueError(f"{path.name}: JSON that is not an OData feed of submissions (no \"value\" list; a "
                         f"KoboToolbox API download is not read); expected {_WHAT}")
    header = _first_line(head)
    if is_odk_table(header):
        return "odk-zip"
    if header:
        return "kobo-csv"
    raise ValueError(f"{path.name}: an empty file; expected {_WHAT}")


def _first_line(raw: bytes) -> list[str]:
    text = raw.lstrip(b"\xef\xbb\xbf").decode("utf-8", errors="replace").split("\n", 1)[0].strip()
    separator = ";" if text.count(";") > text.count(",") else ","
    return [c.strip().strip('"') for c in text.split(separator)] if text else []


def read_export(path: str | Path, format: str = "auto", *, form=None, progress: bool = False) -> Export:
    """Read an export into an :class:`Export` (questions and answers as the form's names), without validating."""
    if format not in ("auto", *FORMATS):
        raise ValueError(f"format must be one of {FORMATS} or 'auto', not {format!r}")
    fmt = detect_format(path) if format == "auto" else format
    schema = form if isinstance(form, FormSchema) else FormSchema(load_form(form))
    if fmt == "kobo-xlsx":
        return read_kobo_xlsx(path, form=schema, progress=progress)
    if fmt == "kobo-csv":
        return read_kobo_csv(path, form=schema, progress=progress)
    if fmt == "odk-zip":
        return read_odk_zip(path, form=schema, progress=progress)
    payload = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    return export_from_odata(payload, Path(path).name, form=schema)


def import_export(path: str | Path, format: str = "auto", *, form=None, scheme: SubgroupScheme | None = None,
                  progress: bool = False) -> Dataset:
    """Read a KoboToolbox or ODK Central export of the session form and validate it.

    Parameters
    ----------
    path : str or Path
        The export: a KoboToolbox ``.xlsx`` (or ``.csv``), an ODK Central ``.zip`` (or its folder, or
        its main-table ``.csv``), or ODK Central's OData feed saved as ``.json``.
    format : {"auto", "kobo-xlsx", "kobo-csv", "odk-zip", "odata-json"}
    form : str or Path, optional
        The XLSForm the data was collected with (its ``choices`` give the communities and harms);
        default the shipped form.
    scheme : SubgroupScheme, optional
    progress : bool
        Print a line per sheet read to stderr.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Every problem, each naming the export's sheet or file and row (``problems``); also when
        the file is no export the importers read, or an export of the follow-up form (which
        :func:`import_exports` reads with the actions it follows).

    Notes
    -----
    What was left aside without losing data (a repeat no submission has entries for, columns
    that are not questions of the form) is listed in the dataset's ``import_notes``.

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers import import_export
    >>> from cpanalysis.importers.exports import form_for, write_kobo_xlsx
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> form = form_for(data, folder / "form.xlsx")
    >>> imported = import_export(write_kobo_xlsx(data, folder / "export.xlsx"), form=form)
    >>> len(imported.sessions) == len(data.sessions), len(imported.tables["actions"]) == len(data.tables["actions"])
    (True, True)
    """
    return import_exports([path], format, form=form, scheme=scheme, progress=progress)


def _read_either(path: Path, format: str, session_form: dict, followup_form: dict, progress: bool) -> Export:
    """Read an export of the session form or, when it is none, of the follow-up form."""
    try:
        export = read_export(path, format, form=FormSchema(session_form), progress=progress)
        if not export.foreign:
            export.form_id = FormSchema(session_form).form_id
            return export
        other = read_export(path, format, form=FormSchema(followup_form), progress=False)
    except ValueError as exc:
        raise DatasetError(path.name, [Problem(path.name, str(exc).split(": ", 1)[-1])]) from None
    if not other.foreign:
        other.form_id = FormSchema(followup_form).form_id
        return other
    (first,) = export.problems.problems
    session, followup = FormSchema(session_form), FormSchema(followup_form)
    message = first.message.replace(
        f"this is not an export of the form \"{session.title}\" ({session.form_id})",
        f"this is not an export of the form \"{session.title}\" ({session.form_id}) nor of \"{followup.title}\" "
        f"({followup.form_id})").replace(f"the question {session.key_question};",
                                          f"the question {session.key_question} or {followup.key_question};")
    export.problems.problems[0] = replace(first, message=message)
    return export


def import_exports(paths, format: str = "auto", *, form=None, followup_form=None, dataset: str | Path | None = None,
                   scheme: SubgroupScheme | None = None, progress: bool = False) -> Dataset:
    """Read exports of the session form and of the follow-up form, and validate them together.

    Parameters
    ----------
    paths : list of str or Path
        At most one export of the session form (``cp_session``: sessions ... actions) and any
        number of exports of the follow-up form (``cp_followup``: the ``action_updates``), in any
        of the formats of :func:`import_export`; which form each is comes from its content.
    format : {"auto", "kobo-xlsx", "kobo-csv", "odk-zip", "odata-json"}
    form, followup_form : str or Path, optional
        The forms the data was collected with (default: the shipped copies).
    dataset : str or Path, optional
        A dataset an earlier import wrote (folder or ``.xlsx``). Without a session export, the
        follow-up updates are added to it; with one, its ``action_updates`` are kept. Updates
        already in it are not added twice.
    scheme : SubgroupScheme, optional
    progress : bool
        Print a line per sheet read to stderr.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Every problem of every export at once, located in the export's sheet or file and row (an
        update of an action that neither the session export nor ``dataset`` holds is one).

    Examples
    --------
    >>> import cpanalysis, tempfile, pathlib
    >>> from cpanalysis.importers import import_exports
    >>> from cpanalysis.importers.exports import form_for, followup_form_for, write_kobo_xlsx, write_followup_odk_zip
    >>> data = cpanalysis.simulate(1, seed=3)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> session = write_kobo_xlsx(data, folder / "session.xlsx")
    >>> visits = write_followup_odk_zip(data, folder / "cp_followup.zip")
    >>> imported = import_exports([session, visits], form=form_for(data, folder / "form.xlsx"),
    ...                           followup_form=followup_form_for(data, folder / "followup.xlsx"))
    >>> len(imported.tables["action_updates"]) == len(data.tables["action_updates"])
    True
    """
    from .followup import load_followup_form
    from .joint import validate_together

    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    session_form, followup_form = load_form(form), load_followup_form(followup_form)
    exports = [_read_either(p, format, session_form, followup_form, progress) for p in paths]
    return validate_together(exports, form=session_form, followup_form=followup_form, dataset=dataset, scheme=scheme)


__all__ = ["FORMATS", "Export", "ExportSource", "FormSchema", "Sheet", "build_dataset", "build_tables", "detect_format",
           "export_from_odata", "import_export", "import_exports", "pull_odk_central", "read_export", "read_kobo_csv",
           "read_kobo_xlsx", "read_odk_zip"]
