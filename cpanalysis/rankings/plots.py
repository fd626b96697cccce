"""Plots of harm-ranking results (matplotlib; results are computed elsewhere).

Each function takes an already computed table, draws on ``ax`` (a new figure when None) and
returns the Axes, through :mod:`cpanalysis.plotting` (one style; a one-line description for
:func:`cpanalysis.plotting.alt_text`). Nothing here changes matplotlib's global style. Numbers are
written in the cells, so reading a heatmap never relies on colour alone; the default colormaps
(cividis, viridis) are colour-blind safe. A hidden (suppressed) cell says so.
"""

from __future__ import annotations

from typing import Any

import textwrap

import numpy as np
import pandas as pd

from ..plotting import describe, hover, join_words, legend_outside, new_axes, style
from .convert import check_columns
from .core import subgroup_matrix

__all__ = ["plot_subgroup_heatmap", "plot_agreement_heatmap", "plot_bootstrap_positions"]

_WRAP = 28  # characters per line of a harm's label


def _annotated_heatmap(ax, values: np.ndarray, rows, cols, cmap, fmt, vmin, vmax, cbar_label, hidden=""):
    im = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(np.arange(len(cols)), labels=[str(c) for c in cols], rotation=45, ha="right")
    ax.set_yticks(np.arange(len(rows)), labels=[str(r) for r in rows])
    norm = im.norm
    cm = im.cmap
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if np.isnan(v):
                text, colour = hidden, "black"
            else:
                r, g, b, _ = cm(norm(v))
                light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
                text, colour = format(v, fmt), "black" if light else "white"
            hover(ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=9),
                  f"{rows[i]}, {cols[j]}: {text or 'none'}")
    ax.figure.colorbar(im, ax=ax, label=cbar_label)
    return ax


def plot_subgroup_heatmap(
    table: pd.DataFrame,
    *,
    value: str = "rank",
    item: str = "harm_id",
    subgroup: str = "subgroup",
    label: str | None = "label",
    cmap: str = "cividis_r",
    ax: Any = None,
) -> Any:
    """Heatmap of the harm x subgroup ranking table, each cell annotated with its value.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cpanalysis.rankings.subgroup_rankings` for one community/session.
    value : str
        ``"rank"`` (default; 1 = most important, darkest with ``cividis_r``) or ``"score"``.
    item, subgroup : str
        Column names.
    label : str or None
        Column with harm labels used for the row names when present.
    cmap : str
        A colour-blind safe colormap (default ``"cividis_r"``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The heatmap, every cell written (hidden cells say so), with a colour bar.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"subgroup": ["girls", "girls", "men", "men"],
    ...                   "harm_id": ["school", "marriage"] * 2, "rank": [2, 1, 1, 2]})
    >>> ax = plot_subgroup_heatmap(t)
    """
    check_columns("plot_subgroup_heatmap", table, [item, subgroup, value])
    wide = subgroup_matrix(table, value=value, item=item, subgroup=subgroup)
    # a group whose ranking is hidden keeps its column (marked hidden), so the chart says it was there
    items = list(wide.index) + [i for i in pd.unique(table[item]) if i not in set(wide.index)]
    wide = wide.reindex(index=items, columns=list(pd.unique(table[subgroup])))
    rows = list(wide.index)
    if label is not None and label in table.columns:
        labels = table.drop_duplicates(item).set_index(item)[label]
        rows = [labels.get(r, r) for r in rows]
    rows = [textwrap.fill(str(r), _WRAP) for r in rows]
    vals = wide.to_numpy(dtype=float)
    fmt = "g" if value == "rank" else ".2f"
    hidden = "hidden" if "suppression" in table.attrs else ""
    with style():
        longest = max([len(line) for r in rows for line in r.split("\n")] + [4])
        ax = new_axes(ax, (2.2 + 0.075 * longest + 0.8 * wide.shape[1], 1.6 + 0.5 * wide.shape[0]))
        _annotated_heatmap(ax, vals, rows, list(wide.columns), cmap, fmt, None, None, value, hidden)
        ax.set_xlabel(subgroup)
        ax.set_ylabel(item)
        ax.set_title(f"Harm {value} by {subgroup}" + (" (1 = most important)" if value == "rank" else ""))
    tops = []
    for j, group in enumerate(wide.columns):
        column = vals[:, j]
        if np.isnan(column).all():
            tops.append(f"{group}: hidden")
        else:
            best = np.nanmin(column) if value == "rank" else np.nanmax(column)
            tops.append(f"{group}: {' / '.join(str(rows[i]) for i in np.flatnonzero(column == best))}")
    return describe(ax, f"Heatmap of each harm's {value} for each {subgroup}; first choice of "
                        f"{join_words(tops)}.")


def plot_agreement_heatmap(
    agreement: pd.DataFrame,
    *,
    stat: str = "tau_b",
    cmap: str = "viridis",
    ax: Any = None,
) -> Any:
    """Symmetric heatmap of a pairwise agreement statistic between subgroups.

    Parameters
    ----------
    agreement : DataFrame
        Output of :func:`cpanalysis.rankings.pairwise_agreement` (one community).
    stat : str
        ``"tau_b"`` (range -1..1), ``"kendall_distance"`` or ``"topk_overlap"`` (0..1).
    cmap : str
        Colour-blind safe colormap (default ``"viridis"``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The symmetric heatmap with every cell written and a colour bar.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"group_a": ["girls"], "group_b": ["men"], "tau_b": [-0.5]})
    >>> ax = plot_agreement_heatmap(a)
    """
    check_columns("plot_agreement_heatmap", agreement, ["group_a", "group_b", stat])
    groups = sorted(set(agreement["group_a"]) | set(agreement["group_b"]), key=str)
    idx = {g: i for i, g in enumerate(groups)}
    mat = np.full((len(groups), len(groups)), np.nan)
    diag = {"tau_b": 1.0, "kendall_distance": 0.0, "topk_overlap": 1.0}.get(stat, np.nan)
    np.fill_diagonal(mat, diag)
    for a, b, v in zip(agreement["group_a"], agreement["group_b"], agreement[stat]):
        mat[idx[a], idx[b]] = mat[idx[b], idx[a]] = v
    vmin, vmax = (-1.0, 1.0) if stat == "tau_b" else (0.0, 1.0)
    with style():
        ax = new_axes(ax, (2.6 + 0.8 * len(groups), 1.6 + 0.7 * len(groups)))
        _annotated_heatmap(ax, mat, groups, groups, cmap, ".2f", vmin, vmax, stat)
        ax.set_title(f"Agreement between subgroups ({stat})")
    pairs = [f"{a} and {b} {v:.2f}" for a, b, v in zip(agreement["group_a"], agreement["group_b"], agreement[stat])
             if pd.notna(v)]
    return describe(ax, f"Heatmap of the agreement ({stat}) between the rankings of {len(groups)} subgroups: "
                        f"{join_words(pairs)}.")


def plot_bootstrap_positions(
    boot: pd.DataFrame,
    *,
    item: str = "harm_id",
    label: str | None = None,
    ax: Any = None,
) -> Any:
    """Bootstrap position intervals per harm, with the probability of being first.

    Parameters
    ----------
    boot : DataFrame
        Output of :func:`cpanalysis.rankings.bootstrap_rankings`.
    item : str
        Item column.
    label : str, optional
        Column of labels for the harms.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One interval per harm, its median and full-data position, and P(first).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"harm_id": ["x", "y"], "position": [1, 2], "p_first": [0.8, 0.2],
    ...                   "position_median": [1, 2], "position_low": [1, 1],
    ...                   "position_high": [2, 2]})
    >>> ax = plot_bootstrap_positions(b)
    """
    need = [item, "position", "p_first", "position_median", "position_low", "position_high"]
    check_columns("plot_bootstrap_positions", boot, need)
    b = boot.reset_index(drop=True)
    names = b[label] if label is not None and label in b.columns else b[item]
    y = np.arange(len(b))
    n = int(max(b["position_high"].max(), b["position"].max()))
    with style():
        ax = new_axes(ax, (6.0, 1.2 + 0.45 * len(b)))
        ax.hlines(y, b["position_low"], b["position_high"], color="0.35", linewidth=3)
        ax.plot(b["position_median"], y, "o", color="black", label="median position")
        ax.plot(b["position"], y, "D", mfc="white", mec="black", label="full-data position")
        for yi, (hi, p) in enumerate(zip(b["position_high"], b["p_first"])):
            ax.text(hi + 0.3, yi, f"P(first) = {p:.2f}", va="center", fontsize=8)
        ax.set_yticks(y, labels=[str(n) for n in names])
        ax.invert_yaxis()
        ax.set_xlabel("position (1 = most important)")
        ax.set_xlim(0.5, n + 2.2)
        legend_outside(ax)
        ax.set_title("Bootstrap position intervals", pad=22)
    first = b.sort_values("p_first", ascending=False).iloc[0] if len(b) else None
    lead = "" if first is None else (f"; {names.iloc[first.name]} is first in "
                                     f"{100 * first['p_first']:.0f}% of the resamples")
    return describe(ax, f"Interval chart of each of {len(b)} harms' position over bootstrap resamples "
                        f"of the rankers{lead}.")
