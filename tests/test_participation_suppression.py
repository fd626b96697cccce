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


def _members(counts, community="C01", classes=("elite", "general", "marginalised")):
    counts = np.asarray(counts)
    return pd.DataFrame({"community_id": [community] * len(counts), "subgroup": list(classes)[:len(counts)],
                         "n_members": counts, "planning_share": counts / counts.sum()})


def test_complementary_when_the_total_is_a_share_not_a_column():
    # the hole measured on the sample (planning_group_inclusion by status, C01): elite 1 hidden,
    # general 9 with share 0.9, marginalised 0. 9 / 0.9 = 10 members, so elite = 10 - 9 - 0 = 1.
    s = suppress_small(_members([1, 9, 0]))
    assert s["n_members"].isna().tolist() == [True, True, False]
    assert s["planning_share"].isna().tolist() == [True, True, False]  # a zero share tells nothing
    report = suppression_report(s)
    assert report.loc[report["column"] == "n_members", "reason"].tolist() == [
        "n_members = 1 (< 5)", "complementary: the unit's total can be worked out from planning_share, so one "
        "hidden n_members alone could be recovered by subtraction"]
    # without a column giving the total away there is nothing to subtract from
    assert suppress_small(_members([1, 9, 0]).drop(columns="planning_share"))["n_members"].isna().tolist() == [
        True, False, False]


def test_complementary_hides_the_smallest_other_count_and_keeps_going_while_one_is_pinned():
    # 2 hidden, then the smallest shown (7, the first of the two 7s) rather than 20
    s = suppress_small(_members([2, 7, 20, 7], classes=("a", "b", "c", "d")))
    assert s["n_members"].isna().tolist() == [True, True, False, False]
    # two hidden 1s: their sum (2) pins both at 1, so a third count (6) is hidden as well
    s = suppress_small(_members([1, 1, 6, 30], classes=("a", "b", "c", "d")))
    assert s["n_members"].isna().tolist() == [True, True, True, False]
    # two hidden counts 3 and 4 of sum 7: not pinned, nothing more hidden
    s = suppress_small(_members([3, 4, 30], classes=("a", "b", "c")))
    assert s["n_members"].isna().tolist() == [True, True, False]


def test_complementary_works_unit_by_unit_with_any_class_column():
    # proposer classes of two communities: only C1 has a hidden count, C2 is left as it is
    t = pd.DataFrame({"community_id": ["C1", "C1", "C1", "C2", "C2"],
                      "proposer": ["elite", "general", "group", "elite", "general"],
                      "n_actions": [2, 6, 9, 6, 7]})
    t["action_share"] = t["n_actions"] / t.groupby("community_id")["n_actions"].transform("sum")
    s = suppress_small(t, counts=["n_actions"], tied={"n_actions": ("action_share",)})
    assert s["n_actions"].isna().tolist() == [True, True, False, False, False]
    # a table without a class column does not split into units: rows are suppressed one by one
    flat = t.drop(columns="proposer")
    assert suppress_small(flat, counts=["n_actions"])["n_actions"].isna().tolist() == [True] + [False] * 4


def test_a_unit_with_nothing_else_to_hide_hides_its_total():
    # 3 girls and no one else, and a caller that checks only the subgroups' counts: the total column
    # (3) would give them away, and no other count can be hidden, so the total column is hidden
    t = pd.DataFrame({"community_id": ["c1"] * 3, "subgroup": ["girls", "women", "boys"],
                      "n_attendees": [3, 0, 0], "n_attendees_unit": [3, 3, 3]})
    s = suppress_small(t, counts=["n_attendees"])
    assert s["n_attendees"].isna().tolist() == [True, False, False]
    assert s["n_attendees_unit"].isna().all()


def test_a_count_hidden_to_protect_another_hides_what_is_tied_to_it():
    # women's 12 attendances are hidden to protect the girls' 3; their attendances with individual
    # data (12 as well) would show the 12 again, and their silent attendees hide with them in turn
    t = small_table().assign(n_attendees_individual=[3, 12, 0], n_silent=[1, 6, 0], silence_rate=[1 / 3, 0.5, 0])
    s = suppress_small(t)
    for column in ("n_attendees", "n_attendees_individual", "n_silent", "silence_rate"):
        assert s[column].isna().tolist() == [True, True, False], column


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
