"""Every dataset the contract allows gives a story, each section saying what it cannot show."""

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.reports import subset
from cpanalysis.story import community_story, programme_story

FAST = cpanalysis.Settings(n_perm=200, n_boot=50)


@pytest.fixture(scope="module")
def tables():
    data = subset(cpanalysis.load(cpanalysis.sample_path()), ["C01", "C03"])
    return data.contract_tables()


def head_counts_only(t):
    """No participants: attendance becomes head counts by subgroup, turns keep their subgroup only,
    individual rankings are dropped (they name participants)."""
    t = dict(t)
    people = t.pop("participants")
    att = t.pop("attendance").merge(people, on="participant_id")
    sub = cpanalysis.load(cpanalysis.sample_path()).participants.set_index("participant_id")["subgroup"]
    att["subgroup"] = att["participant_id"].map(sub)
    t["attendance_counts"] = att.groupby(["session_id", "subgroup"]).size().rename("count").reset_index()
    t["turns"] = t["turns"].drop(columns=["participant_id"])
    t["rankings"] = t["rankings"][~t["rankings"]["ranker"].isin(people["participant_id"])]
    if "actions" in t:  # without a roster, an action's proposer is recorded as a subgroup
        actions = t["actions"].copy()
        actions["proposed_by"] = actions["proposed_by"].map(sub).fillna(actions["proposed_by"])
        t["actions"] = actions
    return t


def score_only(t):
    t = dict(t)
    r = t["rankings"].copy()
    r["score"] = 10 - r["rank"]           # rank 1 -> score 9: higher score = more important
    t["rankings"] = r.drop(columns=["rank"])
    return t


def no_turns(t):
    t = dict(t)
    t.pop("turns")
    return t


def no_elites(t):
    t = dict(t)
    p = t["participants"].copy()
    p["elite"] = False
    t["participants"] = p
    return t


@pytest.mark.parametrize("make", [head_counts_only, score_only, no_turns, no_elites])
def test_allowed_dataset_gives_a_story_that_says_what_it_cannot_show(tables, make):
    data = cpanalysis.Dataset.from_tables(make(tables))
    prog = programme_story(data, FAST)
    assert len(prog.stories) == 2 and prog.headlines
    for story in prog.stories.values():
        assert [s.key for s in story.sections] == ["decision", "voices", "priorities", "actions", "reading",
                                                   "cycles", "evidence"]
        assert story.section("decision").sentences[0].startswith("The community chose")
        for section in story.sections:
            assert section.sentences
            if section.table is not None:
                assert not section.table.astype(str).isin(["<NA>", "nan", "None"]).any().any()
    c01 = prog.stories["C01"]
    if make is no_turns:
        assert any("who spoke" in m for m in c01.section("voices").missing)
        assert "who spoke was not recorded" in " ".join(c01.section("voices").sentences)
    if make is no_elites or make is head_counts_only:
        assert any("elites" in m for m in c01.section("voices").missing)
    if make is score_only:
        # the same order as ranks gave: scores made from ranks change no group's top harm
        ranked = community_story(cpanalysis.Dataset.from_tables(tables), "C01", FAST)
        assert c01.top_harms == ranked.top_harms and c01.top_harms


def test_unknown_community_is_a_clear_error(tables):
    with pytest.raises(ValueError, match="unknown community_id 'C99'"):
        community_story(cpanalysis.Dataset.from_tables(tables), "C99", FAST)
