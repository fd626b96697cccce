"""Every dataset the contract allows opens in the dashboard, each panel saying what it cannot show (issue 15).

The datasets are made from data/sample by dropping or replacing tables, then loaded with
cpanalysis.load (so they are valid by the contract)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import cpanalysis
from cpanalysis.dashboard import DashboardModel


def _head_counts(folder, sample):
    counts = sample.attendance.groupby(["session_id", "subgroup"], observed=True).size().reset_index(name="count")
    counts.to_csv(folder / "attendance_counts.csv", index=False)
    for name in ("attendance", "participants", "turns"):
        (folder / f"{name}.csv").unlink()
    rankings = pd.read_csv(folder / "rankings.csv")  # individual rankers name participants: keep group lists
    rankings[~rankings["ranker"].str.contains("-P")].to_csv(folder / "rankings.csv", index=False)
    if (folder / "actions.csv").exists():  # without a roster, an action's proposer is recorded as a subgroup
        actions = pd.read_csv(folder / "actions.csv", dtype=str, keep_default_na=False)
        sub = sample.participants.set_index("participant_id")["subgroup"].astype(str)
        actions["proposed_by"] = actions["proposed_by"].map(sub).fillna(actions["proposed_by"])
        actions.to_csv(folder / "actions.csv", index=False)


def _scores_only(folder, sample):
    rankings = pd.read_csv(folder / "rankings.csv")
    rankings["score"] = (10 - rankings["rank"]).astype(float)  # higher score = more important
    rankings.drop(columns="rank").to_csv(folder / "rankings.csv", index=False)


def _no_turns(folder, sample):
    (folder / "turns.csv").unlink()


def _no_elites(folder, sample):
    people = pd.read_csv(folder / "participants.csv")
    people["elite"] = False
    people["elite_role"] = None
    people.to_csv(folder / "participants.csv", index=False)


ODD = {"head counts only": (_head_counts, ["who spoke was not recorded", "Reading: cannot tell",
                                           "Cannot show: the elites"]),
       "scores only": (_scores_only, []),
       "no turns": (_no_turns, ["who spoke was not recorded"]),
       "no elites": (_no_elites, ["Cannot show: the elites"])}


@pytest.mark.parametrize("kind", list(ODD))
def test_allowed_dataset_opens_and_says_what_it_cannot_show(kind, sample_path, sample, tmp_path):
    make, expected_words = ODD[kind]
    folder = tmp_path / "data"
    shutil.copytree(sample_path, folder)
    make(folder, sample)
    data = cpanalysis.load(folder)  # valid by the contract
    model = DashboardModel(downloads=tmp_path / "downloads")
    model.set_data(data, label=kind)
    assert model.problems is None and len(model.overview) == len(data.communities)
    assert model.page is not None and len(model.page.sections) == 7   # with the actions section
    words = " ".join(" ".join(s.sentences) for s in model.page.sections)
    for phrase in expected_words:
        assert phrase in words, (kind, phrase)
    assert "Traceback" not in words
    for cid in model.community_ids[:3]:
        model.community_id = cid
        model.cycle = "2"
    assert model.export("everything")


def test_scores_only_rankings_rank_by_score(sample_path, sample, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sample_path, folder)
    _scores_only(folder, sample)
    model = DashboardModel(folder, downloads=tmp_path / "downloads")
    model.community_id = "C01"
    priorities = model.page.sections[2]
    assert priorities.chart is not None and "ranked 1" in priorities.chart.svg
