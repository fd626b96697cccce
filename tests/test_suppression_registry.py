"""One suppression mechanism: every count of people in every output is known and hidden below the
threshold, with what is computed from it; rankings of fewer than 5 people never shown; sentences
by the same rule; a lower threshold only by an explicit, logged and recorded choice."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dominance.elite_voice import voice_signals
from cpanalysis.planning import action_proposers, planning_group_inclusion
from cpanalysis.inclusion import (COUNT_COLUMNS, TIED_COLUMNS, UNIT_TOTALS, count_phrase, hidden_text,
                                  safe_table, share_phrase, suppress_small, suppression_report)

# Columns of the outputs that start with n_ but count no people (harms, communities, tests, draws),
# each with why it is not in the registry.
NOT_PEOPLE = {
    "n_harms_proposed": "harms, tied to n_proposals",
    "n_harms_adopted": "harms, tied to n_proposals",
    "n_turns_timed": "turns with a duration, tied to n_turns",
    "n_interruptions_recorded": "turns with the record, tied to n_turns",
    "n_relabellings": "relabellings of a permutation test",
    "n_pooled": "communities pooled in a test",
    "n_signals": "signals that fired",
    "n_boot": "bootstrap draws",
    "n_sessions": "sessions (of a person-level table that safe_table refuses)",
    "n_communities": "communities", "n_gap_assessable": "communities", "n_in_test": "communities",
    "n_tested_alone": "communities", "n_no_signal": "communities", "n_some_signals": "communities",
    "n_strong_signals": "communities", "n_not_assessable": "communities",
    "n_in_weight": "communities", "n_clear_sign": "communities", "n_some_sign": "communities",
    "n_no_sign": "communities", "n_cannot_tell": "communities",
}


@pytest.fixture(scope="module")
def data():
    return cpanalysis.simulate(2, seed=1)


@pytest.fixture(scope="module")
def outputs(data):
    s = cpanalysis.Settings(n_boot=20, n_perm=50)
    sid = data.rankings.loc[data.rankings["ranker_type"] == "individual", "session_id"].iloc[0]
    return {
        "participation": cpanalysis.participation(data, level="session", settings=s),
        "speaking_concentration": cpanalysis.speaking_concentration(data),
        "planning_group_composition": cpanalysis.planning_group_composition(data),
        "subgroup_rankings": cpanalysis.subgroup_rankings(data, session_id=sid),
        "bootstrap_rankings": cpanalysis.bootstrap_rankings(data.rankings[data.rankings["session_id"] == sid],
                                                            settings=s),
        "decision_alignment": cpanalysis.decision_alignment(data),
        "elite_dominance": cpanalysis.elite_dominance(data, settings=s),
        "programme_dominance": cpanalysis.programme_dominance(data, settings=s),
        "population": data.tables["population"],
        "aggregate": cpanalysis.aggregate(data.rankings[data.rankings["session_id"] == sid]),
        "dominance_voice_by_subgroup": voice_signals(data, settings=s)[1],
        "planning_group_inclusion": planning_group_inclusion(data, subgroup="status", settings=s),
        "action_proposers": action_proposers(data, by="status", settings=s),
    }


def test_every_count_column_of_every_output_is_registered(outputs):
    unknown = {name: [c for c in t.columns if (c.startswith("n_") or c == "count")
                      and c not in COUNT_COLUMNS and c not in NOT_PEOPLE]
               for name, t in outputs.items()}
    assert {k: v for k, v in unknown.items() if v} == {}
    # and every column tied to a count exists in some output (no stale names in the registry)
    tied = {c for cols in TIED_COLUMNS.values() for c in cols}
    seen = {c for t in outputs.values() for c in t.columns}
    assert tied - seen == set()
    # and so does every column declared to give a unit's total away
    totals = {c for cols in UNIT_TOTALS.values() for c in cols}
    assert totals - seen == set()


def test_safe_table_takes_every_aggregate_output_and_hides_what_is_small(outputs):
    for name, table in outputs.items():
        safe = safe_table(table)
        assert safe.attrs["safe"] is True and len(safe) == len(table), name
        for column in [c for c in table.columns if c in COUNT_COLUMNS]:
            shown = pd.to_numeric(safe[column], errors="coerce")
            assert not ((shown > 0) & (shown < 5)).any(), (name, column)


def test_count_column_named_count_by_default_and_by_declaration():
    # the contract's population and attendance_counts call their count "count"
    t = pd.DataFrame({"community_id": ["c1", "c1"], "subgroup": ["girls", "boys"], "count": [3, 10]})
    assert suppress_small(t)["count"].isna().tolist() == [True, False]
    for declared in (["count"], "count", np.array(["count"]), pd.Index(["count"]), ("count",)):
        assert suppress_small(t, counts=declared)["count"].isna().tolist() == [True, False]
    # an empty declaration checks nothing (it used to raise "truth value of an empty array")
    assert suppress_small(t, counts=np.array([], dtype=object))["count"].tolist() == [3, 10]
    other = pd.DataFrame({"pupils": [2, 7], "rate": [0.1, 0.2]})
    hidden = suppress_small(other, counts="pupils", tied={"pupils": ["rate"]})
    assert hidden["rate"].isna().tolist() == [True, False]


def test_a_ranking_of_fewer_than_five_people_is_never_shown(outputs):
    table = outputs["subgroup_rankings"]
    small = table["n_rankers"] < 5
    assert small.any() and (~small).any()  # the session has both: the test can fail either way
    safe = safe_table(table)
    hidden = safe["n_rankers"].isna()
    assert hidden.tolist() == small.sort_index().reindex(safe.index).tolist()
    assert safe.loc[hidden, "rank"].isna().all() and safe.loc[hidden, "score"].isna().all()
    assert safe.loc[~hidden, "rank"].notna().all()
    # the rows of a hidden ranking are in the order of the harm, so their order says nothing
    for _, block in safe[hidden].groupby("subgroup", sort=False):
        assert block["harm_id"].tolist() == sorted(block["harm_id"].tolist())
    # the record still points at the right cells after the reordering
    report = suppression_report(safe)
    assert (report["column"] == "rank").sum() == small.sum()
    assert set(report.loc[report["column"] == "rank", "subgroup"]) == set(table.loc[small, "subgroup"])
    assert safe.attrs["safe"] is True


def test_one_girl_ranking_planted_is_hidden():
    # one girl ranked alone in a session; her ranking must not be recoverable from the table
    t = pd.DataFrame({"subgroup": ["girls"] * 3 + ["women"] * 3, "harm_id": ["c", "a", "b"] * 2,
                      "rank": [1, 2, 3, 1, 2, 3], "score": [3.0, 2.0, 1.0] * 2, "n_rankers": [1] * 3 + [6] * 3})
    safe = safe_table(t)
    girls = safe[safe["subgroup"] == "girls"]
    assert girls["rank"].isna().all() and girls["score"].isna().all()
    assert girls["harm_id"].tolist() == ["a", "b", "c"]  # not c, a, b: her order
    assert safe.loc[safe["subgroup"] == "women", "rank"].tolist() == [1, 2, 3]
    # the same with a written marker instead of a missing value
    marked = safe_table(t, marker="<5")
    girls = marked[marked["subgroup"] == "girls"]
    assert girls["rank"].tolist() == ["<5"] * 3 and girls["harm_id"].tolist() == ["a", "b", "c"]


def test_dominance_small_groups(outputs):
    e = outputs["elite_dominance"].copy()
    e.loc[0, "n_elite_present"] = 3
    e.loc[0, "n_elite_rankers"] = 2
    safe = safe_table(e)
    for column in ("voice_parity", "elite_presence_share", "elite_voice_share", "voice_ratio_adjusted",
                   "elite_proposal_share", "alignment_elites", "gap", "gap_ci_low"):
        assert pd.isna(safe.loc[0, column]), column
        assert pd.notna(safe.loc[1, column]) or pd.isna(e.loc[1, column]), column
    alignment = outputs["decision_alignment"].copy()
    alignment.loc[0, "n_members"] = 1
    safe = safe_table(alignment)
    assert safe.loc[0, ["alignment", "distance", "top_harm"]].isna().all()


def test_safe_table_refuses_what_it_cannot_make_safe(data):
    with pytest.raises(ValueError, match="row per person"):
        safe_table(cpanalysis.individual_speaking(data))
    with pytest.raises(ValueError, match="row per person"):
        safe_table(data.tables["rankings"])
    no_count = pd.DataFrame({"subgroup": ["girls"], "harm_id": ["a"], "rank": [1]})
    with pytest.raises(ValueError, match="no column counting the people"):
        safe_table(no_count)


def test_threshold_below_five_needs_an_explicit_logged_choice(caplog):
    t = pd.DataFrame({"subgroup": ["girls", "men"], "n_attendees": [3, 12], "presence_share": [0.2, 0.8]})
    with pytest.raises(ValueError, match="allow_small_counts=True"):
        cpanalysis.Settings(min_count=3)
    with pytest.raises(ValueError, match="allow_small_counts=True"):
        suppress_small(t, threshold=3)
    settings = cpanalysis.Settings(min_count=3, allow_small_counts=True)
    with caplog.at_level(logging.WARNING, logger="cpanalysis.inclusion.suppression"):
        s = safe_table(t, settings=settings, complementary=False)
    assert any("allow_small_counts" in r.getMessage() for r in caplog.records)
    assert s["n_attendees"].tolist() == [3, 12]  # 3 is not below 3
    assert s.attrs["suppression"]["below_safe_minimum"] is True
    assert "chosen explicitly" in s.attrs["suppression"]["statement"]
    caplog.clear()
    default = safe_table(t, complementary=False)
    assert default.attrs["suppression"]["below_safe_minimum"] is False and not caplog.records
    assert "allow_small_counts" in cpanalysis.settings_table()["setting"].tolist()


def test_sentences_follow_the_rule_of_the_tables():
    s10 = cpanalysis.Settings(min_count=10)
    assert count_phrase(3) == "fewer than 5"
    assert count_phrase(7, s10, noun="elites") == "fewer than 10 elites"
    assert count_phrase(1234) == "1,234" and count_phrase(0) == "0"
    assert count_phrase(np.nan) == "an unknown number"
    assert share_phrase(0.333, 4) == "not shown (fewer than 5 people)"
    assert share_phrase(0.333, 40) == "33%" and share_phrase(0.333, 40, digits=1) == "33.3%"
    assert share_phrase(np.nan, 40) == "not known"
    assert hidden_text(s10) == "hidden (fewer than 10)"
