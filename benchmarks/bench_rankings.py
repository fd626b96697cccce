"""Harm-ranking benchmarks. Run on demand: ``python benchmarks/bench_rankings.py``.

1. Exact Kemeny on 8 harms x 200 rankers, against pref_voting's kemeny_young_rankings
   (brute force over 8! orders) in the same run: both times, the ratio, equal distances.
2. Exact Kemeny (dynamic programming) for 12 and 15 harms.
3. 2,000 bootstrap resamples for one community (8 harms, 40 rankers) per method.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from cpanalysis.rankings import aggregate, bootstrap_rankings
from cpanalysis.rankings.kemeny import kemeny_order


def _best_of(fn, repeat=3):
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def random_table(n_harms, n_rankers, rng, partial=False):
    theta = np.linspace(1.0, -1.0, n_harms)
    rows = []
    for r in range(n_rankers):
        order = np.argsort(-(theta + rng.gumbel(size=n_harms)))
        k = int(rng.integers(3, n_harms + 1)) if partial else n_harms
        rows += [(f"p{r}", int(h), pos + 1, f"g{r % 5}") for pos, h in enumerate(order[:k])]
    return pd.DataFrame(rows, columns=["ranker", "harm_id", "rank", "subgroup"])


def main() -> None:
    rng = np.random.default_rng(20240501)
    rows = []

    # 1. Kemeny 8 x 200 vs pref_voting
    t = random_table(8, 200, rng)
    ours_t, ours = _best_of(lambda: aggregate(t, method="kemeny"))
    try:
        from pref_voting.other_methods import kemeny_young_rankings
        from pref_voting.profiles import Profile

        ballots = (t.sort_values(["ranker", "rank"]).groupby("ranker")["harm_id"]
                   .apply(list).tolist())
        prof = Profile(ballots)
        pv_t, (pv_rankings, pv_dist) = _best_of(lambda: kemeny_young_rankings(prof), 1)
        same = abs(pv_dist - ours.attrs["kemeny_distance"]) < 1e-9
        in_set = tuple(ours.attrs["kemeny_order"]) in {tuple(r) for r in pv_rankings}
        rows.append(("kemeny 8 harms x 200 rankers (cpanalysis, incl. table prep)",
                     f"{ours_t * 1e3:.2f} ms"))
        rows.append(("kemeny 8 x 200 (pref_voting kemeny_young_rankings)", f"{pv_t:.2f} s"))
        rows.append(("speed-up", f"{pv_t / ours_t:,.0f}x"))
        rows.append(("minimal distances equal / our order among pref_voting's optima",
                     f"{same} ({pv_dist:g} vs {ours.attrs['kemeny_distance']:g}) / {in_set}"))
    except ImportError:
        rows.append(("pref_voting", "not installed: comparison skipped"))

    # 2. Kemeny DP alone for 12 and 15 harms (random real-valued cost matrix) and end to end
    for n in (12, 15):
        cost = rng.random((n, n)) * 40
        dp_t, _ = _best_of(lambda: kemeny_order(cost))
        tt = random_table(n, 40, rng)
        e2e_t, _ = _best_of(lambda: aggregate(tt, method="kemeny"))
        rows.append((f"exact kemeny {n} harms: DP only / aggregate() 40 rankers",
                     f"{dp_t * 1e3:.1f} ms / {e2e_t * 1e3:.1f} ms"))

    # 3. bootstrap, one community: 8 harms, 40 rankers, partial lists
    tc = random_table(8, 40, rng, partial=True)
    for method in ("mean_rank", "borda", "salience", "copeland", "schulze", "kemeny"):
        bt, _ = _best_of(lambda: bootstrap_rankings(tc, method=method, n_boot=2000, seed=1), 1)
        rows.append((f"bootstrap 2000 resamples, 8 harms x 40 rankers, {method}",
                     f"{bt:.3f} s"))
    bt, _ = _best_of(lambda: bootstrap_rankings(tc, method="borda", weighting="subgroup",
                                                n_boot=2000, seed=1), 1)
    rows.append(("bootstrap 2000, borda, weighting=subgroup (stratified)", f"{bt:.3f} s"))
    bt, _ = _best_of(lambda: bootstrap_rankings(tc, method="plackett_luce", n_boot=200,
                                                seed=1), 1)
    rows.append(("bootstrap 200 resamples, plackett_luce (refit each time)", f"{bt:.2f} s"))

    # 4. subgroup_rankings of the sample by community and cycle (what the story computes), against
    #    aggregate() called once per (community, cycle, group), the earlier implementation, in the same run
    rows += _grouped_against_one_call_per_group()

    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark'.ljust(width)}  result")
    print("-" * (width + 30))
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


def _grouped_against_one_call_per_group() -> list:
    from pathlib import Path

    import cpanalysis
    from cpanalysis.rankings.convert import _sorted_unique

    data = cpanalysis.load(Path(__file__).resolve().parents[1] / "data" / "sample")
    r = data.rankings.merge(data.sessions[["session_id", "cycle"]], on="session_id", how="left")
    by = ["community_id", "cycle"]

    def per_group():
        pieces = []
        for key, part in r.groupby(by, sort=True):
            universe = _sorted_unique(list(part["harm_id"]))
            for sg, sub in part.groupby("subgroup", sort=True):
                res = aggregate(sub, method="borda", weighting="ranker", items=universe)
                pieces.append(res.assign(community_id=key[0], cycle=key[1], subgroup=sg))
        return pd.concat(pieces, ignore_index=True)

    def grouped():
        return cpanalysis.subgroup_rankings(r, by=by, method="borda")

    t_ref, ref = _best_of(per_group, 2)
    t_new, new = _best_of(grouped, 2)
    same = np.array_equal(ref.sort_values(by + ["subgroup", "position", "harm_id"])["score"].to_numpy(),
                          new.sort_values(by + ["subgroup", "rank", "harm_id"])["score"].to_numpy())
    n_groups = int(new.groupby(by + ["subgroup"]).ngroups)
    return [(f"sample by community and cycle ({n_groups} groups): aggregate() per group / subgroup_rankings",
             f"{t_ref:.2f} s / {t_new:.2f} s = {t_ref / t_new:.1f}x, same scores: {same}")]


if __name__ == "__main__":
    main()
