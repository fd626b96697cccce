"""The ``cpanalysis`` console command.

Each subcommand is a pair of functions: one adds its arguments to a parser, one runs it and
returns the exit code. Problems in the user's data are printed as a list, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .problems import DatasetError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
#: The shell's code for a command stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


def _add_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a folder of CSV or Parquet files, or an .xlsx workbook")


def _run_validate(args: argparse.Namespace) -> int:
    from .dataset import load

    try:
        data = load(args.path)
    except DatasetError as error:
        print(error.report())
        return EXIT_INVALID
    from .contract import contract_version_of

    summary = data.summary()
    version = contract_version_of(data.tables)  # v2 when the data hold actions or their updates
    print(f"{args.path}: valid ({data.file_format} files, data contract v{version}, "
          f"subgroup scheme: {data.scheme.name})")
    for name, count in summary.items():
        print(f"  {name:<15}{count:>10,}")
    return EXIT_OK


def _add_simulate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, help="folder (or .xlsx file) to write")
    parser.add_argument("--communities", type=int, default=12)
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the sample's seed)")
    parser.add_argument("--elite-influence", type=float, default=None,
                        help="0 = none, 1 = elites decide (default: a spread across communities)")
    parser.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")


def _run_simulate(args: argparse.Namespace) -> int:
    from .simulation import SAMPLE_ARGS, simulate

    seed = SAMPLE_ARGS["seed"] if args.seed is None else args.seed
    data = simulate(args.communities, seed=seed, elite_influence=args.elite_influence)
    where = data.save(args.output, format=args.format)
    counts = ", ".join(f"{n:,} {name}" for name, n in data.summary().items())
    print(f"wrote {where} ({counts})")
    return EXIT_OK


#: name -> (help, add arguments, run). Other modules add their subcommands here.
COMMANDS: dict[str, tuple[str, callable, callable]] = {
    "validate": ("check a dataset against the data contract and list every problem", _add_validate, _run_validate),
    "simulate": ("write a simulated programme (the bundled sample, or a large one for benchmarks)",
                 _add_simulate, _run_simulate),
}


def _register_optional_commands() -> None:
    """Subcommands that live with the code they drive (importers, reports)."""
    for module_name in ("cpanalysis.importers.cli", "cpanalysis.reports.cli"):
        try:
            module = __import__(module_name, fromlist=["COMMANDS"])
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        COMMANDS.update(module.COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    _register_optional_commands()
    parser = argparse.ArgumentParser(prog="cpanalysis", description="Inclusiveness of community planning for child protection.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"cpanalysis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_arguments, _run) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def _silence_stdout() -> None:
    """After the reader of our output went away (``| head``), send what is left nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured)
        pass


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; exit code 0 (valid / done), 1 (problems in the data), 2 (usage), 130 (Ctrl-C).

    Examples
    --------
    >>> import cpanalysis
    >>> main(["validate", str(cpanalysis.sample_path())])  # doctest: +ELLIPSIS
    /...: valid (csv files, data contract v2, subgroup scheme: default)
    ...
    0
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        try:
            code = COMMANDS[args.command][2](args)
        except DatasetError as error:
            print(error.report())
            code = EXIT_INVALID
        except (FileNotFoundError, PermissionError, IsADirectoryError) as error:
            print(f"cpanalysis {args.command}: {error.strerror or error}: {Path(error.filename or '')}", file=sys.stderr)
            code = EXIT_INVALID
        sys.stdout.flush()  # here, so that a closed pipe is met inside this try
        return code
    except BrokenPipeError:
        # The output was cut short by its reader; that is the reader's choice, not an error to report.
        _silence_stdout()
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("cpanalysis: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
