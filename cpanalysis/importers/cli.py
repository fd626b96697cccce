"""``cpanalysis import``: KoboToolbox or ODK Central exports -> a validated dataset folder.

``cpanalysis import SESSION_EXPORT [FOLLOWUP_EXPORT ...] -o DATASET`` reads the session form's
export (sessions ... actions) and the follow-up form's exports (status updates of the actions) and
validates them together. ``cpanalysis import FOLLOWUP_EXPORT ... -o DATASET``, where DATASET is a
dataset an earlier import wrote, adds the updates to it. Updates already in DATASET are kept and
not added twice.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID = 0, 1


def _add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="+",
                        help="the exports: the session form's (KoboToolbox .xlsx, ODK Central .zip or its unzipped "
                             "folder, or ODK Central's OData feed saved as .json; CSV downloads hold no repeats) "
                             "and any follow-up form's exports, recognised from their content")
    parser.add_argument("-o", "--output", required=True,
                        help="folder (or .xlsx file) to write the dataset to; when it already holds a dataset "
                             "(an earlier import), its action updates are kept and follow-up exports given "
                             "alone are added to it")
    parser.add_argument("--format", choices=("auto", "kobo-xlsx", "kobo-csv", "odk-zip", "odata-json"), default="auto",
                        help="the exports' format (default: recognised from each file's content)")
    parser.add_argument("--form", default=None,
                        help="the session XLSForm the data was collected with (its choices list the communities and "
                             "harms, its labels read a \"Labels\" download; default: the shipped "
                             "data/forms/cp_session.xlsx)")
    parser.add_argument("--followup-form", default=None, dest="followup_form",
                        help="the follow-up XLSForm the visits were recorded with (default: the shipped "
                             "data/forms/cp_followup.xlsx)")
    parser.add_argument("--save-as", choices=("csv", "xlsx", "parquet"), default="csv", dest="save_as",
                        help="how to write the dataset (default csv)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def existing_dataset(output: str | Path) -> Path | None:
    """``output`` when it already holds a dataset (a folder with communities.csv or .parquet, or a workbook).

    Examples
    --------
    >>> import tempfile
    >>> existing_dataset(tempfile.mkdtemp()) is None
    True
    """
    path = Path(output)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        return path
    if path.is_dir() and any((path / f"communities.{ext}").exists() for ext in ("csv", "parquet")):
        return path
    if path.is_dir() and (path / "dataset.xlsx").exists():
        return path / "dataset.xlsx"
    return None


def _remove_stale_tables(folder: Path, kept, save_as: str) -> list[str]:
    """Files of contract tables the new dataset no longer has (written by an earlier import)."""
    from ..contract import TABLES

    if not folder.is_dir() or save_as == "xlsx":
        return []
    removed = []
    for name in TABLES:
        for ext in ("csv", "parquet"):
            stale = folder / f"{name}.{ext}"
            if name not in kept and stale.exists():
                stale.unlink()
                removed.append(stale.name)
    return removed


def _run_import(args: argparse.Namespace) -> int:
    from ..problems import DatasetError
    from . import import_exports

    dataset = existing_dataset(args.output)
    try:
        data = import_exports(args.source, args.format, form=args.form, followup_form=args.followup_form,
                              dataset=dataset, progress=not args.quiet)
    except DatasetError as error:
        print(error.report())
        print("nothing was written; fix what is listed above (or make the download it names) and import again",
              file=sys.stderr)
        return EXIT_INVALID
    except (ValueError, OSError) as error:     # no such file, unreadable file, a form that is not an XLSForm
        print(f"cpanalysis import: {error}", file=sys.stderr)
        return EXIT_INVALID
    for note in getattr(data, "import_notes", []):
        print(f"note: {note}", file=sys.stderr)
    tables = data.contract_tables()
    where = data.save(args.output, format=args.save_as)
    for name in (_remove_stale_tables(Path(args.output), tables, args.save_as) if dataset is not None else []):
        print(f"note: removed {name}, written by an earlier import: the new dataset has no such table",
              file=sys.stderr)
    counts = {**data.summary(), "decisions": len(tables.get("decisions", ())),
              "actions": len(tables.get("actions", ())), "action updates": len(tables.get("action_updates", ()))}
    text = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    print(f"{', '.join(args.source)}: valid; wrote {where} ({text})")
    return EXIT_OK


COMMANDS = {
    "import": ("read KoboToolbox or ODK Central exports of the session and follow-up forms, validate them and "
               "write a dataset", _add_import, _run_import),
}
