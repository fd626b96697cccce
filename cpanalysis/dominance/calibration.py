"""Validation by simulation: how often the gap test rejects at a known elite influence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .core import _seed
from .permutation import gap_problem, permutation_test
from ..settings import Settings, resolve_settings
from .signals import prepare_rankings

__all__ = ["gap_tests", "rejection_rate"]


def gap_tests(data, *, settings: Settings | None = None, **overrides) -> pd.DataFrame:
    """The community-alone gap tests only (no voice, counterfactual or pooling): fast path for
    simulation studies. Same statistic, same p-value definition and seeds as
    :func:`cpanalysis.elite_dominance`.

    Returns
    -------
    DataFrame
        One row per community: ``community_id``, ``gap``, ``p_value`` (NaN when the community
        cannot be tested alone), ``test`` (``exact``, ``random``, ``pooled`` = would be pooled,
        ``not tested``), ``n_relabellings``.
    """
    s = resolve_settings(settings, **overrides)
    rows = []
    for c, cl in prepare_rankings(data, s).items():
        row = {"community_id": c, "gap": np.nan, "p_value": np.nan, "test": "not tested", "n_relabellings": 0}
        problem = gap_problem(cl.members) if cl.decided.size else None
        if problem is not None and problem.n_elite_individual > 0 and problem.varying:
            row["n_relabellings"] = problem.n_distinct
            small = (problem.n_elite_individual < s.min_rankers or problem.n_nonelite_individual < s.min_rankers
                     or (problem.n_distinct <= s.n_perm and 1.0 / problem.n_distinct > s.alpha))
            if small:
                row["test"] = "pooled"
            else:
                res = permutation_test(problem, n_perm=s.n_perm, seed=_seed(s.seed, c, 1))
                row.update(gap=res["gap"], p_value=res["p_value"], test=res["test"])
        rows.append(row)
    return pd.DataFrame(rows)


def rejection_rate(elite_influence: float, *, n_communities: int = 500, seed: int = 0,
                   settings: Settings | None = None, **overrides) -> dict:
    """Share of communities, tested alone, whose gap test rejects at ``alpha``.

    Simulates ``n_communities`` with :func:`cpanalysis.simulate` at the given influence. At
    influence 0 this is the false-positive rate; above 0, the power.

    Returns
    -------
    dict
        ``elite_influence``, ``n_communities``, ``n_tested`` (tested alone), ``n_rejected``,
        ``rate``, ``ci_low``/``ci_high`` (Wilson 95%), ``share_pooled``, ``share_not_tested``.
    """
    from ..simulation import simulate

    s = resolve_settings(settings, **overrides)
    data = simulate(n_communities, seed=seed, elite_influence=float(elite_influence))
    tests = gap_tests(data, settings=s)
    alone = tests["test"].isin(["exact", "random"])
    n = int(alone.sum())
    k = int((tests.loc[alone, "p_value"] < s.alpha).sum())
    z = 1.959963984540054
    if n:
        phat = k / n
        centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        lo, hi = centre - half, centre + half
    else:
        phat = lo = hi = np.nan
    return {"elite_influence": float(elite_influence), "n_communities": n_communities, "n_tested": n,
            "n_rejected": k, "rate": phat, "ci_low": lo, "ci_high": hi,
            "share_pooled": float((tests["test"] == "pooled").mean()),
            "share_not_tested": float((tests["test"] == "not tested").mean())}
