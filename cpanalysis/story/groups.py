"""Who a "group" is, once for the whole story: the definitions every sentence and chart share.

A story's groups are the elites (every elite participant, whatever their age and gender) and
the subgroups of the scheme (girls, boys, women, men, elders...) *without their elite members*.
So "girls" means the same people in the presence chart, the priorities heatmap and the reading.
Lists a group made together (a small group's list) count with that group. Head counts carry
only the subgroup, so people counted by head count stay in their subgroup.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..inclusion import participation
from ..rankings import subgroup_rankings
from ..settings import Settings

#: The column that holds a row's story group (added to copies of the tables, never to the input).
GROUP = "group"
ELITES = "elites"

#: One sentence that says who the groups are (stated in every story's scope).
GROUP_DEFINITION = ("Elites are counted as one group, whatever their age and gender; \"girls\", "
                    "\"women\" and the other groups are their members who are not elites.")


def _table(data, name):
    if isinstance(data, dict):
        return data.get(name)
    return getattr(data, name, None)


def story_tables(data) -> dict:
    """Copies of the dataset's tables with the story's ``group`` column on every row that names
    people (participants, attendance head counts, turns, rankings).

    Examples
    --------
    >>> import cpanalysis
    >>> t = story_tables(cpanalysis.simulate(1, seed=3))
    >>> elite = t["participants"]["elite"].astype(bool)
    >>> set(t["participants"].loc[elite, "group"])
    {'elites'}
    """
    names = ("communities", "harms", "sessions", "participants", "attendance", "attendance_counts", "turns",
             "rankings", "decisions", "population", "pairwise")
    out = {n: _table(data, n) for n in names if _table(data, n) is not None}
    people = out.get("participants")
    if people is not None:
        people = people.copy()
        elite = people["elite"].astype("boolean").fillna(False).to_numpy(bool) if "elite" in people else \
            np.zeros(len(people), bool)
        people[GROUP] = np.where(elite, ELITES, people["subgroup"].astype(object).fillna("unknown"))
        out["participants"] = people
    for name in ("attendance_counts", "turns"):
        frame = out.get(name)
        if frame is not None and "subgroup" in frame.columns:
            frame = frame.copy()
            frame[GROUP] = frame["subgroup"].astype(object)
            out[name] = frame
    rankings = out.get("rankings")
    if rankings is not None:
        out["rankings"] = _ranking_rows(rankings)
    return out


def _ranking_rows(rankings: pd.DataFrame) -> pd.DataFrame:
    r = rankings.copy()
    individual = (r["ranker_type"].astype(str) == "individual").to_numpy() if "ranker_type" in r else \
        np.zeros(len(r), bool)
    elite = r["elite"].astype("boolean").fillna(False).to_numpy(bool) if "elite" in r else np.zeros(len(r), bool)
    sub = r["subgroup"].astype(object).where(r["subgroup"].notna(), "unknown") if "subgroup" in r else \
        r["ranker"].astype(object)
    elite_list = (~individual) & (r["ranker"].astype(str).str.lower() == ELITES).to_numpy()
    r[GROUP] = np.where((individual & elite) | elite_list, ELITES, sub.to_numpy(dtype=object))
    # one order per list: the rank, or the score when no rank was given (higher score = more important)
    rank = pd.to_numeric(r["rank"], errors="coerce") if "rank" in r else pd.Series(np.nan, index=r.index)
    score = pd.to_numeric(r["score"], errors="coerce") if "score" in r else pd.Series(np.nan, index=r.index)
    level = rank.where(rank.notna(), -score)
    r["order"] = level.groupby([r["session_id"], r["ranker"]]).rank(method="min")
    return r[r["order"].notna()].reset_index(drop=True)


def _ranking_people(tables: dict, r: pd.DataFrame, by_cols: list) -> pd.DataFrame:
    """Distinct people behind each group's lists: people who ranked alone, plus the group's
    attendees at the sessions where it made a list together (roster: distinct people; head
    counts: the largest count, a lower bound). Columns ``by_cols``, ``subgroup``, ``n_people``."""
    lists = r.drop_duplicates(["session_id", "ranker"])
    individual = lists["ranker_type"].astype(str) == "individual" if "ranker_type" in lists else \
        pd.Series(False, index=lists.index)
    ids = [lists.loc[individual, [*by_cols, GROUP]].assign(person=lists.loc[individual, "ranker"].astype(str))]
    together = lists.loc[~individual, ["session_id", *by_cols, GROUP, "subgroup"]]
    att, people = tables.get("attendance"), tables.get("participants")
    if att is not None and people is not None and len(att) and len(together):
        a = att[["session_id", "participant_id"]].merge(people[["participant_id", "subgroup"]], on="participant_id")
        a = together.merge(a, on=["session_id", "subgroup"])
        ids.append(a[[*by_cols, GROUP]].assign(person=a["participant_id"].astype(str)))
    n = pd.concat(ids).groupby([*by_cols, GROUP])["person"].nunique()
    counts = tables.get("attendance_counts")
    if counts is not None and len(counts) and len(together):
        c = together.merge(counts[["session_id", "subgroup", "count"]], on=["session_id", "subgroup"])
        if att is not None and len(att):
            c = c[~c["session_id"].isin(att["session_id"])]
        n = n.add(c.groupby([*by_cols, GROUP])["count"].max(), fill_value=0)
    return n.rename("n_people").reset_index().rename(columns={GROUP: "subgroup"})


def group_rankings(data, settings: Settings, *, by: str | list | None = "community_id",
                   tables: dict | None = None) -> pd.DataFrame:
    """Each group's own order of the harms (:func:`cpanalysis.subgroup_rankings` over the story's
    groups, ``settings.ranking_method``; every list of a group weighs the same), with ``n_people``:
    the people behind the group's lists (distinct people who ranked alone plus the attendees of
    the group's own lists).

    Returns the long table of :func:`cpanalysis.subgroup_rankings` (``subgroup`` is the story
    group) plus ``n_people`` and ``label``; counts are *not* hidden here (see
    :func:`cpanalysis.story.hiding.hide_small_counts`).

    Examples
    --------
    >>> import cpanalysis
    >>> t = group_rankings(cpanalysis.simulate(1, seed=3), cpanalysis.Settings())
    >>> sorted(t.columns)[:4]
    ['community_id', 'harm_id', 'label', 'method']
    """
    tables = story_tables(data) if tables is None else tables
    r = tables.get("rankings")
    by_cols = [by] if isinstance(by, str) else list(by or [])
    if r is None or not len(r):
        return pd.DataFrame(columns=[*by_cols, "subgroup", "harm_id", "rank", "score", "n_rankers", "method",
                                     "label", "n_people"])
    if "cycle" in by_cols and "cycle" not in r:
        r = r.merge(tables["sessions"][["session_id", "cycle"]], on="session_id", how="left")
    harms = tables.get("harms")
    out = subgroup_rankings(SimpleNamespace(rankings=r, harms=harms), method=settings.ranking_method,
                            by=by_cols or None, subgroup=GROUP, rank="order", session="session_id")
    people = _ranking_people(tables, r, by_cols)
    out = out.merge(people, on=[*by_cols, "subgroup"], how="left")
    out["n_people"] = out["n_people"].fillna(0).astype(int)
    if "label" not in out:
        out["label"] = out["harm_id"]
    out["label"] = out["label"].fillna(out["harm_id"])
    return out


def group_presence(data, settings: Settings, *, level="community", tables: dict | None = None) -> pd.DataFrame:
    """Presence and voice of the story's groups at ``settings.voice_formats`` sessions:
    :func:`cpanalysis.participation` with ``subgroup="group"`` (no bootstrap), plus ``n_people``:
    distinct people of the group present (for head counts, the largest head count of a session).

    Examples
    --------
    >>> import cpanalysis
    >>> t = group_presence(cpanalysis.simulate(1, seed=3), cpanalysis.Settings())
    >>> round(float(t["presence_share"].sum()), 6)
    1.0
    """
    tables = story_tables(data) if tables is None else tables
    table = participation(tables, level=level, subgroup=GROUP, formats=list(settings.voice_formats), n_boot=0,
                          settings=settings)
    keys = list(table.columns[: table.columns.get_loc("subgroup")])
    sessions = tables["sessions"]
    sessions = sessions[sessions["format"].isin(settings.voice_formats)]
    pieces = []
    att, people = tables.get("attendance"), tables.get("participants")
    if att is not None and people is not None and len(att):
        a = att[["session_id", "participant_id"]].merge(sessions[["session_id", *keys]], on="session_id")
        a = a.merge(people[["participant_id", GROUP]], on="participant_id")
        pieces.append(a.groupby([*keys, GROUP])["participant_id"].nunique())
    counts = tables.get("attendance_counts")
    if counts is not None and len(counts):
        c = counts[["session_id", GROUP, "count"]].merge(sessions[["session_id", *keys]], on="session_id")
        if att is not None and len(att):
            c = c[~c["session_id"].isin(att["session_id"])]
        pieces.append(c.groupby([*keys, GROUP])["count"].max())
    if pieces:
        n = pd.concat(pieces).groupby(level=list(range(len(keys) + 1))).sum()
        n.index = n.index.set_names([*keys, "subgroup"])
        table = table.merge(n.rename("n_people").reset_index(), on=[*keys, "subgroup"], how="left")
    else:
        table["n_people"] = 0
    table["n_people"] = table["n_people"].fillna(0).astype(int)
    return table
