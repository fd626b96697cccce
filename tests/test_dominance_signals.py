"""Hand-worked cases of the elite-dominance estimators (cpanalysis.dominance)."""

import itertools

import numpy as np
import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dominance.permutation import (gap_problem, gap_statistic, observed_sums,
                                              p_value, permutation_test, pooled_permutation_test)
from cpanalysis.dominance.elite_voice import adjusted_ratio
from cpanalysis.dominance.signals import counterfactual_summary, topk_distance, topk_distance_slow


# ------------------------------------------------------------------ distance (hand-worked)

def test_topk_distance_hand_worked():
    # Harms a, b, c, d; decision "c first, then a". Pairs the decision orders:
    # (c,a), (c,b), (c,d), (a,b), (a,d) = 5 pairs (k(k-1)/2 + k(H-k) = 1 + 4).
    # List 1 ranks a>b>c>d: (c,a) reversed, (c,b) reversed -> 2/5 = 0.4 (counted by hand).
    # List 2 ranks d>c>b>a: (c,d) reversed, (a,b) reversed, (a,d) reversed -> 3/5 = 0.6.
    # List 3 lists only a, b (c, d unlisted, tied): (c,a), (c,b) reversed, (c,d) tied -> 2.5/5.
    lists = np.array([[1, 2, 3, 4], [4, 3, 2, 1], [1, 2, np.inf, np.inf]], dtype=float)
    got = topk_distance(lists, np.array([2, 0]), tie_penalty=0.5)
    np.testing.assert_allclose(got, [0.4, 0.6, 0.5])


def test_topk_distance_k1_is_normalised_position():
    # k = 1: (number of harms above the chosen one) / (H - 1) -- position 3 of 5 gives 2/4.
    lists = np.array([[3, 1, 2, 4, 5]], dtype=float)
    assert topk_distance(lists, np.array([0]))[0] == pytest.approx(0.5)


def test_topk_distance_matches_slow_version():
    rng = np.random.default_rng(1)
    harms = list("abcdef")
    for _ in range(200):
        ranks = rng.integers(1, 5, size=6).astype(float)
        ranks[rng.random(6) < 0.2] = np.inf
        k = int(rng.integers(1, 4))
        dec = list(rng.choice(6, k, replace=False))
        fast = topk_distance(ranks[None, :], np.array(dec), 0.3)[0]
        slow = topk_distance_slow({h: r for h, r in zip(harms, ranks) if np.isfinite(r)},
                                  [harms[i] for i in dec], harms, 0.3)
        assert fast == pytest.approx(slow)


# ------------------------------------------------------------ gap and exact test (by hand)

def tiny_members():
    # Four men rank individually; m1, m2 are elite. The girls ranked as a group (fixed unit).
    return pd.DataFrame({
        "member": ["m1", "m2", "m3", "m4", "girls-list"],
        "unit": ["elites", "elites", "men", "men", "girls"],
        "source": ["individual"] * 4 + ["group"],
        "stratum": ["men"] * 4 + [""],
        "elite_individual": [True, True, False, False, False],
        "subgroup": ["men"] * 4 + ["girls"],
        "distance": [0.0, 0.2, 0.6, 0.8, 0.5],
    })


def test_gap_by_hand():
    # elites' distance (0.0 + 0.2)/2 = 0.1; men (non-elite) 0.7; girls 0.5; mean 0.6.
    # gap = alignment(elites) - mean alignment(others) = 0.6 - 0.1 = 0.5.
    problem = gap_problem(tiny_members())
    assert gap_statistic(problem, observed_sums(problem))[0] == pytest.approx(0.5)


def test_exact_permutation_p_by_hand():
    # All C(4, 2) = 6 ways to label two of the four men elite, gap worked out by hand:
    # {m1,m2}: 0.6-0.1=0.5  {m1,m3}: 0.5-0.3=0.2  {m1,m4}: 0.45-0.4=0.05
    # {m2,m3}: 0.45-0.4=0.05  {m2,m4}: 0.4-0.5=-0.1  {m3,m4}: 0.3-0.7=-0.4
    # one of six is >= 0.5, so the exact p-value is 1/6.
    res = permutation_test(gap_problem(tiny_members()), n_perm=2000)
    assert res["test"] == "exact"
    assert res["n_relabellings"] == 6
    assert res["p_value"] == pytest.approx(1 / 6)


def test_exact_enumeration_matches_brute_force_loop():
    # slow obvious version: loop over every labelling of a two-stratum community
    rng = np.random.default_rng(3)
    d_men, d_eld = rng.random(5), rng.random(4)
    members = pd.DataFrame({
        "member": [f"p{i}" for i in range(9)],
        "unit": ["elites", "elites", "men", "men", "men", "elites", "elders", "elders", "elders"],
        "source": ["individual"] * 9,
        "stratum": ["men"] * 5 + ["elders"] * 4,
        "elite_individual": [True, True, False, False, False, True, False, False, False],
        "subgroup": ["men"] * 5 + ["elders"] * 4,
        "distance": np.r_[d_men, d_eld],
    })
    res = permutation_test(gap_problem(members), n_perm=2000)

    def gap(em, ee):
        elite = [d_men[i] for i in em] + [d_eld[i] for i in ee]
        men = [d_men[i] for i in range(5) if i not in em]
        eld = [d_eld[i] for i in range(4) if i not in ee]
        return (np.mean(men) + np.mean(eld)) / 2 - np.mean(elite)

    obs = gap((0, 1), (0,))
    null = [gap(em, ee) for em in itertools.combinations(range(5), 2) for ee in itertools.combinations(range(4), 1)]
    assert res["test"] == "exact" and res["n_relabellings"] == len(null) == 40
    assert res["gap"] == pytest.approx(obs)
    assert res["p_value"] == pytest.approx(np.mean(np.array(null) >= obs - 1e-9))


def test_random_p_value_definition():
    # Phipson & Smyth (2010): p = (b + 1) / (B + 1) for B random relabellings, never 0.
    null = np.array([0.1, 0.5, 0.2, 0.7])
    assert p_value(null, 0.5, exact=False) == pytest.approx((2 + 1) / (4 + 1))
    assert p_value(null, 9.0, exact=False) == pytest.approx(1 / 5)
    assert p_value(null, 0.5, exact=True) == pytest.approx(2 / 4)


def test_random_used_when_many_relabellings():
    members = tiny_members()
    res = permutation_test(gap_problem(members), n_perm=5)  # 6 distinct > B = 5
    assert res["test"] == "random" and res["n_used"] == 5
    assert res["p_value"] >= 1 / 6


def test_pooled_test_runs():
    # two copies of the community with p = 1/6: the pooled mean gap is as extreme as the observed
    # one only if both relabellings are (1/6 each) or one is more extreme; p lies in (0, 1].
    p = gap_problem(tiny_members())
    res = pooled_permutation_test([p, p], n_perm=400, seed=1)
    assert res["test"] == "pooled" and 1 / 401 <= res["p_value"] <= 1


def test_adjusted_ratio_by_hand():
    # men: elite speaks 4, non-elite men average (2 + 1) / 2 = 1.5; women: elite 1, others 1.
    # ratio = (4 + 1) / (1.5 + 1) = 2.
    counts = np.array([4, 2, 1, 1, 0, 2])
    elite = np.array([True, False, False, True, False, False])
    sub = np.array(["men", "men", "men", "women", "women", "women"])
    assert adjusted_ratio(counts, elite, sub)[0] == pytest.approx(2.0)


def test_counterfactual_hand_example():
    # Decision: school first, then marriage. Non-elite consensus: marriage 1, work 2, school 3.
    cf = pd.DataFrame({"community_id": ["C1"] * 3, "harm_id": ["school", "marriage", "work"],
                       "actual_priority": [1.0, 2.0, np.nan], "counterfactual_position": [3, 1, 2],
                       "in_counterfactual": [False, True, True], "k": [2, 2, 2]})
    out = counterfactual_summary(cf).iloc[0]
    assert out["counterfactual"] == "marriage > work"
    assert out["counterfactual_differs"] and out["first_differs"]


def test_counterfactual_on_rankings_table():
    # Three non-elite girls rank (marriage > pregnancy > school); elites rank school first;
    # the community chose school. With Borda the girls alone put marriage first.
    data = cpanalysis.simulate(1, seed=2)
    res = cpanalysis.counterfactual_decisions(data)
    assert set(res.columns) >= {"harm_id", "actual_priority", "counterfactual_position"}
    assert res["k"].iloc[0] == data.decisions.shape[0]
