"""A small, fast calibration of the elite-influence readings (the full one: docs/dominance_calibration.py).

Tolerances come from the binomial distribution: if the true rate were exactly the target, the
observed count would pass the asserted bound with probability at least 0.999 (scipy's
binomial quantiles), so a failure means the rate is off target, not bad luck.
"""

import numpy as np
import pytest
from scipy.stats import binom

import cpanalysis
from cpanalysis.dominance.calibration import assess, clopper_pearson, null_world, share_flagged


def test_clopper_pearson_by_hand():
    # k = 0: upper bound 1 - (0.025)^(1/n); n = 100 gives 0.0362 (Clopper & Pearson 1934)
    assert clopper_pearson(0, 100)[1] == pytest.approx(1 - 0.025 ** (1 / 100))
    lo, hi = clopper_pearson(5, 100)
    assert lo < 0.05 < hi


@pytest.mark.parametrize("world", ["simulator", "skewed", "top3"])
def test_no_influence_rarely_read_as_a_sign(world):
    n = 120 if world == "simulator" else 72
    data = (cpanalysis.simulate(n, seed=515, elite_influence=0.0) if world == "simulator"
            else null_world(world, n, seed=515))
    # fewer relabellings and resamples than the defaults keep it fast; p = (b + 1) / (B + 1) stays valid
    tab = assess(data, programme_size=12, n_perm=500, n_boot=50)
    flagged = share_flagged(tab)["flagged"]
    # target: at most 5% read clear or some sign
    assert flagged <= binom.ppf(0.999, n, 0.05), flagged
    # the community test itself: p <= 0.05 in about 5% of the tested communities
    p = tab["p_value"].dropna()
    assert (p <= 0.05).sum() <= binom.ppf(0.999, len(p), 0.05)


def test_strong_influence_read_as_a_sign():
    n = 36
    tab = assess(cpanalysis.simulate(n, seed=516, elite_influence=1.0), programme_size=12, n_perm=500, n_boot=50)
    flagged = share_flagged(tab)["flagged"]
    # target: at least 95% read clear or some sign at influence 1
    assert flagged >= binom.ppf(0.001, n, 0.95), flagged
    assert np.median(tab["elite_weight"]) > 1
