"""Plots of the elite-dominance results (matplotlib only; they draw computed tables).

Colour-blind-safe (Okabe-Ito colours) and never relying on colour alone: elites are hatched
and labelled; the actual and counterfactual decisions are two labelled columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["plot_alignment", "plot_counterfactual"]

_ELITE_COLOUR, _OTHER_COLOUR = "#D55E00", "#0072B2"


def plot_alignment(alignment: pd.DataFrame, community_id, *, ax=None):
    """Bars of the decision's alignment with each unit of one community.

    Parameters
    ----------
    alignment : DataFrame
        Output of :func:`cpanalysis.decision_alignment`.
    community_id : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.dominance.plots import plot_alignment
    >>> data = cpanalysis.simulate(1, seed=1, elite_influence=0.9)
    >>> ax = plot_alignment(cpanalysis.decision_alignment(data), "C01")
    >>> float(ax.get_xlim()[1])
    1.0
    """
    import matplotlib.pyplot as plt

    part = alignment[alignment["community_id"] == community_id]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * max(len(part), 1)))
    y = np.arange(len(part))[::-1]
    for yi, r in zip(y, part.itertuples()):
        elite = bool(r.is_elite)
        ax.barh(yi, r.alignment, color=_ELITE_COLOUR if elite else _OTHER_COLOUR,
                hatch="///" if elite else None, edgecolor="black", linewidth=0.6)
        ax.text(min(r.alignment + 0.01, 0.9), yi, f"{r.alignment:.2f}", va="center", fontsize=8)
    ax.set_yticks(y, [f"{u} (elite)" if e else str(u) for u, e in zip(part["unit"], part["is_elite"])])
    ax.set_xlim(0, 1)
    ax.set_xlabel("alignment of the decision with the group's rankings (0 = opposite, 1 = same)")
    ax.set_title(f"{community_id}: whose priorities does the decision follow?")
    return ax


def plot_counterfactual(counterfactual: pd.DataFrame, community_id, *, labels: dict | None = None, ax=None):
    """The actual decision next to the non-elite counterfactual: two columns of harm labels joined
    by lines (solid where a harm is in both, dashed otherwise).

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

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.dominance.plots import plot_counterfactual
    >>> data = cpanalysis.simulate(1, seed=1, elite_influence=0.9)
    >>> ax = plot_counterfactual(cpanalysis.counterfactual_decisions(data), "C01")
    >>> ax.get_title().startswith("C01")
    True
    """
    import matplotlib.pyplot as plt

    labels = labels or {}
    part = counterfactual[counterfactual["community_id"] == community_id]
    actual = part[part["actual_priority"].notna()].sort_values("actual_priority")
    cf = part[part["in_counterfactual"]].sort_values(["counterfactual_position", "harm_id"])
    n = max(len(actual), len(cf), 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.2 + 0.6 * n))
    lab = lambda h: labels.get(h, h)  # noqa: E731
    ya = {h: n - i for i, h in enumerate(actual["harm_id"])}
    yc = {h: n - i for i, h in enumerate(cf["harm_id"])}
    for h, y in ya.items():
        ax.text(0.0, y, f"{n + 1 - y}. {lab(h)}", ha="right", va="center", fontsize=9)
    for h, y in yc.items():
        ax.text(1.0, y, f"{lab(h)} ({int(part.loc[part['harm_id'] == h, 'counterfactual_position'].iloc[0])})",
                ha="left", va="center", fontsize=9)
    for h in ya:
        if h in yc:
            ax.plot([0.02, 0.98], [ya[h], yc[h]], color="black", lw=1.5)
        else:
            ax.plot([0.02, 0.3], [ya[h], ya[h]], color=_ELITE_COLOUR, lw=1.5, ls="--")
            ax.text(0.32, ya[h], "not in the counterfactual", va="center", fontsize=8)
    ax.text(0.0, n + 0.8, "actual decision", ha="right", fontweight="bold")
    ax.text(1.0, n + 0.8, "non-elite groups alone", ha="left", fontweight="bold")
    ax.set_xlim(-1.2, 2.2)
    ax.set_ylim(0.3, n + 1.3)
    ax.axis("off")
    ax.set_title(f"{community_id}: the decision and what the non-elite groups' rankings alone would give")
    return ax
