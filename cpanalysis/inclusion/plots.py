"""Plots of participation tables. Each takes an already computed table, accepts ``ax=None`` and
returns the Axes; nothing here computes a measure or changes matplotlib's global style.

Colours are from the Okabe-Ito palette (safe for the common colour-vision deficiencies), and
every reading is also carried by hatching, markers or text, never by colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["plot_presence_voice", "plot_lorenz", "plot_parity_cycles", "OKABE_ITO"]

#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
_LINESTYLES = ("-", "--", "-.", ":")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()  # a new figure: never draw over another plot's axes
    return ax


def _require(table: pd.DataFrame, columns, func: str) -> None:
    from ._common import _check

    _check(func, table, columns, table="table")


def plot_presence_voice(table: pd.DataFrame, *, voice: str = "voice_share_turns", ax=None):
    """Paired bars of presence share and voice share by subgroup, with parity written above.

    Parameters
    ----------
    table : DataFrame
        Rows of one unit from :func:`cpanalysis.participation` or :func:`voice_parity`, with
        ``subgroup``, ``presence_share`` and ``voice``.
    voice : str, default "voice_share_turns"
        The voice column (``"voice_share_time"`` for time).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cpanalysis.inclusion import example_dataset, voice_parity, plot_presence_voice
    >>> ax = plot_presence_voice(voice_parity(example_dataset(), n_boot=0))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['girls', 'women', 'men', 'elders']
    """
    _require(table, ["subgroup", "presence_share", voice], "plot_presence_voice")
    ax = _axes(ax)
    labels = table["subgroup"].astype(str).tolist()
    if len(set(labels)) != len(labels):
        raise ValueError("plot_presence_voice(): the table holds several units; keep the rows of one")
    x = np.arange(len(labels))
    presence = pd.to_numeric(table["presence_share"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    speech = pd.to_numeric(table[voice], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    width = 0.38
    ax.bar(x - width / 2, np.nan_to_num(presence), width, label="presence share", color=OKABE_ITO[0],
           hatch="//", edgecolor="black", linewidth=0.6)
    ax.bar(x + width / 2, np.nan_to_num(speech), width, label="voice share", color=OKABE_ITO[4],
           edgecolor="black", linewidth=0.6)
    top = np.nanmax(np.concatenate([presence, speech, [0.0]]))
    for xi, p, v in zip(x, presence, speech):
        text = "parity n/a" if not (p > 0) or np.isnan(v) else f"parity {v / p:.2f}"
        ax.text(xi, max(np.nan_to_num(p), np.nan_to_num(v)) + 0.02 * max(top, 0.1), text, ha="center",
                va="bottom", fontsize="small")
    ax.set_xticks(x)
    ax.set_xticklabels(labels)
    ax.set_ylabel("share")
    ax.set_ylim(0, max(top, 0.1) * 1.2)
    ax.legend(loc="upper right", frameon=False)
    ax.set_title("Presence and voice by subgroup")
    return ax


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

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cpanalysis.inclusion import lorenz_curve, plot_lorenz
    >>> ax = plot_lorenz(lorenz_curve([0, 1, 1, 2]))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['equality', 'speaking (Gini 0.38)']
    """
    _require(table, ["population_share", "speaking_share"], "plot_lorenz")
    ax = _axes(ax)
    if gini is None:
        gini = table.attrs.get("gini", np.nan)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equality")
    text = f"{label} (Gini {gini:.2f})" if gini is not None and np.isfinite(gini) else f"{label} (Gini n/a)"
    ax.plot(table["population_share"], table["speaking_share"], marker="o", markersize=3,
            color=OKABE_ITO[5], label=text)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("share of attendees (least talkative first)")
    ax.set_ylabel("share of turns")
    ax.legend(loc="upper left", frameon=False)
    return ax


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

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from cpanalysis.inclusion import plot_parity_cycles
    >>> t = pd.DataFrame({"cycle": [1, 2, 1, 2], "subgroup": ["girls", "girls", "men", "men"],
    ...                   "parity": [0.3, 0.6, 1.8, 1.4]})
    >>> len(plot_parity_cycles(t).get_lines()) >= 3
    True
    """
    _require(table, ["cycle", "subgroup", parity], "plot_parity_cycles")
    ax = _axes(ax)
    if "community_id" in table.columns and table["community_id"].nunique() > 1:
        raise ValueError("plot_parity_cycles(): the table holds several communities; keep one or use "
                         "level=['cycle']")
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="parity = 1")
    has_ci = {"parity_ci_low", "parity_ci_high"} <= set(table.columns) and parity == "parity"
    for i, (name, rows) in enumerate(table.groupby("subgroup", sort=False)):
        rows = rows.sort_values("cycle")
        x = rows["cycle"].to_numpy(dtype=float)
        y = pd.to_numeric(rows[parity], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        style = dict(marker=_MARKERS[i % len(_MARKERS)], linestyle=_LINESTYLES[i % len(_LINESTYLES)],
                     color=OKABE_ITO[i % len(OKABE_ITO)], label=str(name))
        if has_ci:
            lo = pd.to_numeric(rows["parity_ci_low"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            hi = pd.to_numeric(rows["parity_ci_high"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            err = np.vstack([np.nan_to_num(y - lo), np.nan_to_num(hi - y)])
            ax.errorbar(x, y, yerr=np.clip(err, 0, None), capsize=3, **style)
        else:
            ax.plot(x, y, **style)
    cycles = np.unique(table["cycle"].to_numpy(dtype=float))
    ax.set_xticks(cycles)
    ax.set_xlabel("planning cycle")
    ax.set_ylabel("voice parity (voice share / presence share)")
    ax.legend(frameon=False, fontsize="small")
    return ax
