"""Hand-worked cases of the combined test, q-values, shift intervals and the elite weight."""

import itertools

import numpy as np
import pytest

from cpanalysis.dominance.combination import bh_qvalues, community_test, programme_test
from cpanalysis.dominance.evidence import PersonEvidence
from cpanalysis.dominance.intervals import shift_interval
from cpanalysis.dominance.weight import RHO_GRID, weight_estimate


def evidence(values, elite, cell=None):
    values = np.asarray(values, float)
    if values.ndim == 1:
        values = np.column_stack([values, np.full((values.size, 3), np.nan)])
    n = values.shape[0]
    cell = np.array(["s"] * n if cell is None else cell, dtype=object)
    return PersonEvidence("C", np.array([f"p{i}" for i in range(n)], dtype=object), np.asarray(elite, bool), cell,
                          cell, values, np.ones(n), np.ones(n))


def test_exact_p_by_hand_one_measure():
    # Four people in one cell, two elites (alignments 0.9 and 0.8; others 0.1 and 0.4).
    # Centred on the cell mean 0.55 the elites' sum is 0.35 + 0.25 = 0.6. The C(4, 2) = 6
    # relabellings give elite sums 0.9+0.8, 0.9+0.1, 0.9+0.4, 0.8+0.1, 0.8+0.4, 0.1+0.4 minus
    # 2 x 0.55: only the observed one reaches 0.6, so p = 1/6 (exact enumeration).
    res = community_test(evidence([0.9, 0.8, 0.1, 0.4], [1, 1, 0, 0]), n_perm=2000, seed=0, alpha=0.05)
    assert res["test"] == "exact" and res["n_relabellings"] == 6
    assert res["p_value"] == pytest.approx(1 / 6)
    assert res["min_p"] == pytest.approx(1 / 6)
    # 1/6 > alpha: the test cannot reject here, so its detectability is 0 at any influence
    assert res["detectability"] == [0.0, 0.0]


def test_exact_p_matches_brute_force_two_measures_two_cells():
    rng = np.random.default_rng(5)
    X = np.column_stack([rng.random(9), rng.random(9), np.full(9, np.nan), np.full(9, np.nan)])
    elite = np.array([1, 1, 0, 0, 0, 1, 0, 0, 0], bool)
    cell = np.array(["a"] * 5 + ["b"] * 4, dtype=object)
    res = community_test(evidence(X, elite, cell), n_perm=2000, seed=0, alpha=0.05)

    # brute force: the statistic written out for every relabelling within the two cells
    def stat(el):
        total = 0.0
        for k in range(2):
            c = X[:, k].copy()
            var = 0.0
            for g in ("a", "b"):
                m = cell == g
                c[m] -= c[m].mean()
                N, e = m.sum(), el[m].sum()
                var += e * (N - e) / (N - 1) * np.mean(c[m] ** 2)
            total += c[el].sum() / np.sqrt(var)
        return total

    labellings = []
    for ea in itertools.combinations(range(5), 2):
        for eb in itertools.combinations(range(5, 9), 1):
            el = np.zeros(9, bool)
            el[list(ea) + list(eb)] = True
            labellings.append(stat(el))
    obs = stat(elite)
    assert res["n_relabellings"] == len(labellings) == 40
    assert res["statistic"] == pytest.approx(obs)
    assert res["p_value"] == pytest.approx(np.mean(np.array(labellings) >= obs - 1e-9))


def test_random_relabellings_p_definition():
    # C(30, 10) relabellings > n_perm: random relabellings, p = (b + 1) / (B + 1) >= 1 / (B + 1)
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    res = community_test(evidence(x, np.arange(30) < 10), n_perm=199, seed=3, alpha=0.05)
    assert res["test"] == "random"
    b = round(res["p_value"] * 200) - 1
    assert res["p_value"] == pytest.approx((b + 1) / 200) and res["min_p"] == pytest.approx(1 / 200)
    assert res["null"].size == 199


def test_not_tested_without_a_cell_holding_both():
    res = community_test(evidence([0.5, 0.2, 0.3], [1, 0, 0], cell=["a", "b", "b"]), n_perm=100, seed=0, alpha=0.05)
    assert res["test"] == "not tested" and np.isnan(res["p_value"])


def test_bh_qvalues_by_hand():
    # Benjamini & Hochberg (1995): sorted p 0.001, 0.008, 0.039, 0.041, 0.2 (m = 5) give
    # m p / rank = 0.005, 0.02, 0.065, 0.05125, 0.2; q = running minimum from the top:
    # 0.005, 0.02, 0.05125, 0.05125, 0.2.
    q = bh_qvalues([0.041, 0.001, 0.2, 0.008, 0.039, np.nan])
    assert q[:5] == pytest.approx([0.05125, 0.005, 0.2, 0.02, 0.05125])
    assert np.isnan(q[5])


def test_programme_test_adds_standardised_statistics():
    # two communities with z 2 and 1: Z = 3 / sqrt(2); null draws all 0 -> b = 0, p = 1 / (B + 1)
    tests = [{"test": "random", "z": 2.0, "null": np.zeros(99)}, {"test": "exact", "z": 1.0, "null": np.zeros(99)},
             {"test": "not tested", "z": np.nan, "null": np.array([])}]
    res = programme_test(tests, n_perm=99)
    assert res["n_in_test"] == 2
    assert res["z"] == pytest.approx(3 / np.sqrt(2))
    assert res["p_value"] == pytest.approx(1 / 100)


def test_shift_interval_by_hand():
    # One cell: elites 3, 2; others 0, 1. Weight n_e n_o / N = 1; estimate = 2.5 - 0.5 = 2.
    # Exact enumeration of the 6 relabellings. Thresholds (T0 - T*) / (n_E - overlap): with
    # centred values 1.5, 0.5, -1.5, -0.5 and T0 = 2: pairs {0,2}: T* = 0, overlap 1 -> 2;
    # {0,3}: 1, 1 -> 1; {1,2}: -1, 1 -> 3; {1,3}: 0, 1 -> 2; {2,3}: -2, 0 -> 2.
    # At ci = 0.5, p must exceed 0.25 in each tail: floor(0.25 x 6) + 1 = 2 values counted, the
    # observed labelling is one, so one threshold is needed: the smallest (1) and the largest (3).
    est, lo, hi = shift_interval(np.array([3.0, 2.0, 0.0, 1.0]), np.array([1, 1, 0, 0], bool), np.zeros(4),
                                 n_perm=100, ci=0.5, rng=None)
    assert (est, lo, hi) == (2.0, 1.0, 3.0)


def test_shift_interval_covers_zero_under_the_null():
    # 400 null communities (normal values, elites labelled at random in two strata): the 95%
    # interval inverts two one-sided tests at 2.5%, so it excludes 0 in at most about 5% of
    # them. Binomial(400, 0.05) exceeds 32 with probability below 0.001: the bound asserted.
    rng = np.random.default_rng(11)
    misses = 0
    for _ in range(400):
        x = rng.normal(size=30) + np.repeat([0.0, 2.0], 15)
        elite = np.zeros(30, bool)
        elite[rng.choice(15, 3, replace=False)] = True
        elite[15 + rng.choice(15, 4, replace=False)] = True
        est, lo, hi = shift_interval(x, elite, np.repeat(["a", "b"], 15).astype(object), n_perm=200, ci=0.95, rng=rng)
        misses += (lo > 0) or (hi < 0)
    assert misses <= 32


def test_weight_estimate_reads_the_curve():
    # A curve peaked at the grid point nearest 3: estimate that point; the interval is where the
    # curve is within chi2_1(0.95) / 2 = 1.92 of its maximum.
    peak = RHO_GRID[np.argmin(np.abs(RHO_GRID - 3.0))]
    curve = -((RHO_GRID - peak) ** 2)
    out = weight_estimate((curve, 0.05))
    assert out["elite_weight"] == pytest.approx(peak)
    inside = RHO_GRID[2 * (0 - curve) <= 3.841458820694124]
    assert out["elite_weight_ci_low"] == pytest.approx(inside.min())
    assert out["elite_weight_ci_high"] == pytest.approx(inside.max())
    # a flat curve: every weight fits the data equally; the estimate is 1 (as everybody else)
    flat = weight_estimate((np.zeros(RHO_GRID.size), 0.25))
    assert flat["elite_weight"] == pytest.approx(1.0) and flat["elite_weight_ci_high"] == pytest.approx(4.0)
