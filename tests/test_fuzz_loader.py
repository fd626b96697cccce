"""Fuzzing the loader: mutated copies of a small valid dataset, as CSV, xlsx and Parquet.

Every case must end in a loaded dataset (when the mutation keeps the contract) or one
DatasetError naming the file (when it breaks it): no traceback, no hang (tests/fuzzing.py
TIME_LIMIT_S per case), no input file changed. 1,000 cases run in every test run, on two
processes; set CPANALYSIS_FUZZ_CASES (and CPANALYSIS_FUZZ_SEED) for more, or run
scripts/fuzz_loader.py. The counts are written to tests/output/fuzz_loader.json.
"""

import json
import os

from conftest import OUTPUT
from fuzzing import Case, base_tables, run_in_parallel, summary, write_case

import cpanalysis

CASES = int(os.environ.get("CPANALYSIS_FUZZ_CASES", "1000"))
SEED = int(os.environ.get("CPANALYSIS_FUZZ_SEED", "15"))


def test_the_base_dataset_is_valid_in_every_format(tmp_path):
    for file_format in ("csv", "xlsx", "parquet"):
        folder = write_case(Case(0, file_format, "none", True, tables=base_tables()), tmp_path / file_format)
        assert cpanalysis.validate(folder) == [], file_format


def test_mutated_datasets_are_loaded_or_rejected_cleanly(tmp_path):
    outcomes = run_in_parallel(CASES, SEED, tmp_path)
    counts = summary(outcomes)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "fuzz_loader.json").write_text(json.dumps(counts, indent=1))
    wrong = [f"case {o.case.number} [{o.case.file_format}] {o.case.mutation}: {o.wrong}\n{o.detail[-1500:]}"
             for o in outcomes if o.wrong]
    assert wrong == [], f"{len(wrong)} wrong outcomes:\n" + "\n\n".join(wrong[:12])
    assert counts["cases"] == CASES and min(counts["by_format"].values()) >= CASES // 5
    # Both kinds of mutation are well represented, so neither check above is vacuous.
    assert CASES // 5 <= counts["valid_cases"] <= CASES - CASES // 5
