"""Small-cell suppression: what is hidden, what is tied to it, and the record of it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpanalysis.inclusion import (TIED_COLUMNS, example_dataset, participation, speaking_concentration,
                                      suppress_small, suppression_report)


def small_table():
    # one unit, three subgroups: 3 girls (small), 12 women, 0 boys
    return pd.DataFrame({
        "community_id": ["c1"] * 3, "subgroup": ["girls", "women", "boys"],
        "n_attendees": [3, 12, 0], "n_attendees_unit": [15, 15, 15],
        "presence_share": [0.2, 0.8, 0.0], "parity": [0.5, 1.1, np.nan], "note": ["", "", ""],
    })


def test_hides_small_counts_and_their_dependents():
    s = suppress_small(small_table(), complementary=False)
    assert s["n_attendees"].isna().tolist() == [True, False, False]
    assert s["presence_share"].isna().tolist() == [True, False, False]
    assert s["parity"].isna().tolist() == [True, False, True]  # boys' NaN was already missing
    assert s["n_attendees"].dtype == "Int64"
    # zeros are shown by default, hidden on request
    assert s.loc[2, "n_attendees"] == 0
    z = suppress_small(small_table(), suppress_zero=True, complementary=False)
    assert pd.isna(z.loc[2, "n_attendees"])
    # the input is not changed
    assert small_table().equals(small_table()) and suppress_small(small_table()) is not None


def test_report_lists_every_hidden_cell():
    s = suppress_small(small_table(), complementary=False)
    report = suppression_report(s)
    assert list(report.columns) == ["row", "community_id", "subgroup", "column", "reason"]
    assert report["column"].tolist() == ["n_attendees", "presence_share", "parity"]
    assert report["reason"].iloc[0] == "n_attendees = 3 (< 5)"
    assert report["reason"].iloc[1] == "computed from n_attendees"
    assert s.attrs["suppression"]["n_hidden"] == 3 and s.attrs["suppression"]["threshold"] == 5
    with pytest.raises(ValueError, match="suppress_small"):
        suppression_report(small_table())


def test_complementary_suppression():
    # girls 3 (hidden) + women 12 = 15 shown as the unit total: girls = 15 - 12 could be recovered,
    # so the smallest other non-zero count (women, 12) is hidden too
    s = suppress_small(small_table())
    assert s["n_attendees"].isna().tolist() == [True, True, False]
    reasons = suppression_report(s)
    assert reasons["reason"].str.startswith("complementary").sum() == 1


def test_threshold_and_marker():
    s = suppress_small(small_table(), threshold=13, marker="<13", complementary=False)
    assert s["n_attendees"].tolist() == ["<13", "<13", 0]
    assert s["presence_share"].tolist() == ["<13", "<13", 0.0]
    lowered = suppress_small(small_table(), threshold=1, allow_small_counts=True)
    assert lowered["n_attendees"].tolist() == [3, 12, 0]


def test_every_count_column_of_the_measures_is_tied():
    t = participation(example_dataset(), n_boot=0)
    s = suppress_small(t)
    # four attendees in all: every share and count of people is hidden, keys and notes stay
    assert s["presence_share"].isna().all() and s["parity"].isna().all() and s["silence_rate"].isna().all()
    assert s["subgroup"].notna().all() and s["note"].notna().all()
    counted = [c for c in t.columns if c.startswith("n_") and c not in ("n_harms_proposed", "n_harms_adopted")]
    assert set(counted) <= set(TIED_COLUMNS) | {"n_turns_timed", "n_interruptions_recorded"}
    c = suppress_small(speaking_concentration(example_dataset()))
    assert pd.isna(c["gini"].iloc[0]) and pd.isna(c["n_individuals"].iloc[0])


def test_custom_tie_mapping():
    t = pd.DataFrame({"n": [2, 9], "rate": [0.5, 0.1]})
    s = suppress_small(t, counts=["n"], tied={"n": ["rate"]})
    assert s["rate"].isna().tolist() == [True, False]
    with pytest.raises(ValueError, match=r"suppress_small\(\): column 'm' is missing"):
        suppress_small(t, counts=["m"])
