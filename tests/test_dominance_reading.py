"""elite_dominance, programme_dominance and reading on simulated data and with missing data."""

import re

import numpy as np
import pytest

import cpanalysis
from cpanalysis import Dataset, Settings
from cpanalysis.dominance import LEVELS, reading_level
from cpanalysis.dominance.core import analyse


@pytest.fixture(scope="module")
def sim():
    return cpanalysis.simulate(8, seed=21, elite_influence=[0, 0, 0, 0, 1, 1, 1, 1])


@pytest.fixture(scope="module")
def full(sim):
    return analyse(sim, Settings(n_perm=500, n_boot=200))


@pytest.fixture(scope="module")
def result(full):
    return full["table"]


def test_levels_are_the_four_in_order_of_strength():
    assert LEVELS == ("clear sign", "some sign", "no sign", "cannot tell")


def test_one_row_per_community_with_the_promised_columns(sim, result):
    assert list(result["community_id"]) == list(sim.communities["community_id"])
    assert set(result["level"]) <= set(LEVELS)
    for col in ("p_value", "q_value", "level", "elite_weight", "elite_weight_ci_low", "elite_weight_ci_high",
                "detectability", "detectability_moderate", "detectability_strong", "gap", "gap_ci_low",
                "gap_ci_high", "voice_ratio_adjusted", "voice_ratio_ci_low", "proposal_ratio_adjusted",
                "uptake_ratio"):
        assert col in result, col
    tested = result["p_value"].notna()
    # BH q-values are never below the p-values (Benjamini & Hochberg 1995: q_(i) >= p_(i))
    assert (result.loc[tested, "q_value"] >= result.loc[tested, "p_value"] - 1e-12).all()
    assert (result["elite_weight_ci_low"] <= result["elite_weight"] + 1e-9).all()
    assert (result["elite_weight"] <= result["elite_weight_ci_high"] + 1e-9).all()
    assert result["test_note"].str.len().gt(0).all()


def test_level_follows_the_rule(result):
    s = result.attrs["settings"]
    for r in result.to_dict("records"):
        assert r["level"] == reading_level(r, s)


def test_strong_influence_flagged_none_at_zero(result):
    # simulate(seed=21): communities 5-8 at elite_influence 1, 1-4 at 0. The combined test's
    # power at 1 is about 0.97 and q-values with 8 communities keep false alarms rare: the
    # four captured ones read a sign (clear or some), none of the four inclusive ones do.
    flagged = result["level"].isin(["clear sign", "some sign"]).to_numpy()
    assert flagged[4:].all() and not flagged[:4].any()


def test_community_numbers_do_not_depend_on_other_communities(sim, result):
    # each community has its own random streams (seed, community id): analysing a subset gives
    # the same p-values, intervals, detectability and weights (q-values change, by design)
    sub = cpanalysis.elite_dominance(sim, communities=["C06", "C02"], n_perm=500, n_boot=200)
    cols = ["p_value", "statistic", "detectability_moderate", "detectability_strong", "elite_weight",
            "elite_weight_ci_low", "elite_weight_ci_high", "gap", "gap_ci_low", "gap_ci_high", "parity_ci_low",
            "voice_ratio_ci_low", "voice_ratio_ci_high"]
    a = result.set_index("community_id").loc[["C02", "C06"], cols].to_numpy(float)
    b = sub.set_index("community_id").loc[["C02", "C06"], cols].to_numpy(float)
    np.testing.assert_allclose(a, b, equal_nan=True)


def test_readings_plain_words_first_and_evidence_after(sim, full, result):
    for cid in result["community_id"]:
        text = cpanalysis.reading(sim, cid, analysis=full)
        low = text.lower()
        first, rest = text.split("\nEvidence:\n")
        level = result.set_index("community_id").loc[cid, "level"]
        assert text.splitlines()[0].endswith(f": {level}.")
        assert "p = " not in first and "q = " in rest
        assert "prove" not in low and "proof" not in low
        assert "harm chosen first" in low
        assert "not all in the same direction" not in low
        if level in ("clear sign", "some sign"):
            assert "consistent with" in first


def test_reading_group_positions_match_the_rankings_chart(sim, full):
    # "girls" in the reading must be the girls of the rankings heatmap (subgroup_rankings over
    # every list of the community, elite members with their own subgroup)
    for cid in ("C01", "C05"):
        text = cpanalysis.reading(sim, cid, analysis=full)
        first = sim.decisions[(sim.decisions["community_id"] == cid) & (sim.decisions["priority"] == 1)]["harm_id"].item()
        chart = cpanalysis.subgroup_rankings(sim, community_id=cid)
        for g in ("girls", "boys", "women", "men", "elders"):
            rank = int(chart[(chart["subgroup"] == g) & (chart["harm_id"] == first)]["rank"].item())
            said_top = re.search(r"top choice of ([^;.]*)", text)
            if rank == 1:
                assert said_top and g in said_top.group(1)
            else:
                assert re.search(rf"{rank}(st|nd|rd|th) for {g}\b", text), (cid, g, rank)
        assert "elite members counted in their own subgroup" in text


def test_small_counts_hidden_in_sentences():
    data = cpanalysis.simulate(1, seed=8, elite_influence=0.5)
    text = cpanalysis.reading(data, "C01", n_perm=200, n_boot=100, min_count=10_000)
    assert "fewer than 10000 elites" in text
    assert not re.search(r"(?<!than )\b\d+ elites\b", text)
    assert "share of the speaking turns over their share" not in text   # computed from the elites


def _without(data, **drop):
    tables = data.contract_tables()
    for name, how in drop.items():
        if how is None:
            tables.pop(name)
        else:
            tables[name] = how(tables[name])
    return Dataset.from_tables(tables)


def test_no_turns_still_tests_the_rankings(sim):
    data = _without(sim, turns=None)
    res = cpanalysis.elite_dominance(data, n_perm=200, n_boot=50)
    assert res["z_voice"].isna().all() and res["z_proximity"].notna().any()
    text = cpanalysis.reading(data, "C05", n_perm=200, n_boot=50)
    assert "Speaking" in text


def test_nothing_recorded_cannot_tell(sim):
    # no individual rankings, no turns, attendance only at planning-group meetings (not a voice format)
    people = set(sim.participants["participant_id"])
    planning = set(sim.sessions.loc[sim.sessions["format"] == "planning_group", "session_id"])
    data = _without(sim, turns=None, attendance=lambda a: a[a["session_id"].isin(planning)],
                    rankings=lambda r: r[~r["ranker"].isin(people)])
    res = cpanalysis.elite_dominance(data, n_perm=200, n_boot=50)
    assert (res["level"] == "cannot tell").all() and (res["test"] == "not tested").all()
    assert "We cannot tell" in cpanalysis.reading(data, "C01", n_perm=200, n_boot=50)


def test_programme_row(sim, full):
    prog = cpanalysis.programme_dominance(sim, analysis=full)
    assert prog.shape[0] == 1 and prog["n_communities"].item() == 8
    # half the programme at influence 1: the pooled test has p at its floor 1 / (B + 1)
    assert prog["p_value"].item() == pytest.approx(1 / 501)
    assert prog["elite_weight_ci_low"].item() <= prog["elite_weight"].item() <= prog["elite_weight_ci_high"].item()
    assert sum(prog[f"n_{lv.replace(' ', '_')}"].item() for lv in LEVELS) == 8


def test_settings_carry_the_new_thresholds():
    s = Settings(alpha_clear=0.005, min_detectability=0.6, dominance_strata=("subgroup",))
    assert Settings.from_dict(s.as_dict()) == s
    with pytest.raises(ValueError, match="dominance_strata"):
        Settings(dominance_strata="subgroup")
