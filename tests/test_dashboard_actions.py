"""The dashboard's Actions view without a browser: its numbers are cpanalysis.planning's, it follows the
filters (and says where it does not), a v1 dataset gets one sentence, exports carry it, nothing leaks."""

from __future__ import annotations

import html
import shutil

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dashboard import DashboardModel
from cpanalysis.dashboard.action_view import NO_PLAN
from cpanalysis.dashboard.filters import ALL
from cpanalysis.dashboard.views import ActionsView, DashboardView
from cpanalysis.inclusion import planning_group_composition
from cpanalysis.planning import action_follow_up, action_ownership, action_status, first_completion
from test_actions_plots import timeline_data

SETTINGS = cpanalysis.Settings(n_boot=200, n_perm=200)


@pytest.fixture(scope="module")
def dataset(sample_path):
    return cpanalysis.load(sample_path)


@pytest.fixture(scope="module")
def shared(dataset, tmp_path_factory):
    m = DashboardModel(downloads=tmp_path_factory.mktemp("downloads"), settings=SETTINGS)
    m.set_data(dataset, label="sample")
    return m


@pytest.fixture()
def model(dataset, shared, tmp_path):
    m = DashboardModel(downloads=tmp_path / "downloads", settings=SETTINGS)
    m.set_data(dataset, label="sample", results=shared.results)
    return m


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


def test_programme_numbers_are_the_planning_functions_values(shared, dataset):
    programme = shared.update_actions().programme
    _same(programme.tables["completion_by_cycle"], action_follow_up(dataset, level="programme", settings=SETTINGS))
    _same(programme.tables["first_completion_programme"],
          first_completion(dataset, level="programme", settings=SETTINGS))
    _same(programme.tables["ownership"], action_ownership(dataset, level="programme", settings=SETTINGS))
    status = action_status(dataset)
    counts = programme.tables["status_by_community"].set_index(["community_id", "status"])["n_actions"]
    assert counts.to_dict() == status.groupby(["community_id", "status"]).size().to_dict()
    words = " ".join(programme.sentences)
    # docs/actions.md, figures on the sample: 82 actions in 12 communities; 57 of 82 community-led;
    # cycle 1 20 of 28 done, cycle 2 20 of 26, cycle 3 14 of 28; every community has a completed action
    assert "82 actions were agreed in 12 communities" in words
    assert "Led by the community: 57 of 82 actions (70%" in words
    assert "cycle 1: 20 of 28 done" in words and "cycle 2: 20 of 26 done" in words and "cycle 3: 14 of 28 done" in words
    assert "12 of 12 communities have completed at least one action" in words


def test_community_part_shows_its_actions_statuses_and_timeline(shared, dataset):
    cid = shared.community_id
    part = shared.update_actions().community
    status = action_status(dataset)
    status = status[status["community_id"] == cid]
    table = part.tables["actions"]
    assert table["action_id"].tolist() == status["action_id"].tolist()
    assert table["status"].tolist() == status["status"].tolist()
    # the timeline's periods are those built independently from action_updates in test_actions_plots
    expected = timeline_data(dataset, cid)
    columns = ["action_id", "status", "start", "end", "latest"]
    _same(part.tables["timeline"][columns].sort_values(["action_id", "start"], kind="stable"),
          expected[columns].sort_values(["action_id", "start"], kind="stable"))
    names = [c.name for c in part.charts]
    assert names == ["actions_community_timeline", "actions_community_leads"]
    for chart in part.charts:
        assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
        assert f'aria-label="{html.escape(chart.alt, quote=True)}"' in chart.svg
        assert "counts of actions, not of people" in chart.alt


def test_who_leads_counts_equal_ownership_and_the_partners_column(shared, dataset):
    cid = shared.community_id
    counts = shared.update_actions().community.tables["leads_partners"]
    ownership = action_ownership(dataset, settings=SETTINGS)
    ownership = ownership[(ownership["community_id"] == cid) & ownership["measure"].str.startswith("lead_")]
    leads = counts[counts["role"] == "lead"].set_index("kind")["n_actions"]
    assert leads.to_dict() == dict(zip(ownership["measure"].str[5:], ownership["n_yes"]))
    # partners counted by hand from the actions table: each action once per kind it names
    actions = dataset.tables["actions"]
    mine = actions[actions["community_id"] == cid]
    by_hand: dict[str, int] = {}
    for listed in mine["partners"].dropna():
        for kind in set(str(listed).split()):
            by_hand[kind] = by_hand.get(kind, 0) + 1
    assert counts[counts["role"] == "partner"].set_index("kind")["n_actions"].to_dict() == by_hand


def test_cycle_filter_keeps_that_cycles_actions_and_says_what_ignores_it(model, dataset):
    model.actions_open = True   # the Actions tab is open: the filters redraw it
    model.cycle = "1"
    page = model.actions_page
    status = action_status(dataset)
    cycle1 = status[status["cycle"] == 1]
    follow = page.programme.tables["completion_by_cycle"]
    assert follow["cycle"].tolist() == [1] and follow["n_actions"].tolist() == [len(cycle1)]   # 28
    assert page.programme.tables["status_by_community"]["n_actions"].sum() == len(cycle1)
    assert "cycle 1" in page.programme.scope
    community = page.community
    if "do not apply" in community.scope:   # the story tells a community's action plan whole, and says so
        assert set(community.tables["actions"]["action_id"]) == set(status.loc[
            status["community_id"] == model.community_id, "action_id"])
    else:
        assert "cycle 1" in community.scope
        assert set(community.tables["actions"]["cycle"].astype(int)) <= {1}
    assert any("the cycle filter does not apply" in s for s in page.programme.sentences)
    # time to the first completion counts every cycle: the same as without the filter
    _same(page.programme.tables["first_completion_programme"],
          first_completion(dataset, level="programme", settings=SETTINGS))
    model.cycle = ALL


def test_district_filter_keeps_that_districts_communities(model, dataset):
    district = sorted(dataset.communities["district"].astype(str).unique())[0]
    inside = set(dataset.communities.loc[dataset.communities["district"].astype(str) == district, "community_id"])
    model.actions_open = True
    model.district = district
    programme = model.actions_page.programme
    assert set(programme.tables["status_by_community"]["community_id"]) == inside
    assert set(programme.tables["first_completion"]["community_id"]) == inside
    assert set(programme.tables["planning_group"]["community_id"]) == inside
    status = action_status(dataset)
    assert programme.tables["completion_by_cycle"]["n_actions"].sum() == status["community_id"].isin(inside).sum()
    assert district in programme.scope
    model.district = ALL


def test_planning_group_shows_shares_only_and_hides_a_community_with_a_small_group(shared, dataset):
    table = shared.update_actions().programme.tables["planning_group"]
    assert "n_members" not in table.columns
    raw = planning_group_composition(dataset, subgroup="elite")   # the member counts before suppression
    smallest = raw.groupby("community_id")["n_members"].min()
    shown = table.dropna(subset=["planning_share"])["community_id"].unique()
    hidden = set(table["community_id"]) - set(shown)
    assert all(smallest[c] >= SETTINGS.min_count for c in shown)
    assert all(smallest[c] < SETTINGS.min_count for c in hidden) and hidden
    # a shown community shows both rows (one shown share would give the other's hidden one)
    assert (table[table["community_id"].isin(shown)].groupby("community_id")["planning_share"].count() == 2).all()


def test_a_v1_dataset_gets_one_plain_sentence_and_no_charts(tiny_path, tmp_path):
    m = DashboardModel(downloads=tmp_path, settings=SETTINGS)
    m.set_data(cpanalysis.load(tiny_path), label="tiny")
    assert not m.update_actions().available and m.actions_page.message == NO_PLAN
    assert m.actions_page.charts() == {} and not [k for k in m.export_tables() if k.startswith("actions_")]
    view = ActionsView(m)
    assert NO_PLAN in view.body.value and "<svg" not in view.body.value


def test_exports_carry_the_actions_tables_and_charts(model):
    tables = model.export_tables()
    cid = model.community_id
    for name in (f"actions_{cid}_actions", f"actions_{cid}_timeline", "actions_programme_completion_by_cycle",
                 "actions_programme_first_completion", "actions_programme_planning_group",
                 "actions_programme_leads_partners", "actions_programme_status_by_community"):
        assert name in tables and len(tables[name]), name
    paths = model.export("csv")
    assert {p.name for p in paths} >= {f"actions_programme_completion_by_cycle.csv", f"actions_{cid}_actions.csv"}
    exported = pd.read_csv(next(p for p in paths if p.name == "actions_programme_completion_by_cycle.csv"))
    assert exported["n_done"].tolist() == tables["actions_programme_completion_by_cycle"]["n_done"].tolist()
    charts = model.charts()
    assert {"actions_community_timeline", "actions_by_status", "actions_programme_leads"} <= set(charts)


def test_descriptions_and_notes_are_shown_only_when_shareable(sample_path, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sample_path, folder)
    actions = pd.read_csv(folder / "actions.csv")
    updates = pd.read_csv(folder / "action_updates.csv")
    first = actions.index[actions["community_id"] == "C01"]
    secret = actions.loc[first, "shareable"].astype(str).str.lower() != "true"
    assert secret.any() and (~secret).any()
    actions.loc[first[secret.to_numpy()], "description"] = "SECRET-DESCRIPTION-Amina"
    actions.loc[first[~secret.to_numpy()], "description"] = "Shareable plan text"
    updates.loc[updates["action_id"].isin(actions.loc[first, "action_id"]), "note"] = "SECRET-NOTE-Amina"
    actions.to_csv(folder / "actions.csv", index=False)
    updates.to_csv(folder / "action_updates.csv", index=False)
    m = DashboardModel(downloads=tmp_path / "downloads", settings=SETTINGS)
    m.set_data(cpanalysis.load(folder), label="secret")
    m.community_id = "C01"
    table = m.update_actions().community.tables["actions"]
    shareable = dict(zip(actions["action_id"], actions["shareable"].astype(str).str.lower() == "true"))
    for row in table.itertuples():
        assert row.description == ("Shareable plan text" if shareable[row.action_id] else "withheld")
    html = ActionsView(m).body.value
    assert "Shareable plan text" in html
    files = m.export("csv") + m.export("reading")
    written = "".join(p.read_text() for p in files) + "".join(c.svg for c in m.actions_page.charts().values())
    for text in (html, written, m.export_tables().__repr__()):
        assert "SECRET" not in text and "Amina" not in text


def test_the_view_shows_words_charts_and_tables(shared):
    shared.update_actions()
    html = ActionsView(shared).body.value
    assert "What the community agreed to do" in html and "What the communities agreed to do" in html
    assert html.count("<svg") == 4 and html.count('role="img"') == 4
    assert "Completion by the cycle the actions were agreed in" in html and "Planning groups" in html
    assert "Traceback" not in html


def test_the_page_is_computed_only_when_the_tab_is_open_or_for_an_export(dataset, shared, tmp_path):
    m = DashboardModel(downloads=tmp_path, settings=SETTINGS)
    m.set_data(dataset, label="sample", results=shared.results)
    assert m.actions_page is None   # the Actions tab was never opened
    view = DashboardView(m)
    view.tabs.selected_index = DashboardView.TITLES.index("Actions")
    assert m.actions_open and "What the community agreed to do" in view.tabs.children[2].body.value
    assert m.actions_page.community_id == m.community_id
    m.community_id = m.community_ids[1]
    assert m.actions_page.community_id == m.community_ids[1]
