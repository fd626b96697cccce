"""The one test per community: every piece of evidence in one statistic under one relabelling null.

Statistic. For each measure ``k`` of :data:`cpanalysis.dominance.evidence.COMPONENTS`, each
person's value is centred on the mean of their test cell (stratum x data availability):
``c_ik = x_ik - mean_cell(x_k)`` (0 where the person has no such value). Under relabelling, the
elites' sum ``T_k = sum_{i elite} c_ik`` has mean 0 and the variance of a sum drawn without
replacement, ``V_k = sum_cells n_e (N - n_e) / (N - 1) var_cell(c_k)``. The combined score of a
person is ``s_i = sum_k c_ik / sqrt(V_k)`` (measures that cannot vary are left out) and the
statistic is ``T = sum_{i elite} s_i = sum_k T_k / sqrt(V_k)``: each measure counts the same,
measured in its own null standard deviations. ``T`` is linear in the labels, so every relabelling
costs one sum per cell.

Null. Elite status is exchangeable among the persons of a cell (the number of elites of every
cell kept). Exact enumeration of every distinct relabelling when there are at most ``n_perm``,
``p = #{T* >= T} / N``; else ``p = (b + 1) / (B + 1)`` over ``B = n_perm`` random relabellings
(Phipson & Smyth 2010). Either way ``P(p <= alpha) <= alpha`` when the null holds.

Detectability. The community's own relabelled statistics ``T*`` give its null; an influence that
moves every elite's measures up by ``delta`` within-cell standard deviations moves ``T`` by a
known amount ``shift(delta)`` (computed from the cell sizes). The share of ``T* + shift`` beyond
the test's critical value is the power of this test at this community's numbers.
"""

from __future__ import annotations

import itertools
from math import comb, prod

import numpy as np

from .evidence import COMPONENTS, PersonEvidence

__all__ = ["community_test", "bh_qvalues", "programme_test"]

_TOL = 1e-9


def _cells(cell: np.ndarray) -> list:
    order = np.argsort(cell.astype(str), kind="stable")
    keys = cell[order]
    if not len(keys):
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return np.split(order, starts[1:])


def _perm_var(values: np.ndarray, elite: np.ndarray, cells: list) -> float:
    v = 0.0
    for idx in cells:
        N, e = idx.size, int(elite[idx].sum())
        if 0 < e < N:
            x = values[idx]
            v += e * (N - e) / (N - 1) * float(np.mean((x - x.mean()) ** 2))
    return v


def _nonelite_spread(x: np.ndarray, elite: np.ndarray, cells: list) -> tuple[float, float, float]:
    """Without influence, elites would vary like the non-elites of their cell: the null variance
    of the elites' sum computed from the non-elites' spread, the pooled within-cell standard
    deviation of non-elites, and ``sum n_e (1 - n_e / N)`` over the cells that can vary (how far
    the elites' sum moves when every elite moves by one)."""
    v = ss = 0.0
    cnt = 0
    moved = 0.0
    for idx in cells:
        N, e = idx.size, int(elite[idx].sum())
        xo = x[idx][~elite[idx]]
        if np.isnan(xo).all() or not 0 < e < N:
            continue
        var_o = float(np.var(xo)) if xo.size > 1 else 0.0
        v += e * (N - e) / (N - 1) * var_o
        ss += var_o * xo.size
        cnt += xo.size
        moved += e * (1 - e / N)
    return v, (np.sqrt(ss / cnt) if cnt else 0.0), moved


def community_test(ev: PersonEvidence, *, n_perm: int, seed, alpha: float, shifts=(0.5, 1.0),
                   weights=None) -> dict:
    """The combined test of one community (see the module docstring).

    Returns
    -------
    dict
        ``statistic``, ``z`` (statistic over its null standard deviation), ``p_value``, ``test``
        (``exact``, ``random`` or ``not tested``), ``n_relabellings``, ``min_p``, ``null`` (B
        standardised relabelled statistics for the programme test; empty when not tested),
        ``detectability`` (one value per ``shifts``), ``component_z`` (each measure's own
        ``T_k / sqrt(V_k)``, NaN when it cannot vary), ``n_varying_cells``.
    """
    weights = np.ones(len(COMPONENTS)) if weights is None else np.asarray(weights, float)
    out = {"statistic": np.nan, "z": np.nan, "p_value": np.nan, "test": "not tested", "n_relabellings": 0,
           "min_p": np.nan, "null": np.array([]), "detectability": [np.nan] * len(shifts),
           "component_z": {k: np.nan for k in COMPONENTS}, "n_varying_cells": 0}
    n = ev.person.size
    if n == 0 or ev.n_elite == 0:
        return out
    cells = _cells(ev.cell)
    elite = ev.elite
    X = ev.values
    centred = np.zeros_like(X)
    for k in range(X.shape[1]):
        x = X[:, k]
        for idx in cells:
            xi = x[idx]
            if np.isnan(xi).all():
                continue
            centred[idx, k] = np.nan_to_num(xi - np.nanmean(xi))
    score = np.zeros(n)
    score0 = np.zeros(n)       # the same score scaled by the non-elites' spread (for detectability)
    shift_t0 = 0.0
    for k, name in enumerate(COMPONENTS):
        v = _perm_var(centred[:, k], elite, cells)
        if v <= _TOL or weights[k] == 0:
            continue
        t_k = float(centred[elite, k].sum())
        out["component_z"][name] = t_k / np.sqrt(v)
        score += weights[k] * centred[:, k] / np.sqrt(v)
        v0, sigma0, moved = _nonelite_spread(X[:, k], elite, cells)
        if v0 > _TOL:
            score0 += weights[k] * centred[:, k] / np.sqrt(v0)
            shift_t0 += weights[k] * sigma0 * moved / np.sqrt(v0)
    var_t0 = _nonelite_spread(score0, elite, cells)[0]
    shift_unit = shift_t0 / np.sqrt(var_t0) if var_t0 > _TOL else 0.0
    var_t = _perm_var(score, elite, cells)
    varying = [idx for idx in cells if 0 < elite[idx].sum() < idx.size and np.ptp(score[idx]) > _TOL]
    out["n_varying_cells"] = len(varying)
    if var_t <= _TOL or not varying:
        return out
    sd = np.sqrt(var_t)
    obs = float(score[elite].sum())
    fixed = float(sum(score[idx][elite[idx]].sum() for idx in cells if not any(idx is v for v in varying)))
    n_distinct = prod(comb(idx.size, int(elite[idx].sum())) for idx in varying)
    rng = np.random.default_rng(seed)
    if n_distinct <= n_perm:
        per = [np.array([score[idx][list(c)].sum() for c in itertools.combinations(range(idx.size),
                                                                                    int(elite[idx].sum()))])
               for idx in varying]
        grid = per[0]
        for more in per[1:]:   # every combination of the cells' relabellings
            grid = (grid[:, None] + more[None, :]).ravel()
        null = fixed + grid
        b = int(np.sum(null >= obs - _TOL))
        p = b / null.size
        # p <= alpha needs at most floor(alpha N) enumerated values >= T, the observed one included
        crit_index = int(np.floor(alpha * null.size + _TOL)) - 1
        test, min_p = "exact", 1.0 / n_distinct
        draws = null[rng.integers(0, null.size, n_perm)]   # random relabellings for the programme test
    else:
        null = np.full(n_perm, fixed)
        for idx in varying:
            e = int(elite[idx].sum())
            pick = np.argpartition(rng.random((n_perm, idx.size)), e - 1, axis=1)[:, :e]
            null += score[idx][pick].sum(axis=1)
        b = int(np.sum(null >= obs - _TOL))
        p = (b + 1) / (n_perm + 1)
        # p <= alpha needs b <= floor(alpha (B + 1)) - 1 random values >= T
        crit_index = int(np.floor(alpha * (n_perm + 1) + _TOL)) - 1
        test, min_p = "random", 1.0 / (n_perm + 1)
        draws = null
    srt = np.sort(null)[::-1]
    det = []
    for delta in shifts:
        if crit_index < 0:   # the test cannot reach alpha at all
            det.append(0.0)
            continue
        # reject when T* + shift exceeds the (crit_index + 1)-th largest null value (p <= alpha)
        crit = srt[crit_index] if crit_index < srt.size else -np.inf
        det.append(float(np.mean((null - crit) / sd + delta * shift_unit > _TOL)))
    out.update(statistic=obs, z=obs / sd, p_value=float(p), test=test, n_relabellings=int(n_distinct),
               min_p=float(min_p), null=draws / sd, detectability=det)
    return out


def bh_qvalues(p) -> np.ndarray:
    """Benjamini-Hochberg q-values (NaN p-values stay NaN and are not counted).

    ``q_(i) = min_{j >= i} m p_(j) / j`` over the ``m`` p-values sorted increasingly
    (Benjamini & Hochberg 1995); rejecting every ``q <= alpha`` controls the false discovery
    rate at ``alpha m0 / m``.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()[:3]
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p, float)
    q = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = ok.size
    if m == 0:
        return q
    order = ok[np.argsort(p[ok], kind="stable")]
    ranked = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q


def programme_test(results: list, *, n_perm: int) -> dict:
    """Stouffer-type pooled test: ``Z = sum_c z_c / sqrt(m)`` over the communities tested, its
    null from the communities' own relabellings drawn independently (``p = (b + 1) / (B + 1)``)."""
    tested = [r for r in results if r["test"] != "not tested"]
    if not tested:
        return {"z": np.nan, "p_value": np.nan, "n_in_test": 0}
    m = len(tested)
    z = sum(r["z"] for r in tested) / np.sqrt(m)
    n_perm = min([n_perm] + [r["null"].size for r in tested])
    null = np.zeros(n_perm)
    for r in tested:
        null += r["null"][:n_perm]
    null /= np.sqrt(m)
    b = int(np.sum(null >= z - _TOL))
    return {"z": float(z), "p_value": (b + 1) / (n_perm + 1), "n_in_test": m}
