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
        the file is no export the importers read.

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
    >>> len(imported.sessions) == len(data.sessions)
    True
    """
    form = load_form(form)
    try:
        export = read_export(path, format, form=FormSchema(form), progress=progress)
    except ValueError as exc:
        raise DatasetError(Path(path).name, [Problem(Path(path).name, str(exc).split(": ", 1)[-1])]) from None
    return build_dataset(export, form, scheme)


__all__ = ["FORMATS", "Export", "ExportSource", "FormSchema", "Sheet", "build_dataset", "build_tables", "detect_format",
           "export_from_odata", "import_export", "pull_odk_central", "read_export", "read_kobo_csv",
           "read_kobo_xlsx", "read_odk_zip"]
