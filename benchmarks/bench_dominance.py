"""Timing of the elite-dominance analysis (run on demand: python benchmarks/bench_dominance.py).

Target: 500 communities, 2000 permutations each, whole analysis (gap tests, bootstrap,
counterfactual, voice) in under 10 s. Simulation time is reported apart.
"""

import time

import cpanalysis
from cpanalysis.dominance.core import analyse
from cpanalysis.dominance.settings import DominanceSettings
from cpanalysis.dominance.validate import gap_tests


def main(n: int = 500, n_perm: int = 2000) -> None:
    t = time.perf_counter()
    data = cpanalysis.simulate(n, seed=1)
    print(f"simulate({n}): {time.perf_counter() - t:.2f} s")
    s = DominanceSettings(n_perm=n_perm)
    for label, fn in [("elite_dominance (everything)", lambda: cpanalysis.elite_dominance(data, settings=s)),
                      ("gap tests only", lambda: gap_tests(data, settings=s))]:
        t = time.perf_counter()
        out = fn()
        print(f"{label}: {time.perf_counter() - t:.2f} s for {len(out)} communities, B = {n_perm}")
    t = time.perf_counter()
    full = analyse(data, s)
    texts = [cpanalysis.reading(data, c, analysis=full) for c in full["table"]["community_id"][:50]]
    print(f"analyse + 50 readings: {time.perf_counter() - t:.2f} s ({len(texts)} texts)")


if __name__ == "__main__":
    main()
