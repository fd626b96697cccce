"""``cpanalysis report``: a dataset -> an HTML report (one for the programme, or one per community)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID = 0, 1


def _add_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a dataset: a folder of CSV or Parquet files, or an .xlsx workbook")
    parser.add_argument("-o", "--output", required=True, help="the HTML file to write (report.html)")
    parser.add_argument("--community", action="append", default=None, metavar="ID",
                        help="report on this community only (repeat for several)")
    parser.add_argument("--per-community", action="store_true",
                        help="one report per community, written as OUTPUT-<community id>.html")
    parser.add_argument("--title", default="Inclusiveness of community planning")
    parser.add_argument("--suppress-threshold", type=int, default=5, help="hide counts below this (default 5)")
    parser.add_argument("--n-boot", type=int, default=999, help="bootstrap resamples for intervals (default 999)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the intervals (default 0)")
    parser.add_argument("--ranking-method", default="mean_rank", help="aggregation method for subgroup rankings")
    parser.add_argument("--kernel", default=None,
                        help="Jupyter kernel name (default: this Python interpreter, whatever kernels are installed)")
    parser.add_argument("--keep-notebook", action="store_true", help="also write the executed notebook (.ipynb)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _run_report(args: argparse.Namespace) -> int:
    from ..dataset import load
    from . import run_report

    options = dict(title=args.title, suppress_threshold=args.suppress_threshold, n_boot=args.n_boot, seed=args.seed,
                   ranking_method=args.ranking_method, kernel_name=args.kernel, keep_notebook=args.keep_notebook,
                   progress=not args.quiet)
    output = Path(args.output)
    if not args.per_community:
        if args.community:
            known = set(load(args.path).communities["community_id"])
            unknown = [c for c in args.community if c not in known]
            if unknown:
                print(f"cpanalysis report: unknown community id(s): {', '.join(unknown)}", file=sys.stderr)
                return EXIT_INVALID
        run_report(args.path, output, communities=args.community, **options)
        print(f"wrote {output}")
        return EXIT_OK
    communities = args.community or list(load(args.path).communities["community_id"])
    for number, community in enumerate(communities, start=1):
        target = output.with_name(f"{output.stem}-{community}{output.suffix or '.html'}")
        if not args.quiet:
            print(f"report {number}/{len(communities)}: community {community}", file=sys.stderr, flush=True)
        run_report(args.path, target, communities=[community], **options)
        print(f"wrote {target}")
    return EXIT_OK


COMMANDS = {
    "report": ("run the report notebook on a dataset and write HTML (figures, readings, method notes; no code)",
               _add_report, _run_report),
}
