"""``cpanalysis import``: a KoboToolbox or ODK Central export -> a validated dataset folder."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_INVALID = 0, 1


def _add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="the export: KoboToolbox .xlsx, ODK Central .zip (or its unzipped folder), "
                                       "or ODK Central's OData feed saved as .json (CSV downloads hold no repeats)")
    parser.add_argument("-o", "--output", required=True, help="folder (or .xlsx file) to write the dataset to")
    parser.add_argument("--format", choices=("auto", "kobo-xlsx", "kobo-csv", "odk-zip", "odata-json"), default="auto",
                        help="the export's format (default: recognised from the file's content)")
    parser.add_argument("--form", default=None,
                        help="the XLSForm the data was collected with (its choices list the communities and "
                             "harms, its labels read a \"Labels\" download; default: the shipped "
                             "data/forms/cp_session.xlsx)")
    parser.add_argument("--save-as", choices=("csv", "xlsx", "parquet"), default="csv", dest="save_as",
                        help="how to write the dataset (default csv)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _run_import(args: argparse.Namespace) -> int:
    from ..problems import DatasetError
    from . import import_export

    try:
        data = import_export(args.source, args.format, form=args.form, progress=not args.quiet)
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
    where = data.save(args.output, format=args.save_as)
    counts = ", ".join(f"{n:,} {name}" for name, n in data.summary().items())
    print(f"{args.source}: valid; wrote {where} ({counts})")
    return EXIT_OK


COMMANDS = {
    "import": ("read a KoboToolbox or ODK Central export of the session form, validate it and write a dataset",
               _add_import, _run_import),
}
