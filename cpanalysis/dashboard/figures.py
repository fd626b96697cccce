"""Figures of the dashboard, drawn from tables the library computed, returned as PNG bytes.

Every function builds a :class:`matplotlib.figure.Figure` (no pyplot, so the figure shows whatever
``MPLBACKEND`` is), draws on it, and returns the PNG bytes; the figure is then dropped. Colours
are Okabe-Ito (colour-blind safe) and every bar also carries a hatch and a written value, so no
reading depends on colour alone.
"""

from __future__ import annotations

import io
from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind safe palette.
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000"}
DPI = 96


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    fig.clear()
    return buffer.getvalue()


def message_png(text: str, *, size=(5.5, 1.2)) -> bytes:
    """A small picture that says why there is no chart (used for empty selections)."""
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=11)
    return to_png(fig)


def _fmt(value, pattern="{:.2f}") -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "hidden"
    try:
        if pd.isna(value):
            return "hidden"
    except (TypeError, ValueError):
        pass
    return pattern.format(value)


def _paired_bars(ax, labels, left, right, left_name, right_name, fmt, title, xlabel):
    y = np.arange(len(labels))
    h = 0.38
    left = np.array([np.nan if pd.isna(v) else float(v) for v in left])
    right = np.array([np.nan if pd.isna(v) else float(v) for v in right])
    ax.barh(y - h / 2, np.nan_to_num(left), h, color=OKABE_ITO["sky"], edgecolor="black",
            hatch="//", label=left_name)
    ax.barh(y + h / 2, np.nan_to_num(right), h, color=OKABE_ITO["orange"], edgecolor="black",
            hatch="..", label=right_name)
    top = np.nanmax(np.concatenate([left, right, [0.0]])) if len(labels) else 1.0
    top = top if np.isfinite(top) and top > 0 else 1.0
    for yy, value, name in [(y - h / 2, left, left_name), (y + h / 2, right, right_name)]:
        for k in range(len(labels)):
            text = f"{name.split()[0]} {_fmt(value[k], fmt)}"
            ax.text((0 if np.isnan(value[k]) else value[k]) + top * 0.01, yy[k], text,
                    va="center", fontsize=8)
    ax.set_yticks(y, labels=[str(s) for s in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.45)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11, pad=26)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def presence_voice_png(table: pd.DataFrame, title: str) -> bytes:
    """Presence share and voice share (turns) by subgroup, with the parity written beside each.

    ``table``: rows of :func:`cpanalysis.participation` for one unit, already suppressed.
    """
    if table is None or table.empty:
        return message_png("No attendance or turns recorded for this selection.")
    fig = Figure(figsize=(6.2, 0.75 + 0.62 * len(table)))
    ax = fig.add_subplot()
    labels = [f"{s}\nparity {_fmt(p)}" for s, p in zip(table["subgroup"], table.get("parity", [np.nan] * len(table)))]
    _paired_bars(ax, labels, table["presence_share"], table["voice_share_turns"],
                 "presence share", "voice share (turns)", "{:.0%}", title, "share of the unit")
    return to_png(fig)


def counts_png(table: pd.DataFrame, title: str) -> bytes:
    """Attendees and turns by subgroup in one session (hidden counts are written as 'hidden')."""
    if table is None or table.empty:
        return message_png("No attendance or turns recorded for this session.")
    fig = Figure(figsize=(6.2, 0.75 + 0.62 * len(table)))
    ax = fig.add_subplot()
    _paired_bars(ax, list(table["subgroup"]), table["n_attendees"], table["n_turns"],
                 "attendees", "turns", "{:.0f}", title, "count")
    return to_png(fig)


def lorenz_png(curves: dict[str, pd.DataFrame], title: str) -> bytes:
    """Lorenz curves of speaking (from :func:`cpanalysis.inclusion.lorenz_curve`), one per unit.

    ``curves``: label -> curve table; the label should carry the Gini.
    """
    if not curves:
        return message_png("No individual turns recorded: concentration cannot be shown.")
    fig = Figure(figsize=(4.6, 4.2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="everyone speaks equally")
    styles = [("-", OKABE_ITO["blue"], "o"), ("--", OKABE_ITO["vermillion"], "s"),
              ("-.", OKABE_ITO["green"], "^")]
    for (label, curve), (ls, colour, marker) in zip(curves.items(), styles):
        every = max(1, len(curve) // 8)
        ax.plot(curve["population_share"], curve["speaking_share"], linestyle=ls, color=colour,
                marker=marker, markevery=every, label=label)
    ax.set_xlabel("share of people (least talkative first)")
    ax.set_ylabel("share of turns")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=11)
    ax.legend(loc="upper left", fontsize=8)
    return to_png(fig)


def heatmap_png(rankings: pd.DataFrame, decision: pd.DataFrame, consensus: pd.DataFrame | None,
                title: str, plot: Callable) -> bytes:
    """Harm ranks by subgroup (library heatmap ``plot``) beside the community's decision.

    ``decision``: the community's ``decisions`` rows with ``label``; ``consensus``: the output of
    :func:`cpanalysis.aggregate` with ``label`` (what the chosen method gives for everyone).
    """
    if rankings is None or rankings.empty:
        return message_png("No harm rankings recorded for this selection.")
    n_harms = rankings["harm_id"].nunique()
    n_groups = rankings["subgroup"].nunique()
    fig = Figure(figsize=(3.2 + 0.85 * n_groups + 3.4, 1.6 + 0.45 * n_harms))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.2 + 0.85 * n_groups, 3.4])
    ax = fig.add_subplot(grid[0, 0])
    plot(rankings, ax=ax)
    ax.set_title(title, fontsize=11)
    side = fig.add_subplot(grid[0, 1])
    side.axis("off")
    lines = ["Decision of the community:"]
    if decision is None or decision.empty:
        lines.append("  (no decision recorded)")
    else:
        for _, row in decision.sort_values("priority").iterrows():
            lines.append(f"  {int(row['priority'])}. {row.get('label', row['harm_id'])}")
    if consensus is not None and not consensus.empty:
        lines += ["", f"Everyone's rankings, {consensus.attrs.get('method', '')}",
                  f"({consensus.attrs.get('weighting', '')} weighting):"]
        for _, row in consensus.head(3).iterrows():
            lines.append(f"  {int(row['position'])}. {row.get('label', row['harm_id'])}")
    side.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", fontsize=9, family="sans-serif")
    return to_png(fig)


def library_plot_png(plot: Callable, *args, size=(6.0, 3.6), **kwargs) -> bytes:
    """Any library plot function that takes ``ax=``, as PNG."""
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    plot(*args, ax=ax, **kwargs)
    return to_png(fig)
