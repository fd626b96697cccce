"""The measures on the bundled sample programme, and the docstring examples."""

from __future__ import annotations

import doctest
import importlib

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from inequality.gini import Gini  # noqa: E402

import cpanalysis  # noqa: E402
from cpanalysis.inclusion import (individual_speaking, participation, planning_group_composition,  # noqa: E402
                                      speaking_concentration, suppress_small, suppression_report)

MODULES = ["measures", "concentration", "suppression", "plots", "_example"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"cpanalysis.inclusion.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and (result.attempted > 0 or name == "_example")


@pytest.fixture(scope="module")
def sample():
    try:
        path = cpanalysis.sample_path()
    except FileNotFoundError:
        pytest.skip("the sample programme is not there yet")
    return cpanalysis.load(path)


@pytest.mark.parametrize("level", ["session", "community", "cycle", "programme"])
def test_sample_all_levels(sample, level):
    t = participation(sample, level=level, n_boot=99, seed=1)
    keys = list(t.columns[: t.columns.get_loc("subgroup")])
    sums = t.groupby(keys)["presence_share"].sum() if keys else t["presence_share"].sum()
    assert np.allclose(sums, 1.0)
    assert t["parity"].notna().any()
    s = suppress_small(t)
    assert len(suppression_report(s)) == s.attrs["suppression"]["n_hidden"]


def test_sample_concentration_against_pysal_per_session(sample):
    # the slow way: one Python loop over sessions, calling PySAL's Gini for each
    c = speaking_concentration(sample, level="session")
    ind = individual_speaking(sample, level="session")
    expected = {}
    for sid, rows in ind.groupby("session_id"):
        x = rows["turns"].to_numpy(dtype=float)
        expected[sid] = Gini(x).g if x.sum() > 0 else np.nan
    got = c.set_index("session_id")["gini"]
    for sid, value in expected.items():
        if np.isnan(value):
            assert np.isnan(got[sid])
        else:
            assert got[sid] == pytest.approx(value, rel=1e-9)


def test_sample_intersections_and_planning(sample):
    t = participation(sample, subgroup=["gender", "age_group", "elite"], n_boot=0)
    assert t["subgroup"].str.count(r"\|").eq(2).all()
    pg = planning_group_composition(sample)
    assert np.allclose(pg.groupby("community_id")["planning_share"].sum(), 1.0)
