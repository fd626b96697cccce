"""The action measures of cpanalysis.planning on a hand-made programme whose every figure is worked out below.

The programme (built in ``programme()``):

- community C1: P1 girl, P2 boy, P3 woman (marginalised, disability), P4 man (elite), P5 elder
  (elite), P6 man. Sessions: S1 community meeting (2025-01-06, everybody), S2 girls' small group
  (2025-01-08, P1), S3 planning group cycle 1 (2025-01-20, P3 P4 P5 P6), S4 planning group cycle 2
  (2025-04-20, P4 P5 P6).
- community C2: Q1 woman, Q2 man (elite); S1 meeting (2025-01-07), S2 planning group (2025-01-21).
- harms h1 out_of_school, h2 early_marriage, h3 heavy_work.
- proposals (turns of kind proposal) in planning groups: C1-S3: P4 h1, P4 h3, P3 h2; C1-S4: P5 h3,
  P6 h2; C2-S2: Q1 h2, Q2 h1.
- rankings: the girls' group (C1-S2) h2 > h1 > h3; P2 (boy, C1-S1) h3 > h1 > h2; P3 (marginalised,
  C1-S1) h2 > h1 > h3; Q1 (C2-S1) h2 > h1 > h3.
- actions: C1-A1 h1 cycle 1 by P4 at S3, community_group, partner government; C1-A2 h2 cycle 1 by the
  girls' group at S3, subgroup, partners service_provider ngo_agency; C1-A3 h3 cycle 1 by P4 at S3,
  ngo_agency; C1-A4 h3 cycle 2 by P5 at S4, government, partner service_provider; C2-A1 h1 cycle 1
  by the planning group at C2-S2, planning_group.
- updates: A1 planned 01-20, started 02-20, done 03-20; A2 planned 01-20, stalled 02-20, dropped
  04-20; A3 planned 01-20, started 02-20; A4 planned 04-20, done 05-20; C2-A1 none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cpanalysis
from cpanalysis.planning import (action_follow_up, action_ownership, action_priority_match, action_proposers,
                                 action_status, action_uptake, first_completion, planning_group_inclusion)
from cpanalysis.planning._common import bootstrap_sums, community_rng
from cpanalysis.planning.follow_up import km_median

SHOW_ALL = cpanalysis.Settings(min_count=1, allow_small_counts=True, n_boot=20_000, seed=7)


def _frame(columns, rows):
    return pd.DataFrame([dict(zip(columns, r)) for r in rows], columns=columns)


def programme(with_c2: bool = True) -> cpanalysis.Dataset:
    people = _frame(["participant_id", "community_id", "gender", "age_group", "elite", "marginalised",
                     "marginalised_reason"], [
        ("P1", "C1", "female", "child", False, False, None), ("P2", "C1", "male", "child", False, False, None),
        ("P3", "C1", "female", "adult", False, True, "disability"), ("P4", "C1", "male", "adult", True, False, None),
        ("P5", "C1", "male", "elder", True, False, None), ("P6", "C1", "male", "adult", False, False, None),
        ("Q1", "C2", "female", "adult", False, False, None), ("Q2", "C2", "male", "adult", True, False, None)])
    sessions = _frame(["session_id", "community_id", "date", "cycle", "format", "convened_for"], [
        ("C1-S1", "C1", "2025-01-06", 1, "community_meeting", None), ("C1-S2", "C1", "2025-01-08", 1, "small_group", "girls"),
        ("C1-S3", "C1", "2025-01-20", 1, "planning_group", None), ("C1-S4", "C1", "2025-04-20", 2, "planning_group", None),
        ("C2-S1", "C2", "2025-01-07", 1, "community_meeting", None), ("C2-S2", "C2", "2025-01-21", 1, "planning_group", None)])
    attendance = pd.DataFrame(
        [("C1-S1", p) for p in ("P1", "P2", "P3", "P4", "P5", "P6")] + [("C1-S2", "P1")]
        + [("C1-S3", p) for p in ("P3", "P4", "P5", "P6")] + [("C1-S4", p) for p in ("P4", "P5", "P6")]
        + [("C2-S1", "Q1"), ("C2-S1", "Q2"), ("C2-S2", "Q1"), ("C2-S2", "Q2")], columns=["session_id", "participant_id"])
    turns = _frame(["session_id", "turn", "participant_id", "kind", "harm_id"], [
        ("C1-S3", 1, "P4", "proposal", "out_of_school"), ("C1-S3", 2, "P4", "proposal", "heavy_work"),
        ("C1-S3", 3, "P3", "proposal", "early_marriage"), ("C1-S4", 1, "P5", "proposal", "heavy_work"),
        ("C1-S4", 2, "P6", "proposal", "early_marriage"), ("C2-S2", 1, "Q1", "proposal", "early_marriage"),
        ("C2-S2", 2, "Q2", "proposal", "out_of_school")])
    order = {"girls": ("early_marriage", "out_of_school", "heavy_work"), "P2": ("heavy_work", "out_of_school", "early_marriage"),
             "P3": ("early_marriage", "out_of_school", "heavy_work"), "Q1": ("early_marriage", "out_of_school", "heavy_work")}
    where = {"girls": "C1-S2", "P2": "C1-S1", "P3": "C1-S1", "Q1": "C2-S1"}
    rankings = pd.DataFrame([(where[r], r, h, k + 1) for r, harms in order.items() for k, h in enumerate(harms)],
                            columns=["session_id", "ranker", "harm_id", "rank"])
    actions = _frame(["action_id", "community_id", "harm_id", "cycle", "proposed_by", "session_id", "lead", "partners"], [
        ("C1-A1", "C1", "out_of_school", 1, "P4", "C1-S3", "community_group", "government"),
        ("C1-A2", "C1", "early_marriage", 1, "girls", "C1-S3", "subgroup", "service_provider ngo_agency"),
        ("C1-A3", "C1", "heavy_work", 1, "P4", "C1-S3", "ngo_agency", None),
        ("C1-A4", "C1", "heavy_work", 2, "P5", "C1-S4", "government", "service_provider"),
        ("C2-A1", "C2", "out_of_school", 1, "planning_group", "C2-S2", "planning_group", None)])
    updates = _frame(["action_id", "date", "status"], [
        ("C1-A1", "2025-01-20", "planned"), ("C1-A1", "2025-02-20", "started"), ("C1-A1", "2025-03-20", "done"),
        ("C1-A2", "2025-01-20", "planned"), ("C1-A2", "2025-02-20", "stalled"), ("C1-A2", "2025-04-20", "dropped"),
        ("C1-A3", "2025-01-20", "planned"), ("C1-A3", "2025-02-20", "started"),
        ("C1-A4", "2025-04-20", "planned"), ("C1-A4", "2025-05-20", "done")])
    tables = {
        "communities": pd.DataFrame({"community_id": ["C1", "C2"], "name": ["One", "Two"]}),
        "harms": pd.DataFrame({"harm_id": ["out_of_school", "early_marriage", "heavy_work"], "label": ["a", "b", "c"]}),
        "participants": people, "sessions": sessions, "attendance": attendance, "turns": turns, "rankings": rankings,
        "decisions": pd.DataFrame({"community_id": ["C1", "C2"], "session_id": ["C1-S3", "C2-S2"],
                                   "harm_id": ["out_of_school", "out_of_school"], "priority": [1, 1]}),
        "actions": actions, "action_updates": updates,
    }
    if not with_c2:
        tables["actions"] = actions[actions["community_id"] == "C1"]
    return cpanalysis.Dataset.from_tables(tables)


@pytest.fixture(scope="module")
def data():
    return programme()


def _row(table, **keys):
    mask = np.ones(len(table), bool)
    for column, value in keys.items():
        mask &= (table[column] == value).to_numpy()
    assert mask.sum() == 1, keys
    return table[mask].iloc[0]


# --- who proposed ---------------------------------------------------------------------------------

def test_proposers_by_status(data):
    table = action_proposers(data, by="status", settings=SHOW_ALL)
    # C1: P4 (elite) proposed A1 and A3, P5 (elite) A4, the girls' group A2 -> elite 3/4, group 1/4.
    # C2: the planning group proposed its one action -> 1/1.
    assert table[["community_id", "proposer", "n_actions"]].values.tolist() == [
        ["C1", "elite", 3], ["C1", "group", 1], ["C2", "planning_group", 1]]
    assert _row(table, community_id="C1", proposer="elite")["action_share"] == pytest.approx(0.75)
    # one action: every resample is that action, so the interval is [1, 1]
    c2 = _row(table, community_id="C2", proposer="planning_group")
    assert (c2["ci_low"], c2["ci_high"]) == (1.0, 1.0)
    programme_table = action_proposers(data, by="status", level="programme", settings=SHOW_ALL)
    # 3 of the 5 actions by elites, 1 by a group, 1 by the planning group
    assert dict(zip(programme_table["proposer"], programme_table["action_share"])) == pytest.approx(
        {"elite": 0.6, "group": 0.2, "planning_group": 0.2})


def test_proposers_by_subgroup_and_suppression(data):
    table = action_proposers(data, by="subgroup", settings=SHOW_ALL)
    # P4 is a man (2 actions), P5 an elder (1), the girls' group (1)
    c1 = table[table["community_id"] == "C1"].set_index("proposer")["n_actions"].to_dict()
    assert c1 == {"elders": 1, "girls": 1, "men": 2}
    # with the default threshold of 5 every count here (1 to 3 actions) is hidden with its share
    hidden = action_proposers(data, by="subgroup", settings=SHOW_ALL.replace(min_count=5))
    assert hidden["n_actions"].isna().all() and hidden["action_share"].isna().all()
    assert len(cpanalysis.suppression_report(hidden)) == 4 * len(hidden)  # n, share, ci_low, ci_high per row


# --- uptake of proposals --------------------------------------------------------------------------

def test_uptake_by_status(data):
    table = action_uptake(data, by="status", level="programme", settings=SHOW_ALL)
    # A proposal is adopted when an action on its harm was agreed in the same session:
    # P4 h1 (A1 at C1-S3) yes, P4 h3 (A3) yes, P3 h2 (A2) yes, P5 h3 (A4 at C1-S4) yes,
    # P6 h2 at C1-S4 no (no h2 action there), Q1 h2 at C2-S2 no, Q2 h1 (C2-A1) yes.
    # elite: P4, P5, Q2 -> 3 speakers, 4 proposals, 4 adopted; general: P6, Q1 -> 2, 2, 0;
    # marginalised: P3 -> 1, 1, 1.
    got = table.set_index("speaker")[["n_speakers", "n_proposals", "n_adopted", "uptake"]]
    assert got.loc["elite"].tolist() == [3, 4, 4, 1.0]
    assert got.loc["general"].tolist() == [2, 2, 0, 0.0]
    assert got.loc["marginalised"].tolist() == [1, 1, 1, 1.0]
    # every resample of people whose proposals were all adopted has uptake 1
    assert _row(table, speaker="elite")[["ci_low", "ci_high"]].tolist() == [1.0, 1.0]
    community = action_uptake(data, by="subgroup", settings=SHOW_ALL)
    # C1 by subgroup: men P4 (2 of 2) and P6 (0 of 1) -> 2 of 3; elders P5 1 of 1; women P3 1 of 1
    c1 = community[community["community_id"] == "C1"].set_index("speaker")
    assert c1.loc["men", ["n_speakers", "n_proposals", "n_adopted"]].tolist() == [2, 3, 2]
    assert c1.loc["men", "uptake"] == pytest.approx(2 / 3)


# --- do actions address the groups' top harms? ------------------------------------------------------

def test_priority_match(data):
    table = action_priority_match(data, settings=SHOW_ALL)
    # C1's four actions are on h1, h2, h3, h3. The girls' group ranks h2 first -> 1 of 4; the boy P2
    # ranks h3 first -> 2 of 4; the marginalised P3 ranks h2 first -> 1 of 4. Three harms ranked, so
    # a random choice hits a group's top harm with probability 1/3. C2 has no girls, boys or
    # marginalised rankers, so no rows.
    assert set(table["community_id"]) == {"C1"}
    got = table.set_index("group")
    assert got.loc["girls", "top_harms"] == "early_marriage" and got.loc["boys", "top_harms"] == "heavy_work"
    assert got["n_addressing"].to_dict() == {"boys": 2, "girls": 1, "marginalised": 1}
    assert got["share_addressing"].to_dict() == pytest.approx({"boys": 0.5, "girls": 0.25, "marginalised": 0.25})
    assert got["chance_share"].tolist() == pytest.approx([1 / 3] * 3)
    # the girls' ranking is a group consensus (n_individual_rankers NA), the others one person each
    assert pd.isna(got.loc["girls", "n_individual_rankers"]) and got.loc["boys", "n_individual_rankers"] == 1


def test_priority_match_hides_rankings_of_few_individuals(data):
    table = action_priority_match(data, settings=SHOW_ALL.replace(min_count=5)).set_index("group")
    # a top harm ranked by one boy or one marginalised woman would reveal their answer
    assert table.loc[["boys", "marginalised"], ["top_harms", "n_addressing", "share_addressing"]].isna().all().all()
    assert table.loc["girls", "n_addressing"] == 1
    programme_table = action_priority_match(data, level="programme", settings=SHOW_ALL.replace(min_count=5))
    # hidden rankings are left out of the programme figure too: only the girls' row remains
    assert programme_table["group"].tolist() == ["girls"]
    assert programme_table[["n_actions", "n_addressing"]].values.tolist() == [[4, 1]]


# --- ownership ------------------------------------------------------------------------------------

def test_ownership_counts(data):
    table = action_ownership(data, settings=SHOW_ALL)
    c1 = table[table["community_id"] == "C1"].set_index("measure")
    # A1 community_group, A2 subgroup -> community-led 2 of 4; A3 ngo_agency -> agency-led 1 of 4;
    # government: A1 (partner), A4 (lead) -> 2; services: A2, A4 (partners) -> 2; either: A1, A2, A4 -> 3.
    assert c1["n_yes"][["community_led", "agency_led", "government_involved", "services_involved",
                        "formal_system_involved"]].tolist() == [2, 1, 2, 2, 3]
    assert (c1["n_actions"] == 4).all()
    programme_table = action_ownership(data, level="programme", settings=SHOW_ALL).set_index("measure")
    # C2's one action is led by the planning group: community-led 3 of 5
    assert programme_table.loc["community_led", "share"] == pytest.approx(3 / 5)
    assert programme_table.loc["lead_planning_group", "n_yes"] == 1


def test_ownership_intervals_are_the_binomial_bootstrap(data):
    # Resampling n actions of which k are "yes" gives k* ~ Binomial(n, k/n). Community-led in C1:
    # Binomial(4, 1/2): P(0) = P(4) = 1/16 = 0.0625 > 0.025, so the 95% interval is [0, 1].
    # Any formal partner in C1: Binomial(4, 3/4): P(0) = 1/256 < 0.025 < P(<=1) = 13/256 = 0.051 and
    # P(4) = 81/256 > 0.025, so [1/4, 1]. Programme community-led: C1's Binomial(4, 1/2) plus C2's one
    # action (always yes): (k* + 1) / 5, so [1/5, 1].
    table = action_ownership(data, settings=SHOW_ALL)
    c1 = table[table["community_id"] == "C1"].set_index("measure")
    assert c1.loc["community_led", ["ci_low", "ci_high"]].tolist() == [0.0, 1.0]
    assert c1.loc["formal_system_involved", ["ci_low", "ci_high"]].tolist() == [0.25, 1.0]
    programme_table = action_ownership(data, level="programme", settings=SHOW_ALL).set_index("measure")
    assert programme_table.loc["community_led", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.2, 1.0])


def test_a_communitys_interval_does_not_depend_on_the_others():
    # seeded by (settings.seed, community id): C1's resamples are the same with or without C2
    settings = SHOW_ALL.replace(n_boot=500)
    both = action_ownership(programme(), settings=settings)
    alone = action_ownership(programme(with_c2=False), settings=settings)
    pd.testing.assert_frame_equal(both[both["community_id"] == "C1"].reset_index(drop=True), alone)


def test_bootstrap_sums_against_a_plain_loop():
    values = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    ids = np.array(["A", "A", "A", "B", "B"], dtype=object)
    communities, observed, draws = bootstrap_sums(ids, values, seed=3, n_boot=50)
    assert communities == ["A", "B"] and observed.tolist() == [[2.0, 2.0], [1.0, 0.0]]
    for c, name in enumerate(communities):
        rows = np.flatnonzero(ids == name)
        rng = community_rng(3, name)
        for b in range(50):
            pick = rng.integers(0, rows.size, rows.size)  # drawn one resample at a time
            assert draws[c, b].tolist() == values[rows[pick]].sum(axis=0).tolist()


# --- follow-up --------------------------------------------------------------------------------------

def test_status_as_of(data):
    status = action_status(data, as_of="2025-03-01").set_index("action_id")
    # on 1 March: A1 started, A2 stalled, A3 started; A4 was agreed on 20 April (no update yet), C2-A1 none
    assert status["status"].to_dict() == {"C1-A1": "started", "C1-A2": "stalled", "C1-A3": "started",
                                          "C1-A4": "planned", "C2-A1": "planned"}
    assert status["n_updates"].tolist() == [2, 2, 2, 0, 0]


def test_follow_up_by_cycle(data):
    table = action_follow_up(data, settings=SHOW_ALL)
    columns = ["community_id", "cycle", "n_actions", "n_done", "n_dropped", "n_stalled", "n_open",
               "n_ever_stalled", "n_without_update"]
    # at the last update (20 May): C1 cycle 1 A1 done, A2 dropped (stalled before), A3 started;
    # C1 cycle 2 A4 done; C2 cycle 1 A1 without any update (counted open)
    assert table[columns].values.tolist() == [["C1", 1, 3, 1, 1, 0, 1, 1, 0], ["C1", 2, 1, 1, 0, 0, 0, 0, 0],
                                              ["C2", 1, 1, 0, 0, 0, 1, 0, 1]]
    c1 = _row(table, community_id="C1", cycle=1)
    assert c1["done_share"] == pytest.approx(1 / 3) and c1["stalled_share"] == pytest.approx(1 / 3)
    # Binomial(3, 1/3): P(0) = 8/27 and P(3) = 1/27 = 0.037 both exceed 0.025, so the interval is [0, 1]
    assert [c1["done_ci_low"], c1["done_ci_high"]] == [0.0, 1.0]
    programme_table = action_follow_up(data, level="programme", settings=SHOW_ALL)
    assert programme_table[columns[1:]].values.tolist() == [[1, 4, 1, 1, 0, 2, 1, 1], [2, 1, 1, 0, 0, 0, 0, 0]]
    early = action_follow_up(data, as_of="2025-03-01", settings=SHOW_ALL)
    assert _row(early, community_id="C1", cycle=1)[["n_done", "n_stalled", "n_open"]].tolist() == [0, 1, 2]


def test_first_completion(data):
    table = first_completion(data).set_index("community_id")
    # C1: first session 6 Jan, first action agreed 20 Jan, first done 20 March (A1, cycle 1):
    # 6 Jan -> 20 Mar = 25 + 28 + 20 = 73 days; 20 Jan -> 20 Mar = 11 + 28 + 20 = 59 days.
    assert table.loc["C1", ["days_from_first_session", "days_from_first_agreed", "cycle_first_done"]].tolist() == [73, 59, 1]
    assert not table.loc["C1", "censored"]
    # C2: nothing done by the last update (20 May): censored; 7 Jan -> 20 May = 24 + 28 + 31 + 30 + 20 = 133,
    # 21 Jan -> 20 May = 10 + 28 + 31 + 30 + 20 = 119.
    assert table.loc["C2", ["days_from_first_session", "days_from_first_agreed"]].tolist() == [133, 119]
    assert table.loc["C2", "censored"]
    # Kaplan-Meier: at 59 days 1 of 2 at risk completes, S = 1/2, so the median is 59.
    summary = first_completion(data, level="programme", settings=SHOW_ALL.replace(n_boot=200))
    assert summary[["n_communities", "n_with_done", "median_days"]].values.tolist() == [[2, 1, 59.0]]


def test_km_median_by_hand():
    # 5 times, censored at 4 and 9: S(2) = 4/5, S(6) = 4/5 * 2/3 = 8/15 > 1/2, S(9) has no event,
    # S(11) = 8/15 * 0 = 0 -> the median is 11.
    assert km_median(np.array([2, 4, 6, 9, 11.0]), np.array([True, False, True, False, True])) == 11.0
    # never below a half: NaN
    assert np.isnan(km_median(np.array([5.0, 6.0, 7.0]), np.array([True, False, False])))


# --- planning-group composition ----------------------------------------------------------------------

def test_planning_group_inclusion(data):
    table = planning_group_inclusion(data, subgroup="elite", settings=SHOW_ALL)
    c1 = table[table["community_id"] == "C1"].set_index("subgroup")
    # C1's planning group: P3, P4, P5, P6 (distinct members of S3 and S4): elites P4, P5 -> 2 of 4.
    # The community meeting had 2 elites of 6: share 1/3, so the ratio is (1/2) / (1/3) = 1.5.
    assert c1.loc["elite", ["n_members", "planning_share", "meeting_share"]].tolist() == pytest.approx([2, 0.5, 1 / 3])
    assert c1.loc["elite", "ratio_to_meeting"] == pytest.approx(1.5)
    # Member-level bootstrap: elites among 4 resampled members ~ Binomial(4, 1/2), P(0) = P(4) = 1/16
    # > 0.025, so the share's interval is [0, 1] and the ratio's [0, 3].
    assert c1.loc["elite", ["planning_ci_low", "planning_ci_high", "ratio_ci_low", "ratio_ci_high"]].tolist() == \
        pytest.approx([0.0, 1.0, 0.0, 3.0])
    hidden = planning_group_inclusion(data, subgroup="elite", settings=SHOW_ALL.replace(min_count=5))
    assert hidden[["n_members", "planning_share", "planning_ci_low", "ratio_ci_high"]].isna().all().all()


def test_errors_name_the_function_and_the_column(tiny_path):
    tiny = cpanalysis.load(tiny_path)
    with pytest.raises(ValueError, match=r"action_ownership\(\): the dataset has no actions table"):
        action_ownership(tiny)
    with pytest.raises(ValueError, match="level must be one of"):
        action_proposers(programme(), level="district")


# --- free text ----------------------------------------------------------------------------------------

def test_free_text_is_withheld_unless_shareable():
    from cpanalysis.planning import shareable_texts

    actions = pd.DataFrame({"action_id": ["A1", "A2", "A3"], "description": ["Talk to X's family", "Rules", None],
                            "shareable": pd.array([False, True, None], dtype="boolean")})
    updates = pd.DataFrame({"action_id": ["A1", "A2"], "date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                            "note": ["X refused", "agreed"]})
    texts = shareable_texts({"actions": actions, "action_updates": updates})
    # A1 is not shareable: neither its description nor its update's note is shown; A3 has no text
    assert texts[["action_id", "field", "text"]].values.tolist() == [
        ["A1", "description", "(not shared)"], ["A2", "description", "Rules"],
        ["A1", "note", "(not shared)"], ["A2", "note", "agreed"]]
    assert "X" not in " ".join(texts["text"])
    # without a shareable column nothing is shown
    bare = shareable_texts({"actions": actions.drop(columns="shareable")})
    assert set(bare["text"]) == {"(not shared)"}
