"""The elite proximity gap alone and its stratified permutation test (one measure, one test).

:func:`cpanalysis.elite_dominance` no longer reads communities from this test: it combines all the
evidence in one test (:mod:`.combination`). This single-measure test stays as a documented
reference (the benchmark times the combined assessment against it) and for users who want the
gap of the unit-level alignments (elites against the mean of the other subgroups' units) tested
on its own.

The gap of a community is ``alignment(elites) - mean_u alignment(u)`` over the non-elite units
``u`` (see :func:`cpanalysis.dominance.signals.prepare_rankings`); with alignment = 1 - distance
it is ``mean_u d_u - d_elites``. Each unit's distance is a mean of its members' distances, so
the gap is linear in the elite labels and every relabelling costs one sum: the permutation
distribution is computed for all relabellings at once from per-member distances.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb, prod

import numpy as np
import pandas as pd

from .signals import ELITES

__all__ = ["GapProblem", "gap_problem", "gap_statistic", "permutation_test", "pooled_permutation_test",
           "p_value"]

_TOL = 1e-9


@dataclass
class GapProblem:
    """The pieces of one community's gap, ready for relabelling.

    ``strata``: list of (distances of the individual members of the stratum, number of elites
    among them, subgroup of the stratum); ``elite_fixed``: distances of elite members that are
    not relabelled (group lists of an ``elites`` ranker); ``units``: non-elite unit name ->
    (distances of fixed members, subgroup or None); individual non-elite members of subgroup
    ``g`` are the stratum members of ``g`` not labelled elite.
    """

    strata: list
    elite_fixed: np.ndarray
    units: dict

    @property
    def n_elite(self) -> int:
        return int(sum(e for _, e, _ in self.strata) + self.elite_fixed.size)

    @property
    def n_elite_individual(self) -> int:
        return int(sum(e for _, e, _ in self.strata))

    @property
    def n_nonelite_individual(self) -> int:
        return int(sum(d.size - e for d, e, _ in self.strata))

    @property
    def n_distinct(self) -> int:
        """Number of distinct relabellings that keep the elite count of every stratum."""
        return prod(comb(d.size, e) for d, e, _ in self.strata)

    @property
    def varying(self) -> list:
        return [i for i, (d, e, _) in enumerate(self.strata) if 0 < e < d.size]


def gap_problem(members: pd.DataFrame) -> GapProblem | None:
    """Build a :class:`GapProblem` from a community's member table (None when no gap exists)."""
    if members is None or len(members) == 0:
        return None
    dist = members["distance"].to_numpy(float)
    if np.isnan(dist).all():
        return None
    unit = members["unit"].to_numpy(dtype=object)
    ind = members["source"].to_numpy(dtype=object) == "individual"
    el = members["elite_individual"].to_numpy(bool)
    stratum = members["stratum"].to_numpy(dtype=object)
    sub = members["subgroup"].to_numpy(dtype=object)
    strata = []
    for st in sorted(set(stratum[ind])):
        m = ind & (stratum == st)
        d, e = dist[m], el[m]
        order = np.argsort(~e, kind="stable")   # elites first
        strata.append((d[order], int(e.sum()), sub[m][0]))
    is_el = unit == ELITES
    elite_fixed = dist[is_el & ~ind]
    units = {}
    for u in dict.fromkeys(unit[~is_el]):
        m = unit == u
        units[u] = (dist[m & ~ind], u if (m & ind).any() else None)
    problem = GapProblem(strata, elite_fixed, units)
    if problem.n_elite == 0 or not units:
        return None
    return problem


def gap_statistic(problem: GapProblem, elite_sums: np.ndarray) -> np.ndarray:
    """The gap for each row of ``elite_sums`` ((B, S): sum of distances of the members labelled
    elite in each stratum)."""
    elite_sums = np.atleast_2d(elite_sums)
    n_e = problem.n_elite
    d_elite = (elite_sums.sum(axis=1) + problem.elite_fixed.sum()) / n_e
    unit_d = []
    for unit, (fixed, sub) in problem.units.items():
        num = np.full(elite_sums.shape[0], fixed.sum())
        cnt = fixed.size
        if sub is not None:
            for s_i, (d, e, g) in enumerate(problem.strata):
                if g == sub:
                    num = num + d.sum() - elite_sums[:, s_i]
                    cnt += d.size - e
        unit_d.append(num / cnt if cnt else np.full(elite_sums.shape[0], np.nan))
    unit_d = np.vstack(unit_d)
    return np.nanmean(unit_d, axis=0) - d_elite


def observed_sums(problem: GapProblem) -> np.ndarray:
    return np.array([[d[:e].sum() for d, e, _ in problem.strata]])


def _random_sums(problem: GapProblem, n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((n, len(problem.strata)))
    for s_i, (d, e, _) in enumerate(problem.strata):
        if e == 0:
            out[:, s_i] = 0.0
        elif e == d.size:
            out[:, s_i] = d.sum()
        else:
            pick = np.argpartition(rng.random((n, d.size)), e - 1, axis=1)[:, :e]
            out[:, s_i] = d[pick].sum(axis=1)
    return out


def _exact_sums(problem: GapProblem) -> np.ndarray:
    per = []
    for d, e, _ in problem.strata:
        per.append(np.array([d[list(c)].sum() for c in itertools.combinations(range(d.size), e)]))
    grids = np.meshgrid(*per, indexing="ij")
    return np.column_stack([g.ravel() for g in grids])


def p_value(null: np.ndarray, observed: float, *, exact: bool) -> float:
    """Permutation p-value (upper tail).

    Exact enumeration (``null`` holds every relabelling, the observed one included):
    ``#{null >= observed} / N``. Random relabellings (``null`` = B draws): ``(b + 1) / (B + 1)``
    with ``b = #{null >= observed}`` (Phipson & Smyth 2010). Values within 1e-9 count as equal.
    """
    b = int(np.sum(null >= observed - _TOL))
    return b / null.size if exact else (b + 1) / (null.size + 1)


def permutation_test(problem: GapProblem, *, n_perm: int = 2000, seed=0) -> dict:
    """Stratified permutation test of the gap of one community.

    Returns
    -------
    dict
        ``gap``, ``p_value``, ``test`` ("exact" or "random"), ``n_relabellings`` (N distinct),
        ``n_used`` (relabellings evaluated), ``min_p`` (the smallest p the test can give).

    Notes
    -----
    Exact enumeration when the number of distinct relabellings is at most ``n_perm``, else
    ``n_perm`` random relabellings, p = (b + 1) / (B + 1) (Phipson & Smyth 2010).
    """
    obs = float(gap_statistic(problem, observed_sums(problem))[0])
    n_distinct = problem.n_distinct
    if n_distinct <= n_perm:
        null = gap_statistic(problem, _exact_sums(problem))
        return {"gap": obs, "p_value": p_value(null, obs, exact=True), "test": "exact",
                "n_relabellings": n_distinct, "n_used": null.size, "min_p": 1.0 / n_distinct}
    rng = np.random.default_rng(seed)
    null = gap_statistic(problem, _random_sums(problem, n_perm, rng))
    return {"gap": obs, "p_value": p_value(null, obs, exact=False), "test": "random",
            "n_relabellings": n_distinct, "n_used": n_perm, "min_p": 1.0 / (n_perm + 1)}


def pooled_permutation_test(problems: list, *, n_perm: int = 2000, seed=0) -> dict:
    """Permutation test of the mean gap over several communities.

    Labels are relabelled within each community (and within its strata), independently across
    communities; the statistic is the mean of the community gaps; p = (b + 1) / (B + 1).
    """
    if not problems:
        return {"gap": np.nan, "p_value": np.nan, "test": "pooled", "n_communities": 0, "n_used": 0}
    rng = np.random.default_rng(seed)
    obs = np.mean([gap_statistic(p, observed_sums(p))[0] for p in problems])
    null = np.zeros(n_perm)
    for p in problems:
        null += gap_statistic(p, _random_sums(p, n_perm, rng))
    null /= len(problems)
    return {"gap": float(obs), "p_value": p_value(null, float(obs), exact=False), "test": "pooled",
            "n_communities": len(problems), "n_used": n_perm}
