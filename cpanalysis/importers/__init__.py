"""Importers: from KoboToolbox and ODK Central exports of the session form to a validated dataset.

``import_export(path)`` reads an export (the format is recognised from the file), makes the data
contract's tables and validates them; every problem names the export's sheet or file and row.
The lists of communities and harms come from the form's ``choices`` sheet (``form=``; by default
the shipped ``data/forms/cp_session.xlsx``).

Formats: ``kobo-xlsx`` (KoboToolbox XLSX), ``kobo-csv`` (KoboToolbox CSV: one file, or a folder or
zip with one CSV per repeat), ``odk-zip`` (ODK Central "all data" CSV zip) and, through pyODK,
ODK Central's OData API (:func:`pull_odk_central`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..dataset import Dataset
from ..subgroups import SubgroupScheme
from ._core import Export, ExportSource, Sheet, build_dataset, build_tables, load_form
from .odata import export_from_odata, pull_odk_central
from .readers import read_kobo_csv, read_kobo_xlsx, read_odk_zip

FORMATS = ("kobo-xlsx", "kobo-csv", "odk-zip")


def detect_format(path: str | Path) -> str:
    """``kobo-xlsx``, ``kobo-csv`` or ``odk-zip``, recognised from the file (or folder) itself."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "no such file or folder", str(path))
    if path.is_dir():
        return "kobo-csv"
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "kobo-xlsx"
    if suffix == ".csv":
        return "kobo-csv"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.lower().endswith(".csv"):
                    header = archive.open(name).readline().decode("utf-8", errors="replace")
                    if "KEY" in header or "meta-instanceID" in header:
                        return "odk-zip"
        return "kobo-csv"
    raise ValueError(f"{path.name}: not a KoboToolbox or ODK Central export (expected .xlsx, .csv, a folder or a .zip)")


def read_export(path: str | Path, format: str = "auto", *, form=None, progress: bool = False) -> Export:
    """Read an export into an :class:`Export` (sheets renamed to the form's fields), without validating."""
    fmt = detect_format(path) if format == "auto" else format
    if fmt == "kobo-xlsx":
        return read_kobo_xlsx(path, progress=progress)
    if fmt == "kobo-csv":
        return read_kobo_csv(path, form=form, progress=progress)
    if fmt == "odk-zip":
        return read_odk_zip(path, progress=progress)
    raise ValueError(f"format must be one of {FORMATS} or 'auto', not {format!r}")


def import_export(path: str | Path, format: str = "auto", *, form=None, scheme: SubgroupScheme | None = None,
                  progress: bool = False) -> Dataset:
    """Read a KoboToolbox or ODK Central export of the session form and validate it.

    Parameters
    ----------
    path : str or Path
        The export: a Kobo ``.xlsx``, a Kobo ``.csv`` (or folder/zip of CSVs), an ODK Central ``.zip``.
    format : {"auto", "kobo-xlsx", "kobo-csv", "odk-zip"}
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
        Every problem, each naming the export's sheet or file and row (``problems``).

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
    export = read_export(path, format, form=form, progress=progress)
    return build_dataset(export, form, scheme)


__all__ = ["FORMATS", "Export", "ExportSource", "Sheet", "build_dataset", "build_tables", "detect_format",
           "export_from_odata", "import_export", "pull_odk_central", "read_export", "read_kobo_csv",
           "read_kobo_xlsx", "read_odk_zip"]
