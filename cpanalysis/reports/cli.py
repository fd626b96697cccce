"""``cpanalysis report``: a dataset -> the programme report (HTML) or community stories (HTML or PDF)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _add_report(parser: argparse.ArgumentParser) -> None:
    from ..settings import Settings

    d = Settings()
    parser.add_argument("path", help="a dataset: a folder of CSV or Parquet files, or an .xlsx workbook")
    parser.add_argument("-o", "--output", required=True, help="the file to write (report.html, story.pdf)")
    parser.add_argument("--community", action="append", default=None, metavar="ID",
                        help="write this community's story (repeat for several) instead of the programme report")
    parser.add_argument("--format", choices=("html", "pdf"), default=None,
                        help="html (default) or pdf (community stories; every community when --community is "
                             "not given); by default taken from the output's extension")
    parser.add_argument("--per-community", action="store_true",
                        help="one community story per file, written as OUTPUT-<community id>.<ext>")
    parser.add_argument("--codes-only", action="store_true",
                        help="name communities by their code only (no village names), for reports that leave "
                             "the organisation")
    parser.add_argument("--title", default=None, help="the programme report's title")
    parser.add_argument("--min-count", "--suppress-threshold", dest="min_count", type=int, default=d.min_count,
                        help=f"hide counts of people below this (default {d.min_count}; below 5 is logged and "
                             "stated in the report)")
    parser.add_argument("--n-boot", type=int, default=d.n_boot, help=f"bootstrap resamples (default {d.n_boot})")
    parser.add_argument("--n-perm", type=int, default=d.n_perm, help=f"relabellings per test (default {d.n_perm})")
    parser.add_argument("--seed", type=int, default=d.seed, help=f"random seed (default {d.seed})")
    parser.add_argument("--ranking-method", default=d.ranking_method,
                        help=f"how rankings are combined (default {d.ranking_method}, as in the dashboard)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _run_report(args: argparse.Namespace) -> int:
    from ..dataset import load
    from ..settings import Settings
    from . import DEFAULT_TITLE, write_report

    try:
        # giving --min-count below 5 on the command line is the explicit choice; it is logged below
        settings = Settings(min_count=args.min_count, allow_small_counts=args.min_count < 5, n_boot=args.n_boot,
                            n_perm=args.n_perm, seed=args.seed, ranking_method=args.ranking_method)
    except ValueError as error:
        print(f"cpanalysis report: {error}", file=sys.stderr)
        return EXIT_USAGE
    if settings.min_count < 5:
        print(f"cpanalysis report: counts of people from {settings.min_count} to 4 will be shown (--min-count "
              f"{settings.min_count}); the report says so.", file=sys.stderr)
    output = Path(args.output)
    fmt = args.format or ("pdf" if output.suffix.lower() == ".pdf" else "html")
    data = load(args.path)
    known = list(data.communities["community_id"].astype(str))
    unknown = [c for c in (args.community or []) if c not in known]
    if unknown:
        print(f"cpanalysis report: unknown community id(s): {', '.join(unknown)}; the dataset has "
              f"{', '.join(known)}", file=sys.stderr)
        return EXIT_INVALID
    options = dict(settings=settings, codes_only=args.codes_only, progress=not args.quiet)
    if args.per_community:
        suffix = output.suffix or f".{fmt}"
        for number, community in enumerate(args.community or known, start=1):
            target = output.with_name(f"{output.stem}-{community}{suffix}")
            if not args.quiet:
                print(f"report {number}/{len(args.community or known)}: community {community}", file=sys.stderr)
            write_report(data, target, fmt=fmt, communities=[community], **options)
            print(f"wrote {target}")
        return EXIT_OK
    communities = args.community or (known if fmt == "pdf" else None)
    write_report(data, output, fmt=fmt, communities=communities, title=args.title or DEFAULT_TITLE, **options)
    print(f"wrote {output}")
    return EXIT_OK


COMMANDS = {
    "report": ("write the programme report (HTML, offline) or printable community stories (HTML or PDF)",
               _add_report, _run_report),
}
