"""Kendall's W (hand calculation, scipy Friedman) and pairwise subgroup agreement."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cpanalysis.rankings import kendall_w, pairwise_agreement


def test_kendall_w_hand_calculation_with_ties():
    # 3 rankers, 4 harms; ranker 3 ties B and C (places 2-3 -> 2.5 each).
    #   r1: A1 B2 C3 D4;  r2: A1 B3 C2 D4;  r3: A1 B2.5 C2.5 D4
    # rank sums: A 3, B 7.5, C 7.5, D 12; mean m(n+1)/2 = 7.5
    # S = (3 - 7.5)^2 + 0 + 0 + (12 - 7.5)^2 = 40.5
    # T = 2^3 - 2 = 6 (one tie group of size 2)
    # W = 12 * 40.5 / (3^2 * (4^3 - 4) - 3 * 6) = 486 / 522
    # chi2 = m (n - 1) W = 9 * 486 / 522, df = 3
    t = pd.DataFrame({"ranker": [1] * 4 + [2] * 4 + [3] * 4,
                      "harm_id": list("ABCD") * 3,
                      "rank": [1, 2, 3, 4, 1, 3, 2, 4, 1, 2, 2, 4]})
    res = kendall_w(t).iloc[0]
    assert res["S"] == 40.5 and res["T"] == 6
    assert res["W"] == pytest.approx(486 / 522)
    assert res["chi2"] == pytest.approx(9 * 486 / 522)
    assert res["df"] == 3 and res["m"] == 3 and res["n"] == 4
    assert res["p"] == pytest.approx(stats.chi2.sf(9 * 486 / 522, 3))


def test_kendall_w_equals_friedman_over_m_n_minus_1():
    # scipy's friedmanchisquare applies the same tie correction; W = Q / (m (n - 1))
    rng = np.random.default_rng(0)
    m, n = 7, 5
    ranks = rng.integers(1, 4, size=(m, n))  # many ties
    t = pd.DataFrame([(r, j, int(ranks[r, j])) for r in range(m) for j in range(n)],
                     columns=["ranker", "harm_id", "rank"])
    q = stats.friedmanchisquare(*[ranks[:, j] for j in range(n)]).statistic
    res = kendall_w(t).iloc[0]
    assert res["chi2"] == pytest.approx(q)
    assert res["W"] == pytest.approx(q / (m * (n - 1)))


def test_kendall_w_edge_cases():
    perfect = pd.DataFrame({"ranker": [1] * 3 + [2] * 3, "harm_id": list("xyz") * 2,
                            "rank": [1, 2, 3] * 2})
    assert kendall_w(perfect)["W"].iloc[0] == pytest.approx(1.0)
    single = perfect[perfect["ranker"] == 1]
    assert kendall_w(single)["W"].iloc[0] == pytest.approx(1.0)  # one ranker, no ties
    all_tied = perfect.assign(rank=1)
    assert np.isnan(kendall_w(all_tied)["W"].iloc[0])
    # a ranker tying everything counts in m and in T: m = 3, S halves... by hand:
    # rank sums x 1+1+2 = 4, y 2+2+2 = 6, z 3+3+2 = 8; mean 6; S = 8; T = 27 - 3 = 24
    # W = 12 * 8 / (9 * 24 - 3 * 24) = 96 / 144
    plus_tie = pd.concat([perfect, pd.DataFrame({"ranker": [3] * 3, "harm_id": list("xyz"),
                                                 "rank": [1, 1, 1]})])
    r = kendall_w(plus_tie).iloc[0]
    assert r["m"] == 3 and r["W"] == pytest.approx(96 / 144)
    with pytest.raises(ValueError, match="kendall_w: missing column"):
        kendall_w(perfect.drop(columns="ranker"))


def test_kendall_w_partial_lists_tie_unlisted_at_bottom():
    # ranker 2 lists only x: y and z share places 2-3 (2.5 each), one tie group of 2
    t = pd.DataFrame({"ranker": [1, 1, 1, 2], "harm_id": ["x", "y", "z", "x"],
                      "rank": [1, 2, 3, 1]})
    r = kendall_w(t).iloc[0]
    # sums x 2, y 4.5, z 5.5; mean 4; S = 4 + 0.25 + 2.25 = 6.5; T = 6
    # W = 12 * 6.5 / (4 * 24 - 2 * 6) = 78 / 84
    assert r["T"] == 6 and r["W"] == pytest.approx(78 / 84)


def test_pairwise_agreement_values():
    t = pd.DataFrame({
        "subgroup": ["girls"] * 4 + ["men"] * 4 + ["women"] * 4,
        "harm_id": list("abcd") * 3,
        "rank": [1, 2, 3, 4, 4, 3, 2, 1, 1, 2, 2, 4],
    })
    out = pairwise_agreement(t, k=2).set_index(["group_a", "group_b"])
    gm = out.loc[("girls", "men")]
    assert gm["tau_b"] == pytest.approx(-1.0) and gm["kendall_distance"] == 1.0
    assert gm["topk_overlap"] == 0.0
    gw = out.loc[("girls", "women")]
    # scipy is the oracle for tau-b
    tau = stats.kendalltau([1, 2, 3, 4], [1, 2.5, 2.5, 4], variant="b").statistic
    assert gw["tau_b"] == pytest.approx(tau)
    # distance: no discordant pair, one pair (b, c) tied only for women -> 0.5 / 6
    assert gw["kendall_distance"] == pytest.approx(0.5 / 6)
    # top-2: girls {a, b}, women {a, b, c} (b = c tied at 2) -> 2 / 3
    assert gw["topk_overlap"] == pytest.approx(2 / 3)
    assert len(out) == 3


def test_pairwise_agreement_rejects_raw_rankings():
    t = pd.DataFrame({"subgroup": ["g", "g"], "harm_id": ["a", "a"], "rank": [1, 2]})
    with pytest.raises(ValueError, match="pairwise_agreement: more than one row"):
        pairwise_agreement(t)
