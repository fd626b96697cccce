"""Agreement between rankers (Kendall's W) and between subgroups (tau-b, distance, top-k)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from .convert import check_columns, prepare, _sorted_unique, midrank_positions

__all__ = ["kendall_w", "pairwise_agreement"]


def kendall_w(
    table: pd.DataFrame,
    ranker: str = "ranker",
    item: str = "harm_id",
    rank: str | None = "rank",
    *,
    score: str | None = None,
    session: str | None = "session_id",
) -> pd.DataFrame:
    """Kendall's coefficient of concordance W across rankers, with the tie correction.

    Parameters
    ----------
    table : DataFrame
        Long rankings table (one row per ranker and listed item).
    ranker, item, rank, score, session : str
        Column names, as in :func:`aggregate`.

    Returns
    -------
    DataFrame
        One row: ``W``, ``chi2``, ``df``, ``p`` (chi-square upper tail), ``m`` (rankers),
        ``n`` (items), ``S``, ``T`` (sum of tie terms).

    Notes
    -----
    With mid-rank positions R_ij (ties share the mean of their places), rank sums
    R_j = sum_i R_ij and S = sum_j (R_j - m (n + 1) / 2)^2,

        W = 12 S / (m^2 (n^3 - n) - m T),   T = sum over rankers and tie groups of (t^3 - t),

    chi2 = m (n - 1) W on n - 1 degrees of freedom (this equals Friedman's statistic with its
    tie correction). Partial lists: the harms a ranker did not list are tied at the bottom of
    its list, so they form one tie group in T. A ranker who ties everything contributes
    (n^3 - n) to T and nothing to S, but counts in m. W is NaN when every list is a single tie
    (denominator 0) or n < 2; with one ranker and no ties W = 1.

    References
    ----------
    .. [1] Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. Annals of
       Mathematical Statistics 10(3):275-287.
    .. [2] Siegel, S., & Castellan, N. J. (1988). Nonparametric Statistics for the Behavioral
       Sciences, 2nd ed., section 9.4 (tie correction).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"ranker": ["a"] * 3 + ["b"] * 3,
    ...                   "harm_id": ["x", "y", "z"] * 2, "rank": [1, 2, 3, 1, 2, 3]})
    >>> kendall_w(t)[["W", "chi2", "df", "m", "n"]]
         W  chi2  df  m  n
    0  1.0   4.0   2  2  3
    """
    rd = prepare(table, func="kendall_w", ranker=ranker, item=item, rank=rank, score=score,
                 session=session)
    m, n = rd.m, rd.n
    pos = rd.pos
    rsum = pos.sum(axis=0)
    S = float(((rsum - m * (n + 1) / 2.0) ** 2).sum())
    T = 0.0
    for row in pos:
        _, counts = np.unique(row, return_counts=True)
        T += float((counts**3 - counts).sum())
    denom = m**2 * (n**3 - n) - m * T
    W = 12.0 * S / denom if denom > 0 else np.nan
    df = n - 1
    chi2 = m * (n - 1) * W if not np.isnan(W) else np.nan
    p = float(stats.chi2.sf(chi2, df)) if df > 0 and not np.isnan(chi2) else np.nan
    return pd.DataFrame(
        {"W": [W], "chi2": [chi2], "df": [df], "p": [p], "m": [m], "n": [n], "S": [S], "T": [T]}
    )


def _positions(table, group, item, rank, universe, g):
    sub = table[table[group] == g]
    lv = pd.Series(pd.to_numeric(sub[rank]).to_numpy(float), index=sub[item].to_numpy())
    levels = np.array([lv.get(x, np.nan) for x in universe], dtype=float)
    return midrank_positions(levels)


def pairwise_agreement(
    table: pd.DataFrame,
    *,
    group: str = "subgroup",
    item: str = "harm_id",
    rank: str = "rank",
    k: int = 3,
    by: str | list[str] | None = None,
) -> pd.DataFrame:
    """Agreement between every pair of subgroup rankings.

    Parameters
    ----------
    table : DataFrame
        One ranking per group, long form: typically the output of :func:`subgroup_rankings`
        (``subgroup``, ``harm_id``, ``rank``). Any long table with one row per (group, item)
        works, e.g. ``group="ranker"`` to compare individual rankers.
    group, item, rank : str
        Column names.
    k : int
        Size of the top set for the overlap (default 3).
    by : str or list of str, optional
        Columns (e.g. ``"community_id"``) within which pairs are formed.

    Returns
    -------
    DataFrame
        One row per unordered pair (``group_a`` < ``group_b`` in sorted order) with
        ``tau_b`` (scipy.stats.kendalltau, variant b), ``p_tau``, ``kendall_distance``
        (normalised, 0 = same order, 1 = reversed), ``topk_overlap``, ``k``, ``n_items``.

    Notes
    -----
    Both rankings are taken over the union of the two groups' items; an item a group did not
    rank is tied at its bottom. The normalised Kendall distance counts discordant pairs plus
    one half for each pair tied in exactly one of the two rankings (penalty 1/2, Fagin et al.
    2006), divided by n (n - 1) / 2. The top-k set of a ranking is every item at position
    <= k (more than k items if ties straddle place k); ``topk_overlap`` =
    :math:`|A \\cap B| / \\max(|A|, |B|)`, which is :math:`|A \\cap B| / k` without ties.
    tau-b is NaN when a ranking ties every item.

    References
    ----------
    .. [1] Kendall, M. G. (1945). The treatment of ties in ranking problems. Biometrika 33(3).
    .. [2] Fagin, R., Kumar, R., Mahdian, M., Sivakumar, D., & Vee, E. (2006). Comparing
       partial rankings. SIAM Journal on Discrete Mathematics 20(3).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"subgroup": ["girls"] * 3 + ["men"] * 3,
    ...                   "harm_id": ["x", "y", "z"] * 2, "rank": [1, 2, 3, 3, 2, 1]})
    >>> pairwise_agreement(t)[["group_a", "group_b", "tau_b", "kendall_distance"]]
      group_a group_b  tau_b  kendall_distance
    0   girls     men   -1.0               1.0
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    check_columns("pairwise_agreement", table, [group, item, rank] + by_cols)
    if table.duplicated(by_cols + [group, item]).any():
        raise ValueError(
            f"pairwise_agreement: more than one row per ({group}, {item}); pass one ranking per "
            f"group, e.g. the output of subgroup_rankings()"
        )
    rows = []
    parts = table.groupby(by_cols, sort=True) if by_cols else [((), table)]
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        groups = _sorted_unique(list(part[group]))
        for ga, gb in combinations(groups, 2):
            sub = part[part[group].isin([ga, gb])]
            universe = _sorted_unique(list(sub[item]))
            pa = _positions(sub, group, item, rank, universe, ga)
            pb = _positions(sub, group, item, rank, universe, gb)
            n = len(universe)
            if n >= 2 and np.ptp(pa) > 0 and np.ptp(pb) > 0:
                res = stats.kendalltau(pa, pb, variant="b")
                tau, ptau = float(res.statistic), float(res.pvalue)
            else:
                tau, ptau = np.nan, np.nan
            da = np.sign(pa[:, None] - pa[None, :])
            db = np.sign(pb[:, None] - pb[None, :])
            iu = np.triu_indices(n, 1)
            da, db = da[iu], db[iu]
            disc = np.sum(da * db < 0)
            half = np.sum((da == 0) ^ (db == 0))
            npairs = n * (n - 1) / 2
            dist = (disc + 0.5 * half) / npairs if npairs else np.nan
            top_a = set(np.asarray(universe)[_comp_pos(pa) <= k])
            top_b = set(np.asarray(universe)[_comp_pos(pb) <= k])
            denom = max(len(top_a), len(top_b))
            overlap = len(top_a & top_b) / denom if denom else np.nan
            row = dict(zip(by_cols, key))
            row.update({"group_a": ga, "group_b": gb, "tau_b": tau, "p_tau": ptau,
                        "kendall_distance": float(dist), "topk_overlap": overlap, "k": k,
                        "n_items": n})
            rows.append(row)
    cols = by_cols + ["group_a", "group_b", "tau_b", "p_tau", "kendall_distance",
                      "topk_overlap", "k", "n_items"]
    return pd.DataFrame(rows, columns=cols)


def _comp_pos(midpos: np.ndarray) -> np.ndarray:
    """Competition positions (ties share the minimum) from mid-rank positions."""
    return 1 + (midpos[None, :] < midpos[:, None]).sum(axis=1)
