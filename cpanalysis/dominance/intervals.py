"""Descriptive measures of elite voice, proposals, uptake and proximity, with person-level intervals.

Every interval is a percentile bootstrap that resamples *persons* (with all their turns,
attendances and lists) within each (stratum x elite) cell, as the test keeps the number of
elites of every stratum; comparisons with non-elites are standardised by stratum (elites are
compared with non-elite people of their own subgroup and marginalised status).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .evidence import PersonEvidence

__all__ = ["describe_community", "shift_interval"]


def shift_interval(x: np.ndarray, elite: np.ndarray, cell: np.ndarray, *, n_perm: int, ci: float,
                   rng: np.random.Generator, bounds=(-np.inf, np.inf)) -> tuple:
    """Stratum-adjusted elite difference and the interval that inverts the relabelling test.

    Estimate: ``delta = sum_cells w_c (mean_elite - mean_non-elite) / sum_cells w_c`` with
    ``w_c = n_e n_o / N`` (Mantel-Haenszel-type weights; cells without both are left out).
    Interval: every ``delta`` for which the one-sided relabelling tests of "elites' values are
    their values without influence plus ``delta``" do not reject at ``(1 - ci) / 2`` each. Under
    a constant shift the relabelled statistics are linear in ``delta``, so the limits are order
    statistics of one threshold per relabelling (exact enumeration when there are at most
    ``n_perm`` relabellings). Valid in small strata, where a percentile bootstrap is not.
    ``x`` may be ``(n, m)``: ``m`` measures known for the same persons share the relabellings and
    the function returns three arrays of ``m`` values; a row with a NaN is left out.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([3.0, 2.0, 0.0, 1.0])
    >>> elite = np.array([True, True, False, False])
    >>> est, lo, hi = shift_interval(x, elite, np.zeros(4), n_perm=100, ci=0.5, rng=None)
    >>> est   # (3 + 2) / 2 - (0 + 1) / 2
    2.0
    """
    from itertools import combinations
    from math import comb, prod

    X = np.asarray(x, float)
    single = X.ndim == 1
    X = X[:, None] if single else X
    nan = np.full(X.shape[1], np.nan)
    ok = ~np.isnan(X).any(axis=1)
    groups = []
    for c in pd.unique(cell[ok]):
        idx = np.flatnonzero(ok & (cell == c))
        e = int(elite[idx].sum())
        if 0 < e < idx.size:
            groups.append(idx)
    if not groups:
        return (np.nan,) * 3 if single else (nan, nan, nan)
    T0 = np.zeros(X.shape[1])
    M = 0.0
    cent = []
    for idx in groups:
        xc = X[idx] - X[idx].mean(axis=0)
        cent.append(xc)
        n_e = int(elite[idx].sum())
        T0 += xc[elite[idx]].sum(axis=0)
        M += n_e * (idx.size - n_e) / idx.size
    est = T0 / M
    n_E = sum(int(elite[idx].sum()) for idx in groups)
    n_distinct = prod(comb(idx.size, int(elite[idx].sum())) for idx in groups)
    alpha = 1 - ci
    if n_distinct <= n_perm:
        T = np.zeros((1, X.shape[1]))
        O = np.zeros(1)
        for idx, xc in zip(groups, cent):
            el = elite[idx]
            combos = np.array(list(combinations(range(idx.size), int(el.sum()))))
            t = xc[combos].sum(axis=1)                          # (n_combos, m)
            o = el[combos].sum(axis=1)
            T = (T[:, None, :] + t[None, :, :]).reshape(-1, X.shape[1])
            O = (O[:, None] + o[None, :]).ravel()
        need = int(np.floor(alpha / 2 * T.shape[0] + 1e-9)) + 1    # p = count / N must exceed alpha / 2
    else:
        T = np.zeros((n_perm, X.shape[1]))
        O = np.zeros(n_perm)
        for idx, xc in zip(groups, cent):
            el = elite[idx]
            e = int(el.sum())
            pick = np.argpartition(rng.random((n_perm, idx.size)), e - 1, axis=1)[:, :e]
            T += xc[pick].sum(axis=1)
            O += el[pick].sum(axis=1)
        need = int(np.ceil(alpha / 2 * (n_perm + 1) - 1e-9)) - 1   # (1 + count) / (B + 1) must exceed alpha / 2
    full = O >= n_E - 0.5            # the observed labelling: counted in both tails whatever delta
    need -= int(full.sum())
    thresholds = np.sort((T0 - T[~full]) / (n_E - O[~full])[:, None], axis=0)
    if need <= 0:
        lo, hi = np.full(X.shape[1], -np.inf), np.full(X.shape[1], np.inf)
    elif need > thresholds.shape[0]:
        lo, hi = est.copy(), est.copy()
    else:
        lo, hi = thresholds[need - 1], thresholds[::-1][need - 1]
    lo, hi = np.clip(lo, *bounds), np.clip(hi, *bounds)
    if single:
        return float(est[0]), float(lo[0]), float(hi[0])
    return est, lo, hi


def _cells(ev: PersonEvidence, mask: np.ndarray) -> list:
    out = []
    for st in pd.unique(ev.stratum[mask]):
        for el in (True, False):
            idx = np.flatnonzero(mask & (ev.stratum == st) & (ev.elite == el))
            if idx.size:
                out.append((st, el, idx))
    return out


def _quantiles(boot, ci):
    boot = np.asarray(boot, float)
    boot = boot[np.isfinite(boot)]
    if boot.size < 2:
        return np.nan, np.nan
    lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
    return float(lo), float(hi)


def describe_community(ev: PersonEvidence, *, rng: np.random.Generator, n_boot: int, ci: float,
                       n_perm: int = 2000) -> dict:
    """Elite voice parity, stratum-standardised voice, proposal and uptake ratios and the
    stratum-adjusted proximity gap of one community, each with a person-level interval.

    * ``voice_parity`` = elite share of turns / elite share of attendances (unadjusted);
    * ``voice_ratio_adjusted`` = ``exp(delta)``, ``delta`` the stratum-adjusted elite difference
      (:func:`shift_interval`) of the log speaking measure of :mod:`.evidence`: how many times
      more elites spoke, relative to an equal share of the sessions they attended, than non-elite
      people of their stratum (likewise ``proposal_ratio_adjusted`` and ``uptake_ratio``);
      intervals invert the relabelling test;
    * ``gap`` = the stratum-adjusted difference between the alignment of elite and non-elite
      individual rankers with the decision (:func:`shift_interval`, whose interval inverts the
      relabelling test: strata of one or two people make a bootstrap too narrow).
    """
    row = {}
    present = ev.attendances > 0
    if present.any() and ev.elite[present].any() and (~ev.elite[present]).any():
        sums = {"te": 0.0, "tt": 0.0, "ae": 0.0, "at": 0.0}
        for _, is_elite, idx in _cells(ev, present):   # resample persons within (stratum x elite) cells
            draw = idx[rng.integers(0, idx.size, (n_boot, idx.size))]
            t_sum, a_sum = ev.turns[draw].sum(axis=1), ev.attendances[draw].sum(axis=1)
            sums["tt"] = sums["tt"] + t_sum
            sums["at"] = sums["at"] + a_sum
            if is_elite:
                sums["te"] = sums["te"] + t_sum
                sums["ae"] = sums["ae"] + a_sum
        obs_t = ev.turns[present].sum()
        pres = ev.attendances[present & ev.elite].sum() / ev.attendances[present].sum()
        if obs_t > 0:
            row["voice_parity"] = float(ev.turns[present & ev.elite].sum() / obs_t / pres)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot = (sums["te"] / sums["tt"]) / (sums["ae"] / sums["at"])
            row["parity_ci_low"], row["parity_ci_high"] = _quantiles(boot, ci)
    est, lo, hi = shift_interval(ev.values[:, 1:], ev.elite, ev.stratum, n_perm=n_perm, ci=ci, rng=rng)
    for k, name in enumerate(("voice_ratio_adjusted", "proposal_ratio_adjusted", "uptake_ratio")):
        base = name.replace("_adjusted", "")
        row[name], row[f"{base}_ci_low"], row[f"{base}_ci_high"] = np.exp(est[k]), np.exp(lo[k]), np.exp(hi[k])
    est, lo, hi = shift_interval(ev.values[:, 0], ev.elite, ev.stratum, n_perm=n_perm, ci=ci, rng=rng,
                                 bounds=(-1.0, 1.0))
    if not np.isnan(est):
        row["gap"], row["gap_ci_low"], row["gap_ci_high"] = est, lo, hi
    return row
