"""cpanalysis.planning.plots draws exactly the action tables it is given (sample data, hand-made tables)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import cpanalysis  # noqa: E402
from cpanalysis.planning import action_ownership, action_status  # noqa: E402
from cpanalysis.planning.plots import (STATUS_COLOURS, plot_action_leads, plot_action_timeline,  # noqa: E402
                                       plot_actions_by_status)
from cpanalysis.plotting import alt_text, figure_to_svg  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    return cpanalysis.load(cpanalysis.sample_path())


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def timeline_data(data, community: str) -> pd.DataFrame:
    """The contract's chart_data, built here from action_updates (independently of the story's code):
    one row per status period; the first starts at the agreement (session date) as planned unless the
    first update is on that day; the last ends at the community's latest update (its last follow-up
    visit, the date the story reads the statuses at)."""
    actions = data.tables["actions"]
    actions = actions[actions["community_id"] == community]
    updates = data.tables["action_updates"].sort_values(["action_id", "date"], kind="stable")
    labels = data.harms.set_index("harm_id")["label"]
    session_date = data.tables["sessions"].set_index("session_id")["date"]
    as_of = updates.loc[updates["action_id"].isin(actions["action_id"]), "date"].max()
    rows = []
    for action in actions.itertuples(index=False):
        agreed = session_date[action.session_id]
        own = updates[updates["action_id"] == action.action_id]
        periods = [] if len(own) and own["date"].iloc[0] <= agreed else [("planned", agreed)]
        periods += list(zip(own["status"], own["date"]))
        for k, (status, start) in enumerate(periods):
            end = periods[k + 1][1] if k + 1 < len(periods) else as_of
            rows.append({"action_id": action.action_id, "label": f"{action.action_id}: {labels[action.harm_id]}",
                         "cycle": action.cycle, "lead": action.lead, "status": status, "start": start, "end": end,
                         "latest": k == len(periods) - 1})
    return pd.DataFrame(rows)


def test_timeline_draws_one_row_per_action_and_one_segment_per_period_in_its_status_colour(sample):
    data = timeline_data(sample, "C01")
    ax = plot_action_timeline(data, title="C01")
    ids = data.drop_duplicates("action_id")["action_id"]
    assert [t.get_text().split(":")[0] for t in ax.get_yticklabels()] == sorted(
        ids, key=lambda a: (int(data.loc[data["action_id"] == a, "cycle"].iloc[0]), a))
    bars = ax.patches
    assert len(bars) == len(data)
    # a period is drawn from its start to its end, at least 1 day or 1.5% of the whole span wide (so a
    # status recorded on the last visit shows); the span runs from the first start to the latest end
    span = mdates.date2num(data["end"].max()) - mdates.date2num(data["start"].min())
    for bar, row in zip(bars, data.itertuples()):
        assert mcolors.to_hex(bar.get_facecolor()) == STATUS_COLOURS[row.status].lower()
        start = mdates.date2num(row.start)
        assert bar.get_x() == pytest.approx(start)
        assert bar.get_x() + bar.get_width() == pytest.approx(max(mdates.date2num(row.end), start + 1,
                                                                  start + 0.015 * span))


def test_timeline_alt_text_counts_latest_statuses_as_action_status_does(sample):
    data = timeline_data(sample, "C02")
    status = action_status(sample)
    counts = status.loc[status["community_id"] == "C02", "status"].value_counts()
    text = alt_text(plot_action_timeline(data))
    n = int(counts.sum())
    assert text.startswith(f"Timeline of {n} actions by status")
    for name, k in counts.items():
        assert f"{k} {name}" in text
    svg = figure_to_svg(plt.gcf())
    assert "Timeline of" in svg and "<title>" in svg   # alt text and hover values in the SVG


def test_timeline_writes_each_actions_latest_status_at_the_as_of_line(sample):
    data = timeline_data(sample, "C03")
    ax = plot_action_timeline(data)
    status = action_status(sample).set_index("action_id")["status"]
    written = [t.get_text() for t in ax.texts if t.get_text() in STATUS_COLOURS]
    order = [t.get_text().split(":")[0] for t in ax.get_yticklabels()]
    assert written == [status[a] for a in order]


def test_timeline_rejects_an_unknown_status_and_missing_dates():
    data = pd.DataFrame({"action_id": ["A1"], "label": ["A1"], "cycle": [1], "status": ["finished"],
                         "start": pd.to_datetime(["2024-01-01"]), "end": pd.to_datetime(["2024-02-01"]),
                         "latest": [True]})
    with pytest.raises(ValueError, match="unknown status 'finished'"):
        plot_action_timeline(data)
    with pytest.raises(ValueError, match="no start or end date"):
        plot_action_timeline(data.assign(status="done", end=pd.NaT))


def test_actions_by_status_bars_add_up_to_each_communitys_actions(sample):
    status = action_status(sample)
    ax = plot_actions_by_status(status)
    per_row: dict[float, float] = {}
    for bar in ax.patches:
        y = round(bar.get_y() + bar.get_height() / 2, 6)
        per_row[y] = per_row.get(y, 0.0) + bar.get_width()
    expected = status.groupby("community_id", sort=False).size()
    assert [per_row[float(i)] for i in range(len(expected))] == expected.astype(float).tolist()
    assert sum(per_row.values()) == 82   # docs/actions.md: 82 actions in the sample
    assert "82 actions in all" in alt_text(ax)


def test_actions_by_status_marks_a_missing_count_hidden_instead_of_zero():
    counts = pd.DataFrame({"community_id": ["North", "North", "South"], "status": ["done", "dropped", "done"],
                           "n_actions": [3, 1, None]})
    ax = plot_actions_by_status(counts)
    texts = [t.get_text() for t in ax.texts]
    assert "hidden (fewer than 5)" in texts and "4" in texts


def test_action_leads_from_ownership_draws_the_lead_counts(sample):
    table = action_ownership(sample, level="programme", settings=cpanalysis.Settings(n_boot=0))
    ax = plot_action_leads(table)
    leads = table[table["measure"].str.startswith("lead_") & (table["n_yes"] > 0)]
    assert [b.get_width() for b in ax.patches] == leads["n_yes"].astype(float).tolist()
    assert "partners not in this table" in alt_text(ax)


def test_action_leads_pairs_leads_and_partners_from_a_counts_table():
    counts = pd.DataFrame({"role": ["lead", "lead", "partner", "partner"],
                           "kind": ["community_group", "ngo_agency", "government", "community_group"],
                           "n_actions": [5, 2, 4, 1]})
    ax = plot_action_leads(counts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["community group", "government", "agency (NGO)"]
    widths = [b.get_width() for b in ax.patches]
    # leads drawn first (community group 5, government 0, agency 2), then partners (1, 4, 0)
    assert widths == [5, 0, 2, 1, 4, 0]
    assert alt_text(ax) == ("Bar chart of who leads the actions: community group 5 and agency (NGO) 2; "
                            "who partners in the actions: community group 1 and government 4.")


def test_action_leads_refuses_several_units_and_unknown_kinds(sample):
    table = action_ownership(sample, settings=cpanalysis.Settings(n_boot=0))
    with pytest.raises(ValueError, match="several units"):
        plot_action_leads(table)
    with pytest.raises(ValueError, match="unknown kind 'chief'"):
        plot_action_leads(pd.DataFrame({"role": ["lead"], "kind": ["chief"], "n_actions": [1]}))
