"""Plots of the action tables (contract v2). Each takes an already computed table, accepts ``ax=None``
and returns the Axes; nothing here computes a measure or changes matplotlib's global style.

They draw through :mod:`cpanalysis.plotting` (one style, one way to label bars and to mark hidden
values) and record a one-line description that :func:`cpanalysis.plotting.alt_text` returns. Every
status has one colour, declared once in :data:`STATUS_COLOURS` and used by every chart of actions
(library, dashboard, report); stalled and dropped also carry hatching, so no reading relies on
colour alone. Counts of actions are not counts of people: they are never hidden, but a count a
table gives as missing is marked "hidden" rather than drawn as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import ACTION_LEADS, ACTION_STATUSES
from ..inclusion._common import _check
from ..plotting import (describe, finite, hover, join_words, label_bars, legend_outside, mark_hidden, new_axes,
                        style)
from ..settings import Settings

__all__ = ["STATUS_COLOURS", "STATUS_HATCHES", "STATUS_ORDER", "plot_action_timeline", "plot_actions_by_status",
           "plot_action_leads"]

#: The order statuses are stacked and listed in: from not begun to finished.
STATUS_ORDER = ("planned", "started", "stalled", "done", "dropped")
assert set(STATUS_ORDER) == set(ACTION_STATUSES)

#: One colour per status, the same in every chart of actions (colour-blind safe: Okabe & Ito's blue,
#: orange and bluish green, a neutral grey, and Paul Tol's wine for dropped).
STATUS_COLOURS: dict[str, str] = {"planned": "#BBBBBB", "started": "#0072B2", "stalled": "#E69F00",
                                  "done": "#009E73", "dropped": "#882255"}
#: Hatching that tells stalled and dropped apart without colour.
STATUS_HATCHES: dict[str, str | None] = {"planned": None, "started": None, "stalled": "..", "done": None,
                                         "dropped": "xx"}

#: Words for the kinds of lead and partner (``ACTION_LEADS``) on axes.
_KIND_WORDS = {"community_group": "community group", "planning_group": "planning group", "subgroup": "a subgroup",
               "government": "government", "service_provider": "service provider", "ngo_agency": "agency (NGO)",
               "other": "other"}


def _status_patch(status: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=STATUS_COLOURS[status], hatch=STATUS_HATCHES[status], edgecolor="black",
                 linewidth=0.5, label=status)


def _check_statuses(func: str, values) -> None:
    unknown = sorted({str(v) for v in pd.Series(values).dropna().unique()} - set(STATUS_ORDER))
    if unknown:
        raise ValueError(f"{func}(): unknown status {', '.join(map(repr, unknown))}; expected one of "
                         f"{', '.join(STATUS_ORDER)}")


def _short(label: str, width: int = 34) -> str:
    """A row label cut to ``width`` characters (the whole label is in the hover text), so long harm
    names do not squeeze the timeline."""
    return label if len(label) <= width else label[:width - 1].rstrip() + "…"


def _status_counts(counts: dict[str, int]) -> str:
    return join_words([f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]) or "none"


def plot_action_timeline(chart_data: pd.DataFrame, *, ax=None, title: str | None = None):
    """A timeline of actions: one row per action, one segment per status period, coloured by status.

    Parameters
    ----------
    chart_data : DataFrame
        One row per action and status period (the community story's ``actions`` section
        ``chart_data``): ``action_id``, ``label`` (the row's name, e.g. ``"C01-A001: neglect"``),
        ``cycle``, ``status``, ``start``, ``end`` (dates), ``latest`` (True for the action's
        current period); ``lead`` is optional (shown when the pointer rests on a segment).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Actions on the y axis grouped by cycle (earliest first, top down), dates on the x axis,
        a legend of the statuses drawn, the latest status written at the right of each row and a
        dashed line at the "as of" date (the latest end).

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.planning.plots import plot_action_timeline
    >>> data = pd.DataFrame({
    ...     "action_id": ["A1", "A1", "A2"], "label": ["A1: neglect", "A1: neglect", "A2: child labour"],
    ...     "cycle": [1, 1, 2], "status": ["started", "done", "planned"],
    ...     "start": pd.to_datetime(["2024-01-10", "2024-03-01", "2024-04-01"]),
    ...     "end": pd.to_datetime(["2024-03-01", "2024-06-30", "2024-06-30"]), "latest": [False, True, True]})
    >>> ax = plot_action_timeline(data)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A1: neglect', 'A2: child labour']
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['planned', 'started', 'done']
    """
    import matplotlib.dates as mdates

    func = "plot_action_timeline"
    _check(func, chart_data, ["action_id", "label", "cycle", "status", "start", "end", "latest"], table="chart_data")
    _check_statuses(func, chart_data["status"])
    data = chart_data.assign(start=pd.to_datetime(chart_data["start"]), end=pd.to_datetime(chart_data["end"]))
    if data[["start", "end"]].isna().any(axis=None):
        rows = data.index[data[["start", "end"]].isna().any(axis=1)].tolist()
        raise ValueError(f"{func}(): chart_data rows {rows} have no start or end date")
    first = data.groupby("action_id", sort=False).agg(cycle=("cycle", "first"), start=("start", "min"),
                                                      label=("label", "first"))
    first = first.assign(_cycle=pd.to_numeric(first["cycle"], errors="coerce")).sort_values(
        ["_cycle", "start"], kind="stable", na_position="last")
    order = {a: i for i, a in enumerate(first.index)}
    latest = data[data["latest"].astype(bool)].drop_duplicates("action_id", keep="last").set_index("action_id")
    counts = latest["status"].astype(str).value_counts().to_dict()
    n = len(order)
    as_of = data["end"].max() if n else pd.NaT
    with style():
        ax = new_axes(ax, (7.8, 1.5 + 0.32 * max(n, 1)))
        shown = set()
        span = mdates.date2num(as_of) - mdates.date2num(data["start"].min()) if n else 0.0
        for row in data.itertuples(index=False):
            status, y = str(row.status), order[row.action_id]
            left = mdates.date2num(row.start)
            # a same-day period (a status recorded on the last visit) still shows, at 1.5% of the span
            width = max(mdates.date2num(row.end) - left, 1.0, 0.015 * span)
            bar = ax.barh(y, width, left=left, height=0.62, color=STATUS_COLOURS[status],
                          hatch=STATUS_HATCHES[status], edgecolor="black", linewidth=0.4)[0]
            lead = f", led by {row.lead}" if "lead" in data.columns and pd.notna(getattr(row, "lead", None)) else ""
            hover(bar, f"{row.label}: {status} from {row.start:%d %b %Y} to {row.end:%d %b %Y}{lead}")
            shown.add(status)
        ax.set_yticks(range(n))
        ax.set_yticklabels([_short(label) for label in first["label"].astype(str)])
        ax.set_ylim(n - 0.4, -0.7)
        cycles = first["cycle"].tolist()
        for i in range(1, n):
            if cycles[i] != cycles[i - 1]:
                ax.axhline(i - 0.5, color="0.6", linewidth=0.6)
        for i, cycle in enumerate(cycles):
            if i == 0 or cycle != cycles[i - 1]:
                ax.annotate(f"cycle {cycle}", (0.0, i - 0.5), xycoords=("axes fraction", "data"), xytext=(2, 0),
                            textcoords="offset points", fontsize=7, color="0.35", va="bottom")
        if pd.notna(as_of):
            ax.axvline(mdates.date2num(as_of), color="0.3", linestyle="--", linewidth=0.8)
            for action, y in order.items():
                if action in latest.index:
                    ax.annotate(str(latest.loc[action, "status"]), (mdates.date2num(as_of) + 0.015 * span, y),
                                xytext=(4, 0),  # after the widest a last-visit segment can be
                                textcoords="offset points", va="center", fontsize=7, annotation_clip=False)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("date" + (f" (as of {as_of:%d %b %Y}, dashed line)" if pd.notna(as_of) else ""))
        legend_outside(ax, ncol=5, handles=[_status_patch(s) for s in STATUS_ORDER if s in shown])
        if title:
            ax.set_title(title, pad=22, loc="left")
    when = f" as of {as_of:%d %B %Y}" if pd.notna(as_of) else ""
    return describe(ax, f"Timeline of {n} action{'s' * (n != 1)} by status, one row per action grouped by cycle; "
                        f"latest status{when}: {_status_counts(counts)}.")


def _counts_by_status(func: str, table: pd.DataFrame) -> pd.DataFrame:
    """``community_id`` x status counts, from action_status (one row per action) or a counts table."""
    if "n_actions" in table.columns:
        _check(func, table, ["community_id", "status", "n_actions"], table="table")
        counts = table.assign(n_actions=finite(table["n_actions"]))
    else:
        _check(func, table, ["community_id", "status"], table="table")
        counts = table.groupby(["community_id", "status"], sort=False).size().rename("n_actions").reset_index()
        counts["n_actions"] = counts["n_actions"].astype(float)
    _check_statuses(func, counts["status"])
    wide = counts.pivot_table(index="community_id", columns="status", values="n_actions", aggfunc="sum", sort=False,
                              dropna=False)
    missing = counts.assign(_na=counts["n_actions"].isna()).groupby("community_id", sort=False)["_na"].any()
    wide = wide.reindex(columns=[s for s in STATUS_ORDER if s in wide.columns]).fillna(0.0)
    wide["_hidden"] = missing.reindex(wide.index).to_numpy()
    return wide


def plot_actions_by_status(table: pd.DataFrame, *, ax=None, title: str | None = None,
                           settings: Settings | None = None):
    """Actions of each community by latest status: one stacked horizontal bar per community.

    Parameters
    ----------
    table : DataFrame
        Either :func:`cpanalysis.planning.action_status` (one row per action: ``community_id``,
        ``status``) or counts: ``community_id``, ``status``, ``n_actions``. Put the names to show
        in ``community_id``. A missing count is marked "hidden" (never drawn as 0).
    ax : matplotlib Axes, optional
    title : str, optional
    settings : Settings, optional
        ``min_count`` for the "hidden (fewer than N)" marker.

    Returns
    -------
    matplotlib Axes
        One bar per community (in the table's order, top down), segments stacked in
        :data:`STATUS_ORDER` with their count written inside, the total at the end.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_status
    >>> from cpanalysis.planning.plots import plot_actions_by_status
    >>> status = action_status(cpanalysis.load(cpanalysis.sample_path()))
    >>> ax = plot_actions_by_status(status)
    >>> len(ax.get_yticklabels()), [t.get_text() for t in ax.get_legend().get_texts()]
    (12, ['started', 'stalled', 'done', 'dropped'])
    """
    from matplotlib.ticker import MaxNLocator

    func = "plot_actions_by_status"
    wide = _counts_by_status(func, table)
    hidden = wide.pop("_hidden").to_numpy(dtype=bool)
    names = [str(c) for c in wide.index]
    totals = wide.sum(axis=1).to_numpy()
    totals_shown = np.where(hidden, np.nan, totals)
    y = np.arange(len(names))
    top = max(float(np.nanmax(np.concatenate([totals, [0.0]]))), 1.0)
    with style():
        ax = new_axes(ax, (7.0, 1.4 + 0.34 * max(len(names), 1)))
        left = np.zeros(len(names))
        for status in wide.columns:
            values = wide[status].to_numpy(dtype=float)
            bars = ax.barh(y, values, left=left, height=0.66, color=STATUS_COLOURS[status],
                           hatch=STATUS_HATCHES[status], edgecolor="black", linewidth=0.4, label=status)
            for bar, name, v, start in zip(bars, names, values, left):
                hover(bar, f"{name}: {int(v)} {status}")
                if v >= 0.06 * top:
                    # on a hatched segment the count gets a white box so that it stays readable
                    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none") if STATUS_HATCHES[status] else None
                    ax.text(start + v / 2, bar.get_y() + bar.get_height() / 2, f"{int(v)}", ha="center",
                            va="center", fontsize=7, bbox=box,
                            color="white" if status == "started" else "black")
            left += values
        label_bars(ax, y, totals_shown, [f"{int(t)}" if np.isfinite(t) else "" for t in totals_shown],
                   horizontal=True, span=top)
        mark_hidden(ax, y, totals_shown, settings, horizontal=True, span=top)
        ax.set_yticks(y)
        ax.set_yticklabels(names)
        ax.set_ylim(len(names) - 0.4, -0.6)
        ax.set_xlim(0, top * 1.12)
        ax.set_xlabel("number of actions (not of people)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        legend_outside(ax, ncol=5)
        if title:
            ax.set_title(title, pad=22, loc="left")
    overall = {s: int(wide[s].sum()) for s in wide.columns}
    return describe(ax, f"Stacked bar chart of the actions of {len(names)} communit{'ies' if len(names) != 1 else 'y'} "
                        f"by latest status; {int(sum(overall.values()))} actions in all: {_status_counts(overall)}.")


def _lead_partner_counts(func: str, table: pd.DataFrame) -> pd.DataFrame:
    """``kind`` x ``role`` (lead, partner) counts from action_ownership or a counts table."""
    if "measure" in table.columns:
        _check(func, table, ["community_id", "measure", "n_yes"], table="table")
        if table["community_id"].nunique() > 1:
            raise ValueError(f"{func}(): the table holds several units ({table['community_id'].nunique()}); keep "
                             "the rows of one community or of the programme")
        rows = table[table["measure"].astype(str).str.startswith("lead_")]
        counts = pd.DataFrame({"role": "lead", "kind": rows["measure"].astype(str).str[len("lead_"):].to_numpy(),
                               "n_actions": finite(rows["n_yes"])})
    else:
        _check(func, table, ["role", "kind", "n_actions"], table="table")
        counts = table.assign(n_actions=finite(table["n_actions"]))
        roles = sorted(set(counts["role"].astype(str)) - {"lead", "partner"})
        if roles:
            raise ValueError(f"{func}(): role must be 'lead' or 'partner', not {', '.join(map(repr, roles))}")
    unknown = sorted(set(counts["kind"].astype(str)) - set(ACTION_LEADS))
    if unknown:
        raise ValueError(f"{func}(): unknown kind {', '.join(map(repr, unknown))}; expected one of "
                         f"{', '.join(ACTION_LEADS)}")
    return counts


def plot_action_leads(table: pd.DataFrame, *, ax=None, title: str | None = None, settings: Settings | None = None):
    """Who leads the actions and who partners in them: paired bars by kind (lead plain, partner hatched).

    Parameters
    ----------
    table : DataFrame
        Either :func:`cpanalysis.planning.action_ownership` for one unit (a community or the
        programme; its ``lead_<kind>`` rows give the leads, it has no partners) or counts:
        ``role`` (``"lead"`` or ``"partner"``), ``kind`` (one of ``ACTION_LEADS``), ``n_actions``
        (the actions with that lead, or with that kind among their partners). A missing count is
        marked "hidden".
    ax : matplotlib Axes, optional
    title : str, optional
    settings : Settings, optional
        ``min_count`` for the "hidden (fewer than N)" marker.

    Returns
    -------
    matplotlib Axes
        One row per kind (in ``ACTION_LEADS`` order, those with any action), a bar for the
        actions it leads and one for those it partners in, counts written at the bars' ends.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_ownership
    >>> from cpanalysis.planning.plots import plot_action_leads
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = action_ownership(data, level="programme", settings=cpanalysis.Settings(n_boot=0))
    >>> ax = plot_action_leads(table)
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['community group', 'planning group']
    """
    from ..plotting import MEASURE_COLOURS

    from matplotlib.ticker import MaxNLocator

    func = "plot_action_leads"
    counts = _lead_partner_counts(func, table)
    # a kind absent from the table has no such action (0); a count given as missing was hidden (NaN)
    wide = counts.pivot_table(index="kind", columns="role", values="n_actions", aggfunc="sum",
                              dropna=False).fillna(0.0)
    hidden = counts[counts["n_actions"].isna()]
    for kind, role in zip(hidden["kind"], hidden["role"]):
        wide.loc[kind, role] = np.nan
    roles = [r for r in ("lead", "partner") if r in wide.columns]
    shown = (wide[roles].fillna(1.0) > 0).any(axis=1)
    kinds = [k for k in ACTION_LEADS if k in wide.index and shown[k]]
    wide = wide.reindex(index=kinds, columns=roles)
    y = np.arange(len(kinds))
    top = max(float(np.nanmax(np.concatenate([wide.to_numpy(dtype=float).ravel(), [0.0]]))), 1.0)
    height = 0.38 if len(roles) == 2 else 0.6
    style_of = {"lead": (MEASURE_COLOURS["other"], None, "leads"),
                "partner": (MEASURE_COLOURS["presence"], "//", "partner in")}
    with style():
        ax = new_axes(ax, (6.4, 1.5 + 0.42 * max(len(kinds), 1)))
        for r, role in enumerate(roles):
            offset = (r - (len(roles) - 1) / 2) * height
            values = wide[role].to_numpy(dtype=float)
            colour, hatch, words = style_of[role]
            bars = ax.barh(y + offset, np.nan_to_num(values), height=height, color=colour, hatch=hatch,
                           edgecolor="black", linewidth=0.5, label=f"{words} (actions)")
            for bar, kind, v in zip(bars, kinds, values):
                hover(bar, f"{_KIND_WORDS[kind]} {words} {'hidden' if np.isnan(v) else int(v)} actions")
            label_bars(ax, y + offset, values, ["" if np.isnan(v) else f"{int(v)}" for v in values],
                       horizontal=True, span=top)
            mark_hidden(ax, y + offset, values, settings, horizontal=True, span=top)
        ax.set_yticks(y)
        ax.set_yticklabels([_KIND_WORDS[k] for k in kinds])
        ax.set_ylim(len(kinds) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.15)
        ax.set_xlabel("number of actions (not of people)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        legend_outside(ax, ncol=2)
        if title:
            ax.set_title(title, pad=22, loc="left")
    said = []
    for role in roles:
        words = "leads" if role == "lead" else "partners in"
        parts = [f"{_KIND_WORDS[k]} {'hidden' if np.isnan(v) else int(v)}"
                 for k, v in zip(kinds, wide[role].to_numpy(dtype=float)) if np.isnan(v) or v > 0]
        said.append(f"who {words} the actions: {join_words(parts) or 'none'}")
    missing = "" if "partner" in roles else " (partners not in this table)"
    return describe(ax, f"Bar chart of {'; '.join(said)}{missing}.")
