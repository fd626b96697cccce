"""Plots: draw on a given Axes, annotate every cell, leave global style alone."""

import importlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from cpanalysis.rankings import bootstrap_rankings, pairwise_agreement, subgroup_rankings  # noqa: E402


def _table():
    return pd.DataFrame({
        "ranker": ["girls"] * 3 + ["boys"] * 3 + ["men"] * 3,
        "harm_id": ["school", "pregnancy", "marriage"] * 3,
        "rank": [2, 1, 3, 1, 2, 3, 1, 3, 2],
    })


def test_import_does_not_change_rcparams():
    before = dict(matplotlib.rcParams)
    import cpanalysis.rankings.plots as plots

    importlib.reload(plots)
    assert dict(matplotlib.rcParams) == before


def test_heatmaps_and_intervals_return_axes_with_annotations():
    from cpanalysis.rankings.plots import (plot_agreement_heatmap, plot_bootstrap_positions,
                                           plot_subgroup_heatmap)

    sub = subgroup_rankings(_table())
    fig, ax = plt.subplots()
    out = plot_subgroup_heatmap(sub, ax=ax)
    assert out is ax
    assert len(ax.texts) == 9  # 3 harms x 3 subgroups, every cell annotated
    ax2 = plot_agreement_heatmap(pairwise_agreement(sub))
    assert len(ax2.texts) == 9
    ax3 = plot_bootstrap_positions(bootstrap_rankings(_table(), n_boot=50, seed=0))
    assert [t.get_text() for t in ax3.get_yticklabels()][0] in {"school", "pregnancy"}
    plt.close("all")
