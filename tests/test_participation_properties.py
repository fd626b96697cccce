"""Properties every participation measure must have, on random small datasets (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_participation_helpers import PEOPLE, T, make_data

from cpanalysis.inclusion import gini, participation, speaking_concentration, theil

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEVELS = ["session", "community", "cycle", "programme"]


@st.composite
def datasets(draw):
    n_sessions = draw(st.integers(1, 3))
    sessions = [(f"s{k}", "c1" if k % 2 == 0 else "c2", 1 + k // 2, "community_meeting") for k in range(n_sessions)]
    people = list(PEOPLE)
    att, turns = [], []
    for sid, *_ in sessions:
        present = draw(st.lists(st.sampled_from(people), min_size=1, max_size=8, unique=True))
        att += [(sid, p) for p in present]
        for _ in range(draw(st.integers(0, 12))):
            who = draw(st.sampled_from(present))
            dur = draw(st.one_of(st.none(), st.floats(0, 120, allow_nan=False)))
            kind = draw(st.sampled_from(["proposal", "other", "support"]))
            harm = draw(st.sampled_from(["h1", "h2", "h3"])) if kind == "proposal" else None
            turns.append(T(sid, who, dur, kind, harm, draw(st.booleans())))
    decisions = [("c1", "s0", "h1", 1)]
    return make_data(att, turns, sessions=sessions, decisions=decisions)


def _sum_by_unit(table, column):
    keys = list(table.columns[: table.columns.get_loc("subgroup")])
    values = table[column]
    return values.groupby([table[k] for k in keys]).sum() if keys else pd.Series([values.sum()])


@SETTINGS
@given(data=datasets(), level=st.sampled_from(LEVELS))
def test_shares_sum_to_one(data, level):
    t = participation(data, level=level, n_boot=0)
    assert np.allclose(_sum_by_unit(t, "presence_share"), 1.0)
    keys = list(t.columns[: t.columns.get_loc("subgroup")])
    spoke = t.groupby(keys)["n_turns"].transform("sum") > 0 if keys else t["n_turns"].sum() > 0
    voice = t[spoke] if keys else (t if spoke else t.iloc[0:0])
    if len(voice):
        assert np.allclose(_sum_by_unit(voice, "voice_share_turns"), 1.0)
    proposals = t.groupby(keys)["n_proposals"].transform("sum") > 0 if keys else \
        pd.Series(t["n_proposals"].sum() > 0, index=t.index)
    if proposals.any():
        assert np.allclose(_sum_by_unit(t[proposals], "proposal_share"), 1.0)
    for column in ("silence_rate", "interruptions_per_turn", "uptake"):
        values = t[column].dropna()
        assert ((values >= 0) & (values <= 1)).all()


@SETTINGS
@given(data=datasets(), level=st.sampled_from(LEVELS))
def test_gini_and_theil_bounds(data, level):
    c = speaking_concentration(data, level=level)
    ok = c["gini"].notna()
    assert ((c.loc[ok, "gini"] >= 0) & (c.loc[ok, "gini"] <= 1)).all()
    assert ((c.loc[ok, "gini_sample"].dropna() >= 0) & (c.loc[ok, "gini_sample"].dropna() <= 1 + 1e-12)).all()
    assert (c.loc[ok, "theil"] >= -1e-12).all()
    assert (c.loc[ok, "theil"] <= np.log(c.loc[ok, "n_individuals"]) + 1e-12).all()
    assert (c.loc[ok, "theil_between"] >= -1e-12).all() and (c.loc[ok, "theil_within"] >= -1e-12).all()


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_gini_in_unit_interval_and_scale_free(values):
    g = gini(values)
    if sum(values) == 0:
        assert np.isnan(g)
        return
    assert 0 <= g <= 1
    assert gini([3.5 * v for v in values]) == pytest.approx(g, abs=1e-9)
    t = theil(values)
    assert -1e-12 <= t["total"] <= np.log(len(values)) + 1e-9


def _shuffled(data, seed):
    rng = np.random.default_rng(seed)
    tables = {}
    for name, frame in data.tables.items():
        tables[name] = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return tables


def _sorted(table):
    keys = list(table.columns[: table.columns.get_loc("subgroup") + 1])
    return table.sort_values(keys, ignore_index=True)


@SETTINGS
@given(data=datasets(), level=st.sampled_from(LEVELS), seed=st.integers(0, 1000))
def test_shuffling_rows_changes_nothing(data, level, seed):
    base = participation(data.tables, level=level, n_boot=0)
    shuffled = participation(_shuffled(data, seed), level=level, n_boot=0)
    pd.testing.assert_frame_equal(_sorted(base), _sorted(shuffled), check_exact=False, rtol=1e-12)
    c1 = speaking_concentration(data.tables, level=level)
    c2 = speaking_concentration(_shuffled(data, seed), level=level)
    pd.testing.assert_frame_equal(c1, c2, check_exact=False, rtol=1e-12)


@SETTINGS
@given(data=datasets(), level=st.sampled_from(LEVELS), factor=st.floats(0.01, 100))
def test_scaling_durations_leaves_parity_unchanged(data, level, factor):
    tables = dict(data.tables)
    turns = tables["turns"].copy()
    turns["duration_s"] = turns["duration_s"] * factor
    tables["turns"] = turns
    a = participation(data.tables, level=level, n_boot=0)
    b = participation(tables, level=level, n_boot=0)
    for column in ("parity", "parity_time", "voice_share_time"):
        pd.testing.assert_series_equal(a[column], b[column], check_exact=False, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(data=datasets(), level=st.sampled_from(LEVELS), perm=st.permutations(["x", "y", "z", "w"]))
def test_relabelling_subgroups_relabels_the_result(data, level, perm):
    by_gender_age = {"girls": "x", "boys": "y", "women": "z", "men": "w", "elders": "z"}
    rename = dict(zip(["x", "y", "z", "w"], perm))
    tables = dict(data.tables)
    people = tables["participants"].copy()
    people["grp"] = people["subgroup"].map(by_gender_age)
    tables["participants"] = people
    relabelled = dict(tables)
    people2 = people.copy()
    people2["grp"] = people2["grp"].map(rename)
    relabelled["participants"] = people2
    a = participation(tables, level=level, subgroup="grp", n_boot=0)
    b = participation(relabelled, level=level, subgroup="grp", n_boot=0)
    a["subgroup"] = a["subgroup"].map(rename).astype("string")
    pd.testing.assert_frame_equal(_sorted(a), _sorted(b), check_exact=False, rtol=1e-12)
    ca = speaking_concentration(tables, level=level, subgroup="grp")
    cb = speaking_concentration(relabelled, level=level, subgroup="grp")
    pd.testing.assert_frame_equal(ca, cb, check_exact=False, rtol=1e-12)
