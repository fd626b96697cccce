"""Parity intervals resample people: coverage checked by simulation, and one unit's interval does not
depend on which other units are analysed.

Source of the expected numbers: the simulation below. 400 independent meetings of 40 people;
each person is a girl with probability 0.3 and takes Poisson(lambda) turns, lambda drawn from a
Gamma(shape 1) with mean 1 for girls and 2 for the others (so a few people do much of the
talking). The parity the interval should cover is then mu_g / (pi mu_g + (1 - pi) mu_o) =
1 / (0.3 + 1.4) for every meeting. With 400 meetings the share covered by a 95% interval is
Binomial(400, 0.95) / 400 when the interval is right: it lies above 0.95 - 3.29 * sqrt(0.95 *
0.05 / 400) = 0.914 with probability 0.9995.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cpanalysis.inclusion import participation, voice_parity

MEETINGS, PEOPLE, PI, MU_GIRLS, MU_OTHERS, SHAPE = 400, 40, 0.3, 1.0, 2.0, 1.0
TRUTH = MU_GIRLS / (PI * MU_GIRLS + (1 - PI) * MU_OTHERS)
LOWEST = 0.95 - 3.29 * math.sqrt(0.95 * 0.05 / MEETINGS)


def meetings(seed: int, n_meetings: int = MEETINGS) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sessions = [f"s{r:04d}" for r in range(n_meetings)]
    session_of = np.repeat(sessions, PEOPLE)
    ids = np.array([f"p{i:06d}" for i in range(n_meetings * PEOPLE)])
    girl = rng.random(len(ids)) < PI
    rate = rng.gamma(SHAPE, np.where(girl, MU_GIRLS, MU_OTHERS) / SHAPE)
    turns = rng.poisson(rate)
    return {
        "sessions": pd.DataFrame({"session_id": sessions, "community_id": "c1", "cycle": 1,
                                  "format": "community_meeting"}),
        "participants": pd.DataFrame({"participant_id": ids, "subgroup": np.where(girl, "girls", "others")}),
        "attendance": pd.DataFrame({"session_id": session_of, "participant_id": ids}),
        "turns": pd.DataFrame({"session_id": np.repeat(session_of, turns), "participant_id": np.repeat(ids, turns)}),
    }


def coverage(table: pd.DataFrame) -> float:
    girls = table[table["subgroup"] == "girls"]
    return float(((girls["parity_ci_low"] <= TRUTH) & (TRUTH <= girls["parity_ci_high"])).mean())


@pytest.fixture(scope="module")
def data():
    return meetings(seed=7)


@pytest.mark.parametrize("n_boot", [None, 499])
def test_person_bootstrap_covers_the_parity(data, n_boot):
    covered = coverage(voice_parity(data, n_boot=n_boot, seed=1))
    assert LOWEST <= covered <= 0.995, covered


def test_resampling_turns_would_not(data):
    # the former interval (turns resampled as independent, attendance fixed): g's count
    # Binomial(T, t_g / T); its 95% interval covers the parity far less often in this simulation
    t = participation(data, level="session", n_boot=0)
    girls = t[t["subgroup"] == "girls"]
    T, share, presence = (girls[c].to_numpy(dtype=float) for c in ("n_turns_unit", "voice_share_turns",
                                                                   "presence_share"))
    low = stats.binom.ppf(0.025, T, share) / T / presence
    high = stats.binom.ppf(0.975, T, share) / T / presence
    assert ((low <= TRUTH) & (TRUTH <= high)).mean() < 0.85


def test_a_units_interval_does_not_depend_on_the_others():
    full = meetings(seed=3, n_meetings=30)
    half = dict(full)
    keep = full["sessions"]["session_id"].iloc[::2]
    half["sessions"] = full["sessions"][full["sessions"]["session_id"].isin(keep)]
    a = voice_parity(full, n_boot=200, seed=4).set_index(["session_id", "subgroup"])
    b = voice_parity(half, n_boot=200, seed=4).set_index(["session_id", "subgroup"])
    pd.testing.assert_frame_equal(a.loc[b.index, ["parity_ci_low", "parity_ci_high"]],
                                  b[["parity_ci_low", "parity_ci_high"]])
    other_seed = voice_parity(half, n_boot=200, seed=5).set_index(["session_id", "subgroup"])
    assert not np.allclose(other_seed["parity_ci_low"], b["parity_ci_low"], equal_nan=True)
