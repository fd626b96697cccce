"""Checks across the action tables of contract v2 (``actions``, ``action_updates``).

The single-column checks of these tables (ids, categories, whole numbers, dates, unique
``action_id``) come from :data:`cpanalysis.contract.TABLES` like every other table's, in
:mod:`cpanalysis.validation`. This module adds what needs several columns or tables:

- ``partners`` (and any other ``word_list`` column): every word is one of the listed kinds;
- an action's session belongs to the action's community and cycle;
- ``proposed_by`` is a subgroup or group name of the scheme, a participant_id of the same
  community, or ``planning_group``;
- the due date is not before the session where the action was agreed;
- every update refers to an action, is not dated before that session, and the statuses of one
  action follow a sane order: nothing after ``done`` or ``dropped`` (other than repeating it),
  and ``planned`` never after work started.

Like the rest of the validator it reports every problem at once, located by file, row, column and
value. It modifies the typed tables only to spell names as the contract does (``Girls`` is
``girls``; partners separated by commas become separated by spaces).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import FINAL_STATUSES, PLANNING_GROUP, TABLES
from .problems import Problem, ProblemList, Source
from .subgroups import SubgroupScheme, group_labels

__all__ = ["check_actions"]

_PLANNED = "planned"


def check_actions(typed: dict[str, pd.DataFrame], raw: dict[str, pd.DataFrame], sources: dict[str, Source],
                  scheme: SubgroupScheme, problems: ProblemList) -> None:
    """Add the cross-table problems of ``actions`` and ``action_updates`` to ``problems``.

    Parameters
    ----------
    typed : dict of str to DataFrame
        The tables after the single-column checks (types coerced); modified in place only to
        write group names and word lists in their canonical spelling.
    raw : dict of str to DataFrame
        The tables as read (their cells are quoted in problems).
    sources : dict of str to Source
        Where each table came from.
    scheme : SubgroupScheme
        The dataset's subgroup scheme (``proposed_by`` may name its subgroups).
    problems : ProblemList
        Collects the problems.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.problems import ProblemList, Source
    >>> from cpanalysis.subgroups import SubgroupScheme
    >>> actions = pd.DataFrame({"action_id": ["A1"], "community_id": ["C1"], "proposed_by": ["Girls"],
    ...                         "partners": ["government, teachers"]})
    >>> tables = {"actions": actions}
    >>> found = ProblemList()
    >>> check_actions(tables, {"actions": actions.copy()}, {"actions": Source("actions.csv", "line", 2)},
    ...               SubgroupScheme.default(), found)
    >>> [str(p) for p in found]
    ['actions.csv, line 2, column "partners": unknown kind of partner (found "government, teachers"); expected words from community_group, planning_group, subgroup, government, service_provider, ngo_agency, other, separated by spaces']
    >>> tables["actions"]["proposed_by"].tolist()
    ['girls']
    """
    for name in ("actions", "action_updates"):
        if name in typed:
            _check_word_lists(name, typed[name], raw[name], sources[name], problems)
    actions = typed.get("actions")
    if actions is not None:
        _check_actions_table(actions, typed, raw["actions"], sources, scheme, problems)
    updates = typed.get("action_updates")
    if updates is not None:
        _check_updates(updates, actions, typed.get("sessions"), raw["action_updates"], sources, problems)


def _split_words(values: pd.Series) -> pd.Series:
    """Lists separated by spaces, commas or semicolons, as lists of normalised words."""
    text = values.astype("string").str.strip().str.lower()
    return text.str.replace(r"[-]", "_", regex=True).str.split(r"[\s,;]+", regex=True)


def _check_word_lists(name: str, frame: pd.DataFrame, raw: pd.DataFrame, source: Source,
                      problems: ProblemList) -> None:
    for col in TABLES[name].columns:
        if col.word_list is None or col.name not in frame:
            continue
        allowed = set(col.word_list)
        present = frame[col.name].notna()
        words = _split_words(frame[col.name])
        bad = pd.Series(False, index=frame.index)
        canonical = frame[col.name].astype("string").copy()
        for index in frame.index[present.to_numpy()]:
            listed = [w for w in words.loc[index] if w]
            if any(w not in allowed for w in listed):
                bad.loc[index] = True
            else:
                canonical.loc[index] = " ".join(dict.fromkeys(listed)) if listed else pd.NA
        singular = {"partners": "kind of partner"}.get(col.name, "word")
        problems.add_rows(source, bad, raw[col.name], column=col.name, message=f"unknown {singular}",
                          expected="words from " + ", ".join(col.word_list) + ", separated by spaces")
        frame[col.name] = canonical


def _session_facts(sessions: pd.DataFrame | None) -> pd.DataFrame:
    if sessions is None or "session_id" not in sessions:
        return pd.DataFrame(columns=["community_id", "cycle", "date"])
    columns = [c for c in ("community_id", "cycle", "date") if c in sessions]
    return sessions.drop_duplicates("session_id").set_index("session_id")[columns]


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` (indexed by unique keys) looked up for every key of ``keys``, missing where unknown
    (unlike ``Series.map``, this works when ``values`` is empty or holds dates)."""
    found = values[~values.index.duplicated()].reindex(keys.to_numpy())
    found.index = keys.index
    return found


def _day(dates: pd.Series) -> pd.Series:
    """The calendar day of each date: a session "2024-08-12 09:30" and an update "2024-08-12" are the
    same day, so the update is not before the session."""
    return dates.dt.normalize() if pd.api.types.is_datetime64_any_dtype(dates) else dates


def _check_actions_table(actions, typed, raw, sources, scheme, problems) -> None:
    source = sources["actions"]
    sessions = _session_facts(typed.get("sessions"))
    if "session_id" in actions and len(sessions):
        facts = sessions.reindex(actions["session_id"].to_numpy())
        facts.index = actions.index
        for column, what in (("community_id", "community"), ("cycle", "cycle")):
            if column not in actions or column not in facts:
                continue
            theirs, ours = facts[column], actions[column]
            wrong = theirs.notna() & ours.notna() & (theirs.astype("string") != ours.astype("string"))
            problems.add_rows(source, wrong, raw["session_id"], column="session_id",
                              message=f"this session belongs to another {what}",
                              expected=f"a session of the action's {what}")
        if "due_date" in actions and "date" in facts:
            early = actions["due_date"].notna() & facts["date"].notna() \
                & (_day(actions["due_date"]) < _day(facts["date"]))
            problems.add_rows(source, early, raw["due_date"], column="due_date",
                              message="due before the session where the action was agreed",
                              expected="a date on or after the session's date")

    if "proposed_by" not in actions:
        return
    participants = typed.get("participants")
    labels = group_labels(scheme, participants) | {PLANNING_GROUP}
    by_lower = {label.lower(): label for label in labels}
    proposer = actions["proposed_by"]
    people = pd.Series(dtype="string")
    if participants is not None and {"participant_id", "community_id"} <= set(participants):
        people = participants.drop_duplicates("participant_id").set_index("participant_id")["community_id"]
    is_person = proposer.isin(people.index).fillna(False)
    lowered = proposer.astype("string").str.strip().str.lower()
    as_group = lowered.map(by_lower)
    is_group = as_group.notna() & ~is_person
    actions["proposed_by"] = proposer.mask(is_group, as_group).astype("string")
    unknown = proposer.notna() & ~is_person & ~is_group
    problems.add_rows(source, unknown, raw["proposed_by"], column="proposed_by", message="unknown proposer",
                      expected=f"a subgroup ({', '.join(scheme.subgroups)}), a participant_id of the same "
                               f"community, or {PLANNING_GROUP}")
    if "community_id" in actions:
        home = _lookup(proposer, people)
        elsewhere = is_person & home.notna() & actions["community_id"].notna() \
            & (home.astype("string") != actions["community_id"].astype("string"))
        problems.add_rows(source, elsewhere, raw["proposed_by"], column="proposed_by",
                          message="this participant belongs to another community",
                          expected="a participant_id of the action's community")


def _check_updates(updates, actions, sessions, raw, sources, problems) -> None:
    source = sources["action_updates"]
    if "action_id" not in updates:
        return
    if actions is None or "action_id" not in actions:
        if updates["action_id"].notna().any():
            problems.add(Problem(source.file, "refers to actions, but the dataset has no actions table",
                                 column="action_id", expected="an actions table"))
        return
    known = actions.drop_duplicates("action_id").set_index("action_id")
    unknown = updates["action_id"].notna() & ~updates["action_id"].isin(known.index)
    where = sources["actions"].file if "actions" in sources else "actions"
    problems.add_rows(source, unknown, raw["action_id"], column="action_id", message="unknown action",
                      expected=f"an action_id listed in {where}")
    if "date" in updates and "session_id" in known and sessions is not None:
        agreed = _lookup(known["session_id"], _session_facts(sessions)["date"]) if "date" in sessions else None
        if agreed is not None:
            when = _lookup(updates["action_id"], agreed)
            early = updates["date"].notna() & when.notna() & (_day(updates["date"]) < _day(when))
            problems.add_rows(source, early, raw["date"], column="date",
                              message="dated before the session where the action was agreed",
                              expected="a date on or after that session's date")
    if {"date", "status"} <= set(updates):
        _check_status_order(updates, raw, source, problems)


def _check_status_order(updates, raw, source, problems) -> None:
    """Within one action, in date order (file order for equal dates): final statuses stay final."""
    usable = updates[updates["action_id"].notna() & updates["date"].notna() & updates["status"].notna()]
    usable = usable.assign(_row=np.arange(len(usable))).sort_values(["action_id", "date", "_row"], kind="stable")
    after_final = pd.Series(False, index=updates.index)
    planned_late = pd.Series(False, index=updates.index)
    for _, group in usable.groupby("action_id", sort=False):
        final, started = None, False
        for index, status in zip(group.index, group["status"]):
            if final is not None and status != final:
                after_final.loc[index] = True
            elif status == _PLANNED and started:
                planned_late.loc[index] = True
            if status in FINAL_STATUSES and final is None:
                final = status
            started = started or status != _PLANNED
    problems.add_rows(source, after_final, raw["status"], column="status",
                      message="a status after the action was already done or dropped",
                      expected="no other status after done or dropped (add a new action to restart one)")
    problems.add_rows(source, planned_late, raw["status"], column="status",
                      message="planned again after work had started",
                      expected="planned only before started, stalled, done or dropped")
