"""Plackett-Luce and Bradley-Terry against choix (Maystre), and recovery of known utilities."""

import choix
import numpy as np
import pandas as pd
import pytest

from cpanalysis.rankings import aggregate, bradley_terry
from cpanalysis.rankings.methods import fit_choice_model


def _table(orders):
    rows = [(r, f"h{c}", pos + 1) for r, o in enumerate(orders) for pos, c in enumerate(o)]
    return pd.DataFrame(rows, columns=["ranker", "harm_id", "rank"])


def _simulate(theta, m, rng):
    """Plackett-Luce draws by the Gumbel trick: sort utilities plus Gumbel noise."""
    noise = rng.gumbel(size=(m, len(theta)))
    return [list(np.argsort(-(theta + e))) for e in noise]


@pytest.mark.parametrize("seed", range(5))
def test_matches_choix_opt_rankings(seed):
    rng = np.random.default_rng(seed)
    n = 5
    orders = _simulate(rng.normal(size=n), 12, rng)
    alpha = 0.05
    # expected: choix's own estimate on the same full rankings, same penalty
    expected = choix.opt_rankings(n, [tuple(int(c) for c in o) for o in orders], alpha=alpha,
                                  tol=1e-10)
    expected = expected - expected.mean()
    res = aggregate(_table(orders), method="plackett_luce", alpha=alpha)
    got = res.set_index("harm_id")["score"].reindex([f"h{i}" for i in range(n)]).to_numpy()
    assert np.allclose(got, expected, atol=1e-4)


def test_weighted_objective_equals_choix_with_unit_weights():
    rng = np.random.default_rng(3)
    orders = _simulate(np.array([1.0, 0.5, 0.0, -1.0]), 20, rng)
    events = [(int(o[i]), np.array(o[i + 1:], dtype=int)) for o in orders for i in range(3)]
    expected = choix.opt_top1(4, [(w, list(map(int, l))) for w, l in events], alpha=0.01,
                              tol=1e-10)
    got = fit_choice_model(4, events, np.ones(len(events)), alpha=0.01)
    assert np.allclose(got - got.mean(), expected - expected.mean(), atol=1e-5)


def test_recovers_known_order_from_simulated_data():
    rng = np.random.default_rng(2024)
    theta = np.array([2.0, 1.2, 0.4, -0.4, -1.2, -2.0])  # known utilities h0 > h1 > ... > h5
    orders = _simulate(theta, 400, rng)
    res = aggregate(_table(orders), method="plackett_luce")
    assert res["harm_id"].tolist() == [f"h{i}" for i in range(6)]
    est = res.set_index("harm_id")["score"].reindex([f"h{i}" for i in range(6)]).to_numpy()
    assert np.allclose(est, theta - theta.mean(), atol=0.35)


def test_subgroup_weighting_uses_weighted_likelihood():
    t = pd.DataFrame({"ranker": ["m1", "m1", "m2", "m2", "g1", "g1"],
                      "subgroup": ["men"] * 4 + ["girls"] * 2,
                      "harm_id": ["a", "b"] * 3, "rank": [1, 2, 1, 2, 2, 1]})
    res = aggregate(t, method="plackett_luce", weighting="subgroup")
    assert res.attrs["engine"].startswith("weighted")
    # each subgroup weighs 1.5: one a>b event and one b>a event of equal weight -> tie
    assert res["position"].tolist() == [1, 1]


def test_bradley_terry_matches_choix_opt_pairwise():
    rng = np.random.default_rng(5)
    theta = np.array([1.0, 0.0, -1.0, 0.5])
    rows, data = [], []
    for r in range(30):
        a, b = rng.choice(4, size=2, replace=False)
        p_a = 1 / (1 + np.exp(theta[b] - theta[a]))
        win, los = (a, b) if rng.random() < p_a else (b, a)
        rows.append((f"p{r}", f"h{a}", f"h{b}", f"h{win}"))
        data.append((int(win), int(los)))
    pw = pd.DataFrame(rows, columns=["ranker", "harm_a", "harm_b", "preferred"])
    expected = choix.opt_pairwise(4, data, alpha=0.01, tol=1e-10)
    expected = expected - expected.mean()
    res = bradley_terry(pw, alpha=0.01).set_index("harm_id")["score"]
    assert np.allclose(res.reindex([f"h{i}" for i in range(4)]).to_numpy(), expected,
                       atol=1e-5)


def test_bradley_terry_tie_is_half_a_win_each_way():
    pw = pd.DataFrame({"ranker": ["p1", "p2"], "harm_a": ["a", "a"], "harm_b": ["b", "b"],
                       "preferred": ["tie", "tie"]})
    res = bradley_terry(pw)
    assert res["position"].tolist() == [1, 1]
    assert np.allclose(res["score"], 0.0, atol=1e-6)
