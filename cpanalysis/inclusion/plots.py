"""Plots of participation tables. Each takes an already computed table, accepts ``ax=None`` and
returns the Axes; nothing here computes a measure or changes matplotlib's global style.

They draw through :mod:`cpanalysis.plotting` (one style, one colour per subgroup and per measure,
one way to label bars and to mark hidden values), and each records a one-line description that
:func:`cpanalysis.plotting.alt_text` returns. Every reading is also carried by hatching, markers
or text, never by colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..plotting import (LINESTYLES, MARKERS, MEASURE_COLOURS, MEASURE_HATCHES, OKABE_ITO, describe, finite,
                        hover, join_words, label_bars, legend_outside, mark_hidden, new_axes, percent, style,
                        subgroup_colour)
from ..settings import Settings
from ._common import _check

__all__ = ["plot_presence_voice", "plot_lorenz", "plot_parity_cycles", "OKABE_ITO"]


def plot_presence_voice(table: pd.DataFrame, *, voice: str = "voice_share_turns", ax=None,
                        settings: Settings | None = None):
    """Paired bars of presence share and voice share by subgroup, with parity written above.

    Parameters
    ----------
    table : DataFrame
        Rows of one unit from :func:`cpanalysis.participation` or :func:`voice_parity`, with
        ``subgroup``, ``presence_share`` and ``voice``; hidden (suppressed) values are marked.
    voice : str, default "voice_share_turns"
        The voice column (``"voice_share_time"`` for time).
    ax : matplotlib Axes, optional
    settings : Settings, optional
        ``min_count`` for the "hidden (fewer than N)" marker.

    Returns
    -------
    matplotlib Axes
        The paired bars, parity written above each subgroup, hidden values marked.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, voice_parity, plot_presence_voice
    >>> ax = plot_presence_voice(voice_parity(example_dataset(), n_boot=0))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['girls', 'women', 'men', 'elders']
    """
    _check("plot_presence_voice", table, ["subgroup", "presence_share", voice], table="table")
    labels = table["subgroup"].astype(str).tolist()
    if len(set(labels)) != len(labels):
        raise ValueError("plot_presence_voice(): the table holds several units; keep the rows of one")
    x = np.arange(len(labels))
    presence, speech = finite(table["presence_share"]), finite(table[voice])
    width = 0.38
    top = max(np.nanmax(np.concatenate([presence, speech, [0.0]])), 0.1)
    with style():
        ax = new_axes(ax, (1.6 + 1.1 * len(labels), 3.6))
        for offset, values, name, key in ((-width / 2, presence, "presence share", "presence"),
                                          (width / 2, speech, "voice share", "voice")):
            bars = ax.bar(x + offset, np.nan_to_num(values), width, label=name, color=MEASURE_COLOURS[key],
                          hatch=MEASURE_HATCHES[key], edgecolor="black", linewidth=0.6)
            for bar, group, v in zip(bars, labels, values):
                hover(bar, f"{group}: {name} {percent(v)}")
            mark_hidden(ax, x + offset, values, settings, span=top)
        parity = ["parity n/a" if not (p > 0) or np.isnan(v) else f"parity {v / p:.2f}"
                  for p, v in zip(presence, speech)]
        label_bars(ax, x, np.fmax(np.nan_to_num(presence), np.nan_to_num(speech)) + 0.06 * top, parity,
                   span=top, fontsize="small")
        ax.set_xticks(x)
        ax.set_xticklabels(labels)
        ax.set_ylabel("share")
        ax.set_ylim(0, top * 1.3)
        legend_outside(ax)
        ax.set_title("Presence and voice by subgroup", pad=24)
    heard = [f"{g} {percent(p)} of those present and {percent(v)} of the turns"
             for g, p, v in zip(labels, presence, speech)]
    return describe(ax, f"Bar chart of presence and voice by subgroup: {join_words(heard)}.")


def plot_lorenz(table: pd.DataFrame, *, gini: float | None = None, label: str = "speaking", ax=None):
    """The Lorenz curve of speaking, with the line of equality and the Gini in the legend.

    Parameters
    ----------
    table : DataFrame
        From :func:`lorenz_curve`: ``population_share`` and ``speaking_share``.
    gini : float, optional
        Shown in the legend; ``table.attrs["gini"]`` by default.
    label : str, default "speaking"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The curve and the line of equality, the Gini in the legend.

    Examples
    --------
    >>> from cpanalysis.inclusion import lorenz_curve, plot_lorenz
    >>> ax = plot_lorenz(lorenz_curve([0, 1, 1, 2]))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['equality', 'speaking (Gini 0.38)']
    """
    _check("plot_lorenz", table, ["population_share", "speaking_share"], table="table")
    if gini is None:
        gini = table.attrs.get("gini", np.nan)
    known = gini is not None and np.isfinite(gini)
    text = f"{label} (Gini {gini:.2f})" if known else f"{label} (Gini n/a)"
    with style():
        ax = new_axes(ax, (4.6, 4.4))
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equality")
        ax.plot(table["population_share"], table["speaking_share"], marker="o", markersize=3,
                color=OKABE_ITO[5], label=text)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel("share of attendees (least talkative first)")
        ax.set_ylabel("share of turns")
        legend_outside(ax, ncol=1)
    how = f"Gini {gini:.2f}: 0 when everyone speaks equally, near 1 when one person speaks" if known \
        else "Gini not available"
    return describe(ax, f"Lorenz curve of {label} against the line of equality; {how}.")


def plot_parity_cycles(table: pd.DataFrame, *, parity: str = "parity", ax=None):
    """Voice parity over planning cycles, one line per subgroup, with the parity = 1 line.

    Parameters
    ----------
    table : DataFrame
        ``cycle``, ``subgroup`` and ``parity`` (e.g. :func:`cpanalysis.participation` with
        ``level=["cycle"]``, or ``level="cycle"`` filtered to one community);
        ``parity_ci_low``/``parity_ci_high`` are drawn as error bars when present.
    parity : str, default "parity"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One line per subgroup (intervals as error bars when given) and the parity = 1 line.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.inclusion import plot_parity_cycles
    >>> t = pd.DataFrame({"cycle": [1, 2, 1, 2], "subgroup": ["girls", "girls", "men", "men"],
    ...                   "parity": [0.3, 0.6, 1.8, 1.4]})
    >>> len(plot_parity_cycles(t).get_lines()) >= 3
    True
    """
    _check("plot_parity_cycles", table, ["cycle", "subgroup", parity], table="table")
    if "community_id" in table.columns and table["community_id"].nunique() > 1:
        raise ValueError("plot_parity_cycles(): the table holds several communities; keep one or use "
                         "level=['cycle']")
    has_ci = {"parity_ci_low", "parity_ci_high"} <= set(table.columns) and parity == "parity"
    trends = []
    with style():
        ax = new_axes(ax, (6.0, 3.8))
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="parity = 1")
        for i, (name, rows) in enumerate(table.groupby("subgroup", sort=False)):
            rows = rows.sort_values("cycle")
            x = rows["cycle"].to_numpy(dtype=float)
            y = finite(rows[parity])
            line = dict(marker=MARKERS[i % len(MARKERS)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                        color=subgroup_colour(name), label=str(name))
            if has_ci:
                err = np.vstack([np.nan_to_num(y - finite(rows["parity_ci_low"])),
                                 np.nan_to_num(finite(rows["parity_ci_high"]) - y)])
                ax.errorbar(x, y, yerr=np.clip(err, 0, None), capsize=3, **line)
            else:
                ax.plot(x, y, **line)
            shown = [f"{v:.2f}" if np.isfinite(v) else "hidden" for v in y]
            trends.append(f"{name} {' then '.join(shown)}")
        ax.set_xticks(np.unique(table["cycle"].to_numpy(dtype=float)))
        ax.set_xlabel("planning cycle")
        ax.set_ylabel("voice parity (voice share / presence share)")
        legend_outside(ax, ncol=4)
    return describe(ax, f"Line chart of voice parity by planning cycle (1 = heard in proportion to presence): "
                        f"{join_words(trends)}.")
