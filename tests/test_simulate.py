"""Tests of the seeded simulator (cpanalysis.simulation) and of the bundled sample it made.

The behavioural tests compare averages over many simulated communities with fixed seeds. Each
states the direction the generative model (see the Notes of ``simulate``) implies and why its
margin is safe; the numbers quoted in comments were measured with the seeds used here.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import cpanalysis
from cpanalysis.simulation import ELITE_ROLES, HARMS, SAMPLE_ARGS, SMALL_GROUPS, simulate, simulate_tables

TABLE_NAMES = ("communities", "population", "harms", "participants", "sessions", "attendance", "turns",
               "rankings", "pairwise", "decisions", "actions", "action_updates")


@pytest.fixture(scope="module")
def simulated():
    return simulate(**SAMPLE_ARGS)


# --- the committed sample --------------------------------------------------------------------

def test_committed_sample_equals_the_simulator_output(simulated):
    loaded = cpanalysis.load(cpanalysis.sample_path())
    got, expected = loaded.contract_tables(), simulated.contract_tables()
    assert sorted(got) == sorted(expected)
    for name in expected:
        # CSV round trip: both go through the same typing in the loader; extra columns (the
        # sim_* truth) are re-inferred by read_csv, so dtypes are compared loosely.
        pdt.assert_frame_equal(got[name].reset_index(drop=True), expected[name].reset_index(drop=True),
                               check_dtype=False, obj=name)


def test_the_sample_has_every_table():
    # The files of contract v1 were committed before the simulator drew actions; that they still
    # equal the simulator's output (the test above) shows the actions' separate stream left them alone.
    assert sorted(p.stem for p in cpanalysis.sample_path().glob("*.csv")) == sorted(TABLE_NAMES)


def test_sample_args_are_documented():
    assert SAMPLE_ARGS == {"n_communities": 12, "seed": 2026}
    assert cpanalysis.validate(cpanalysis.sample_path()) == []


# --- determinism ---------------------------------------------------------------------------------

def _assert_tables_equal(a, b):
    assert list(a) == list(b)
    for name in a:
        pdt.assert_frame_equal(a[name], b[name], obj=name)


def test_same_seed_same_tables():
    _assert_tables_equal(simulate_tables(3, seed=5), simulate_tables(3, seed=5))


def test_different_seed_different_tables():
    a, b = simulate_tables(3, seed=5), simulate_tables(3, seed=6)
    assert not a["turns"].equals(b["turns"])
    assert not a["rankings"].equals(b["rankings"])


def test_community_does_not_depend_on_how_many_are_simulated():
    small, large = simulate_tables(2, seed=9), simulate_tables(7, seed=9)
    for name in ("participants", "sessions", "turns", "rankings", "decisions", "actions", "action_updates"):
        part = large[name][large[name].iloc[:, 0].str.startswith(("C01", "C02"))].reset_index(drop=True)
        pdt.assert_frame_equal(part, small[name], obj=name)


# --- shape facts of the sample -------------------------------------------------------------------

def test_sample_shape(simulated):
    assert len(simulated.communities) == 12
    assert simulated.communities["district"].nunique() == 3
    assert sorted(simulated.sessions["cycle"].unique()) == [1, 2, 3]
    assert simulated.harms["harm_id"].tolist() == [h[0] for h in HARMS]
    assert simulated.harms.set_index("harm_id")["sensitive"].to_dict()["sexual_abuse"]
    assert simulated.harms["sensitive"].sum() == 1
    sessions = simulated.sessions
    for community, group in sessions.groupby("community_id"):
        small = group[group["format"] == "small_group"]
        assert set(small["convened_for"]) == set(SMALL_GROUPS), community
        assert set(group.loc[group["format"] == "home_visit", "convened_for"]) == {"disability", "poorest"}
        assert (group["format"] == "planning_group").sum() == 3
    assert set(simulated.decisions["community_id"]) == set(simulated.communities["community_id"])
    assert simulated.decisions.groupby("community_id").size().between(1, 3).all()
    # decisions are attached to each community's last planning-group session
    final = sessions[sessions["format"] == "planning_group"].groupby("community_id")["session_id"].max()
    assert (simulated.decisions["session_id"] == simulated.decisions["community_id"].map(final)).all()
    # a realistic but modest size
    per_community = simulated.participants.groupby("community_id").size()
    assert per_community.between(60, 120).all()
    turns_per_community = simulated.turns.groupby("community_id").size()
    assert turns_per_community.between(250, 900).all()


def test_sample_content(simulated):
    people = simulated.participants
    assert 0.03 < people["elite"].mean() < 0.2
    assert set(people.loc[people["elite"], "elite_role"]) <= set(ELITE_ROLES)
    assert people.loc[~people["elite"], "elite_role"].isna().all()
    assert set(people.loc[people["elite"], "subgroup"]) <= {"women", "men", "elders"}
    assert set(people["marginalised_reason"].dropna()) == {"disability", "poorest"}
    assert set(people["subgroup"]) == set(SMALL_GROUPS)
    turns = simulated.turns
    assert (turns["duration_s"] > 0).all()
    assert set(turns["kind"]) == {"proposal", "support", "objection", "question", "other"}
    names_harm = turns["kind"].isin(["proposal", "support", "objection"])
    assert turns.loc[names_harm, "harm_id"].notna().all() and turns.loc[~names_harm, "harm_id"].isna().all()
    # turn numbers run 1..n in order within each session
    expected_turn = turns.groupby("session_id").cumcount() + 1
    assert (turns["turn"].to_numpy() == expected_turn.to_numpy()).all()
    # every speaker attended the session
    attended = set(zip(simulated.attendance["session_id"], simulated.attendance["participant_id"]))
    assert all(pair in attended for pair in zip(turns["session_id"], turns["participant_id"]))
    # some attendees stay silent
    spoke = set(zip(turns["session_id"], turns["participant_id"]))
    assert sum(pair not in spoke for pair in attended) > 100
    # group rankings by every small group, individual rankings by elites and non-elites and at home
    rankings = simulated.rankings
    groups = rankings[rankings["ranker_type"] == "group"]
    assert set(groups["ranker"]) == set(SMALL_GROUPS)
    individual = rankings[rankings["ranker_type"] == "individual"]
    assert individual["elite"].any() and (~individual["elite"]).any()
    formats = individual["session_id"].map(simulated.sessions.set_index("session_id")["format"])
    assert set(formats) == {"community_meeting", "home_visit"}
    assert rankings["rank"].notna().all()
    assert rankings["score"].notna().any()
    piles = rankings.dropna(subset=["score"]).groupby(["session_id", "ranker"])["score"].sum()
    assert (piles == 100).all()
    # dates: cycles in order, and within a cycle meeting < small groups < home visits < planning
    sessions = simulated.sessions
    for _, group in sessions.groupby("community_id"):
        assert group["date"].is_monotonic_increasing
        assert group["cycle"].is_monotonic_increasing
    assert sessions["date"].min() >= pd.Timestamp("2024-01-01")
    assert sessions["date"].max() <= pd.Timestamp("2026-12-31")


def test_ids_are_pseudonymous(simulated):
    tables = simulated.contract_tables()
    patterns = {
        "community_id": r"C\d{2,}", "participant_id": r"C\d{2,}-P\d{4}", "session_id": r"C\d{2,}-S\d{3}",
        "facilitator_id": r"D\d+-F\d+", "name": r"Community \d{2,}", "district": r"District \d+",
        "action_id": r"C\d{2,}-A\d{3}",
    }
    harm_ids = {h[0] for h in HARMS}
    vocabulary = harm_ids | set(SMALL_GROUPS) | set(ELITE_ROLES) | {"disability", "poorest"}
    for name, frame in tables.items():
        for column in frame.columns:
            values = frame[column].dropna()
            if not (pd.api.types.is_string_dtype(values) or values.dtype == object) or column in (
                    "label", "sim_elite_agenda", "description", "note", "partners"):
                continue
            if column in patterns:
                assert values.str.fullmatch(patterns[column]).all(), (name, column)
            elif column == "proposed_by":
                assert (values.str.fullmatch(patterns["participant_id"])
                        | values.isin((*SMALL_GROUPS, "planning_group"))).all()
            elif column in ("lead", "resources", "status"):
                continue  # contract categories
            elif column == "ranker":
                assert (values.str.fullmatch(patterns["participant_id"]) | values.isin(SMALL_GROUPS)).all()
            elif column in ("gender", "age_group", "format", "kind", "preferred", "subgroup"):
                continue  # contract categories and subgroup names
            else:
                assert values.isin(vocabulary).all(), (name, column, set(values) - vocabulary)
    # the harm labels are the known harms, nothing else
    assert tables["harms"]["label"].tolist() == [h[1] for h in HARMS]


def test_arguments():
    data = simulate(2, seed=3, elite_influence=[0.0, 1.0], n_cycles=2, n_harms=5, n_districts=1)
    assert data.communities["sim_elite_influence"].tolist() == [0.0, 1.0]
    assert data.harms["harm_id"].tolist() == [h[0] for h in HARMS[:5]]
    assert set(data.rankings["harm_id"]) <= set(data.harms["harm_id"])
    assert sorted(data.sessions["cycle"].unique()) == [1, 2]
    with pytest.raises(ValueError, match="elite_influence"):
        simulate_tables(2, elite_influence=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="elite_influence"):
        simulate_tables(2, elite_influence=1.5)
    with pytest.raises(ValueError, match="n_harms"):
        simulate_tables(2, n_harms=9)


def test_default_influence_is_spread(simulated):
    w = simulated.communities["sim_elite_influence"]
    assert w.between(0, 0.9).all()
    assert (w < 0.3).sum() >= 3 and (w > 0.6).sum() >= 3


def test_sample_actions(simulated):
    actions, updates = simulated.actions, simulated.action_updates
    sessions = simulated.sessions.set_index("session_id")
    # agreed at the planning-group meeting of their own community and cycle
    assert (actions["session_id"].map(sessions["format"]) == "planning_group").all()
    assert (actions["session_id"].map(sessions["community_id"]) == actions["community_id"]).all()
    assert (actions["session_id"].map(sessions["cycle"]) == actions["cycle"]).all()
    assert actions.groupby("community_id")["cycle"].nunique().eq(3).all()
    # every action starts as planned on the day it was agreed; statuses change at each row
    first = updates.groupby("action_id").first()
    assert set(first.index) == set(actions["action_id"])
    assert (first["status"] == "planned").all()
    assert (first["date"] == actions.set_index("action_id")["session_id"].map(sessions["date"])[first.index]).all()
    assert (updates.groupby("action_id")["status"].shift() != updates["status"]).all()
    assert set(updates["status"]) == {"planned", "started", "done", "stalled", "dropped"}
    # the descriptions are synthetic and name the harm; both shareable and not occur
    assert actions["shareable"].any() and not actions["shareable"].all()
    assert set(actions["lead"]) >= {"community_group", "planning_group", "subgroup", "ngo_agency"}


# --- behaviour -------------------------------------------------------------------------------------

N_BEHAVIOUR = 300


@pytest.fixture(scope="module")
def at_zero():
    return simulate_tables(N_BEHAVIOUR, seed=11, elite_influence=0.0)


@pytest.fixture(scope="module")
def at_one():
    return simulate_tables(N_BEHAVIOUR, seed=11, elite_influence=1.0)


def _elite_turn_share(tables) -> float:
    elite = tables["participants"].set_index("participant_id")["elite"]
    return float(tables["turns"]["participant_id"].map(elite).mean())


def _decision_agenda_agreement(tables) -> float:
    """Share of decided harms that are among the top 3 of the community's elite agenda."""
    top3 = tables["communities"].set_index("community_id")["sim_elite_agenda"].str.split(" > ").str[:3]
    decisions = tables["decisions"]
    return float(np.mean([h in top3[c] for c, h in zip(decisions["community_id"], decisions["harm_id"])]))


def test_elites_talk_more_with_influence(at_zero, at_one):
    # Elites' speaking rate is multiplied by 1 + 3w and their silence probability by 1 - 0.8w,
    # so their share of turns rises from what their numbers and attendance give (0.17 measured
    # at w=0; elites are adult men, elders and a few women, who speak more than children) to
    # 0.43 at w=1. The margin of 0.1 is far above the sampling error of a share over ~150,000
    # turns in 300 communities (community-level se well below 0.01).
    zero, one = _elite_turn_share(at_zero), _elite_turn_share(at_one)
    assert one > zero + 0.1, (zero, one)


def test_elites_propose_more_with_influence(at_zero, at_one):
    # Proposal odds of elites are multiplied by 1 + 2w (odds 0.15/0.85 -> 0.45/0.85): the share of
    # elite turns that are proposals goes from 0.15 to 0.35 (0.148 and 0.345 measured); a margin
    # of 0.05 is many standard errors over ~25,000 elite turns.
    def proposal_share(tables):
        elite = tables["participants"].set_index("participant_id")["elite"]
        turns = tables["turns"][tables["turns"]["participant_id"].map(elite)]
        return float((turns["kind"] == "proposal").mean())
    assert proposal_share(at_one) > proposal_share(at_zero) + 0.05


def test_decision_follows_the_elite_agenda_with_influence(at_zero, at_one):
    # At w=0 the decision ignores the agenda, so a decided harm is in the agenda's top 3 with
    # probability 3/8 = 0.375; at w=1 the decision is the top of the elites' own mean utility,
    # which carries 1.5 x the standardised agenda (0.39 and 0.89 measured). Over ~600 decided
    # harms the standard error of each share is about 0.02, so margins of 0.1 and 0.2 are safe.
    zero, one = _decision_agenda_agreement(at_zero), _decision_agenda_agreement(at_one)
    assert abs(zero - 3 / 8) < 0.1, zero
    assert one > zero + 0.2, (zero, one)


def _elite_share_of_member_actions(tables) -> float:
    elite = tables["participants"].set_index("participant_id")["elite"]
    by_member = tables["actions"]["proposed_by"].map(elite).dropna()
    return float(by_member.astype(bool).mean())


def test_elites_propose_more_actions_with_influence(at_zero, at_one):
    # A member proposes with weight 1 + 4w for elites: at w=0 elites propose in proportion to their
    # presence at planning-group meetings (0.28 measured: elites are over-represented in the
    # planning group by its weights 2 + 8w); at w=1 their weight is 5 times a non-elite's and the
    # planning group holds more of them (0.84 measured). Over ~1,100-1,600 member proposals each
    # share has se ~0.015; the margin 0.2 is safe.
    zero, one = _elite_share_of_member_actions(at_zero), _elite_share_of_member_actions(at_one)
    assert one > zero + 0.2, (zero, one)


def test_elite_actions_leave_subgroups_out_of_the_lead_with_influence(at_one):
    # At w=1 an elite's action has subgroup weight 0 (1 - w) and community-group weight x3, so no
    # elite-proposed action is led by a subgroup while others are (base weight 0.18, doubled for small
    # groups: 0.19 of the others measured); community groups lead 0.54 of elite and 0.22 of other
    # actions (measured; expected from the weights about 0.5 and 0.22), over ~900 and ~1,200 actions.
    tables = at_one
    elite = tables["participants"].set_index("participant_id")["elite"]
    by_elite = tables["actions"]["proposed_by"].map(elite).fillna(False).astype(bool)
    lead = tables["actions"]["lead"]
    assert (lead[by_elite] == "subgroup").sum() == 0
    assert (lead[~by_elite] == "subgroup").mean() > 0.1
    assert (lead[by_elite] == "community_group").mean() > (lead[~by_elite] == "community_group").mean() + 0.2


def _individual_full_rankings(tables) -> pd.DataFrame:
    people = tables["participants"].copy()
    people["subgroup"] = cpanalysis.SubgroupScheme.default().assign(people["gender"], people["age_group"]).to_numpy()
    rankings = tables["rankings"].merge(people[["participant_id", "community_id", "elite", "subgroup"]],
                                        left_on="ranker", right_on="participant_id")
    full = rankings.groupby("ranker")["harm_id"].transform("size") == len(HARMS)
    return rankings[full]


def test_elite_flag_carries_no_preference_information_at_zero(at_zero):
    # At w=0 elites' utilities are their subgroup's utility plus the same individual noise as
    # anyone's, so within a subgroup their mean rank of each harm equals the non-elites' up to
    # sampling error. With ~740 elite and ~600-1,150 non-elite full rankings per subgroup (rank
    # sd 2.3) the standard error of a difference is ~0.12 (a little more with community effects);
    # the tolerance 0.5 is about 4 standard errors (largest differences measured: men 0.26,
    # elders 0.20; at 1,000 communities every difference was below 0.13).
    rankings = _individual_full_rankings(at_zero)
    for subgroup in ("men", "elders"):
        part = rankings[rankings["subgroup"] == subgroup]
        means = part.groupby(["elite", "harm_id"])["rank"].mean().unstack("harm_id")
        diff = (means.loc[True] - means.loc[False]).abs()
        assert diff.max() < 0.5, (subgroup, diff.round(2).to_dict())


def _agenda_alignment(tables, elite: bool) -> float:
    """Mean over communities of the Spearman correlation between a group's mean ranks and the agenda."""
    rankings = _individual_full_rankings(tables)
    rankings = rankings[rankings["elite"] == elite]
    agenda = tables["communities"].set_index("community_id")["sim_elite_agenda"].str.split(" > ")
    values = []
    for community, part in rankings.groupby("community_id"):
        mean_rank = part.groupby("harm_id")["rank"].mean()
        agenda_rank = pd.Series(np.arange(1, len(HARMS) + 1), index=agenda[community])
        values.append(mean_rank.corr(agenda_rank[mean_rank.index], method="spearman"))
    return float(np.nanmean(values))


def test_elites_rank_like_their_agenda_only_with_influence(at_zero, at_one):
    # At w=0 the agenda is an unused random vector: neither elites' nor non-elites' rankings
    # correlate with it (mean Spearman ~0). At w=1 elites' utilities carry 1.5 x the agenda, so
    # their mean ranking correlates strongly with it (0.85 measured) while non-elites' stays ~0
    # (-0.03 and -0.05 at w=0, -0.02 at w=1). Per-community correlations have sd ~0.4, so over
    # 300 communities each mean has se ~0.025 and the margins 0.12 and 0.3 are safe.
    assert abs(_agenda_alignment(at_zero, True) - _agenda_alignment(at_zero, False)) < 0.12
    assert _agenda_alignment(at_one, True) > _agenda_alignment(at_one, False) + 0.3


def test_subgroups_have_different_priorities():
    # Girls lean to early marriage / teenage pregnancy / sexual abuse and boys to heavy work /
    # out of school / physical punishment (SUBGROUP_LEANS); averaged over communities, the
    # girls' groups rank early marriage better than the boys' groups and heavy work worse.
    tables = simulate_tables(60, seed=4)
    groups = tables["rankings"][tables["rankings"]["ranker"].isin(["girls", "boys"])]
    means = groups.groupby(["ranker", "harm_id"])["rank"].mean().unstack("harm_id")
    assert means.loc["girls", "early_marriage"] < means.loc["boys", "early_marriage"] - 1
    assert means.loc["girls", "heavy_work"] > means.loc["boys", "heavy_work"] + 1


def test_girls_speak_least():
    tables = simulate_tables(60, seed=4)
    people = tables["participants"].copy()
    people["subgroup"] = cpanalysis.SubgroupScheme.default().assign(people["gender"], people["age_group"]).to_numpy()
    sub = people.set_index("participant_id")["subgroup"]
    attendance = tables["attendance"]
    meetings = tables["sessions"].loc[tables["sessions"]["format"] == "community_meeting", "session_id"]
    turns = tables["turns"][tables["turns"]["session_id"].isin(meetings)]
    present = attendance[attendance["session_id"].isin(meetings)]["participant_id"].map(sub).value_counts(normalize=True)
    voice = turns["participant_id"].map(sub).value_counts(normalize=True)
    parity = voice / present
    # girls' voice parity is the lowest by model design (rate 0.35, silence 0.55)
    assert parity.idxmin() == "girls", parity.to_dict()


# --- scale -------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_two_thousand_communities_make_about_a_million_turns():
    # About 5 s on an idle 2-core machine, up to ~10 s when other jobs run (hence marked slow);
    # the 30 s bound is the benchmark budget of the brief.
    start = time.perf_counter()
    tables = simulate_tables(2000, seed=1)
    elapsed = time.perf_counter() - start
    assert 800_000 <= len(tables["turns"]) <= 1_300_000
    assert elapsed < 30, elapsed
