"""Plots draw computed tables, return the Axes, and leave global matplotlib style alone."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cpanalysis.inclusion import (OKABE_ITO, example_dataset, lorenz_curve, plot_lorenz,  # noqa: E402
                                      plot_parity_cycles, plot_presence_voice, voice_parity)


def test_import_does_not_touch_rcparams():
    import importlib

    plots = importlib.import_module("cpanalysis.inclusion.plots")
    before = dict(matplotlib.rcParams)
    importlib.reload(plots)
    assert dict(matplotlib.rcParams) == before


def test_presence_voice_bars():
    fig, ax = plt.subplots()
    out = plot_presence_voice(voice_parity(example_dataset(), n_boot=0), ax=ax)
    assert out is ax
    texts = [t.get_text() for t in ax.texts]
    # men: voice 0.5 / presence 0.25 = parity 2; girls never spoke: parity 0
    assert "parity 2.00" in texts and "parity 0.00" in texts
    hatches = {p.get_hatch() for p in ax.patches}
    assert "//" in hatches and None in hatches  # presence hatched, voice plain: not colour alone
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["presence share", "voice share"]
    plt.close(fig)


def test_presence_voice_refuses_several_units():
    table = pd.concat([voice_parity(example_dataset(), n_boot=0)] * 2)
    with pytest.raises(ValueError, match="several units"):
        plot_presence_voice(table)
    plt.close("all")


def test_lorenz():
    fig, ax = plt.subplots()
    plot_lorenz(lorenz_curve([0, 1, 1, 2]), ax=ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["equality", "speaking (Gini 0.38)"]
    assert ax.get_lines()[0].get_xydata().tolist() == [[0, 0], [1, 1]]
    plt.close(fig)


def test_parity_cycles_markers_differ():
    t = pd.DataFrame({"cycle": [1, 2, 1, 2], "subgroup": ["girls", "girls", "men", "men"],
                      "parity": [0.3, 0.6, 1.8, 1.4], "parity_ci_low": [0.1, 0.4, 1.5, 1.1],
                      "parity_ci_high": [0.5, 0.8, 2.1, 1.7]})
    fig, ax = plt.subplots()
    assert plot_parity_cycles(t, ax=ax) is ax
    assert [c.get_label() for c in ax.containers] == ["girls", "men"]
    lines = [c.lines[0] for c in ax.containers]  # the data line of each error-bar container
    assert len({l.get_marker() for l in lines}) == 2
    assert any(l.get_ydata()[0] == 1.0 and l.get_label() == "parity = 1" for l in ax.get_lines())
    assert {l.get_color() for l in lines} <= {c.lower() for c in OKABE_ITO} | set(OKABE_ITO)
    plt.close(fig)
    with pytest.raises(ValueError, match="several communities"):
        plot_parity_cycles(t.assign(community_id=["a", "b", "a", "b"]))
    plt.close("all")
