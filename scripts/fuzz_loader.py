"""Run the loader's fuzzing cases on demand, as many as asked, and print the counts.

    python scripts/fuzz_loader.py --cases 20000 --seed 7 --workers 4

The same generator as tests/test_fuzz_loader.py (tests/fuzzing.py); exit code 1 if any case went wrong.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzing import run_in_parallel, summary  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        outcomes = run_in_parallel(args.cases, args.seed, Path(folder), args.workers)
    counts = summary(outcomes)
    counts["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(counts, indent=1))
    wrong = [o for o in outcomes if o.wrong]
    for o in wrong[:30]:
        print(f"case {o.case.number} [{o.case.file_format}] {o.case.mutation}: {o.wrong}\n{o.detail[-800:]}\n")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
