"""The story's actions section ("What the community agreed to do") and its rendering in the reports.

A tiny dataset is built here: the simulated programme ``cpanalysis.simulate(2, seed=3)`` (its
sessions, people and rankings) with its actions replaced by seven hand-written actions of C01, so
every count below is worked out by hand from the tables in ``_tiny``.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import cpanalysis
from cpanalysis import planning
from cpanalysis.story import community_story, programme_story, story_analysis
from cpanalysis.story.action_plan import NO_PLAN, action_plan_analysis

FAST = cpanalysis.Settings(n_perm=100, n_boot=20)
#: Descriptions and notes that must never leave the data folder (their actions are not shareable).
PRIVATE = ("Visit the family of Amina Diallo", "Secret plan three", "Mr Kofi refused to come")


def _tiny(proposer_of_a7: str | None = None) -> cpanalysis.Dataset:
    """Seven actions of C01, none of C02.

    Sessions of ``simulate(2, seed=3)``: C01-S009 is C01's cycle-1 planning group on 2024-04-07,
    C01-S018 its cycle-2 planning group on 2024-06-29 (checked in ``test_the_tiny_dataset``).
    C01's decision is 1. out_of_school, 2. early_marriage, 3. not_with_parents.
    C01-P0004 is a woman who is not an elite.
    """
    base = cpanalysis.simulate(2, seed=3)
    tables = dict(base.tables)
    a = pd.DataFrame({
        "action_id": [f"A{k}" for k in range(1, 8)],
        "community_id": "C01",
        "harm_id": ["out_of_school"] * 5 + ["heavy_work"] * 2,
        "cycle": [1, 1, 1, 1, 2, 2, 2],
        "description": ["Talk with the head teacher", PRIVATE[0], PRIVATE[1], "Ask the district office",
                        "Fund school kits", "Girls' club", None],
        "shareable": pd.array([True, False, pd.NA, True, True, True, False], dtype="boolean"),
        "proposed_by": ["planning_group"] * 5 + ["girls", proposer_of_a7 or "C01-P0004"],
        "session_id": ["C01-S009"] * 4 + ["C01-S018"] * 3,
        "lead": ["community_group", "community_group", "planning_group", "ngo_agency", "government", "subgroup",
                 "service_provider"],
        "partners": ["government", "service_provider ngo_agency", None, "government service_provider", None, None,
                     None],
        "due_date": pd.to_datetime(["2024-06-01"] * 4 + ["2024-09-01"] * 3),
        "resources": ["community", "agency", None, "agency", "government", "none", "community"],
    })
    u = pd.DataFrame([
        ("A1", "2024-04-17", "started", None), ("A1", "2024-05-17", "done", None),
        ("A2", "2024-04-17", "started", None), ("A2", "2024-05-07", "stalled", None),
        ("A2", "2024-05-27", "started", None), ("A2", "2024-07-06", "done", None),
        ("A3", "2024-04-27", "started", None),
        ("A4", "2024-04-22", "stalled", PRIVATE[2]),
        ("A5", "2024-07-04", "started", None), ("A5", "2024-07-24", "dropped", None),
        ("A7", "2024-06-29", "planned", None), ("A7", "2024-07-29", "started", None),
    ], columns=["action_id", "date", "status", "note"])
    u["date"] = pd.to_datetime(u["date"])
    tables["actions"], tables["action_updates"] = a, u
    return cpanalysis.Dataset(tables, scheme=base.scheme, source="tiny actions")


@pytest.fixture(scope="module")
def tiny():
    return _tiny()


@pytest.fixture(scope="module")
def story(tiny):
    return community_story(tiny, "C01", FAST)


@pytest.fixture(scope="module")
def section(story):
    return story.section("actions")


def _text(section) -> str:
    return " ".join(section.sentences)


def test_the_tiny_dataset(tiny):
    s = tiny.sessions.set_index("session_id")
    assert str(s.loc["C01-S009", "date"].date()) == "2024-04-07" and s.loc["C01-S009", "cycle"] == 1
    assert str(s.loc["C01-S018", "date"].date()) == "2024-06-29" and s.loc["C01-S018", "cycle"] == 2
    p = tiny.participants.set_index("participant_id").loc["C01-P0004"]
    assert p["subgroup"] == "women" and not bool(p["elite"])
    assert tiny.decisions.loc[tiny.decisions["community_id"] == "C01", "harm_id"].tolist() == [
        "out_of_school", "early_marriage", "not_with_parents"]


def test_section_is_placed_after_the_priorities_and_before_the_reading(story):
    keys = [s.key for s in story.sections]
    assert keys == ["decision", "voices", "priorities", "actions", "reading", "cycles", "evidence"]
    assert story.section("actions").heading == "What the community agreed to do"


def test_what_was_agreed_on_which_harms(section):
    # 4 actions in cycle 1 (A1-A4), 3 in cycle 2 (A5-A7); 5 on out_of_school (chosen 1st), 2 on heavy_work,
    # which the decision does not name
    text = _text(section)
    assert section.sentences[0] == "7 actions were agreed: 4 in cycle 1 and 3 in cycle 2."
    assert "They address Children out of school (5) and Heavy work (2); 2 actions are on a harm" in text


def test_status_counts_and_first_completion_by_hand(section, tiny):
    # latest statuses: A1 done, A2 done, A3 started, A4 stalled, A5 dropped, A6 no update (planned),
    # A7 started -> 2 done, 2 under way, 1 planned, 1 stalled, 1 dropped; stalled at some point: A2, A4;
    # the last update of C01 (and of the dataset) is A7's, 2024-07-29.
    text = _text(section)
    assert ("At the last follow-up (29 July 2024): 2 done, 2 under way, 1 planned (not started), 1 stalled and "
            "1 dropped.") in text
    assert "2 actions stalled at some point and 1 action has no follow-up recorded (counted as planned)." in text
    # first agreed 2024-04-07 (C01-S009); first done A1 on 2024-05-17: 23 days of April + 17 of May = 40 days
    assert "The first action was done 40 days (about 1 months) after the first one was agreed, in cycle 1." in text
    first = planning.first_completion(tiny).set_index("community_id").loc["C01"]
    assert first["days_from_first_agreed"] == 40 and first["cycle_first_done"] == 1
    counts = planning.action_status(tiny).query("community_id == 'C01'")["status"].value_counts().to_dict()
    assert counts == {"done": 2, "started": 2, "planned": 1, "stalled": 1, "dropped": 1}
    assert section.table["status"].value_counts().to_dict() == {"done": 2, "under way": 2, "planned (not started)": 1,
                                                                "stalled": 1, "dropped": 1}


def test_leads_and_partners_by_hand(section, tiny):
    # community-led: A1, A2 (community group), A3 (planning group), A6 (subgroup) = 4; agency: A4 = 1;
    # government leads A5, a service provider A7. Government leads or partners: A1, A4, A5 = 3; a service
    # provider: A2, A4, A7 = 3; either: A1, A2, A4, A5, A7 = 5.
    text = _text(section)
    assert ("The community itself leads 4 of the 7 (a community group: 2; the planning group: 1; a subgroup "
            "(girls, women...): 1); the agency leads 1; the others are led by government: 1; a service provider: 1."
            ) in text
    assert ("Government or a service provider leads or takes part in 5 of them (government in 3, a service "
            "provider in 3).") in text
    own = planning.action_ownership(tiny, settings=FAST).query("community_id == 'C01'").set_index("measure")["n_yes"]
    assert (own["community_led"], own["agency_led"], own["formal_system_involved"]) == (4, 1, 5)
    table = section.table.set_index("action_id")
    assert table.loc["A2", "partners"] == "a service provider; the agency"
    assert table.loc["A3", "partners"] == "none recorded" and table.loc["A4", "lead"] == "the agency"


def test_proposers_by_hand_with_small_classes_hidden(section, tiny):
    # planning_group proposed A1-A5 (5); girls A6 and the woman C01-P0004 A7: 1 each, below 5, hidden.
    # The 7 actions are shown, so girls + women = 7 - 5 = 2, and as each hidden count is at least 1 both
    # would be 1: the planning group's 5 is hidden too (suppress_small's complementary rule).
    text = _text(section)
    assert "Who proposed them is not shown group by group: some groups proposed fewer than 5" in text
    assert "the planning group as a whole 5" not in text and "Each group proposed fewer than" not in text
    lib = planning.action_proposers(tiny, settings=FAST).set_index("proposer")
    assert lib["n_actions"].isna().all()
    proposed = section.table.set_index("action_id")["proposed_by"]
    assert (proposed == "hidden (fewer than 5)").all()
    assert "C01-P0004" not in section.table.to_string() and "C01-P0004" not in text


def test_a_lone_hidden_class_hides_the_smallest_other_one():
    # A7 by the planning group too: planning group 6, girls 1. Shown total 7 minus 6 would give girls' 1,
    # so the planning group's 6 is hidden as well and no proposer count is shown.
    data = _tiny(proposer_of_a7="planning_group")
    section = community_story(data, "C01", FAST).section("actions")
    assert "Who proposed them is not shown group by group" in _text(section)
    assert set(section.table["proposed_by"]) == {"hidden (fewer than 5)"}
    lib = planning.action_proposers(data, settings=FAST).set_index("proposer")  # the one mechanism did it
    assert pd.isna(lib.loc["girls", "n_actions"]) and pd.isna(lib.loc["planning_group", "n_actions"])


def test_sentences_agree_with_table_chart_and_library(section, tiny):
    table, chart = section.table, section.chart_data
    assert len(table) == 7 and set(chart["action_id"]) == set(table["action_id"])
    latest = chart[chart["latest"]].set_index("action_id")["status"]
    words = {"done": "done", "started": "under way", "planned": "planned (not started)", "stalled": "stalled",
             "dropped": "dropped"}
    assert (latest.map(words) == table.set_index("action_id")["status"].reindex(latest.index)).all()
    lib = planning.action_status(tiny).set_index("action_id")["status"]
    assert (latest == lib.reindex(latest.index)).all()
    # the alt text gives the same counts as the sentence
    assert section.alt.endswith("to 29 July 2024: 2 done, 2 under way, 1 planned (not started), 1 stalled and "
                                "1 dropped.")
    match = planning.action_priority_match(tiny, settings=FAST).query("community_id == 'C01'").set_index("group")
    for group in ("girls", "boys"):
        row = match.loc[group]
        if not pd.isna(row["n_addressing"]):
            assert f"{int(row['n_addressing'])} of the {int(row['n_actions'])}" in _text(section)


def test_timeline_periods_by_hand(section):
    # A2: planned from its agreement (2024-04-07) to its first update, then started, stalled, started, done;
    # the last period ends at the dataset's last update, 2024-07-29
    a2 = section.chart_data[section.chart_data["action_id"] == "A2"]
    assert a2["status"].tolist() == ["planned", "started", "stalled", "started", "done"]
    assert [str(d.date()) for d in a2["start"]] == ["2024-04-07", "2024-04-17", "2024-05-07", "2024-05-27",
                                                     "2024-07-06"]
    assert str(a2["end"].iloc[-1].date()) == "2024-07-29" and a2["latest"].tolist() == [False] * 4 + [True]
    # A7's first update is "planned" on the day it was agreed: one planned period, not two
    a7 = section.chart_data[section.chart_data["action_id"] == "A7"]
    assert a7["status"].tolist() == ["planned", "started"] and str(a7["start"].iloc[0].date()) == "2024-06-29"
    # A6 has no update: planned from 2024-06-29 to the as-of date
    a6 = section.chart_data[section.chart_data["action_id"] == "A6"]
    assert a6[["status", "latest"]].values.tolist() == [["planned", True]]
    assert list(section.chart_data.columns) == ["action_id", "label", "cycle", "lead", "status", "start", "end",
                                                "latest"]
    assert section.chart == "action_timeline" and a2["label"].iloc[0] == "A2: Children out of school"


def test_descriptions_are_withheld_unless_shareable(section, story):
    described = section.table.set_index("action_id")["description"]
    assert described["A1"] == "Talk with the head teacher"            # shareable
    assert described["A2"] == described["A3"] == "withheld"            # not shareable; shareable missing
    assert described["A7"] == "not recorded"
    everything = story.text() + section.table.to_string() + section.chart_data.to_string() + section.alt
    assert not any(secret in everything for secret in PRIVATE)


def test_a_community_without_actions_and_a_v1_dataset_say_no_plan_was_recorded(tiny, sample):
    c02 = community_story(tiny, "C02", FAST).section("actions")
    assert c02.sentences == (NO_PLAN,) and c02.table is None and c02.chart_data is None
    assert "no action was recorded for this community" in c02.missing[0]
    v1 = cpanalysis.Dataset({k: v for k, v in sample.tables.items() if k not in ("actions", "action_updates")},
                            scheme=sample.scheme)
    section = community_story(v1, "C03", FAST).section("actions")
    assert section.sentences == (NO_PLAN,) and "data contract v1" in section.missing[0]
    tiny_v1 = cpanalysis.load("tests/data/tiny")
    cid = str(tiny_v1.communities["community_id"].iloc[0])
    assert community_story(tiny_v1, cid, FAST).section("actions").sentences == (NO_PLAN,)
    assert not action_plan_analysis(tiny_v1, FAST)["present"]


def test_actions_without_any_follow_up_say_where_they_stand_is_not_known(tiny):
    tables = dict(tiny.tables)
    tables["action_updates"] = tables["action_updates"].iloc[:0]
    section = community_story(cpanalysis.Dataset(tables, scheme=tiny.scheme), "C01", FAST).section("actions")
    assert "No follow-up of these actions was recorded yet, so where they stand is not known." in _text(section)
    assert any("no follow-up recorded yet" in m for m in section.missing)
    assert set(section.table["status"]) == {"planned (not started)"}
    # every action is drawn as planned from the day it was agreed (C01-S009, C01-S018)
    assert set(section.chart_data["status"]) == {"planned"} and section.chart_data["latest"].all()
    assert section.alt.endswith("from the day each was agreed (no follow-up recorded yet).")


@pytest.fixture(scope="module")
def sample():
    return cpanalysis.load(cpanalysis.sample_path())


@pytest.fixture(scope="module")
def sample_analysis(sample):
    return story_analysis(sample, FAST)


def test_the_samples_c03_story_has_the_section(sample, sample_analysis):
    section = community_story(sample, "C03", analysis=sample_analysis).section("actions")
    # data/sample/actions.csv: C03 has C03-A001 (cycle 1), A002 (cycle 2), A003-A005 (cycle 3)
    assert section.sentences[0] == "5 actions were agreed: 1 in cycle 1, 1 in cycle 2 and 3 in cycle 3."
    assert section.table["action_id"].tolist() == [f"C03-A00{k}" for k in range(1, 6)]
    # action_updates.csv: A002, A004, A005 end done, A003 stalled, A001 dropped
    assert "3 done, 1 stalled and 1 dropped" in _text(section)
    shareable = planning.shareable_texts(sample).query("field == 'description'").set_index("action_id")
    for aid, described in section.table.set_index("action_id")["description"].items():
        assert described == (shareable.loc[aid, "text"] if shareable.loc[aid, "shareable"] else "withheld")


def test_codes_only_keeps_names_out_of_the_section(sample):
    story = community_story(sample, "C03", FAST, codes_only=True)
    section = story.section("actions")
    shown = " ".join(section.sentences) + section.table.to_string() + section.chart_data.to_string() + section.alt
    for name in sample.communities["name"]:
        assert name not in shown and name not in story.title


def test_programme_headline_counts_done_and_agency_led(sample, sample_analysis):
    prog = programme_story(sample, analysis=sample_analysis)
    status = planning.action_status(sample)
    own = planning.action_ownership(sample, level="programme", settings=FAST).set_index("measure")["n_yes"]
    expected = (f"{int((status['status'] == 'done').sum())} of the {len(status)} actions agreed are done at the last "
                f"follow-up; {own['agency_led']} are led by the agency rather than the community.")
    assert expected in prog.headlines
    # docs/actions.md: 20 + 20 + 14 done of 82; 9 agency-led
    assert expected.startswith("54 of the 82") and "; 9 are led" in expected


def test_no_p_value_and_no_participant_id_in_the_sample_sections(sample, sample_analysis):
    people = set(sample.participants["participant_id"])
    for cid in sample_analysis["ids"]:
        section = community_story(sample, cid, analysis=sample_analysis).section("actions")
        text = _text(section) + section.table.to_string()
        assert not re.search(r"\bp\s*[=<]|p-value", text)
        assert not people & set(re.findall(r"C\d\d-P\d{4}", text))
        assert not section.table.astype(str).isin(["<NA>", "nan", "None", "NaT"]).any().any()


# ----------------------------------------------------------------------------- reports

def test_report_html_shows_the_section_timeline_and_table_without_private_text(tiny, tmp_path):
    from cpanalysis.reports import community_html

    page = community_html(tiny, "C01", FAST)
    block = re.search(r'<div data-section="actions">(.*?)</div>', page, flags=re.S).group(1)
    assert re.match(r"<h2>What the community agreed to do</h2>", block)       # a story's sections are h2 here
    assert "<p>7 actions were agreed: 4 in cycle 1 and 3 in cycle 2.</p>" in block
    svg = re.search(r"<svg[^>]*>", block).group(0)
    assert 'role="img"' in svg and 'aria-label="Timeline of the 7 actions' in svg
    assert "<th scope=\"col\">Proposed by</th>" in block and "Talk with the head teacher" in block
    assert not any(secret in page for secret in PRIVATE)
    assert not re.search(r"https?://", page) and "<script" not in page


def test_report_pdf_has_the_action_plan_on_a_third_page_and_v1_stays_two_pages(tiny, sample, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from cpanalysis.reports import write_report

    out = write_report(tiny, tmp_path / "c01.pdf", fmt="pdf", communities=["C01"], settings=FAST)
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 3
    first, third = reader.pages[0].extract_text(), reader.pages[2].extract_text()
    assert "What the community agreed to do" in first and "7 actions were agreed" in first
    assert "what the community agreed to do" in third and "A2 (cycle 1): Children out of school" in third
    assert not any(secret in page.extract_text() for page in reader.pages for secret in PRIVATE)
    v1 = cpanalysis.Dataset({k: v for k, v in tiny.tables.items() if k not in ("actions", "action_updates")},
                            scheme=tiny.scheme)
    out = write_report(v1, tmp_path / "v1.pdf", fmt="pdf", communities=["C01"], settings=FAST)
    assert len(pypdf.PdfReader(str(out)).pages) == 2
