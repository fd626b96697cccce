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
                   rng: np.random.Generator, bounds=(-np.inf, np.inf)) -> tuple[float, float, float]:
    """Stratum-adjusted elite difference and the interval that inverts the relabelling test.

    Estimate: ``delta = sum_cells w_c (mean_elite - mean_non-elite) / sum_cells w_c`` with
    ``w_c = n_e n_o / N`` (Mantel-Haenszel-type weights; cells without both are left out).
    Interval: every ``delta`` for which the one-sided relabelling tests of "elites' values are
    their values without influence plus ``delta``" do not reject at ``(1 - ci) / 2`` each. Under
    a constant shift the relabelled statistics are linear in ``delta``, so the limits are order
    statistics of one threshold per relabelling (exact enumeration when there are at most
    ``n_perm`` relabellings). Valid in small strata, where a percentile bootstrap is not.

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

    ok = ~np.isnan(x)
    groups = []
    for c in pd.unique(cell[ok]):
        idx = np.flatnonzero(ok & (cell == c))
        e = int(elite[idx].sum())
        if 0 < e < idx.size:
            groups.append(idx)
    if not groups:
        return np.nan, np.nan, np.nan
    T0 = M = 0.0
    cent = {}
    for idx in groups:
        xc = x[idx] - x[idx].mean()
        cent[id(idx)] = xc
        n_e = int(elite[idx].sum())
        T0 += xc[elite[idx]].sum()
        M += n_e * (idx.size - n_e) / idx.size
    est = T0 / M
    n_E = sum(int(elite[idx].sum()) for idx in groups)
    n_distinct = prod(comb(idx.size, int(elite[idx].sum())) for idx in groups)
    alpha = 1 - ci
    if n_distinct <= n_perm:
        T = np.zeros(1)
        O = np.zeros(1)
        for idx in groups:
            xc, el = cent[id(idx)], elite[idx]
            combos = list(combinations(range(idx.size), int(el.sum())))
            t = np.array([xc[list(cc)].sum() for cc in combos])
            o = np.array([el[list(cc)].sum() for cc in combos])
            T = (T[:, None] + t[None, :]).ravel()
            O = (O[:, None] + o[None, :]).ravel()
        need = int(np.floor(alpha / 2 * T.size + 1e-9)) + 1    # p = count / N must exceed alpha / 2
    else:
        T = np.zeros(n_perm)
        O = np.zeros(n_perm)
        for idx in groups:
            xc, el = cent[id(idx)], elite[idx]
            e = int(el.sum())
            pick = np.argpartition(rng.random((n_perm, idx.size)), e - 1, axis=1)[:, :e]
            T += xc[pick].sum(axis=1)
            O += el[pick].sum(axis=1)
        need = int(np.ceil(alpha / 2 * (n_perm + 1) - 1e-9)) - 1   # (1 + count) / (B + 1) must exceed alpha / 2
    full = O >= n_E - 0.5            # the observed labelling: counted in both tails whatever delta
    need -= int(full.sum())
    thresholds = np.sort((T0 - T[~full]) / (n_E - O[~full]))
    if need <= 0:
        lo, hi = -np.inf, np.inf
    elif need > thresholds.size:
        lo, hi = est, est
    else:
        lo, hi = thresholds[need - 1], thresholds[::-1][need - 1]
    return float(est), float(np.clip(lo, *bounds)), float(np.clip(hi, *bounds))


def _cells(ev: PersonEvidence, mask: np.ndarray) -> list:
    out = []
    for st in pd.unique(ev.stratum[mask]):
        for el in (True, False):
            idx = np.flatnonzero(mask & (ev.stratum == st) & (ev.elite == el))
            if idx.size:
                out.append((st, el, idx))
    return out


def _weights(cells: list, rng: np.random.Generator, n_boot: int) -> list:
    return [rng.multinomial(idx.size, np.full(idx.size, 1.0 / idx.size), size=n_boot) for _, _, idx in cells]


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
        cells = _cells(ev, present)
        W = _weights(cells, rng, n_boot)
        te = sum(W[i] @ ev.turns[c[2]] for i, c in enumerate(cells) if c[1])
        tt = sum(W[i] @ ev.turns[c[2]] for i, c in enumerate(cells))
        ae = sum(W[i] @ ev.attendances[c[2]] for i, c in enumerate(cells) if c[1])
        at = sum(W[i] @ ev.attendances[c[2]] for i, c in enumerate(cells))
        obs_t = ev.turns[present].sum()
        pres = ev.attendances[present & ev.elite].sum() / ev.attendances[present].sum()
        if obs_t > 0:
            row["voice_parity"] = float(ev.turns[present & ev.elite].sum() / obs_t / pres)
            with np.errstate(invalid="ignore", divide="ignore"):
                row["parity_ci_low"], row["parity_ci_high"] = _quantiles((te / tt) / (ae / at), ci)
    for k, name in ((1, "voice_ratio_adjusted"), (2, "proposal_ratio_adjusted"), (3, "uptake_ratio")):
        est, lo, hi = shift_interval(ev.values[:, k], ev.elite, ev.stratum, n_perm=n_perm, ci=ci, rng=rng)
        base = name.replace("_adjusted", "")
        row[name], row[f"{base}_ci_low"], row[f"{base}_ci_high"] = np.exp(est), np.exp(lo), np.exp(hi)
    est, lo, hi = shift_interval(ev.values[:, 0], ev.elite, ev.stratum, n_perm=n_perm, ci=ci, rng=rng,
                                 bounds=(-1.0, 1.0))
    if not np.isnan(est):
        row["gap"], row["gap_ci_low"], row["gap_ci_high"] = est, lo, hi
    return row
