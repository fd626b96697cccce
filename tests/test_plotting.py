"""Shared drawing helpers: no global style change, one colour per subgroup, SVG with alt text and
hover values, print-resolution PNG, hidden values marked, and labels that do not overlap."""

from __future__ import annotations

import importlib
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import cpanalysis  # noqa: E402
from cpanalysis import plotting  # noqa: E402
from cpanalysis.dominance.plots import plot_alignment, plot_counterfactual  # noqa: E402
from cpanalysis.inclusion import plots as inclusion_plots, safe_table  # noqa: E402
from cpanalysis.rankings import plots as ranking_plots  # noqa: E402


@pytest.fixture(scope="module")
def sim():
    return cpanalysis.simulate(2, seed=1, elite_influence=0.9)


def test_importing_and_drawing_never_change_rcparams(sim):
    before = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
    for module in (plotting, inclusion_plots, ranking_plots, importlib.import_module("cpanalysis.dominance.plots")):
        importlib.reload(module)
    ax = plot_alignment(cpanalysis.decision_alignment(sim), "C01")
    plotting.figure_to_svg(ax.figure, close=True)
    after = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
    assert after == before


def test_new_axes_never_draws_on_another_figure():
    fig, ax = plt.subplots()
    plt.sca(ax)
    fresh = plotting.new_axes()
    assert fresh.figure is not fig and plotting.new_axes(ax) is ax
    plt.close("all")


def test_one_colour_per_subgroup_everywhere(sim):
    part = cpanalysis.participation(sim, level="cycle", n_boot=0)
    ax = inclusion_plots.plot_parity_cycles(part[part["community_id"] == "C01"])
    colours = {c.get_label(): c.lines[0].get_color() for c in ax.containers}
    assert colours == {g: plotting.SUBGROUP_COLOURS[g] for g in colours}
    # an unlisted name always gets the same colour, whatever the chart's order
    assert plotting.subgroup_colour("female|child|elite") == plotting.subgroup_colour("female|child|elite")
    assert plotting.subgroup_colour("female|child|elite") in plotting.OKABE_ITO
    # presence and voice keep their colours: the bars of the library are the measure colours
    ax2 = inclusion_plots.plot_presence_voice(cpanalysis.voice_parity(sim, level="community", n_boot=0)
                                              .query("community_id == 'C01'"))
    faces = {matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in ax2.patches}
    assert faces == {plotting.MEASURE_COLOURS["presence"], plotting.MEASURE_COLOURS["voice"]}
    plt.close("all")


def test_hidden_values_are_marked(sim):
    part = cpanalysis.participation(sim, n_boot=0)
    one = part[part["community_id"] == "C01"].copy()
    one.loc[one.index[0], "n_attendees"] = 2  # plant a small count: its shares must be hidden and marked
    ax = inclusion_plots.plot_presence_voice(safe_table(one, complementary=False))
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("hidden (fewer than 5)") == 1  # presence hidden; voice is tied to turns, still shown
    assert "parity n/a" in texts
    assert "hidden" in plotting.alt_text(ax)
    plt.close("all")


def test_svg_is_inline_scalable_with_alt_text_and_hover(sim):
    ax = plot_alignment(cpanalysis.decision_alignment(sim), "C01")
    svg = plotting.figure_to_svg(ax.figure, close=True)
    assert svg.startswith("<svg") and "<?xml" not in svg and "<metadata>" not in svg
    head = svg[: svg.index(">")]
    assert 'width="100%"' in head and "viewBox" in head and 'role="img"' in head and "height=" not in head
    title = re.search(r'<title id="([^"]+)-title">([^<]+)</title>', svg)
    assert title and f'aria-labelledby="{title.group(1)}-title {title.group(1)}-desc"' in head
    assert title.group(2).startswith("Bar chart of how closely C01")
    assert "<title>elites: alignment " in svg  # a hover value on each bar
    assert "<text" in svg  # text stays text: sharp at any zoom, and searchable
    assert not plt.get_fignums()  # close=True gave the figure back
    again = plot_alignment(cpanalysis.decision_alignment(sim), "C01")
    assert plotting.figure_to_svg(again.figure, close=True) == svg  # deterministic


def test_png_at_print_resolution_with_alt_text():
    ax = plotting.describe(plotting.new_axes(figsize=(3, 2)), "Three bars.")
    ax.bar([0, 1, 2], [1, 2, 3])
    png = plotting.figure_to_png(ax.figure, dpi=200, close=True)
    image = Image.open(io.BytesIO(png))
    assert image.info["Title"] == "Three bars."
    assert image.info["dpi"][0] == pytest.approx(200, abs=1)
    assert image.width > 3 * 200 * 0.6  # about 3 inches at 200 dpi (bbox tight trims a little)


def _boxes(ax):
    renderer = ax.figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]


def _overlaps(boxes):
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


def test_counterfactual_labels_and_legends_do_not_overlap(sim):
    labels = dict(zip(sim.harms["harm_id"], sim.harms["label"]))
    for community in ("C01", "C02"):
        ax = plot_counterfactual(cpanalysis.counterfactual_decisions(sim), community, labels=labels)
        ax.figure.canvas.draw()
        boxes = _boxes(ax)
        assert _overlaps(boxes) == []
        legend = ax.get_legend().get_window_extent()
        assert not any(legend.overlaps(b) for b in boxes)
        plt.close("all")
    ax = inclusion_plots.plot_presence_voice(cpanalysis.voice_parity(sim, level="community", n_boot=0)
                                             .query("community_id == 'C01'"))
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    bars_and_texts = _boxes(ax) + [p.get_window_extent() for p in ax.patches]
    assert not any(legend.overlaps(b) for b in bars_and_texts)
    plt.close("all")


def test_every_plot_has_a_specific_alt_text(sim):
    part = cpanalysis.participation(sim, n_boot=0)
    sub = cpanalysis.subgroup_rankings(sim, community_id="C01")
    charts = {
        "presence": inclusion_plots.plot_presence_voice(part[part["community_id"] == "C01"]),
        "lorenz": inclusion_plots.plot_lorenz(cpanalysis.lorenz_curve([0, 1, 1, 2])),
        "cycles": inclusion_plots.plot_parity_cycles(pd.DataFrame({"cycle": [1, 2], "subgroup": ["girls"] * 2,
                                                                   "parity": [0.5, np.nan]})),
        "heatmap": ranking_plots.plot_subgroup_heatmap(sub),
        "agreement": ranking_plots.plot_agreement_heatmap(cpanalysis.pairwise_agreement(sub)),
        "positions": ranking_plots.plot_bootstrap_positions(
            cpanalysis.bootstrap_rankings(sim.rankings[sim.rankings["community_id"] == "C01"], n_boot=20)),
        "alignment": plot_alignment(cpanalysis.decision_alignment(sim), "C01"),
        "counterfactual": plot_counterfactual(cpanalysis.counterfactual_decisions(sim), "C01"),
    }
    alts = {k: plotting.alt_text(ax) for k, ax in charts.items()}
    assert all(len(a) > 40 and not a.startswith("Chart:") for a in alts.values()), alts
    assert "Gini 0.38" in alts["lorenz"] and "girls 0.50 then hidden" in alts["cycles"]
    top = sub[sub["rank"] == 1].groupby("subgroup")["label"].first()
    assert all(f"{g}: {label}" in alts["heatmap"] for g, label in top.items())
    plt.close("all")
