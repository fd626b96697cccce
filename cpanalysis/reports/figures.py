"""The report's charts, drawn from a story's ``chart_data`` as crisp inline SVG (or onto PDF pages).

Colours are the dashboard's (cpanalysis/dashboard/figures.py: presence sky blue with ``//``,
voice orange with ``..``, Okabe-Ito), and every value is also written as text, so no reading
depends on colour alone. When ``cpanalysis.plotting`` lands, these constants move there.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

#: The dashboard's colours (presence, voice) and the colour of a harm that was chosen.
PRESENCE_COLOUR, VOICE_COLOUR = "#56B4E9", "#E69F00"
CHOSEN_COLOUR, OTHER_COLOUR, HIDDEN_COLOUR = "#009E73", "#BBBBBB", "#EEEEEE"
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _label(group: str) -> str:
    return "Elites" if group == "elites" else str(group)[:1].upper() + str(group)[1:]


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def presence_voice(data: pd.DataFrame, *, hidden_text: str, where: str, fig: Figure | None = None,
                   rect=None) -> Figure:
    """Paired bars: each group's share of the people present and of the speaking turns."""
    n = len(data)
    fig = fig or Figure(figsize=(6.4, 0.45 * n + 1.3))
    ax = fig.add_axes(rect) if rect is not None else fig.add_subplot()
    y = np.arange(n)
    h = 0.38
    pres = pd.to_numeric(data["presence_share"], errors="coerce").astype(float).to_numpy()
    voice = pd.to_numeric(data["voice_share"], errors="coerce").astype(float).to_numpy()
    ax.barh(y - h / 2, np.nan_to_num(pres), h, color=PRESENCE_COLOUR, edgecolor="black", linewidth=0.5, hatch="//",
            label="share of the people present")
    ax.barh(y + h / 2, np.nan_to_num(voice), h, color=VOICE_COLOUR, edgecolor="black", linewidth=0.5, hatch="..",
            label="share of the speaking turns")
    top = max(0.05, float(np.nanmax(np.r_[pres, voice, 0.0])))
    for k, hid in enumerate(data["hidden"].astype(bool)):
        if hid:
            ax.text(0.005, y[k], hidden_text, va="center", fontsize=8, style="italic")
            continue
        for yy, v in ((y[k] - h / 2, pres[k]), (y[k] + h / 2, voice[k])):
            ax.text((0 if np.isnan(v) else v) + top * 0.01, yy, "not recorded" if np.isnan(v) else f"{100 * v:.0f}%",
                    va="center", fontsize=8)
    ax.set_yticks(y, labels=[_label(g) for g in data["group"]])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.25)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.set_xlabel(f"share at {where}")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def priorities_chart(data: pd.DataFrame, *, hidden_text: str, fig: Figure | None = None, rect=None) -> Figure:
    """Harms (rows) x groups (columns): each group's rank of each harm written in the cell, cells
    of a group's top priority filled; the harms the community chose are named first and marked."""
    groups = list(dict.fromkeys(data["group"]))
    harms = (data.assign(p=data["decision_priority"].astype("Float64").fillna(99))
             .groupby(["harm_id", "harm"], sort=False)["p"].min().reset_index().sort_values(["p", "harm"]))
    fig = fig or Figure(figsize=(max(5.5, 1.0 * len(groups) + 3.6), 0.34 * len(harms) + 1.2))
    ax = fig.add_axes(rect) if rect is not None else fig.add_subplot()
    ax.set_xlim(-0.5, len(groups) - 0.5)
    ax.set_ylim(len(harms) - 0.5, -0.5)
    cells = data.set_index(["harm_id", "group"])
    for i, h in enumerate(harms["harm_id"]):
        for j, g in enumerate(groups):
            row = cells.loc[(h, g)] if (h, g) in cells.index else None
            hid = row is None or bool(row["hidden"])
            rank = None if hid or pd.isna(row["rank"]) else int(row["rank"])
            colour = HIDDEN_COLOUR if hid else (CHOSEN_COLOUR if rank == 1 and bool(row["in_decision"])
                                                else VOICE_COLOUR if rank == 1 else "white")
            ax.add_patch(_rect(j, i, colour))
            ax.text(j, i, "-" if hid else str(rank), ha="center", va="center", fontsize=8,
                    fontweight="bold" if rank == 1 else "normal")
    names = [f"{_wrap(l, 34)}  (chosen {int(p)})" if p < 99 else _wrap(l, 34)
             for l, p in zip(harms["harm"], harms["p"])]
    ax.set_yticks(range(len(harms)), labels=names, fontsize=8)
    for tick, p in zip(ax.get_yticklabels(), harms["p"]):
        if p < 99:
            tick.set_fontweight("bold")
    ax.set_xticks(range(len(groups)), labels=[_label(g) for g in groups], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    hidden_groups = [g for g in groups if data.loc[data["group"] == g, "hidden"].astype(bool).any()]
    note = "Numbers: each group's rank of the harm (1 = its top priority; green = also chosen, orange = not chosen)."
    if hidden_groups:
        note += f" '-': {hidden_text}."
    ax.set_xlabel(_wrap(note, 95), fontsize=7)
    return fig


def _rect(x, y, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.48, y - 0.45), 0.96, 0.9, facecolor=colour, edgecolor="#999999", linewidth=0.4)


def cycles(data: pd.DataFrame, *, where: str, fig: Figure | None = None, rect=None) -> Figure:
    """Each group's share of the speaking turns, cycle by cycle (hidden cycles left out)."""
    fig = fig or Figure(figsize=(6.4, 2.8))
    ax = fig.add_axes(rect) if rect is not None else fig.add_subplot()
    for k, (g, part) in enumerate(data.groupby("group", sort=False)):
        v = pd.to_numeric(part["voice_share"], errors="coerce").astype(float)
        ax.plot(part["cycle"].astype(int), v, marker=MARKERS[k % len(MARKERS)], color=LINE_COLOURS[k % len(LINE_COLOURS)],
                linewidth=2.2 if g == "girls" else 1.2, label=_label(g))
    ax.set_xticks(sorted(data["cycle"].dropna().astype(int).unique()))
    ax.set_xlabel("planning cycle")
    ax.set_ylabel(f"share of turns ({where})", fontsize=8)
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, ncol=1, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def overview_chart(overview_table: pd.DataFrame, *, hidden_text: str) -> Figure:
    """Communities (rows) x groups (columns): was the group's top priority part of the decision?"""
    groups = list(dict.fromkeys(overview_table["subgroup"]))
    comms = list(dict.fromkeys(overview_table["Community"]))
    fig = Figure(figsize=(max(6.0, 1.0 * len(groups) + 3.0), 0.32 * len(comms) + 1.3))
    ax = fig.add_subplot()
    ax.set_xlim(-0.5, len(groups) - 0.5)
    ax.set_ylim(len(comms) - 0.5, -0.5)
    cells = overview_table.set_index(["Community", "subgroup"])
    for i, c in enumerate(comms):
        for j, g in enumerate(groups):
            v = cells.loc[(c, g), "top_harm_in_decision"] if (c, g) in cells.index else pd.NA
            top = cells.loc[(c, g), "top_harm"] if (c, g) in cells.index else None
            colour, text = ((CHOSEN_COLOUR, "yes") if v is True else (OTHER_COLOUR, "no") if v is False
                            else (HIDDEN_COLOUR, "-" if not isinstance(top, str) else "?"))
            ax.add_patch(_rect(j, i, colour))
            ax.text(j, i, text, ha="center", va="center", fontsize=8)
    ax.set_yticks(range(len(comms)), labels=comms, fontsize=8)
    ax.set_xticks(range(len(groups)), labels=[_label(g) for g in groups], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xlabel(f"Was the group's top priority part of the community's decision? ('-': {hidden_text})", fontsize=8)
    return fig


def action_timeline(data: pd.DataFrame, *, fig: Figure | None = None, rect=None) -> Figure:
    """The story's action timeline (one row per action, coloured by status), drawn by
    :func:`cpanalysis.planning.plots.plot_action_timeline`, the same chart as the dashboard's."""
    from ..planning.plots import plot_action_timeline

    n = int(data["action_id"].nunique())
    short = data["label"].astype(str).map(lambda s: s if len(s) <= 32 else s[:30].rstrip() + "...")
    data = data.assign(label=short)
    fig = fig or Figure(figsize=(7.4, 0.3 * n + 1.5))
    ax = fig.add_axes(rect) if rect is not None else fig.add_subplot()
    plot_action_timeline(data, ax=ax)
    return fig


# ----------------------------------------------------------------------------- SVG

_SVG_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "cpanalysis-report", "svg.image_inline": True}


def to_svg(fig: Figure, alt: str) -> str:
    """The figure as an inline ``<svg>`` element with ``role="img"``, an ``aria-label`` and a
    ``<title>`` carrying ``alt``; no XML prolog, no metadata and no external reference."""
    import html

    buffer = io.StringIO()
    with rc_context(_SVG_STYLE):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    # path coordinates to 0.01 pt on one line: hatch patterns otherwise weigh tens of kilobytes
    text = re.sub(r'\bd="[^"]*"', lambda m: re.sub(r"(\.\d\d)\d+", r"\1", " ".join(m.group(0).split())), text)
    alt_attr = html.escape(alt, quote=True)
    text = re.sub(r"<svg\b", f'<svg role="img" aria-label="{alt_attr}"', text, count=1)
    text = re.sub(r"(<svg[^>]*>)", rf"\1<title>{html.escape(alt)}</title>", text, count=1)
    return text.strip()

