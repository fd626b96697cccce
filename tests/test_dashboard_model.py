"""The dashboard's model without a browser: selections, settings, uploads, exports, suppression."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dashboard import DashboardModel, build_app
from cpanalysis.dashboard.filters import ALL
from cpanalysis.dashboard.overview import missing_badges


@pytest.fixture(scope="module")
def dataset(sample_path):
    return cpanalysis.load(sample_path)


@pytest.fixture(scope="module")
def shared(dataset, tmp_path_factory):
    """One loaded model for tests that only read it."""
    m = DashboardModel(downloads=tmp_path_factory.mktemp("downloads"))
    m.set_data(dataset, label="sample")
    return m


@pytest.fixture()
def model(dataset, shared, tmp_path):
    """A fresh model for tests that change it (reusing the library results already computed)."""
    m = DashboardModel(downloads=tmp_path / "downloads")
    m.set_data(dataset, label="sample", results=shared.results)
    return m


def _zip_folder(folder) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, f"{folder.name}/{path.name}")
    return buffer.getvalue()


def test_the_dashboard_imports_the_library_directly():
    import pathlib

    import cpanalysis.dashboard as dash

    sources = "".join(p.read_text() for p in pathlib.Path(dash.__file__).parent.glob("*.py"))
    assert "importlib" not in sources and "not available yet" not in sources


def test_load_fills_overview_headlines_chart_and_first_community(shared, dataset):
    assert shared.problems is None
    assert len(shared.overview) == len(dataset.communities)
    assert shared.community_id == shared.overview["community_id"].iloc[0]
    assert shared.page is not None and [s.key for s in shared.page.sections] == [
        "decision", "voices", "priorities", "actions", "reading", "cycles", "evidence"]
    assert "communities show clear signs that elites shaped the choice" in shared.headlines[0]
    assert shared.overview_chart.svg.startswith("<svg") and "aria-label=" in shared.overview_chart.svg
    assert shared.methods == cpanalysis.ranking_methods()
    assert shared.busy == []


def test_every_reading_level_has_a_badge():
    assert missing_badges() == []


def test_model_numbers_equal_the_library_with_default_settings(shared, dataset):
    """The dashboard shows what the library computes with cpanalysis.Settings() (issue 10)."""
    from cpanalysis.story import community_story

    assert shared.settings == cpanalysis.Settings()
    dom = cpanalysis.elite_dominance(dataset)  # library, default settings
    levels = dict(zip(dom["community_id"].astype(str), dom["level"]))
    assert dict(zip(shared.overview["community_id"], shared.overview["reading"])) == levels
    labels = dict(zip(dataset.harms["harm_id"], dataset.harms["label"]))
    firsts = {str(c): labels[d.split(" > ")[0]] for c, d in zip(dom["community_id"], dom["decision"])}
    assert dict(zip(shared.overview["community_id"], shared.overview["decision"])) == firsts
    # counterfactual order: the analysis behind the evidence is the library's
    pd.testing.assert_frame_equal(shared.results.dominance()["counterfactual"],
                                  cpanalysis.counterfactual_decisions(dataset))
    part = cpanalysis.participation(dataset, level="community")
    overview = shared.overview.set_index("community_id")
    for cid in ("C01", "C03", "C12"):
        shared.community_id = cid
        story = community_story(dataset, cid)  # the library's story, default settings
        page = {s.key: s for s in shared.page.sections}
        assert [tuple(page[k].sentences[:len(s.sentences)]) for k, s in zip(page, story.sections)] == [
            s.sentences for s in story.sections]
        assert shared.page.level == story.level
        # each group's top harm: the story's (groups of fewer than 5 are hidden in both)
        prio = shared.results and __import__("cpanalysis.dashboard.overview", fromlist=["x"]).group_priorities(
            shared.results, [cid])
        shown = dict(zip(prio["subgroup"], prio["top_harm_label"]))
        assert {g: t for g, t in shown.items() if isinstance(t, str)} == story.top_harms
        # parities of the overview: the library's participation, suppressed the same way
        rows = cpanalysis.suppress_small(part[part["community_id"] == cid], threshold=5)
        lowest = rows.dropna(subset=["parity"]).sort_values("parity", kind="stable").iloc[0]
        assert overview.loc[cid, "lowest_parity_subgroup"] == lowest["subgroup"]
        assert overview.loc[cid, "lowest_parity"] == pytest.approx(lowest["parity"])


def test_selecting_a_community_changes_the_page(shared):
    shared.community_id = "C02"
    before = shared.page
    shared.community_id = "C05"
    assert shared.page.community_id == "C05" and shared.page is not before
    assert shared.page.sections[1].chart.svg != before.sections[1].chart.svg
    assert shared.page.title.startswith("C05")
    decided = set(shared.data.decisions.loc[shared.data.decisions["community_id"] == "C05", "harm_id"])
    labels = dict(zip(shared.data.harms["harm_id"], shared.data.harms["label"]))
    assert all(labels[h] in " ".join(shared.page.sections[0].sentences) for h in decided)


def test_sentences_and_chart_agree(shared):
    """The page's words and its chart come from the same story data (issue 12: same shares, same top harm)."""
    shared.community_id = "C01"
    voices = shared.page.sections[1]
    assert "community meetings" in voices.scope
    svg = voices.chart.svg
    text = " ".join(voices.sentences)
    for group, share in (("girls", "8%"), ("elites", "17%")):
        assert f"{group}: {share} of present" in svg
        assert f"{share} of the people present" in text
    priorities = shared.page.sections[2]
    assert "Girls put Teenage pregnancy first" in " ".join(priorities.sentences)
    assert "girls: Teenage pregnancy ranked 1" in priorities.chart.svg


def test_a_hidden_cycle_is_marked_not_left_as_a_silent_gap(shared):
    """C03's girls: fewer than 5 present in cycle 2 (the story's alt text says so), so the cycles chart
    writes "hidden (small count)" at cycle 2 instead of drawing nothing there (issue 12 leftover)."""
    shared.community_id = "C03"
    cycles = next(s for s in shared.page.sections if s.key == "cycles")
    assert "not shown for cycle 2" in cycles.chart.alt
    svg = cycles.chart.svg
    assert "cycle 2: hidden (share of those present)" in svg  # the hover title
    assert svg.count(">(small count)<") == 1  # one visible mark: only cycle 2 is hidden


def test_filters_reach_every_panel_or_the_panel_says_it_ignores_them(model):
    model.cycle = "1"
    model.session_format = "small_group"
    assert "cycle 1, small groups only" in model.status
    assert "324" in model.status and "of 324 sessions" in model.status
    for section in model.page.sections:
        assert "cycle 1" in section.scope or "do not apply" in section.scope or "does not apply" in section.scope \
            or "filters do not change it" in section.scope, section.key
    assert all(model.data.sessions.set_index("session_id").loc[s, "cycle"] == 1 for s in model.session_ids)
    model.district = model.districts[1]
    assert set(model.overview["district"]) == {model.district}


def test_busy_is_set_while_recomputing(model):
    seen = []
    model.observe(lambda change: seen.append(list(change["new"])), names="busy")
    model.community_id = "C04"
    assert ["community"] in seen and model.busy == []


def test_settings_drive_every_number(model):
    model.change_setting("ranking_method", "kemeny")
    assert model.results.settings.ranking_method == "kemeny"
    assert model.results.dominance()["counterfactual"]["method"].eq("kemeny").all()
    direct = cpanalysis.elite_dominance(model.data, settings=cpanalysis.Settings(ranking_method="kemeny"))
    assert dict(zip(model.overview["community_id"], model.overview["reading"])) == dict(
        zip(direct["community_id"].astype(str), direct["level"]))


def test_the_sessions_where_voice_is_shown_can_be_chosen(model):
    """voice_formats is editable (issue 12 leftover): adding small groups changes the presence shown to
    what the library gives with the same settings; an empty or unknown choice is refused, and says why."""
    from cpanalysis.story import community_story

    model.community_id = "C01"
    before = [s for s in model.page.sections if s.key == "voices"][0]
    assert model.change_setting("voice_formats", ["community_meeting", "small_group"]) == ""
    assert model.settings.voice_formats == ("community_meeting", "small_group")
    after = [s for s in model.page.sections if s.key == "voices"][0]
    assert "small groups" in after.scope and after.sentences != before.sentences
    direct = community_story(model.data, "C01", settings=model.settings)
    assert list(after.sentences[: len(direct.section("voices").sentences)]) == list(
        direct.section("voices").sentences)
    for refused in ([], ["bogus"]):
        message = model.change_setting("voice_formats", refused)
        assert "session formats" in message and "still use" in message
        assert model.settings.voice_formats == ("community_meeting", "small_group")


def test_the_session_tab_draws_the_session_it_tabulates(shared):
    """The Session tab's chart shows the same (safe) shares as its participation table."""
    shared.community_id = "C01"
    table = shared.session_tables["participation"]
    chart = shared.session_chart
    assert chart is not None and chart.name == f"session_{shared.session_id}"
    for _, row in table.iterrows():
        present = row["presence_share"]
        expected = "hidden (small count)" if pd.isna(present) else f"{present:.0%} present"
        assert f"{row['subgroup']} {expected}" in chart.alt
        assert f"{row['subgroup']}: {'hidden (small count)' if pd.isna(present) else f'{present:.0%}'} of present" \
            in chart.svg
    assert chart.name in shared.charts()


def test_out_of_range_settings_are_refused_with_a_message(model):
    before = model.settings
    message = model.change_setting("alpha", 7)
    assert model.settings == before and "Significance level" in message and "0.5" in message
    assert model.setting_messages["alpha"] == message
    assert model.change_setting("alpha", 0.1) == "" and model.settings.alpha == 0.1
    assert "alpha" not in model.setting_messages
    model.reset_settings()
    assert model.settings == cpanalysis.Settings()


def test_hiding_fewer_than_five_needs_an_explicit_logged_choice(model):
    message = model.change_setting("min_count", 2)
    assert model.settings.min_count == 5 and "Tick the box" in message
    model.small_counts_confirmed = True
    assert model.change_setting("min_count", 2) == "" and model.settings.min_count == 2
    assert any("below 5" in entry for entry in model.choices_log)
    paths = model.export("csv")
    side = json.loads(next(p for p in paths if p.name == "overview.csv.json").read_text())
    assert "WARNING" in side["small_counts"] and "explicit choice" in side["small_counts"]
    model.small_counts_confirmed = False
    assert model.settings.min_count == 5


def test_one_persons_ranking_is_never_shown_or_exported(model):
    """Issue 15: a session's ranking showed 'girls, n_rankers 1' with one girl's ranking."""
    rankings = model.data.rankings
    people = rankings[rankings["ranker_type"] == "individual"].groupby(["session_id", "subgroup"])["ranker"]
    one = people.nunique()
    session = next(s for (s, g), n in one.items() if n == 1)  # e.g. C01-S025: one girl ranked
    model.community_id = session.split("-")[0]
    model.session_id = session
    table = model.session_tables["rankings"]
    small = table[table["n_rankers"].isna()]
    assert len(small) and small["rank"].isna().all()
    exported = pd.read_csv(next(p for p in model.export("csv") if p.name.endswith("_rankings.csv")))
    assert not ((exported["n_rankers"] < 5) & exported["rank"].notna()).any()


def test_elite_voice_is_hidden_when_fewer_than_five_elites_were_present(model):
    """Issue 12: C03's words said fewer than 5 elites were present while the signals gave parity 3.00."""
    model.evidence_open = True
    model.community_id = "C03"
    dom = model.results.story()["dominance"]
    # the library computes the parity from fewer than 5 elites (3.00 on main when the issue was filed;
    # the elite-voice measure has since changed): the page must not show it, whatever its value
    raw = dom.loc["C03", "voice_parity"]
    assert dom.loc["C03", "n_elite_present"] < 5 and pd.notna(raw)
    words = " ".join(" ".join(s.sentences) for s in model.page.sections)
    assert f"{raw:.2f}" not in words and "Fewer than 5 elites were present" in words
    evidence = model.page.sections[-1].table.set_index("measure")["value"]
    assert pd.isna(evidence["voice_parity"]) and pd.isna(evidence["elite_voice_share"])


def test_exports_carry_context_no_staff_names_no_paths(model, sample_path):
    model.community_id = "C02"
    paths = model.export("everything")
    assert len(paths) == 1 and paths[0].suffix == ".zip"
    with zipfile.ZipFile(paths[0]) as archive:
        names = archive.namelist()
        assert any(n.endswith(".svg") for n in names) and any(n.endswith(".png") for n in names)
        assert any(n.startswith("reading_C02") for n in names)
        assert all(n + ".json" in names for n in names if not n.endswith(".json"))
        text = "".join(archive.read(n).decode("utf-8", "replace") for n in names if not n.endswith(".png"))
    side = json.loads(archive_json(paths[0], "reading_C02.txt.json"))
    assert side["community"] == "C02" and side["settings"]["ranking_method"] == "borda"
    assert "Counts of fewer than 5" in side["small_counts"]
    facilitators = set(model.data.sessions["facilitator_id"].dropna().astype(str))
    assert not any(f"{f}," in text or f",{f}" in text for f in facilitators)
    assert str(sample_path) not in text and "/home/" not in text


def archive_json(path, name) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode()


def test_exported_png_is_print_resolution(model):
    from PIL import Image

    png = next(p for p in model.export("charts") if p.suffix == ".png")
    with Image.open(png) as image:
        dpi = image.info.get("dpi", (0, 0))[0]
    assert dpi >= 199


@pytest.mark.parametrize("kind, suffix", [("csv", ".csv"), ("xlsx", ".xlsx"), ("reading", ".txt")])
def test_export_writes_files(shared, kind, suffix):
    paths = shared.export(kind)
    data = [p for p in paths if p.suffix != ".json"]
    assert data and all(p.suffix == suffix and p.stat().st_size > 0 for p in data)
    assert all(p.with_name(p.name + ".json").exists() for p in data)


def test_shown_and_exported_tables_are_suppressed(model):
    model.small_counts_confirmed = False
    model.settings = model.settings.replace(min_count=10_000)  # every count below: all hidden
    voices = model.page.sections[1]
    assert "%" not in " ".join(voices.sentences) and "%" not in voices.table.to_string()
    assert voices.chart is None or "% of present" not in voices.chart.svg
    assert model.overview["n_turns_unit"].isna().all()
    exported = pd.read_csv(next(p for p in model.export("csv") if p.name == "overview.csv"))
    assert exported["n_attendees_unit"].isna().all()


def test_bad_upload_gives_a_problems_table(model, broken_path):
    source = model.source
    assert not model.load_upload([("broken.zip", _zip_folder(broken_path))])
    assert {"file", "row", "column", "value", "expected", "problem"} <= set(model.problems.columns)
    assert "communities.csv" in set(model.problems["file"])
    assert "Traceback" not in model.status and model.source == source


def test_upload_of_something_else_is_a_problem_not_an_exception(shared):
    m = DashboardModel()
    assert not m.load_upload([("notes.txt", b"hello")])
    assert "notes.txt" in m.problems["problem"].iloc[0]
    assert not m.load_upload([("broken.zip", b"not a zip at all")])


def test_missing_path_is_a_problem(tmp_path):
    m = DashboardModel(tmp_path / "nowhere")
    assert m.data is None and len(m.problems) == 1 and "Could not load" in m.status


def test_build_app_reads_cpanalysis_data(monkeypatch, tiny_path, tmp_path):
    monkeypatch.setenv("CPANALYSIS_DATA", str(tiny_path))
    view = build_app(downloads=tmp_path)
    assert view.model.source == "tiny" and len(view.model.overview) == 2
    view.open_community(view.model.community_ids[1])
    assert view.tabs.selected_index == 1 and view.model.page.community_id == view.model.community_ids[1]


def test_evidence_charts_are_drawn_when_the_panel_opens(model):
    assert model.page.sections[-1].extra_charts == []
    model.evidence_open = True
    assert {c.name for c in model.page.sections[-1].extra_charts} >= {"alignment", "counterfactual", "lorenz"}


def test_figures_do_not_touch_pyplot(shared):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    shared.community_id = "C07"
    assert plt.get_fignums() == before
