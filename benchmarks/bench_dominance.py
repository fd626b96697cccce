"""Timing of the elite-dominance analysis (run on demand: python benchmarks/bench_dominance.py).

Target: 500 communities, 2000 permutations each, whole analysis (gap tests, bootstrap,
counterfactual, voice) in under 10 s. Simulation time is reported apart.

Reference measured in the same run: the same permutation tests done one relabelling at a time
(a Python loop calling the gap statistic per permutation), on a subset of communities and
scaled to all; the ratio is what vectorising the permutations buys.
"""

import time

import numpy as np

import cpanalysis
from cpanalysis.dominance.core import analyse
from cpanalysis.dominance.permutation import gap_problem, gap_statistic, permutation_test
from cpanalysis.settings import Settings
from cpanalysis.dominance.signals import prepare_rankings
from cpanalysis.dominance.calibration import gap_tests


def one_at_a_time(problem, n_perm: int, rng: np.random.Generator) -> float:
    """p-value with one relabelling per loop iteration (the slow obvious version)."""
    observed = gap_statistic(problem, np.array([[d[:e].sum() for d, e, _ in problem.strata]]))[0]
    at_least = 0
    for _ in range(n_perm):
        sums = np.array([[d[rng.permutation(d.size)[:e]].sum() for d, e, _ in problem.strata]])
        at_least += gap_statistic(problem, sums)[0] >= observed - 1e-9
    return (at_least + 1) / (n_perm + 1)


def main(n: int = 500, n_perm: int = 2000, n_reference: int = 20) -> None:
    t = time.perf_counter()
    data = cpanalysis.simulate(n, seed=1)
    print(f"simulate({n}): {time.perf_counter() - t:.2f} s")
    s = Settings(n_perm=n_perm)
    timings = {}
    for label, fn in [("elite_dominance (everything)", lambda: cpanalysis.elite_dominance(data, settings=s)),
                      ("gap tests only", lambda: gap_tests(data, settings=s))]:
        t = time.perf_counter()
        out = fn()
        timings[label] = time.perf_counter() - t
        print(f"{label}: {timings[label]:.2f} s for {len(out)} communities, B = {n_perm}"
              + ("  (target < 10 s)" if label.startswith("elite") else ""))
    t = time.perf_counter()
    full = analyse(data, s)
    texts = [cpanalysis.reading(data, c, analysis=full) for c in full["table"]["community_id"][:50]]
    print(f"analyse + 50 readings: {time.perf_counter() - t:.2f} s ({len(texts)} texts)")

    problems = [p for cl in prepare_rankings(data, s).values()
                if cl.decided.size and (p := gap_problem(cl.members)) is not None and p.varying]
    subset = problems[:n_reference]
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for problem in subset:
        one_at_a_time(problem, n_perm, rng)
    loop = (time.perf_counter() - t) / len(subset)
    t = time.perf_counter()
    for problem in subset:
        permutation_test(problem, n_perm=n_perm, seed=0)
    vectorised = (time.perf_counter() - t) / len(subset)
    print(f"per community, B = {n_perm}: one-at-a-time loop {loop * 1000:.1f} ms, vectorised "
          f"{vectorised * 1000:.2f} ms -> {loop / vectorised:.0f}x faster "
          f"(loop scaled to {len(problems)} testable communities: {loop * len(problems):.0f} s)")


if __name__ == "__main__":
    main()
