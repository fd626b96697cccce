"""Timing of the elite-influence assessment (run on demand: python benchmarks/bench_dominance.py).

What is timed: the whole assessment of 500 simulated communities with default settings
(B = 2000 relabellings, 999 bootstrap resamples): the combined test of every community, its
detectability at moderate and strong influence, the elite weight, every descriptive interval,
the counterfactual, q-values and reading levels (``elite_dominance``); then the programme view
and 50 readings. Simulation time is reported apart.

Target (issue 11): within 3x the code before the redesign. That code (commit 7aeca91, the
parent of this work) was measured with this benchmark's earlier version, on the same shared
2-core machine, before any change:

    simulate(500): 6.18 s
    elite_dominance (everything): 20.89 s for 500 communities, B = 2000
    gap tests only: 9.34 s            (its same-run reference: the plain gap permutation tests)

so the old assessment took 2.24x the plain gap tests. Machine load varies, so the check made in
every run is against a reference measured in the same run: the plain gap permutation test of
:mod:`cpanalysis.dominance.permutation` (today's code of that test, unchanged), run over every
community. Target: new assessment / plain gap tests <= 3 x 2.24 = 6.7.

Measured after the redesign (same machine, nothing else of this work running):

    simulate(500): 6.52 s
    reference, plain gap permutation tests: 10.97 s (498 communities, B = 2000)
    elite_dominance (everything, detectability included): 56.68 s for 500 communities
      -> 5.17x the reference (old code 2.24x): 2.31x the old assessment, within the 3x target
    analyse + programme + 50 readings: 52.36 s
"""

import time

import cpanalysis
from cpanalysis.dominance.core import _seed, analyse
from cpanalysis.dominance.permutation import gap_problem, permutation_test
from cpanalysis.dominance.signals import prepare_rankings
from cpanalysis.settings import Settings

OLD_RATIO = 20.89 / 9.34   # old elite_dominance / plain gap tests, measured on commit 7aeca91


def plain_gap_tests(data, s: Settings) -> int:
    """The reference: the old single-measure gap test of every community that can be tested alone."""
    n = 0
    for c, cl in prepare_rankings(data, s).items():
        problem = gap_problem(cl.members) if cl.decided.size else None
        if problem is not None and problem.n_elite_individual > 0 and problem.varying:
            permutation_test(problem, n_perm=s.n_perm, seed=_seed(s.seed, c, 1))
            n += 1
    return n


def main(n: int = 500) -> None:
    t = time.perf_counter()
    data = cpanalysis.simulate(n, seed=1)
    print(f"simulate({n}): {time.perf_counter() - t:.2f} s")
    s = Settings()
    t = time.perf_counter()
    n_tested = plain_gap_tests(data, s)
    reference = time.perf_counter() - t
    print(f"reference, plain gap permutation tests: {reference:.2f} s ({n_tested} communities, B = {s.n_perm})")
    t = time.perf_counter()
    table = cpanalysis.elite_dominance(data, settings=s)
    new = time.perf_counter() - t
    ratio = new / reference
    print(f"elite_dominance (everything, detectability included): {new:.2f} s for {len(table)} communities "
          f"-> {ratio:.2f}x the reference (old code: {OLD_RATIO:.2f}x; target <= {3 * OLD_RATIO:.2f}x, "
          f"i.e. within 3x the old assessment: {ratio / OLD_RATIO:.2f}x)")
    t = time.perf_counter()
    full = analyse(data, s)
    cpanalysis.programme_dominance(data, analysis=full)
    texts = [cpanalysis.reading(data, c, analysis=full) for c in full["table"]["community_id"][:50]]
    print(f"analyse + programme + {len(texts)} readings: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
