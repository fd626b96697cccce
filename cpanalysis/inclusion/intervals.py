"""Parity intervals: a person-level (cluster) bootstrap, stratified by level unit.

Parity of subgroup g in a unit is :math:`(t_g/T) / (a_g/A)` (turns and attendances pooled over the
unit's sessions). Its interval resamples *people*, not turns: when a few people take most of the
turns, turns of one person are not independent draws and resampling them gives intervals far too
narrow (issue 11). Each unit is resampled on its own (stratified), drawing as many clusters as it
has, with replacement; a cluster is a person (all their attendances and turns in the unit). Rows
that name nobody are their own clusters (a turn with no speaker), and head counts
(``attendance_counts``) are held fixed: they cannot be split into people.

Each unit has its own random stream, seeded from ``seed`` and the unit's key, so a unit's
interval does not change when other units or communities are added to the analysis.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy import stats

from ._common import Prepared

__all__: list[str] = []  # private to the package: used by the measures


def _unit_streams(prep: Prepared, seed: int) -> list[int]:
    """A stable number per unit (a checksum of its key values), mixed with the seed for its stream."""
    if prep.units.shape[1] == 0:
        return [0] * prep.n_units
    text = prep.units.astype("string").fillna("<NA>").agg("\x1f".join, axis=1)
    return [zlib.crc32(t.encode()) for t in text]


def _clusters(prep: Prepared):
    """Per unit: the matrices of attendances and turns of each cluster by subgroup, and the fixed tallies.

    Returns a list, one item per unit: ``(A, T, fixed)`` with ``A`` and ``T`` of shape
    (clusters of the unit, subgroups) and ``fixed`` the head-count attendances by subgroup.
    """
    U, G = prep.n_units, prep.n_groups
    n_people = (len(prep.persons) if prep.persons is not None else 0) + 1
    a_unit = prep.session_unit[prep.a_session]
    t_unit = prep.session_unit[prep.t_session]
    named_a = prep.a_person >= 0
    named_t = prep.t_person >= 0
    # cluster keys: (unit, person) for named rows; unnamed turns each get their own key
    a_key = a_unit[named_a] * n_people + prep.a_person[named_a]
    t_key_named = t_unit[named_t] * n_people + prep.t_person[named_t]
    base = U * n_people
    t_key_unnamed = base + np.flatnonzero(~named_t)
    keys = np.concatenate([a_key, t_key_named, t_key_unnamed])
    uniq, inverse = np.unique(keys, return_inverse=True)
    unnamed = uniq >= base
    cluster_unit = uniq // n_people
    cluster_unit[unnamed] = t_unit[uniq[unnamed] - base]
    na, nt = len(a_key), len(t_key_named)
    a_cluster = inverse[:na]
    t_cluster = np.empty(len(prep.t_session), dtype=np.int64)
    t_cluster[named_t] = inverse[na:na + nt]
    t_cluster[~named_t] = inverse[na + nt:]
    C = len(uniq)
    A = np.zeros((C, G))
    T = np.zeros((C, G))
    np.add.at(A, (a_cluster, prep.a_sub[named_a]), prep.a_weight[named_a])
    np.add.at(T, (t_cluster, prep.t_sub), 1.0)
    fixed = np.zeros((U, G))
    np.add.at(fixed, (a_unit[~named_a], prep.a_sub[~named_a]), prep.a_weight[~named_a])
    order = np.argsort(cluster_unit, kind="stable")
    bounds = np.searchsorted(cluster_unit[order], np.arange(U + 1))
    return [(A[order[bounds[u]:bounds[u + 1]]], T[order[bounds[u]:bounds[u + 1]]], fixed[u]) for u in range(U)]


def _parity(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Parity of every subgroup (last axis) from attendances ``a`` and turns ``t``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        voice = t / t.sum(axis=-1, keepdims=True)
        presence = a / a.sum(axis=-1, keepdims=True)
        return np.where(presence > 0, voice / presence, np.nan)


def _expanded_multiplier(A: np.ndarray, T: np.ndarray, alpha: float) -> np.ndarray:
    """Per subgroup, the multiplier of the standard error for few people: ``t(m-1) * sqrt(m/(m-1))``.

    ``m`` is the number of the unit's people (clusters) in the subgroup. With few people a
    bootstrap (or its normal limit) is too narrow; the expanded percentile interval of Hesterberg
    (2015, The American Statistician 69(4)) widens it by this factor over the normal quantile.
    """
    m = ((A > 0) | (T > 0)).sum(axis=0).astype(float)
    df = np.maximum(m - 1.0, 1.0)
    return stats.t.ppf(1.0 - alpha, df) * np.sqrt(np.maximum(m, 1.0) / df)


def parity_interval(prep: Prepared, *, n_boot, seed: int, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Low and high ends of the parity interval of every (unit, subgroup) cell, flattened like the measures.

    ``n_boot`` replicates of the person-level bootstrap (an expanded percentile interval: the
    percentiles at :math:`\\Phi(\\mp q)` with ``q`` from ``_expanded_multiplier``; replicates
    in which nobody of g was drawn give no parity and are left out), or with ``n_boot=None`` the
    normal approximation to that bootstrap's limit on the log scale, :math:`\\hat p \\exp(\\pm q
    \\hat\\sigma)` with :math:`\\hat\\sigma^2` the variance of the linearised log parity over the
    unit's clusters (deterministic and fast). ``n_boot=0``: no interval (NaN). A subgroup that
    never spoke has parity 0 in every replicate: its interval is [0, 0].
    """
    U, G = prep.n_units, prep.n_groups
    low = np.full((U, G), np.nan)
    high = np.full((U, G), np.nan)
    if n_boot == 0 or U == 0 or G == 0:
        return low.ravel(), high.ravel()
    alpha = (1.0 - ci) / 2.0
    streams = _unit_streams(prep, seed)
    for u, (A, T, fixed) in enumerate(_clusters(prep)):
        if len(A) == 0:
            continue
        a = A.sum(axis=0) + fixed
        t = T.sum(axis=0)
        if t.sum() == 0 or a.sum() == 0:
            continue
        estimate = _parity(a, t)
        q = _expanded_multiplier(A, T, alpha)
        if n_boot is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                a_c, t_c = A.sum(axis=1, keepdims=True), T.sum(axis=1, keepdims=True)
                # d log parity = dt_g/t_g - dT/T - da_g/a_g + dA/A, one term per cluster
                infl = T / t - t_c / t.sum() - A / a + a_c / a.sum()
                sd = np.sqrt(((infl - infl.mean(axis=0)) ** 2).sum(axis=0))
            lo = np.where(t > 0, estimate * np.exp(-q * sd), 0.0)
            hi = np.where(t > 0, estimate * np.exp(q * sd), 0.0)
        else:
            rng = np.random.default_rng([int(seed), streams[u]])
            n = len(A)
            draws = rng.integers(0, n, size=(int(n_boot), n))
            flat = (np.arange(int(n_boot))[:, None] * n + draws).ravel()
            weights = np.bincount(flat, minlength=int(n_boot) * n).reshape(int(n_boot), n).astype(float)
            replicate = _parity(weights @ A + fixed, weights @ T)
            level = stats.norm.cdf(-q)
            lo = np.full(G, np.nan)
            hi = np.full(G, np.nan)
            for g in np.flatnonzero(np.isfinite(replicate).any(axis=0)):
                lo[g], hi[g] = np.nanquantile(replicate[:, g], [level[g], 1.0 - level[g]])
        valid = np.isfinite(estimate)
        low[u] = np.where(valid, lo, np.nan)
        high[u] = np.where(valid, hi, np.nan)
    return low.ravel(), high.ravel()
