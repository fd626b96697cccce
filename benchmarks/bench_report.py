"""Report timings and sizes, against a reference version measured in the same run.

Run on demand (not collected by pytest)::

    python benchmarks/bench_report.py [--reference 7aeca91] [--repeat 2]

Each command runs in a fresh ``python -m cpanalysis.cli`` process (imports included), on the
bundled sample (12 communities), with the default settings of each version:

1. the programme report: ``cpanalysis report DATA -o report.html`` (time and size);
2. a community story: ``cpanalysis report DATA --community C03 --format pdf`` and ``--format html``
   (this version only; the reference has no community story, so its closest command, the report
   restricted to ``--community C03``, is timed instead).

The reference is extracted with ``git archive`` into a temporary folder and imported from there, so
both versions run on this machine, in this run, with the same Python and libraries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def run(source: Path, args: list[str], out: Path) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(source), MPLBACKEND="Agg")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cpanalysis.cli", "report", str(SAMPLE), "-o", str(out), *args],
                          cwd=source, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({source.name}): {' '.join(args)}\n{done.stderr[-2000:]}")
    return seconds, out.stat().st_size


def extract(ref: str, folder: Path) -> Path:
    archive = folder / "ref.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), ref, "cpanalysis", "notebooks"],
                   cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "ref")
    return folder / "ref"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default="7aeca91", help="git revision to compare with (default: the base "
                                                                "this branch started from)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        ref = extract(args.reference, tmp)
        cases = [
            ("programme report, 12 communities (HTML)", ref, ["--quiet"], ROOT, ["--quiet"], "html"),
            ("community story C03 (HTML)", ref, ["--community", "C03", "--quiet"], ROOT,
             ["--community", "C03", "--quiet"], "html"),
            ("community story C03 (PDF)", None, None, ROOT, ["--community", "C03", "--format", "pdf", "--quiet"], "pdf"),
        ]
        print(f"{'what':45s} {'reference s':>12s} {'this s':>9s} {'ratio':>7s} {'ref size':>10s} {'this size':>10s}")
        for name, ref_src, ref_args, src, new_args, ext in cases:
            ref_t, ref_size, new_t, new_size = [], 0, [], 0
            for k in range(args.repeat):   # interleaved, so load on the machine hits both alike
                if ref_src is not None:
                    t, ref_size = run(ref_src, ref_args, tmp / f"ref-{k}.html")
                    ref_t.append(t)
                t, new_size = run(src, new_args, tmp / f"new-{k}.{ext}")
                new_t.append(t)
            r = statistics.median(ref_t) if ref_t else float("nan")
            n = statistics.median(new_t)
            print(f"{name:45s} {r:12.1f} {n:9.1f} {r / n:7.1f} {ref_size / 1e3 if ref_t else float('nan'):9.0f}K "
                  f"{new_size / 1e3:9.0f}K")


if __name__ == "__main__":
    main()
