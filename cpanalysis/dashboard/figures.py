"""The dashboard's charts: inline SVG (sharp at any zoom, a hover value on every bar, alt text),
and the same figure as a print-resolution PNG for exports.

Every chart is a :class:`Chart`: its ``draw`` builds a :class:`matplotlib.figure.Figure` (no pyplot)
from a table the library computed and the dashboard already made safe; ``svg`` is drawn once. Colours
are Okabe-Ito (colour-blind safe) and bars carry hatches and written values, so nothing depends on
colour alone.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from typing import Callable

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind safe palette.
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999"}
PRESENCE, VOICE = OKABE_ITO["sky"], OKABE_ITO["orange"]
#: Resolution of exported PNG files (print).
PRINT_DPI = 200
_RC = {"svg.fonttype": "none", "font.size": 10, "font.family": "DejaVu Sans"}


@dataclass
class Chart:
    """One chart: ``svg`` (inline, with hover titles and alt text), ``alt`` and ``draw`` for exports."""

    name: str
    alt: str
    draw: Callable[[], tuple[Figure, dict]] = field(repr=False)
    svg: str = field(default="", repr=False)
    key: tuple = field(default=(), repr=False, compare=False)

    def __post_init__(self):
        if not self.svg:
            fig, tips = self.draw()
            self.svg = figure_svg(fig, self.alt, tips)

    def png(self, dpi: int = PRINT_DPI) -> bytes:
        fig, _ = self.draw()
        buffer = io.BytesIO()
        with matplotlib.rc_context(_RC):
            fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()


def reuse_or_draw(previous, key: tuple, make: Callable[[], Chart | None]) -> Chart | None:
    """The chart of ``previous`` drawn from the same ``key`` (everything the drawing depends on:
    kind, title, alt text, data), else ``make()``; so a change that leaves a chart as it was (the
    codes-only option, a sort) does not draw it again.

    Examples
    --------
    >>> calls = []
    >>> make = lambda: calls.append(1) or Chart("c", "alt", lambda: (None, {}), svg="<svg/>")
    >>> first = reuse_or_draw([], ("c", "alt"), make)
    >>> reuse_or_draw([first], ("c", "alt"), make) is first, len(calls)
    (True, 1)
    """
    for chart in previous:
        if chart is not None and chart.key == key:
            return chart
    chart = make()
    if chart is not None:
        chart.key = key
    return chart


def figure_svg(fig: Figure, alt: str, tips: dict[str, str] | None = None) -> str:
    """``fig`` as an inline ``<svg>`` with ``role="img"``, ``aria-label`` = ``alt`` and a ``<title>``
    hover text inside every artist whose gid is a key of ``tips``."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    for gid, tip in (tips or {}).items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{html.escape(tip)}</title>', 1)
    label = html.escape(alt, quote=True)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" class="cp-svg" ', svg, count=1)
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", svg, count=1)  # scale with the page
    return svg.replace(">", f"><title>{html.escape(alt)}</title>", 1)


def _clean(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _value(v) -> float:
    try:
        return float("nan") if pd.isna(v) else float(v)
    except (TypeError, ValueError):
        return float("nan")


def message(name: str, text: str) -> Chart:
    """A chart-sized note saying why there is no chart."""
    def draw():
        fig = Figure(figsize=(5.5, 0.8))
        ax = fig.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=11)
        return fig, {}
    return Chart(name, text, draw)


def presence_voice(name: str, table: pd.DataFrame, title: str, alt: str) -> Chart:
    """Share of those present and share of speaking turns by group (``participation`` rows, safe)."""
    rows = table.reset_index(drop=True)

    def draw():
        fig = Figure(figsize=(6.4, 0.9 + 0.55 * len(rows)))
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        h = 0.38
        tips = {}
        for offset, column, colour, hatch, words in ((-h / 2, "presence_share", PRESENCE, "//", "present"),
                                                     (h / 2, "voice_share_turns", VOICE, "..", "speaking turns")):
            for k, row in rows.iterrows():
                v = _value(row.get(column))
                bar = ax.barh(y[k] + offset, 0 if np.isnan(v) else v, h, color=colour, edgecolor="black",
                              hatch=hatch, label=words if k == 0 else None)
                gid = f"{name}-{column}-{k}"
                bar.patches[0].set_gid(gid)
                text = "hidden (small count)" if np.isnan(v) else f"{v:.0%}"
                tips[gid] = f"{row['subgroup']}: {text} of {words}"
                ax.text((0 if np.isnan(v) else v) + 0.01, y[k] + offset, text, va="center", fontsize=9)
        ax.set_yticks(y, labels=[str(s) for s in rows["subgroup"]], fontsize=10)
        ax.invert_yaxis()
        top = np.nanmax([_value(v) for v in list(rows["presence_share"]) + list(rows["voice_share_turns"])] + [0.1])
        ax.set_xlim(0, min(1.0, top * 1.35 + 0.05))
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(title, fontsize=11, loc="left")
        ax.legend(loc="lower right", fontsize=9, frameon=False)
        _clean(ax)
        return fig, tips
    return Chart(name, alt, draw)


def priorities_grid(name: str, table: pd.DataFrame, row_labels: dict[str, str], title: str, alt: str) -> Chart:
    """Each group's top harm (cell text) against the decision (green = chosen, orange = not chosen,
    grey = hidden or no ranking); rows are communities, columns groups (``group_priorities`` output)."""
    rows = list(dict.fromkeys(table["community_id"]))
    groups = list(dict.fromkeys(table["subgroup"]))
    chars = 18 if len(groups) > 1 else 40  # one column (one community's groups): room for the whole name

    def draw():
        width = 1.55 if len(groups) > 1 else 3.6
        fig = Figure(figsize=(2.2 + width * len(groups), 1.2 + 0.42 * len(rows)))
        ax = fig.add_subplot()
        tips = {}
        cells = table.set_index(["community_id", "subgroup"])
        for i, cid in enumerate(rows):
            for j, group in enumerate(groups):
                if (cid, group) in cells.index:
                    cell = cells.loc[(cid, group)]
                    if isinstance(cell, pd.DataFrame):
                        cell = cell.iloc[0]
                    label = cell["top_harm_label"]
                    hidden = pd.isna(cell["top_harm"]) or pd.isna(label)
                    chosen = False if hidden else bool(cell["top_harm_in_decision"])
                else:
                    label, hidden, chosen = None, True, False
                colour = OKABE_ITO["grey"] if hidden else (OKABE_ITO["green"] if chosen else OKABE_ITO["orange"])
                hatch = "" if hidden else ("" if chosen else "///")
                rect = matplotlib.patches.Rectangle((j, i), 0.96, 0.9, facecolor=colour, edgecolor="white",
                                                    hatch=hatch, alpha=0.85)
                gid = f"{name}-{i}-{j}"
                rect.set_gid(gid)
                ax.add_patch(rect)
                words = "hidden or no ranking" if hidden else f"{label} ({'chosen' if chosen else 'not chosen'})"
                tips[gid] = f"{cid}, {group}: {words}"
                short = "–" if hidden else _short(str(label), chars)
                ax.text(j + 0.48, i + 0.45, short, ha="center", va="center", fontsize=8,
                        color="black" if hidden or not chosen else "white")
        ax.set_xlim(0, len(groups))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks(np.arange(len(groups)) + 0.48, labels=groups, fontsize=10)
        ax.xaxis.tick_top()
        ax.set_yticks(np.arange(len(rows)) + 0.45, labels=[row_labels.get(c, c) for c in rows], fontsize=9)
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(title, fontsize=11, loc="left", pad=22)
        handles = [matplotlib.patches.Patch(facecolor=OKABE_ITO["green"], label="their first harm was chosen"),
                   matplotlib.patches.Patch(facecolor=OKABE_ITO["orange"], hatch="///",
                                            label="their first harm was not chosen"),
                   matplotlib.patches.Patch(facecolor=OKABE_ITO["grey"], label="hidden (small count) or no ranking")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3 if len(groups) > 2 else 1,
                  fontsize=8, frameon=False)
        return fig, tips
    return Chart(name, alt, draw)


def rank_heatmap(name: str, table: pd.DataFrame, title: str, alt: str) -> Chart:
    """The rank each group gave each harm (1 = its first), harms of the decision marked; hidden groups
    grey. ``table``: the story's ``priorities`` chart data (group, harm, rank, in_decision,
    decision_priority, hidden)."""
    groups = list(dict.fromkeys(table["group"]))
    order = table.drop_duplicates("harm").assign(
        key=lambda t: [(0, p) if pd.notna(p) else (1, 0) for p in t["decision_priority"]])
    harms = order.sort_values("key", kind="stable")["harm"].tolist()
    decided = dict(zip(order["harm"], order["decision_priority"]))
    cells = table.set_index(["harm", "group"])
    n_harms = len(harms)

    def draw():
        fig = Figure(figsize=(3.0 + 0.8 * len(groups), 1.0 + 0.4 * len(harms)))
        ax = fig.add_subplot()
        tips = {}
        for i, harm in enumerate(harms):
            for j, group in enumerate(groups):
                cell = cells.loc[(harm, group)] if (harm, group) in cells.index else None
                if isinstance(cell, pd.DataFrame):
                    cell = cell.iloc[0]
                rank = None if cell is None or bool(cell["hidden"]) or pd.isna(cell["rank"]) else int(cell["rank"])
                shade = OKABE_ITO["grey"] if rank is None else matplotlib.colormaps["Blues"](
                    0.25 + 0.7 * (1 - (rank - 1) / max(n_harms - 1, 1)))
                rect = matplotlib.patches.Rectangle((j, i), 0.96, 0.92, facecolor=shade, edgecolor="white")
                gid = f"{name}-{i}-{j}"
                rect.set_gid(gid)
                ax.add_patch(rect)
                tips[gid] = f"{group}: {harm} " + ("hidden (small count)" if rank is None else f"ranked {rank}")
                ax.text(j + 0.48, i + 0.46, "–" if rank is None else str(rank), ha="center", va="center",
                        fontsize=12, color="white" if rank is not None and rank <= n_harms / 2 else "black")
        ax.set_xlim(0, len(groups))
        ax.set_ylim(n_harms, 0)
        ax.set_xticks(np.arange(len(groups)) + 0.48, labels=groups, fontsize=12)
        ax.xaxis.tick_top()
        labels = [(f"{_short(h, 26)}  [chosen {int(decided[h])}]" if pd.notna(decided.get(h)) else _short(h, 26))
                  for h in harms]
        ax.set_yticks(np.arange(n_harms) + 0.46, labels=labels, fontsize=11)
        for tick, harm in zip(ax.get_yticklabels(), harms):
            if pd.notna(decided.get(harm)):
                tick.set_fontweight("bold")
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(title, fontsize=11, loc="left", pad=30)
        return fig, tips
    return Chart(name, alt, draw)


def _short(label: str, width: int = 18) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def session_presence_voice(session_id: str, info: pd.DataFrame, rows: pd.DataFrame) -> Chart | None:
    """One session's share of those present and of speaking turns by group (its safe ``participation``
    rows), with alt text giving every value; ``None`` when the session has no rows."""
    if rows is None or rows.empty or "presence_share" not in rows:
        return None
    kind = str(info["format"].iloc[0]).replace("_", " ") if len(info) and "format" in info else "session"
    parts = []
    for _, row in rows.iterrows():
        present, turns = _value(row.get("presence_share")), _value(row.get("voice_share_turns"))
        parts.append(f"{row['subgroup']} " + ("hidden (small count)" if np.isnan(present) else f"{present:.0%} present")
                     + ("" if np.isnan(turns) else f", {turns:.0%} of turns"))
    alt = (f"Bar chart of session {session_id} ({kind}): each group's share of those present and of the "
           f"speaking turns: " + "; ".join(parts) + ".")
    return presence_voice(f"session_{session_id}", rows, f"Who was present and who spoke, session {session_id}", alt)


def cycle_lines(name: str, table: pd.DataFrame, title: str, alt: str) -> Chart:
    """A group's share of those present and of speaking turns, cycle by cycle (safe rows)."""
    rows = table.reset_index(drop=True)

    def draw():
        fig = Figure(figsize=(5.6, 3.0))
        ax = fig.add_subplot()
        x = [str(int(c)) for c in rows["cycle"]]
        tips = {}
        for column, colour, marker, words in (("presence_share", PRESENCE, "o", "share of those present"),
                                              ("voice_share_turns", VOICE, "s", "share of speaking turns")):
            values = [_value(v) for v in rows[column]]
            ax.plot(x, values, color=colour, marker=marker, linewidth=2, label=words)
            for k, v in enumerate(values):
                gid = f"{name}-{column}-{k}"
                point = ax.plot([x[k]], [0 if np.isnan(v) else v], marker=marker, color=colour,
                                linestyle="none", markersize=9, alpha=0.01)[0]
                point.set_gid(gid)
                tips[gid] = f"cycle {x[k]}: {'hidden' if np.isnan(v) else f'{v:.0%}'} ({words})"
                if not np.isnan(v):
                    ax.annotate(f"{v:.0%}", (x[k], v), textcoords="offset points", xytext=(0, 6),
                                ha="center", fontsize=9)
        for k in range(len(x)):  # a hidden value still gets a visible mark, not a silent gap
            gone = [w for c, w in (("presence_share", "presence"), ("voice_share_turns", "turns"))
                    if np.isnan(_value(rows.at[k, c]))]
            if gone:
                what = "hidden" if len(gone) == 2 else f"{gone[0]} hidden"
                ax.annotate(f"{what}\n(small count)", (x[k], 0), textcoords="offset points", xytext=(0, 8),
                            ha="center", va="bottom", fontsize=9, style="italic", color="0.3")
        ax.set_xlabel("planning cycle")
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        top = np.nanmax([_value(v) for v in list(rows["presence_share"]) + list(rows["voice_share_turns"])] + [0.1])
        ax.set_ylim(0, top * 1.3)
        ax.set_title(title, fontsize=11, loc="left")
        # below the axes: inside it would cover a point or the "hidden" mark of a cycle
        ax.legend(fontsize=9, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
        _clean(ax)
        return fig, tips
    return Chart(name, alt, draw)


def lorenz(name: str, curve: pd.DataFrame, title: str, alt: str) -> Chart:
    """Lorenz curve of speaking (:func:`cpanalysis.lorenz_curve` output)."""
    def draw():
        fig = Figure(figsize=(4.2, 3.6))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="everyone speaks equally")
        ax.plot(curve["population_share"], curve["speaking_share"], color=OKABE_ITO["blue"], linewidth=2,
                label="what happened")
        ax.set_xlabel("share of people (least talkative first)")
        ax.set_ylabel("share of turns")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(title, fontsize=11, loc="left")
        ax.legend(loc="upper left", fontsize=9, frameon=False)
        _clean(ax)
        return fig, {}
    return Chart(name, alt, draw)


def library_plot(name: str, plot: Callable, args: tuple, alt: str, size=(6.0, 3.6), **kwargs) -> Chart:
    """A library plot function that takes ``ax=``."""
    def draw():
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        plot(*args, ax=ax, **kwargs)
        return fig, {}
    return Chart(name, alt, draw)


def library_chart(name: str, plot: Callable, args: tuple, alt: str, size=(6.0, 3.6), **kwargs) -> Chart:
    """A library plot function that takes ``ax=``, as SVG by :func:`cpanalysis.plotting.figure_to_svg`
    (so the hover values the plot recorded with :func:`cpanalysis.plotting.hover` are kept)."""
    from cpanalysis.plotting import figure_to_svg

    def draw():
        fig = Figure(figsize=size, layout="constrained")
        plot(*args, ax=fig.add_subplot(), **kwargs)
        return fig, {}

    fig, _ = draw()
    label = html.escape(alt, quote=True)
    svg = figure_to_svg(fig, alt).replace("<svg ", f'<svg aria-label="{label}" class="cp-svg" ', 1)
    return Chart(name, alt, draw, svg=own_ids(svg, f"cp-{name}"))


def own_ids(svg: str, prefix: str) -> str:
    """``svg`` with every id (and every reference to one) prefixed: matplotlib names hatch patterns and
    clip paths by their content, so two charts on one page share ids, and a chart whose pattern is
    defined in a hidden tab is drawn without its fill.

    Examples
    --------
    >>> own_ids('<svg aria-labelledby="t"><title id="t"/><pattern id="h1"/><path fill="url(#h1)"/></svg>', "cp-a")
    '<svg aria-labelledby="cp-a-t"><title id="cp-a-t"/><pattern id="cp-a-h1"/><path fill="url(#cp-a-h1)"/></svg>'
    """
    ids = set(re.findall(r'\sid="([^"]+)"', svg))

    def ref(match):
        return f"{match.group(1)}{prefix}-{match.group(2)}{match.group(3)}" if match.group(2) in ids \
            else match.group(0)

    svg = re.sub(r'(\sid=")([^"]+)(")', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}{m.group(3)}", svg)
    svg = re.sub(r"(url\(#)([^)]+)(\))", ref, svg)
    svg = re.sub(r'(href="#)([^"]+)(")', ref, svg)
    return re.sub(r'aria-labelledby="([^"]+)"', lambda m: 'aria-labelledby="' + " ".join(
        f"{prefix}-{i}" if i in ids else i for i in m.group(1).split()) + '"', svg)


def action_timeline(name: str, chart_data: pd.DataFrame, title: str, alt: str) -> Chart:
    """The actions' timeline (:func:`cpanalysis.planning.plots.plot_action_timeline`), one row per action."""
    from cpanalysis.planning.plots import plot_action_timeline

    n = chart_data["action_id"].nunique()
    return library_chart(name, plot_action_timeline, (chart_data,), alt, size=(8.2, 1.7 + 0.34 * max(n, 1)),
                         title=title)
