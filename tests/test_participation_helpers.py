"""Builders of small hand-made datasets for the participation tests (plus a check of the builder).

Other tests import ``make_data`` from here (pytest puts tests/ on sys.path: no __init__.py).
"""

from __future__ import annotations

import pandas as pd

import cpanalysis

#: participant_id -> (gender, age_group, elite, marginalised); default subgroups in comments.
PEOPLE = {
    "p1": ("female", "child", False, False),   # girls
    "p2": ("male", "adult", True, False),      # men, elite
    "p3": ("female", "adult", False, False),   # women
    "p4": ("male", "elder", False, False),     # elders
    "p5": ("male", "child", False, False),     # boys
    "p6": ("female", "adult", False, True),    # women, marginalised
    "p7": ("female", "child", False, False),   # girls
    "p8": ("male", "adult", False, False),     # men
}


def make_data(attendance=None, turns=None, *, sessions=None, counts=None, population=None, decisions=None,
              people=None, turn_columns=("duration_s", "kind", "harm_id", "interrupted")):
    """A Dataset from short lists.

    attendance: list of (session_id, participant_id); turns: list of tuples
    (session_id, participant_id or None, subgroup or None, duration, kind, harm_id, interrupted);
    sessions: list of (session_id, community_id, cycle, format); counts: list of
    (session_id, subgroup, count).
    """
    people = PEOPLE if people is None else people
    sessions = sessions or [("s1", "c1", 1, "community_meeting")]
    communities = sorted({s[1] for s in sessions})
    tables = {
        "communities": pd.DataFrame({"community_id": communities, "name": communities}),
        "harms": pd.DataFrame({"harm_id": ["h1", "h2", "h3"], "label": ["a", "b", "c"]}),
        "sessions": pd.DataFrame({
            "session_id": [s[0] for s in sessions], "community_id": [s[1] for s in sessions],
            "date": ["2024-01-01"] * len(sessions), "cycle": [s[2] for s in sessions],
            "format": [s[3] for s in sessions]}),
        "rankings": pd.DataFrame({"session_id": [sessions[0][0]], "ranker": ["girls"], "harm_id": ["h1"],
                                  "rank": [1]}),
        "decisions": pd.DataFrame(decisions or [], columns=["community_id", "session_id", "harm_id", "priority"]),
    }
    if people:
        ids = list(people)
        comm_of = {pid: communities[0] for pid in ids}
        tables["participants"] = pd.DataFrame({
            "participant_id": ids, "community_id": [comm_of[p] for p in ids],
            "gender": [people[p][0] for p in ids], "age_group": [people[p][1] for p in ids],
            "elite": [people[p][2] for p in ids], "marginalised": [people[p][3] for p in ids]})
    if attendance is not None:
        tables["attendance"] = pd.DataFrame(attendance, columns=["session_id", "participant_id"])
    if counts is not None:
        tables["attendance_counts"] = pd.DataFrame(counts, columns=["session_id", "subgroup", "count"])
    if turns is not None:
        rows = []
        number = {}
        for sid, pid, sub, dur, kind, harm, interrupted in turns:
            number[sid] = number.get(sid, 0) + 1
            rows.append({"session_id": sid, "turn": number[sid], "participant_id": pid, "subgroup": sub,
                         "duration_s": dur, "kind": kind, "harm_id": harm, "interrupted": interrupted})
        frame = pd.DataFrame(rows, columns=["session_id", "turn", "participant_id", "subgroup", "duration_s",
                                            "kind", "harm_id", "interrupted"])
        keep = ["session_id", "turn", "participant_id", "subgroup", *turn_columns]
        if not people:
            keep.remove("participant_id")
        tables["turns"] = frame[keep]
    if population is not None:
        tables["population"] = pd.DataFrame(population, columns=["community_id", "subgroup", "count"])
    return cpanalysis.Dataset.from_tables(tables)


def T(session, pid, dur=None, kind="other", harm=None, interrupted=None, sub=None):
    """One turn row for :func:`make_data`."""
    return (session, pid, sub, dur, kind, harm, interrupted)


def test_builder_makes_a_valid_dataset():
    data = make_data([("s1", "p1"), ("s1", "p2")], [T("s1", "p2", 5.0)])
    assert data.summary()["turns"] == 1
    assert data.attendance["subgroup"].tolist() == ["girls", "men"]
