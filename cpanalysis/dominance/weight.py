"""How much the elites' preferences weighed in the decision, relative to their share: a likelihood model.

Model. Each individual ranker's list gives every harm a positional score in [0, 1]
(``(H - midrank) / (H - 1)``: 1 = first, 0 = last, ties share, unlisted harms tied last); a person's
score is the mean over their lists. ``e_h`` is the elites' mean score of harm ``h``, ``o_h`` that
of the non-elite individual rankers, ``pi`` the elites' share of the individual rankers. The
decision's priorities are a Plackett-Luce draw from the mixed view

    ``z_h = (1 - lambda) o_h + lambda e_h``,  ``P(d_1, ..., d_k) = prod_j exp(beta z_dj) / sum_{h not yet chosen} exp(beta z_h)``,

with ``lambda = min(1, rho pi)``. ``rho`` is the *elite weight*: 1 = the elites counted as their
share of the people (every person the same), 2 = twice their share, ``1 / pi`` = the elites'
view alone, 0 = the elites not at all. ``beta`` (how firmly the decision follows the mixed view)
is profiled out on a grid.

Estimate and interval. The profile log-likelihood ``l(rho)`` on a grid; the estimate is its
maximum (among equal maxima, the value nearest 1: the data cannot tell them apart and the
reading does not claim more than it shows); the interval is the profile-likelihood interval
``2 (l_max - l(rho)) <= chi2_1(ci)``. For a programme, the communities' curves are summed (one
``rho`` for all) and the interval is a bootstrap over communities (clusters).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from .signals import ELITES, _midrank

__all__ = ["RHO_GRID", "weight_curve", "weight_estimate", "programme_weight"]

#: The grid of elite weights ``rho`` (relative to the elites' share).
RHO_GRID = np.unique(np.round(np.concatenate([np.linspace(0, 2, 41), np.geomspace(2, 100, 60)]), 4))
_BETA = np.linspace(0, 60, 31)


def weight_curve(cl) -> tuple[np.ndarray, float] | None:
    """The profile log-likelihood of ``rho`` over :data:`RHO_GRID` and the elites' share ``pi``
    (None when the community has no decision, or no elite or no non-elite individual ranker)."""
    if cl.decided.size == 0 or cl.lists is None or not len(cl.lists) or cl.levels.shape[1] < 2:
        return None
    ind = (cl.lists["source"] == "individual").to_numpy(bool)
    if not ind.any():
        return None
    H = cl.levels.shape[1]
    pos = (H - _midrank(cl.levels[ind])) / (H - 1)
    member = cl.lists["member"].to_numpy(dtype=object)[ind]
    elite = (cl.lists["unit"].to_numpy(dtype=object)[ind] == ELITES)
    codes = np.unique(member.astype(str), return_inverse=True)[1]
    n_m = codes.max() + 1
    cnt = np.bincount(codes, minlength=n_m)
    person = np.zeros((n_m, H))
    np.add.at(person, codes, pos)
    person /= cnt[:, None]
    p_elite = np.zeros(n_m, bool)
    p_elite[codes[elite]] = True
    n_e, n_o = int(p_elite.sum()), int((~p_elite).sum())
    if n_e == 0 or n_o == 0:
        return None
    e, o = person[p_elite].mean(axis=0), person[~p_elite].mean(axis=0)
    pi = n_e / (n_e + n_o)
    lam = np.minimum(1.0, RHO_GRID * pi)
    z = (1 - lam)[:, None] * o + lam[:, None] * e                  # (R, H)
    bz = _BETA[:, None, None] * z[None]                            # (Bt, R, H)
    loglik = np.zeros(bz.shape[:2])
    remaining = np.ones(H, bool)
    for d in cl.decided:
        sub = np.where(remaining, bz, -np.inf)
        top = sub.max(axis=2, keepdims=True)
        loglik += bz[:, :, d] - (top[..., 0] + np.log(np.exp(sub - top).sum(axis=2)))
        remaining[d] = False
    return loglik.max(axis=0), pi


def _estimate(curve: np.ndarray, ci: float) -> tuple[float, float, float]:
    best = curve.max()
    at_max = np.flatnonzero(curve >= best - 1e-9)
    est = RHO_GRID[at_max[np.argmin(np.abs(np.log(np.maximum(RHO_GRID[at_max], 1e-6))))]]
    inside = np.flatnonzero(2 * (best - curve) <= chi2.ppf(ci, 1))
    return float(est), float(RHO_GRID[inside.min()]), float(RHO_GRID[inside.max()])


def weight_estimate(curve_pi, ci: float = 0.95) -> dict:
    """``elite_weight`` and its interval from :func:`weight_curve` (NaN when None); the upper end
    is capped at ``1 / pi`` (the elites' view alone), where the likelihood stops changing.

    Examples
    --------
    >>> import numpy as np
    >>> curve = -0.5 * (np.log(np.maximum(RHO_GRID, 1e-3)) - np.log(3)) ** 2 * 20
    >>> round(weight_estimate((curve, 0.1))["elite_weight"], 1)
    3.0
    """
    if curve_pi is None:
        return {"elite_weight": np.nan, "elite_weight_ci_low": np.nan, "elite_weight_ci_high": np.nan,
                "elite_share_rankers": np.nan}
    curve, pi = curve_pi
    est, lo, hi = _estimate(curve, ci)
    cap = 1.0 / pi
    return {"elite_weight": min(est, cap), "elite_weight_ci_low": min(lo, cap), "elite_weight_ci_high": min(hi, cap),
            "elite_share_rankers": pi}


def programme_weight(curves: list, *, ci: float, n_boot: int, seed) -> dict:
    """One elite weight for all communities: the summed curves' maximum; percentile interval from
    resampling communities (cluster bootstrap)."""
    curves = [c[0] for c in curves if c is not None]
    if not curves:
        return {"elite_weight": np.nan, "elite_weight_ci_low": np.nan, "elite_weight_ci_high": np.nan,
                "n_in_weight": 0}
    M = np.vstack(curves)
    est = _estimate(M.sum(axis=0), ci)[0]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(M), (n_boot, len(M)))
    boot = np.array([_estimate(M[d].sum(axis=0), ci)[0] for d in draws]) if n_boot else np.array([est])
    lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
    return {"elite_weight": est, "elite_weight_ci_low": float(lo), "elite_weight_ci_high": float(hi),
            "n_in_weight": len(M)}
