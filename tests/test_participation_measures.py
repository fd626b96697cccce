"""Participation measures on small hand-made datasets; every expected number is worked out in a comment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from test_participation_helpers import T, make_data

import cpanalysis
from cpanalysis.inclusion import (example_dataset, interruptions, participation, planning_group_composition,
                                      presence_share, proposal_uptake, representation_ratio, silence_rate,
                                      speaking_concentration, voice_parity, voice_share)

# The example: p1 girl (silent), p2 elite man (2 turns: 10 s proposing h1, 20 s), p3 woman (5 s,
# proposes h2, interrupted), p4 elder (1 turn, no duration). Decision: h1.
ATT = [("s1", "p1"), ("s1", "p2"), ("s1", "p3"), ("s1", "p4")]
TURNS = [T("s1", "p2", 10.0, "proposal", "h1", False), T("s1", "p2", 20.0, interrupted=False),
         T("s1", "p3", 5.0, "proposal", "h2", True), T("s1", "p4", None, interrupted=False)]
DECISION = [("c1", "s1", "h1", 1)]


@pytest.fixture
def example():
    return make_data(ATT, TURNS, decisions=DECISION)


def row(table, subgroup, **keys):
    mask = table["subgroup"] == subgroup
    for k, v in keys.items():
        mask &= table[k] == v
    assert mask.sum() == 1, (subgroup, keys)
    return table[mask].iloc[0]


def test_hand_worked_example(example):
    t = participation(example, level="session", n_boot=0).set_index("subgroup")
    # 4 attendees, one of each subgroup: presence 1/4 each
    assert t["presence_share"].tolist() == [0.25] * 4
    # turns: girls 0, women 1, men 2, elders 1 of 4
    assert t.loc[["girls", "women", "men", "elders"], "voice_share_turns"].tolist() == [0, 0.25, 0.5, 0.25]
    # time over timed turns only: men 10+20 = 30 s, women 5 s, elders' only turn untimed: 30/35, 5/35, 0
    assert t.loc["men", "voice_share_time"] == pytest.approx(30 / 35)
    assert t.loc["women", "voice_share_time"] == pytest.approx(5 / 35)
    assert t.loc["elders", "voice_share_time"] == 0
    assert t.loc["elders", "n_turns_timed"] == 0
    assert "time share over turns with a duration only" in t.loc["men", "note"]
    # parity men = (2/4) / (1/4) = 2; girls 0 / 0.25 = 0; time parity men = (30/35) / 0.25
    assert t.loc["men", "parity"] == 2.0 and t.loc["girls", "parity"] == 0.0
    assert t.loc["men", "parity_time"] == pytest.approx(30 / 35 / 0.25)
    # silence: only p1 never spoke -> girls 1/1, others 0
    assert t["silence_rate"].tolist() == [1.0, 0.0, 0.0, 0.0]
    # proposals: p2 (men) proposed h1, p3 (women) h2 -> 1/2 each; h1 adopted: men 1/1, women 0/1
    assert t.loc["men", "proposal_share"] == 0.5 and t.loc["women", "proposal_share"] == 0.5
    assert t.loc["men", "uptake"] == 1.0 and t.loc["women", "uptake"] == 0.0
    assert np.isnan(t.loc["girls", "uptake"])
    # interruptions: women 1 of 1 turn, men 0 of 2
    assert t.loc["women", "interruptions_per_turn"] == 1.0 and t.loc["men", "interruptions_per_turn"] == 0.0
    # representation needs a population table: NA with a reason
    assert t["representation_ratio"].isna().all()
    assert "representation: no population table" in t.loc["men", "note"]


def test_per_measure_functions_agree_with_participation(example):
    full = participation(example, level="session", n_boot=0)
    for func, cols in [(presence_share, ["presence_share"]), (voice_share, ["voice_share_turns", "voice_share_time"]),
                       (voice_parity, ["parity"]), (silence_rate, ["silence_rate"]),
                       (proposal_uptake, ["proposal_share", "uptake"]), (interruptions, ["interruptions_per_turn"])]:
        kwargs = {"n_boot": 0} if func is voice_parity else {}
        part = func(example, level="session", **kwargs)
        assert list(part.columns[:5]) == ["community_id", "cycle", "session_id", "format", "subgroup"]
        assert part.columns[-1] == "note"
        pd.testing.assert_frame_equal(part[cols], full[cols])


def test_status_scheme(example):
    t = participation(example, level="community", subgroup="status", n_boot=0).set_index("subgroup")
    # elite: p2 (1 of 4 attendees, 2 of 4 turns): parity 2; general: 3/4 present, 2/4 turns: parity 2/3
    assert t.loc["elite", "parity"] == 2.0
    assert t.loc["general", "parity"] == pytest.approx((2 / 4) / (3 / 4))
    assert t.attrs["subgroup"] == "status"


def test_intersection_labels(example):
    t = participation(example, subgroup=["gender", "age_group", "elite"], n_boot=0)
    assert set(t["subgroup"]) == {"female|child|non-elite", "male|adult|elite", "female|adult|non-elite",
                                  "male|elder|non-elite"}
    assert row(t, "male|adult|elite")["parity"] == 2.0
    assert t.attrs["subgroup"] == "gender|age_group|elite"
    two = participation(example, subgroup=["gender", "elite"], n_boot=0)
    # female non-elite: p1 + p3 = 2 of 4 present, 1 of 4 turns: parity 0.5
    assert row(two, "female|non-elite")["parity"] == 0.5


def test_roll_up_pools_person_sessions_and_turns():
    att = [("s1", "p1"), ("s1", "p2"), ("s2", "p1"), ("s2", "p2"), ("s2", "p3")]
    turns = [T("s1", "p2"), T("s1", "p2"), T("s1", "p2"), T("s2", "p1"), T("s2", "p3")]
    data = make_data(att, turns, sessions=[("s1", "c1", 1, "community_meeting"), ("s2", "c1", 2, "small_group")])
    t = participation(data, level="community", n_boot=0).set_index("subgroup")
    # person-sessions: girls 2 (p1 twice), men 2, women 1 of 5 -> 0.4, 0.4, 0.2
    assert t.loc[["girls", "men", "women"], "presence_share"].tolist() == [0.4, 0.4, 0.2]
    # turns: men 3, girls 1, women 1 of 5 -> parity men 0.6 / 0.4 = 1.5
    assert t.loc["men", "parity"] == pytest.approx(1.5)
    # silence over person-sessions: p1 silent in s1, spoke in s2 -> 1/2; p2 spoke in s1, silent in s2 -> 1/2
    assert t.loc["girls", "silence_rate"] == 0.5 and t.loc["men", "silence_rate"] == 0.5
    assert t.loc["women", "silence_rate"] == 0.0
    cyc = participation(data, level="cycle", n_boot=0)
    assert row(cyc, "men", cycle=1)["parity"] == 2.0  # s1: men 3/3 turns, 1/2 present
    # the format filter keeps only s1
    only = participation(data, level="community", formats="community_meeting", n_boot=0).set_index("subgroup")
    assert only.loc["men", "presence_share"] == 0.5
    # custom level: programme by cycle
    by_cycle = participation(data, level=["cycle"], n_boot=0)
    assert list(by_cycle.columns[:2]) == ["cycle", "subgroup"]
    prog = participation(data, level="programme", n_boot=0)
    assert prog.columns[0] == "subgroup"
    pd.testing.assert_series_equal(prog["parity"], participation(data, level="community", n_boot=0)["parity"])


def test_programme_pools_two_communities_and_their_population():
    att = [("s1", "p1"), ("s1", "p2"), ("s2", "p3"), ("s2", "p2")]
    data = make_data(att, [T("s1", "p2")], sessions=[("s1", "c1", 1, "community_meeting"),
                                                   ("s2", "c2", 1, "community_meeting")],
                     population=[("c1", "girls", 10), ("c1", "men", 10), ("c2", "women", 30), ("c2", "men", 50)])
    prog = participation(data, level="programme", n_boot=0).set_index("subgroup")
    # population pooled: girls 10, men 60, women 30 of 100; presence girls 1/4, men 2/4, women 1/4
    assert prog.loc["girls", "representation_ratio"] == pytest.approx(0.25 / 0.10)
    assert prog.loc["men", "representation_ratio"] == pytest.approx(0.5 / 0.6)
    comm = participation(data, level="community", n_boot=0)
    # c1: girls 1/2 present, 10/20 of the population -> 1
    assert row(comm, "girls", community_id="c1")["representation_ratio"] == pytest.approx(1.0)
    # women absent from c1 and with no population there: presence 0, ratio NA
    assert np.isnan(row(comm, "women", community_id="c1")["representation_ratio"])


def test_representation_ratio_by_hand(example):
    pop = pd.DataFrame({"community_id": ["c1"] * 4, "subgroup": ["girls", "men", "women", "elders"],
                        "count": [40, 30, 20, 10]})
    t = representation_ratio(example, population=pop).set_index("subgroup")
    # presence 0.25 each over population shares 0.4, 0.3, 0.2, 0.1
    assert t.loc[["girls", "men", "women", "elders"], "representation_ratio"].tolist() == \
        pytest.approx([0.625, 0.25 / 0.3, 1.25, 2.5])
    # a population without the scheme's column is explained, not guessed
    other = representation_ratio(example, subgroup="status", population=pop)
    assert other["representation_ratio"].isna().all()
    assert "population table has no status column" in other["note"].iloc[0]


def test_nobody_spoke():
    data = make_data(ATT, [])
    t = participation(data, n_boot=0)
    assert t["voice_share_turns"].isna().all() and t["parity"].isna().all()
    assert (t["silence_rate"] == 1.0).all()  # everyone attended, nobody spoke
    assert t["note"].str.contains("nobody spoke").all()
    c = speaking_concentration(data)
    assert np.isnan(c["gini"].iloc[0]) and c["note"].iloc[0] == "nobody spoke"
    # no turns table at all: same reading
    tables = {k: v for k, v in data.tables.items() if k != "turns"}
    t2 = participation(tables, n_boot=0)
    assert t2["parity"].isna().all() and (t2["silence_rate"] == 1.0).all()


def test_subgroup_absent_from_a_session():
    att = [("s1", "p1"), ("s1", "p2"), ("s2", "p2"), ("s2", "p3")]
    data = make_data(att, [T("s1", "p1"), T("s2", "p2")],
                     sessions=[("s1", "c1", 1, "community_meeting"), ("s2", "c1", 1, "community_meeting")])
    t = participation(data, level="session", n_boot=0)
    girls_s2 = row(t, "girls", session_id="s2")
    # girls absent from s2: presence 0, voice 0, parity undefined, and said so
    assert girls_s2["presence_share"] == 0 and girls_s2["voice_share_turns"] == 0
    assert np.isnan(girls_s2["parity"]) and np.isnan(girls_s2["silence_rate"])
    assert "subgroup absent" in girls_s2["note"]
    compact = participation(data, level="session", n_boot=0, all_subgroups=False)
    assert len(compact) == 4


def test_one_attendee():
    data = make_data([("s1", "p1")], [T("s1", "p1", 3.0)])
    t = participation(data, n_boot=0).iloc[0]
    assert (t["presence_share"], t["voice_share_turns"], t["parity"], t["silence_rate"]) == (1, 1, 1, 0)
    assert not t["enough_data"]
    c = speaking_concentration(data).iloc[0]
    # one individual: Gini 0 (population form), sample form undefined, Theil 0
    assert c["gini"] == 0 and np.isnan(c["gini_sample"]) and c["theil"] == 0
    assert c["note"] == "one individual"


def test_zero_and_missing_durations():
    zero = make_data(ATT, [T("s1", "p1", 0.0), T("s1", "p2", 0.0)])
    t = participation(zero, n_boot=0)
    # zero-duration turns still count as turns; time share is 0/0: NA, explained
    assert t["voice_share_turns"].sum() == 1 and t["voice_share_time"].isna().all()
    assert t["note"].str.contains("recorded durations sum to zero").all()
    mixed = make_data(ATT, [T("s1", "p1", 0.0), T("s1", "p2", 4.0)])
    assert row(participation(mixed, n_boot=0), "men")["voice_share_time"] == 1.0
    none = make_data(ATT, [T("s1", "p1"), T("s1", "p2")])
    t = participation(none, n_boot=0)
    assert t["voice_share_time"].isna().all() and t["note"].str.contains("no durations recorded").all()
    no_column = make_data(ATT, [T("s1", "p1")], turn_columns=("kind",))
    t = participation(no_column, n_boot=0)
    assert t["voice_share_time"].isna().all() and t["interruptions_per_turn"].isna().all()
    assert t["note"].str.contains("interruptions not recorded").all()


def test_tallies_give_explanations_not_numbers():
    counts = [("s1", "girls", 3), ("s1", "men", 5)]
    turns = [T("s1", None, sub="men"), T("s1", None, sub="men"), T("s1", None, sub="men"),
             T("s1", None, sub="girls")]
    data = make_data(None, turns, counts=counts, people={})
    t = participation(data, n_boot=0).set_index("subgroup")
    # girls: 3 of 8 present, 1 of 4 turns -> parity 0.25 / 0.375
    assert t.loc["girls", "presence_share"] == 3 / 8
    assert t.loc["girls", "parity"] == pytest.approx(0.25 / 0.375)
    assert t["silence_rate"].isna().all() and t["n_silent"].isna().all()
    assert t["note"].str.contains("silence rate needs individual attendance and turns").all()
    c = speaking_concentration(data)
    assert np.isnan(c["gini"].iloc[0])
    assert c["note"].iloc[0] == "concentration needs individual attendance and turns"
    # head counts carry only the subgroup: another scheme is refused, naming column and function
    with pytest.raises(ValueError, match=r"participation\(\): column 'status' is missing from attendance_counts"):
        participation(data, subgroup="status")


def test_mixed_roster_and_tally_sessions():
    data = make_data([("s1", "p1"), ("s1", "p2")], [T("s1", "p2"), T("s2", None, sub="girls")],
                     counts=[("s2", "girls", 4)],
                     sessions=[("s1", "c1", 1, "community_meeting"), ("s2", "c1", 1, "community_meeting")])
    t = participation(data, n_boot=0).set_index("subgroup")
    # presence pooled: girls 1 + 4, men 1 -> 5/6; silence only from s1 (p1 silent): 1/1, noted
    assert t.loc["girls", "presence_share"] == pytest.approx(5 / 6)
    assert t.loc["girls", "silence_rate"] == 1.0
    assert "silence rate over sessions with individual data only" in t.loc["girls", "note"]


def test_unnamed_speaker_makes_a_session_non_individual():
    data = make_data(ATT[:2], [T("s1", "p2"), T("s1", None, sub="girls")])
    t = participation(data, n_boot=0).set_index("subgroup")
    assert t.loc["girls", "voice_share_turns"] == 0.5  # counted in voice by its subgroup
    assert t["silence_rate"].isna().all()  # but who was silent cannot be told


def test_bootstrap_interval():
    # p1 (girl) 3 turns, p2 (man) 15, p3 (woman) 6, p7 (girl) silent; each attended once
    att = [("s1", p) for p in ("p1", "p2", "p3", "p7")]
    turns = [T("s1", "p2")] * 15 + [T("s1", "p1")] * 3 + [T("s1", "p3")] * 6
    data = make_data(att, turns)
    a = voice_parity(data, seed=3)
    b = voice_parity(data, seed=3)
    pd.testing.assert_frame_equal(a, b)  # seeded
    ok = a["parity"].notna()
    assert (a.loc[ok, "parity_ci_low"] <= a.loc[ok, "parity"]).all()
    assert (a.loc[ok, "parity"] <= a.loc[ok, "parity_ci_high"]).all()
    # one man: the expanded interval (t with 1 degree of freedom) reaches the largest parity any draw
    # gives, 4 = (15/15) / (1/4) when the man is drawn with three copies of the silent girl
    assert a.set_index("subgroup").loc["men", "parity_ci_high"] == 4.0
    # 24 turns but only 1 or 2 attendees per subgroup: not enough data
    assert not a["enough_data"].any()
    assert voice_parity(data, n_boot=0)["parity_ci_low"].isna().all()


def test_person_bootstrap_hand_calculation_and_plain_loop():
    # 6 men and 4 girls, each attended once; men's turns 10, 0, 2, 1, 0, 3 (16), girls' 1, 0, 2, 1 (4)
    men_turns, girl_turns = [10, 0, 2, 1, 0, 3], [1, 0, 2, 1]
    people = {**{f"m{i}": ("male", "adult", False, False) for i in range(6)},
              **{f"g{i}": ("female", "child", False, False) for i in range(4)}}
    att = [("s1", p) for p in people]
    turns = [T("s1", f"m{i}") for i, k in enumerate(men_turns) for _ in range(k)] + \
        [T("s1", f"g{i}") for i, k in enumerate(girl_turns) for _ in range(k)]
    data = make_data(att, turns, people=people)
    limit = voice_parity(data, n_boot=None).set_index("subgroup")
    # girls: parity (4/20) / (4/10) = 0.5. Influence on log parity, t_gc/t_g - t_c/T - a_gc/a_g + a_c/A:
    # a girl with t turns: t/4 - t/20 - 1/4 + 1/10 = 0.2 t - 0.15 -> 0.05, -0.15, 0.25, 0.05
    # a man with t turns: -t/20 + 1/10 -> -0.4, 0.1, 0, 0.05, 0.1, -0.05 (all 10 sum to 0)
    # sum of squares 0.09 + 0.185 = 0.275; 4 girls: q = t(0.975, 3) * sqrt(4/3)
    from scipy import stats
    sd = math.sqrt(0.275)
    q = stats.t.ppf(0.975, 3) * math.sqrt(4 / 3)
    assert limit.loc["girls", "parity"] == pytest.approx(0.5)
    assert limit.loc["girls", "parity_ci_low"] == pytest.approx(0.5 * math.exp(-q * sd))
    assert limit.loc["girls", "parity_ci_high"] == pytest.approx(0.5 * math.exp(q * sd))
    # Monte Carlo against a plain loop over 20,000 draws of 10 people (the slow, obvious version), with
    # ci = 0.5: percentiles at Phi(-q), q = t(0.75, 3) * sqrt(4/3); the package's ends lie within 2% of
    # that level of the loop's distribution (4,000 draws: a standard error of about 0.6%)
    rng = np.random.default_rng(12)
    names = list(people)
    girl = np.array([n.startswith("g") for n in names])
    spoke = np.array(men_turns + girl_turns, dtype=float)
    values = []
    for _ in range(20_000):
        pick = rng.integers(0, 10, 10)
        g, t = girl[pick], spoke[pick]
        if g.any() and t.sum() > 0:
            values.append((t[g].sum() / t.sum()) / g.mean())
    level = stats.norm.cdf(-stats.t.ppf(0.75, 3) * math.sqrt(4 / 3))
    mc = voice_parity(data, n_boot=4000, seed=5, ci=0.5).set_index("subgroup")
    assert np.quantile(values, level - 0.02) <= mc.loc["girls", "parity_ci_low"] <= np.quantile(values, level + 0.02)
    assert np.quantile(values, 1 - level - 0.02) <= mc.loc["girls", "parity_ci_high"] <= \
        np.quantile(values, 1 - level + 0.02)


def test_planning_group_composition():
    t = planning_group_composition(example_dataset(planning_group=True)).set_index("subgroup")
    # planning group: p2 (men) and p3 (women) -> 1/2 each; meeting presence 1/4 each -> ratio 2
    assert t.loc["men", "planning_share"] == 0.5 and t.loc["men", "ratio_to_meeting"] == 2.0
    assert t.loc["girls", "n_members"] == 0 and t.loc["girls", "ratio_to_meeting"] == 0.0
    assert (t["basis"] == "members").all()
    # the same member at two planning sessions counts once
    att = ATT + [("s2", "p2"), ("s3", "p2"), ("s3", "p1")]
    data = make_data(att, TURNS, sessions=[("s1", "c1", 1, "community_meeting"), ("s2", "c1", 1, "planning_group"),
                                           ("s3", "c1", 1, "planning_group")])
    t = planning_group_composition(data).set_index("subgroup")
    assert t.loc["men", "n_members"] == 1 and t.loc["men", "planning_share"] == 0.5


def test_input_checks_name_function_and_column(example):
    with pytest.raises(ValueError, match=r"voice_parity\(\): column 'district' is missing from sessions"):
        voice_parity(example, level=["district"])
    with pytest.raises(ValueError, match=r"presence_share\(\): level must be one of"):
        presence_share(example, level="village")
    with pytest.raises(ValueError, match=r"silence_rate\(\): column 'caste' is missing from attendance"):
        silence_rate(example, subgroup="caste")
    with pytest.raises(TypeError):
        participation(pd.DataFrame())


def test_dict_of_tables_works_like_the_dataset(example):
    # a dict has no subgroup scheme, so subgroups come sorted by name instead of in the scheme's order
    plain = participation(example.tables, n_boot=0).sort_values("subgroup", ignore_index=True)
    dataset = participation(example, n_boot=0).sort_values("subgroup", ignore_index=True)
    pd.testing.assert_frame_equal(plain, dataset)


def test_top_level_names():
    for name in ("participation", "gini", "theil", "theil_between_test", "suppress_small", "presence_share",
                 "voice_parity", "silence_rate", "speaking_concentration", "proposal_uptake", "interruptions",
                 "planning_group_composition", "representation_ratio", "voice_share"):
        assert callable(getattr(cpanalysis, name))
    assert math.isclose(cpanalysis.gini([0, 1, 1, 2]), 0.375)
