"""Plots of the elite-dominance results (matplotlib only; they draw computed tables).

Drawn through :mod:`cpanalysis.plotting`: one style, each unit in its subgroup's colour (elites
vermillion and hatched, so colour is never needed), hidden values marked, and a one-line
description for :func:`cpanalysis.plotting.alt_text`. The actual and counterfactual decisions are
two labelled columns.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ..plotting import (MEASURE_HATCHES, describe, finite, hover, join_words, label_bars, legend_outside,
                        mark_hidden, new_axes, style, subgroup_colour)
from ..settings import Settings

__all__ = ["plot_alignment", "plot_counterfactual"]

_WRAP = 30  # characters per line of a harm's label in the counterfactual chart


def plot_alignment(alignment: pd.DataFrame, community_id, *, ax=None, settings: Settings | None = None):
    """Bars of the decision's alignment with each unit of one community.

    Parameters
    ----------
    alignment : DataFrame
        Output of :func:`cpanalysis.decision_alignment` (hidden values are marked).
    community_id : str
    ax : matplotlib Axes, optional
    settings : Settings, optional
        Its ``min_count`` is the N of a unit's bar marked "hidden (fewer than N)".

    Returns
    -------
    matplotlib Axes
        One bar per unit, elites hatched, values written at the bar ends.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.dominance.plots import plot_alignment
    >>> data = cpanalysis.simulate(1, seed=1, elite_influence=0.9)
    >>> ax = plot_alignment(cpanalysis.decision_alignment(data), "C01")
    >>> float(ax.get_xlim()[1]) > 1
    True
    """
    part = alignment[alignment["community_id"] == community_id]
    y = np.arange(len(part))[::-1]
    values = finite(part["alignment"])
    elite = part["is_elite"].astype(bool).to_numpy()
    units = part["unit"].astype(str).tolist()
    with style():
        ax = new_axes(ax, (6.4, 0.9 + 0.45 * max(len(part), 1)))
        for yi, unit, v, e in zip(y, units, values, elite):
            bar = ax.barh(yi, np.nan_to_num(v), color=subgroup_colour("elites" if e else unit),
                          hatch=MEASURE_HATCHES["elite"] if e else None, edgecolor="black", linewidth=0.6)[0]
            hover(bar, f"{unit}: alignment {'hidden' if np.isnan(v) else f'{v:.2f}'}")
        label_bars(ax, y, values, horizontal=True, span=1.0)
        mark_hidden(ax, y, values, settings, horizontal=True, span=1.0)
        ax.set_yticks(y, [f"{u} (elite)" if e else u for u, e in zip(units, elite)])
        ax.set_xlim(0, 1.25)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xlabel("alignment of the decision with the group's rankings (0 = opposite, 1 = same)")
        ax.set_title(f"{community_id}: whose priorities does the decision follow?")
    shown = [f"{u} {'hidden' if np.isnan(v) else f'{v:.2f}'}" for u, v in zip(units, values)]
    return describe(ax, f"Bar chart of how closely {community_id}'s decision follows each group's rankings "
                        f"(0 = opposite, 1 = same): {join_words(shown)}.")


def plot_counterfactual(counterfactual: pd.DataFrame, community_id, *, labels: dict | None = None, ax=None):
    """The actual decision next to the non-elite counterfactual: two columns of harm labels joined
    by lines (solid where a harm is in both; a dashed stub ending in a cross where the other
    groups alone would not have chosen it).

    Parameters
    ----------
    counterfactual : DataFrame
        Output of :func:`cpanalysis.counterfactual_decisions`.
    community_id : str
    labels : dict, optional
        harm_id -> label (e.g. from ``data.harms``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The two columns of harms joined by lines, a legend above them.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.dominance.plots import plot_counterfactual
    >>> data = cpanalysis.simulate(1, seed=1, elite_influence=0.9)
    >>> ax = plot_counterfactual(cpanalysis.counterfactual_decisions(data), "C01")
    >>> ax.get_title().startswith("C01")
    True
    """
    from matplotlib.lines import Line2D

    labels = labels or {}
    part = counterfactual[counterfactual["community_id"] == community_id]
    actual = part[part["actual_priority"].notna()].sort_values("actual_priority")
    cf = part[part["in_counterfactual"].astype(bool)].sort_values(["counterfactual_position", "harm_id"])
    n = max(len(actual), len(cf), 1)

    def name(h) -> str:
        return "\n".join(textwrap.wrap(str(labels.get(h, h)), _WRAP)) or str(h)

    lines_per_row = max([name(h).count("\n") + 1 for h in list(actual["harm_id"]) + list(cf["harm_id"])] + [1])
    step = 1.0 + 0.45 * (lines_per_row - 1)  # rows far enough apart for wrapped labels
    ya = {h: (n - i) * step for i, h in enumerate(actual["harm_id"])}
    yc = {h: (n - i) * step for i, h in enumerate(cf["harm_id"])}
    cf_pos = dict(zip(cf["harm_id"], cf["counterfactual_position"]))
    with style():
        ax = new_axes(ax, (7.4, 1.4 + 0.55 * n * step))
        for h, y in ya.items():
            ax.text(-0.04, y, f"{n + 1 - round(y / step)}. {name(h)}", ha="right", va="center", fontsize=9)
        for h, y in yc.items():
            ax.text(1.04, y, f"{name(h)} ({int(cf_pos[h])})", ha="left", va="center", fontsize=9)
        for h in ya:
            if h in yc:
                hover(ax.plot([0.0, 1.0], [ya[h], yc[h]], color="black", lw=1.5)[0],
                      f"{labels.get(h, h)}: chosen, and chosen by the others alone")
            else:
                hover(ax.plot([0.0, 0.35], [ya[h], ya[h]], color=subgroup_colour("elites"), lw=1.5, ls="--",
                              marker="x", markevery=[1])[0],
                      f"{labels.get(h, h)}: chosen, but not by the others alone")
        top = (n + 0.9) * step
        ax.text(-0.04, top, "actual decision", ha="right", fontweight="bold")
        ax.text(1.04, top, "non-elite groups alone", ha="left", fontweight="bold")
        ax.set_xlim(-1.35, 2.35)
        ax.set_ylim(0.4 * step, top + 0.6 * step)
        ax.axis("off")
        legend_outside(ax, ncol=2, handles=[
            Line2D([], [], color="black", lw=1.5, label="in both"),
            Line2D([], [], color=subgroup_colour("elites"), lw=1.5, ls="--", marker="x",
                   label="not chosen by the others alone")])
        ax.set_title("\n".join(textwrap.wrap(f"{community_id}: the decision and what the non-elite groups' "
                                             "rankings alone would give", 60)), pad=26)
    both = [labels.get(h, h) for h in ya if h in yc]
    only = [labels.get(h, h) for h in ya if h not in yc]
    summary = (f"{len(both)} of the {len(ya)} harms chosen would also be chosen by the non-elite groups alone"
               + (f"; not {join_words(only)}" if only else ""))
    return describe(ax, f"Two columns: {community_id}'s decision and what the non-elite groups' rankings alone "
                        f"would give; {summary}.")
