"""A tiny hand-made dataset for the docstring examples (the numbers in them can be checked by hand)."""

from __future__ import annotations

import pandas as pd


def example_tables(*, planning_group: bool = False) -> dict[str, pd.DataFrame]:
    """The contract tables of the example: one community meeting, four attendees, four turns.

    p1 (a girl) is silent; p2 (an elite man) takes two turns (10 s and 20 s) and proposes h1,
    which the community adopts; p3 (a woman) takes one 5 s turn, proposes h2, and is
    interrupted; p4 (an elder) takes one turn of unrecorded duration. With
    ``planning_group=True`` a planning-group session attended by p2 and p3 is added.
    """
    sessions = pd.DataFrame({"session_id": ["s1"], "community_id": ["c1"], "date": ["2024-01-01"],
                             "cycle": [1], "format": ["community_meeting"]})
    attendance = pd.DataFrame({"session_id": ["s1"] * 4, "participant_id": ["p1", "p2", "p3", "p4"]})
    if planning_group:
        sessions = pd.concat([sessions, pd.DataFrame({
            "session_id": ["s2"], "community_id": ["c1"], "date": ["2024-01-08"], "cycle": [1],
            "format": ["planning_group"]})], ignore_index=True)
        attendance = pd.concat([attendance, pd.DataFrame({"session_id": ["s2", "s2"],
                                                          "participant_id": ["p2", "p3"]})], ignore_index=True)
    return {
        "communities": pd.DataFrame({"community_id": ["c1"], "name": ["Example"]}),
        "harms": pd.DataFrame({"harm_id": ["h1", "h2"], "label": ["out of school", "early marriage"]}),
        "participants": pd.DataFrame({
            "participant_id": ["p1", "p2", "p3", "p4"], "community_id": ["c1"] * 4,
            "gender": ["female", "male", "female", "male"], "age_group": ["child", "adult", "adult", "elder"],
            "elite": [False, True, False, False]}),
        "sessions": sessions,
        "attendance": attendance,
        "turns": pd.DataFrame({
            "session_id": ["s1"] * 4, "turn": [1, 2, 3, 4], "participant_id": ["p2", "p2", "p3", "p4"],
            "duration_s": [10.0, 20.0, 5.0, None], "kind": ["proposal", "other", "proposal", "other"],
            "harm_id": ["h1", None, "h2", None], "interrupted": [False, False, True, False]}),
        "rankings": pd.DataFrame({"session_id": ["s1"], "ranker": ["girls"], "harm_id": ["h1"], "rank": [1]}),
        "decisions": pd.DataFrame({"community_id": ["c1"], "session_id": ["s1"], "harm_id": ["h1"],
                                   "priority": [1]}),
    }


def example_dataset(*, planning_group: bool = False):
    """The example as a :class:`cpanalysis.Dataset` (see :func:`example_tables`).

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset
    >>> example_dataset().summary()["turns"]
    4
    """
    from ..dataset import Dataset

    return Dataset.from_tables(example_tables(planning_group=planning_group))
