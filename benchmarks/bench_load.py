"""Load plus validate a large simulated programme from CSV and from Parquet.

Run on demand: ``python benchmarks/bench_load.py [--communities 2000]``. Each measurement runs in a
fresh Python process so that its peak memory (ru_maxrss) is its own. The reference, measured in the
same run, is a bare ``pandas.read_csv`` / ``read_parquet`` of the same files with no checks: the
ratio says what validation costs on top of reading.

Targets (issue 2): 1M turns loaded and validated in under 10 s, with under 2 GB peak.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "output" / "large_programme"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import pandas as pd
path, mode = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if mode == "cpanalysis":
    import cpanalysis
    data = cpanalysis.load(path)
    rows = sum(len(frame) for frame in data.tables.values())
else:
    suffix = "*.csv" if mode == "pandas-csv" else "*.parquet"
    reader = pd.read_csv if mode == "pandas-csv" else pd.read_parquet
    rows = sum(len(reader(file)) for file in sorted(path.glob(suffix)))
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))
"""


def measure(path: Path, mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import cpanalysis

    start = time.perf_counter()
    data = cpanalysis.simulate(args.communities, seed=args.seed)
    simulate_seconds = time.perf_counter() - start
    csv_dir, parquet_dir = OUTPUT / "csv", OUTPUT / "parquet"
    data.save(csv_dir, format="csv")
    data.save(parquet_dir, format="parquet")
    turns = len(data.turns)
    print(f"programme: {args.communities:,} communities, {len(data.sessions):,} sessions, {turns:,} turns "
          f"(simulated and checked in {simulate_seconds:.1f} s)")
    print(f"{'format':<9}{'cpanalysis.load':>17}{'rows/s':>13}{'peak MB':>9}{'bare read':>11}{'ratio':>7}{'ok':>5}")
    for name, folder, bare in (("csv", csv_dir, "pandas-csv"), ("parquet", parquet_dir, "pandas-parquet")):
        ours = measure(folder, "cpanalysis")
        reference = measure(folder, bare)
        ok = ours["seconds"] < 10 and ours["peak_mb"] < 2048
        print(f"{name:<9}{ours['seconds']:>15.2f} s{ours['rows'] / ours['seconds']:>13,.0f}{ours['peak_mb']:>9,.0f}"
              f"{reference['seconds']:>9.2f} s{ours['seconds'] / reference['seconds']:>7.1f}{'yes' if ok else 'NO':>5}")


if __name__ == "__main__":
    main()
