"""Concentration of speaking: Gini, top share, Theil and its decomposition.

Checked three ways: small cases worked by hand (written out below), plain double loops kept here,
and PySAL's ``inequality`` package (an independent implementation).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from inequality.gini import Gini
from inequality.theil import Theil, TheilD, TheilDSim
from test_participation_helpers import T, make_data

from cpanalysis.inclusion import (example_dataset, gini, individual_speaking, lorenz_curve,
                                      speaking_concentration, theil, theil_between_test, top_share)


def gini_double_loop(x):
    """The definition, literally: sum_i sum_j |x_i - x_j| / (2 n^2 mean)."""
    n = len(x)
    mean = sum(x) / n
    return sum(abs(a - b) for a in x for b in x) / (2 * n * n * mean)


def theil_loop(x, groups):
    n, total = len(x), sum(x)
    t = sum((v / total) * math.log(n * v / total) for v in x if v > 0)
    between = 0.0
    for g in set(groups):
        members = [v for v, h in zip(x, groups) if h == g]
        S = sum(members) / total
        if S > 0:
            between += S * math.log(S * n / len(members))
    return t, between


def test_gini_by_hand():
    # 4 attendees with turns 0, 1, 1, 2 (mean 1). The 16 ordered pairs |x_i - x_j|:
    #   from 0: 0,1,1,2 (4); from the first 1: 1,0,0,1 (2); from the second 1: 1,0,0,1 (2);
    #   from 2: 2,1,1,0 (4). Sum = 12. G = 12 / (2 * 4^2 * 1) = 12 / 32 = 0.375.
    assert gini([0, 1, 1, 2]) == pytest.approx(0.375)
    # sample form: 4/3 * 0.375 = 0.5
    assert gini([0, 1, 1, 2], sample=True) == pytest.approx(0.5)
    # one speaker among 5: pairs differing = 2 * 4 with |x| = x -> 8x / (2 * 25 * x/5) = 0.8 = 1 - 1/n
    assert gini([0, 0, 0, 0, 7]) == pytest.approx(0.8)
    assert gini([0, 0, 0, 0, 7], sample=True) == pytest.approx(1.0)
    assert gini([3, 3, 3]) == 0.0


def test_gini_edge_cases():
    assert math.isnan(gini([]))
    assert math.isnan(gini([0, 0, 0]))  # nobody spoke
    assert gini([5]) == 0.0 and math.isnan(gini([5], sample=True))
    with pytest.raises(ValueError, match="gini"):
        gini([1, -1])


@pytest.mark.parametrize("seed", range(8))
def test_gini_against_double_loop_and_pysal(seed):
    rng = np.random.default_rng(seed)
    x = rng.poisson(rng.uniform(0.2, 5), size=rng.integers(2, 60)).astype(float)
    x[0] += 1  # at least one turn
    assert gini(x) == pytest.approx(gini_double_loop(list(x)), rel=1e-12, abs=1e-12)
    assert gini(x) == pytest.approx(Gini(x).g, rel=1e-10)  # PySAL: the same population form
    n = len(x)
    assert gini(x, sample=True) == pytest.approx(Gini(x).g * n / (n - 1), rel=1e-10)


def test_top_share_rounding():
    # n = 4: k = ceil(0.4) = 1, the top speaker: 2 of 4 turns
    assert top_share([0, 1, 1, 2]) == 0.5
    # n = 10: k = 1; n = 11: k = ceil(1.1) = 2 (the two largest, 10 + 9 of 65 turns)
    assert top_share(list(range(1, 11))) == pytest.approx(10 / 55)
    assert top_share(list(range(1, 12))) == pytest.approx((11 + 10) / 66)
    # n = 20: exactly 2 (0.1 * 20 must not round up to 3 through floating point)
    assert top_share([1] * 20) == pytest.approx(0.1)
    assert math.isnan(top_share([0, 0]))


def test_theil_by_hand():
    # x = 0, 1, 1, 2 (sum 4, n 4): s = 0, 1/4, 1/4, 1/2.
    # T = 2 * 1/4 ln(4 * 1/4) + 1/2 ln(4 * 1/2) = 0 + 0.5 ln 2.
    # Groups a = {0, 1}, b = {1, 2}: S_a = 1/4, S_b = 3/4, n_a = n_b = 2.
    # between = 1/4 ln(1/4 * 4 / 2) + 3/4 ln(3/4 * 4 / 2) = 1/4 ln(1/2) + 3/4 ln(3/2).
    t = theil([0, 1, 1, 2], ["a", "a", "b", "b"])
    assert t["total"] == pytest.approx(0.5 * math.log(2))
    assert t["between"] == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    assert t["within"] == pytest.approx(t["total"] - t["between"])
    assert list(t.index) == ["total", "between", "within"]
    assert theil([2, 2, 2])["total"] == 0.0
    assert math.isnan(theil([0, 0])["total"])
    assert theil([1, 2, 3])["between"] == 0.0  # no groups


@pytest.mark.parametrize("seed", range(8))
def test_theil_against_loop_and_pysal(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 50))
    x = rng.poisson(2.0, size=n).astype(float)
    x[0] += 1
    groups = rng.integers(0, 3, size=n)
    t = theil(x, groups)
    total, between = theil_loop(list(x), list(groups))
    assert t["total"] == pytest.approx(total, abs=1e-12)
    assert t["between"] == pytest.approx(between, abs=1e-12)
    if (x > 0).all():  # PySAL takes logs of every value, so it needs all x > 0
        assert t["total"] == pytest.approx(Theil(x).T, rel=1e-10)
        d = TheilD(x, groups)
        assert t["between"] == pytest.approx(float(np.ravel(d.bg)[0]), rel=1e-9, abs=1e-12)
        assert t["within"] == pytest.approx(float(np.ravel(d.wg)[0]), rel=1e-9, abs=1e-12)


def test_theil_zero_speakers_agree_with_pysal_on_positive_part():
    # silent attendees add 0 to T (s ln s -> 0) but raise n; PySAL needs x > 0, so compare the
    # formula with the zeros handled by hand: x = 0, 2, 2 -> T = 2 * (1/2) ln(3/2) = ln 1.5
    assert theil([0, 2, 2])["total"] == pytest.approx(math.log(1.5))


def test_permutation_test_in_the_spirit_of_theildsim():
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.poisson(1, 15) + 1, rng.poisson(6, 15) + 1]).astype(float)
    groups = np.repeat([0, 1], 15)
    ours = theil_between_test(x, groups, n_perm=999, seed=1)
    sim = TheilDSim(x, groups, permutations=999)
    assert ours["between"] == pytest.approx(float(np.ravel(TheilD(x, groups).bg)[0]))
    # strong separation: both call it significant
    assert ours["p_value"] <= 0.01 and float(np.ravel(sim.bg_pvalue)[0]) <= 0.01
    # no structure: labels independent of x -> p is not small, in both
    mixed = np.tile([0, 1], 15)
    xs = np.sort(x)[np.argsort(rng.permutation(30))]
    p_ours = theil_between_test(xs, mixed, n_perm=499, seed=2)["p_value"]
    assert 0 < p_ours <= 1
    # smallest possible p with B permutations is 1 / (B + 1); seeded -> reproducible
    assert ours["p_value"] >= 1 / 1000
    assert theil_between_test(x, groups, n_perm=99, seed=5)["p_value"] == \
        theil_between_test(x, groups, n_perm=99, seed=5)["p_value"]
    assert math.isnan(theil_between_test(x, np.zeros(30), n_perm=9)["p_value"])


def test_lorenz_curve():
    t = lorenz_curve([2, 0, 1, 1])
    # sorted 0, 1, 1, 2 (sum 4): cumulative shares 0, 0, 1/4, 2/4, 1
    assert t["speaking_share"].tolist() == [0, 0, 0.25, 0.5, 1.0]
    assert t["population_share"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    # Gini = 1 - 2 * area under the curve (trapezoids): area = (0 + 0.125 + 0.375 + 0.75) / 4 = 0.3125
    area = np.sum((t["speaking_share"].to_numpy()[1:] + t["speaking_share"].to_numpy()[:-1]) / 2 * 0.25)
    assert 1 - 2 * area == pytest.approx(t.attrs["gini"]) and t.attrs["gini"] == pytest.approx(0.375)


def test_speaking_concentration_example():
    c = speaking_concentration(example_dataset()).iloc[0]
    # turns per attendee: p1 0, p2 2, p3 1, p4 1 -> the hand-worked 0.375 above
    assert c["n_individuals"] == 4 and c["n_speakers"] == 3 and c["total"] == 4
    assert c["gini"] == pytest.approx(0.375) and c["gini_sample"] == pytest.approx(0.5)
    assert c["top_share"] == 0.5 and c["top_k"] == 1
    assert c["theil"] == pytest.approx(0.5 * math.log(2))
    # each subgroup is one person: between = total, within = 0
    assert c["theil_between"] == pytest.approx(c["theil"]) and c["theil_within"] == pytest.approx(0, abs=1e-15)
    secs = speaking_concentration(example_dataset(), measure="seconds").iloc[0]
    # seconds: 0, 30, 5, 0 (p4's turn has no duration)
    assert secs["gini"] == pytest.approx(gini([0, 30, 5, 0]))


def test_speaking_concentration_matches_a_per_unit_loop():
    rng = np.random.default_rng(11)
    people = [f"p{i}" for i in range(1, 9)]
    sessions = [(f"s{k}", "c1" if k < 4 else "c2", 1 + k % 2, "community_meeting") for k in range(6)]
    att, turns = [], []
    for sid, *_ in sessions:
        present = sorted(rng.choice(people, size=int(rng.integers(2, 8)), replace=False))
        att += [(sid, p) for p in present]
        for _ in range(int(rng.integers(0, 15))):
            turns.append(T(sid, str(rng.choice(present)), float(rng.integers(0, 30))))
    data = make_data(att, turns, sessions=sessions)
    for level in ("session", "community", "cycle", "programme"):
        fast = speaking_concentration(data, level=level)
        ind = individual_speaking(data, level=level)
        keys = [c for c in ind.columns if c not in ("participant_id", "subgroup", "turns", "seconds", "n_sessions")]
        groups = ind.groupby(keys, sort=True) if keys else [((), ind)]
        for i, (_, rows) in enumerate(groups):
            x = rows["turns"].to_numpy(dtype=float)
            got = fast.iloc[i]
            assert got["n_individuals"] == len(x)
            if x.sum() == 0:
                assert np.isnan(got["gini"])
                continue
            assert got["gini"] == pytest.approx(gini_double_loop(list(x)))
            assert got["top_share"] == pytest.approx(top_share(x))
            t, b = theil_loop(list(x), list(rows["subgroup"]))
            assert got["theil"] == pytest.approx(t, abs=1e-12)
            assert got["theil_between"] == pytest.approx(b, abs=1e-12)


def test_individuals_pool_over_sessions_at_community_level():
    # A speaker must be on the session's roster (the loader rejects one who is not, issue 15).
    att = [("s1", "p1"), ("s1", "p2"), ("s2", "p1"), ("s2", "p2"), ("s2", "p3")]
    data = make_data(att, [T("s1", "p2"), T("s2", "p2"), T("s2", "p1")],
                     sessions=[("s1", "c1", 1, "community_meeting"), ("s2", "c1", 1, "small_group")])
    ind = individual_speaking(data, level="community").set_index("participant_id")
    # p2 spoke in both sessions: one individual of the unit, 2 turns over 2 sessions
    assert ind.loc["p2", "turns"] == 2 and ind.loc["p1", "turns"] == 1 and ind.loc["p3", "turns"] == 0
    assert ind.loc["p1", "n_sessions"] == 2 and ind.loc["p2", "n_sessions"] == 2


def test_vectorised_permutation_p_values():
    att = [("s1", p) for p in ("p1", "p2", "p3", "p5", "p7", "p8")]
    turns = [T("s1", "p2")] * 9 + [T("s1", "p8")] * 8 + [T("s1", "p1")]
    data = make_data(att, turns)
    c = speaking_concentration(data, subgroup="gender", n_perm=199, seed=0).iloc[0]
    single = theil_between_test(*_xg(data), n_perm=199, seed=0)
    assert c["theil_between"] == pytest.approx(single["between"])
    # different random streams, same null distribution: close p-values
    assert abs(c["p_between"] - single["p_value"]) < 0.1
    assert 0 < c["p_between"] <= 1
    assert np.isnan(speaking_concentration(data, subgroup="gender")["p_between"].iloc[0])


def _xg(data):
    ind = individual_speaking(data, subgroup="gender")
    return ind["turns"].to_numpy(dtype=float), ind["subgroup"].to_numpy(dtype=object)
