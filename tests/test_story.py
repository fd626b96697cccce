"""The community story: its sentences and its chart data agree, and agree with the library, on the sample.

Definitions under test (stated in every story's scope): groups are the elites and the subgroups
without their elite members; presence and voice count community meetings (settings.voice_formats);
each group's priorities combine every list its members made with cpanalysis.subgroup_rankings.
"""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import cpanalysis
from cpanalysis.story import GLOSSARY, LEVELS, community_story, level_label, programme_story, story_analysis

SETTINGS = cpanalysis.Settings()


@pytest.fixture(scope="module")
def sample():
    return cpanalysis.load(cpanalysis.sample_path())


@pytest.fixture(scope="module")
def analysis(sample):
    return story_analysis(sample, SETTINGS)


@pytest.fixture(scope="module")
def stories(sample, analysis):
    return {c: community_story(sample, c, analysis=analysis) for c in analysis["ids"]}


def _library_heatmap(data, settings):
    """The heatmap as the library computes it from the documented definition, written out here:
    an elite who ranked alone (or a list by a ranker named "elites") counts with the elites; every
    other list with its subgroup; a list's order is its rank (the score, higher first, when no rank)."""
    r = data.rankings.copy()
    individual = r["ranker_type"] == "individual"
    elite = r["elite"].astype("boolean").fillna(False)
    r["group"] = np.where((individual & elite) | (~individual & (r["ranker"].str.lower() == "elites")),
                          "elites", r["subgroup"].astype(object))
    rank = pd.to_numeric(r["rank"], errors="coerce")
    r["order"] = rank.where(rank.notna(), -pd.to_numeric(r["score"], errors="coerce"))
    return cpanalysis.subgroup_rankings(SimpleNamespace(rankings=r, harms=data.harms), settings=settings,
                                        by="community_id", subgroup="group", rank="order")


def test_c01_girls_top_harm_is_the_heatmaps_and_the_sentences(sample, stories):
    heat = _library_heatmap(sample, SETTINGS)
    girls = heat[(heat["community_id"] == "C01") & (heat["subgroup"] == "girls") & (heat["rank"] == 1)]
    expected = " / ".join(girls["label"])
    story = stories["C01"]
    chart = story.section("priorities").chart_data
    chart_top = chart[(chart["group"] == "girls") & (chart["rank"] == 1)]["harm"].tolist()
    assert story.top_harms["girls"] == expected == " / ".join(chart_top)
    assert f"Girls put {expected} first" in " ".join(story.section("priorities").sentences)
    # the old contradiction: no sentence may call another harm the girls' top choice
    assert not any("top priority of girls" in s and expected not in s for s in story.section("priorities").sentences)


def test_every_groups_top_harm_agrees_with_the_library_heatmap_in_every_community(sample, stories):
    heat = _library_heatmap(sample, SETTINGS)
    checked = 0
    for cid, story in stories.items():
        for group, top in story.top_harms.items():
            lib = heat[(heat["community_id"] == cid) & (heat["subgroup"] == group) & (heat["rank"] == 1)]
            assert top == " / ".join(lib["label"]), (cid, group)
            text = " ".join(story.section("priorities").sentences)
            assert f"put {top} first" in text, (cid, group)
            checked += 1
    assert checked >= 12 * 5


def test_c01_girls_presence_share_is_the_charts_the_sentences_and_participations(sample, stories):
    # hand count from the sample's tables: attendances of non-elite girls at community meetings
    # over all attendances at community meetings of C01
    meetings = sample.sessions[(sample.sessions["community_id"] == "C01")
                               & (sample.sessions["format"] == "community_meeting")]["session_id"]
    att = sample.attendance[sample.attendance["session_id"].isin(meetings)]
    people = sample.participants.set_index("participant_id")
    att_people = people.loc[att["participant_id"]]
    girls = int(((att_people["subgroup"] == "girls") & ~att_people["elite"].astype(bool)).sum())
    expected = girls / len(att)
    story = stories["C01"]
    chart = story.section("voices").chart_data.set_index("group")
    assert float(chart.loc["girls", "presence_share"]) == pytest.approx(expected)
    sentence = [s for s in story.section("voices").sentences if s.startswith("Girls were")][0]
    assert f"Girls were {round(100 * expected):.0f}% of the people present at community meetings" in sentence
    # and the library's participation with the same definition gives the same share
    from cpanalysis.story import story_tables
    lib = cpanalysis.participation(story_tables(sample), subgroup="group", formats=["community_meeting"], n_boot=0)
    lib = lib[lib["community_id"] == "C01"].set_index("subgroup")
    assert float(lib.loc["girls", "presence_share"]) == pytest.approx(expected)
    assert float(chart.loc["girls", "voice_share"]) == pytest.approx(float(lib.loc["girls", "voice_share_turns"]))


def test_reading_uses_the_same_elite_shares_as_the_chart_and_elite_dominance(sample, stories):
    dom = cpanalysis.elite_dominance(sample, settings=SETTINGS).set_index("community_id")
    story = stories["C01"]
    chart = story.section("voices").chart_data.set_index("group")
    share = float(chart.loc["elites", "presence_share"])
    assert share == pytest.approx(float(dom.loc["C01", "elite_presence_share"]))
    assert float(chart.loc["elites", "voice_share"]) == pytest.approx(float(dom.loc["C01", "elite_voice_share"]))
    reading = " ".join(story.section("reading").sentences)
    assert f"The elites were {100 * share:.0f}% of the people present at community meetings" in reading
    assert story.level == level_label(dom.loc["C01", "level"])


def test_scope_states_which_sessions_and_people_are_counted(stories):
    scope = stories["C01"].scope
    assert "All 27 sessions of cycles 1-3" in scope
    assert "counts the community meetings" in scope
    assert "Elites are counted as one group" in scope


def test_small_groups_are_hidden_everywhere(stories):
    # C03 had fewer than 5 elites at community meetings (the example)
    story = stories["C03"]
    voices = story.section("voices")
    elites = voices.chart_data.set_index("group").loc["elites"]
    assert elites["hidden"] and pd.isna(elites["presence_share"]) and pd.isna(elites["n_people"])
    assert "Fewer than 5 elites were present" in " ".join(voices.sentences)
    evidence = story.section("evidence").table.set_index("Measure")["Value"]
    assert evidence["Elite voice parity"] == "hidden (fewer than 5)"
    for s in stories.values():
        for section in s.sections:
            data = section.chart_data
            if data is not None and "n_people" in data:
                n = pd.to_numeric(data["n_people"], errors="coerce")
                assert not ((n > 0) & (n < SETTINGS.min_count)).any(), (s.community_id, section.key)
            if section.table is not None:
                assert not section.table.astype(str).isin(["<NA>", "nan", "None"]).any().any()


def test_no_p_values_before_the_evidence(stories):
    for s in stories.values():
        for section in s.sections[:-1]:
            assert not re.search(r"\bp\s*[=<]", " ".join(section.sentences)), section.key
        assert s.sections[-1].key == "evidence"


def test_levels_are_the_new_ones_and_old_ones_map():
    assert LEVELS == ("clear sign", "some sign", "no sign", "cannot tell")
    assert [level_label(x) for x in ("strong signals", "some signals", "no signal", "not assessable")] == list(LEVELS)
    assert all(f"reading: {level}" in GLOSSARY for level in LEVELS)
    assert {"parity", "Gini", "elites"} <= set(GLOSSARY)


def test_new_dominance_columns_drop_in(sample, analysis):
    patched = dict(analysis)
    dom = analysis["dominance"].copy()
    dom["level"] = "clear sign"
    dom["q_value"] = 0.012
    dom["elite_weight"], dom["elite_weight_ci_low"], dom["elite_weight_ci_high"] = 2.5, 1.5, 3.75
    dom["detectability"] = 0.3
    patched["dominance"] = dom
    story = community_story(sample, "C01", analysis=patched)
    assert story.level == "clear sign"
    reading = " ".join(story.section("reading").sentences)
    assert "about 2.5 times their share" in reading and "between 1.5 and 3.8" in reading
    assert "about 3 times in 10" in reading
    evidence = story.section("evidence").table.set_index("Measure")["Value"]
    assert evidence["q-value (corrected for many communities)"] == "0.012"


def test_filters_are_stated_and_applied(sample):
    story = community_story(sample, "C01", SETTINGS.replace(n_perm=200, n_boot=50), cycle=1)
    assert story.filters == {"cycle": 1}
    assert "cycle = 1" in story.scope and "cycle 1 " in story.scope
    assert story.section("decision").ignores_filters and story.section("reading").ignores_filters
    cyc1 = sample.sessions[(sample.sessions["cycle"] == 1) & (sample.sessions["community_id"] == "C01")
                           & (sample.sessions["format"] == "community_meeting")]["session_id"]
    att = sample.attendance[sample.attendance["session_id"].isin(cyc1)]
    people = sample.participants.set_index("participant_id").loc[att["participant_id"]]
    expected = float(((people["subgroup"] == "women") & ~people["elite"].astype(bool)).mean())
    chart = story.section("voices").chart_data.set_index("group")
    assert float(chart.loc["women", "presence_share"]) == pytest.approx(expected)


def test_codes_only_hides_village_names(sample):
    prog = programme_story(sample, SETTINGS.replace(n_perm=200, n_boot=50), codes_only=True)
    names = set(sample.communities["name"])
    assert not any(name in s.title or name in s.text() for s in prog.stories.values() for name in names)
    assert not prog.overview.astype(str).isin(names).any().any()


def test_programme_headlines_count_the_levels(sample, analysis):
    prog = programme_story(sample, analysis=analysis)
    counts = prog.communities["level"].value_counts()
    assert prog.headlines[0].startswith(f"{counts.get('clear sign', 0)} of 12 communities show clear signs")
    girls = prog.overview[prog.overview["subgroup"] == "girls"]
    for row in girls.itertuples():
        assert row.top_harm == prog.stories[row.community_id].top_harms.get("girls")
