"""pref_voting as an independent oracle on random linear-order profiles.

Every expected value here comes from pref_voting (Holliday & Pacuit), computed on the same
profile: Borda scores (Profile.borda_scores), Copeland scores/winners/ranking
(Profile.copeland_scores, voting_methods.copeland, copeland_ranking), Schulze winners and the
beat-path defeat relation (margin_based_methods.beat_path, beat_path_defeat), and the minimal
Kemeny-Young distance with the set of optimal rankings (other_methods.kemeny_young_rankings).
"""

import numpy as np
import pandas as pd
import pytest

pv_profiles = pytest.importorskip("pref_voting.profiles")
from pref_voting import voting_methods as vm  # noqa: E402
from pref_voting.margin_based_methods import beat_path, beat_path_defeat  # noqa: E402
from pref_voting.other_methods import kemeny_young_rankings  # noqa: E402

from cpanalysis.rankings import aggregate  # noqa: E402

N_PROFILES = 1000


def _profiles(seed, n_profiles, n_range, voters_max):
    rng = np.random.default_rng(seed)
    for _ in range(n_profiles):
        n = int(rng.integers(n_range[0], n_range[1] + 1))
        v = int(rng.integers(1, voters_max + 1))
        ballots = [[int(c) for c in rng.permutation(n)] for _ in range(v)]
        yield n, ballots


def _table(ballots):
    rows = [(r, c, pos + 1) for r, b in enumerate(ballots) for pos, c in enumerate(b)]
    return pd.DataFrame(rows, columns=["ranker", "harm_id", "rank"])


def _by_item(res):
    return res.set_index("harm_id").sort_index()


def _layers_from_defeat(graph, cands):
    """Schulze weak order from pref_voting's defeat graph: peel off undefeated candidates."""
    layer, remaining, k = {}, set(cands), 1
    while remaining:
        top = {c for c in remaining if not any(p in remaining for p in graph.predecessors(c))}
        for c in top:
            layer[c] = k
        k += len(top)
        remaining -= top
    return layer


def test_borda_copeland_schulze_match_pref_voting():
    checked = 0
    for n, ballots in _profiles(20240501, N_PROFILES, (3, 6), 9):
        prof = pv_profiles.Profile(ballots)
        t = _table(ballots)
        m = len(ballots)
        # Borda: pref_voting's score = number of candidates ranked below, summed over voters;
        # ours is the mean over rankers.
        b = _by_item(aggregate(t, method="borda"))
        expected = prof.borda_scores()
        assert np.allclose(b["score"].to_numpy() * m, [expected[c] for c in range(n)])
        # Copeland: same (1, 0, -1) scores, same winners, same weak order
        c = _by_item(aggregate(t, method="copeland"))
        cs = prof.copeland_scores()
        assert np.allclose(c["score"].to_numpy(), [cs[i] for i in range(n)])
        assert sorted(c.index[c["position"] == 1]) == sorted(vm.copeland(prof))
        rmap = vm.copeland_ranking(prof).rmap
        for a in range(n):
            for bb in range(n):
                assert (rmap[a] < rmap[bb]) == (c.loc[a, "position"] < c.loc[bb, "position"])
        # Schulze: winners and the layered weak order of the beat-path relation
        s = _by_item(aggregate(t, method="schulze"))
        assert sorted(s.index[s["position"] == 1]) == sorted(beat_path(prof))
        layers = _layers_from_defeat(beat_path_defeat(prof), range(n))
        assert [layers[i] for i in range(n)] == s["position"].tolist()
        checked += 1
    assert checked == N_PROFILES


def test_kemeny_minimal_distance_matches_pref_voting():
    checked = 0
    for n, ballots in _profiles(7, N_PROFILES, (3, 5), 9):
        prof = pv_profiles.Profile(ballots)
        rankings, dist = kemeny_young_rankings(prof)
        res = aggregate(_table(ballots), method="kemeny")
        assert res.attrs["kemeny_distance"] == pytest.approx(dist)
        # our (lexicographically first) optimal order is one of pref_voting's optimal orders
        assert tuple(res.attrs["kemeny_order"]) in {tuple(r) for r in rankings}
        checked += 1
    assert checked == N_PROFILES


def test_kemeny_six_harms_matches_pref_voting():
    for n, ballots in _profiles(11, 30, (6, 6), 7):
        prof = pv_profiles.Profile(ballots)
        _, dist = kemeny_young_rankings(prof)
        res = aggregate(_table(ballots), method="kemeny")
        assert res.attrs["kemeny_distance"] == pytest.approx(dist)
