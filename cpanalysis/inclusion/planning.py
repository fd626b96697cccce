"""Who sits on each community's planning group, against who came to the community's meetings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import _check, _div, _table, join_notes, prepare, scheme_order, subgroup_name
from .measures import _compute

__all__ = ["planning_group_composition"]


def planning_group_composition(data, *, subgroup="subgroup", reference="community_meeting",
                               population=None) -> pd.DataFrame:
    """Who sits on each community's planning group, against the community.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
    subgroup : str or list of str, default "subgroup"
        As in :func:`participation`.
    reference : str, default "community_meeting"
        The session format whose pooled presence share is the comparison.
    population : DataFrame, optional
        As in :func:`participation`; the dataset's ``population`` table by default.

    Returns
    -------
    DataFrame
        ``community_id``, ``subgroup``, ``n_members``, ``planning_share``, ``meeting_share``,
        ``population_share``, ``ratio_to_meeting`` (planning / meeting share),
        ``ratio_to_population`` (planning / population share), ``basis``, ``note``.

    Notes
    -----
    Members are the distinct participants who attended any ``planning_group`` session of the
    community (``basis = "members"``); from head counts, the counts pooled over planning-group
    sessions (``basis = "head counts"``). Ratios are NA when the reference share is 0 or missing.
    Communities without planning-group sessions have no rows.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, planning_group_composition
    >>> table = planning_group_composition(example_dataset(planning_group=True))
    >>> table[["subgroup", "n_members", "planning_share", "meeting_share", "ratio_to_meeting"]]
      subgroup  n_members  planning_share  meeting_share  ratio_to_meeting
    0    women          1             0.5           0.25               2.0
    1      men          1             0.5           0.25               2.0
    2    girls          0             0.0           0.25               0.0
    3   elders          0             0.0           0.25               0.0
    """
    func = "planning_group_composition"
    sessions = _table(data, "sessions")
    _check(func, sessions, ["session_id", "community_id", "format"], table="sessions")
    order = scheme_order(data, subgroup)
    plan = prepare(data, level="community", subgroup=subgroup, formats="planning_group", func=func,
                   scheme_order=order)
    comm = _compute(data, level="community", subgroup=subgroup, formats=reference, population=population,
                    n_boot=0, func=func)
    labels = list(dict.fromkeys(plan.labels + comm["subgroup"].dropna().astype(str).tolist()))
    label_index = pd.Index(labels, dtype=object)
    U, G = plan.n_units, len(labels)
    a_unit = plan.session_unit[plan.a_session]
    a_sub = label_index.get_indexer(np.array(plan.labels, dtype=object)[plan.a_sub]) if len(plan.a_sub) \
        else np.zeros(0, np.int64)
    roster = plan.a_person >= 0
    n_persons = max(len(plan.persons), 1) if plan.persons is not None else 1
    # distinct members from the roster, pooled head counts otherwise
    member_keys = np.unique((a_unit[roster] * G + a_sub[roster]) * n_persons + plan.a_person[roster])
    members = np.bincount(member_keys // n_persons, minlength=U * G).astype(float) if len(member_keys) \
        else np.zeros(U * G)
    members += np.bincount(a_unit[~roster] * G + a_sub[~roster], weights=plan.a_weight[~roster],
                           minlength=U * G) if (~roster).any() else 0
    by_unit = np.repeat(members.reshape(U, G).sum(axis=1), G)
    unit_has_roster = np.bincount(a_unit[roster], minlength=U) > 0 if roster.any() else np.zeros(U, bool)
    out = plan.units.loc[np.repeat(np.arange(U), G)].reset_index(drop=True)
    out["subgroup"] = pd.array(np.tile(np.array(labels, dtype=object), U), dtype="string")
    out["n_members"] = members.astype("int64")
    out["planning_share"] = _div(members, by_unit)
    ref = comm.set_index(["community_id", "subgroup"])
    idx = pd.MultiIndex.from_arrays([out["community_id"], out["subgroup"]])
    out["meeting_share"] = ref["presence_share"].reindex(idx).to_numpy(dtype=float, na_value=np.nan)
    out["population_share"] = ref["population_share"].reindex(idx).to_numpy(dtype=float, na_value=np.nan)
    out["ratio_to_meeting"] = np.where(out["meeting_share"] > 0, _div(out["planning_share"], out["meeting_share"]),
                                       np.nan)
    out["ratio_to_population"] = np.where(out["population_share"] > 0,
                                          _div(out["planning_share"], out["population_share"]), np.nan)
    out["basis"] = pd.array(np.repeat(np.where(unit_has_roster, "members", "head counts"), G), dtype="string")
    notes = join_notes(
        (np.isnan(out["meeting_share"].to_numpy()), f"no {reference} attendance to compare with"),
        (np.isnan(out["population_share"].to_numpy()), "no population share"),
        n=len(out),
    )
    out["note"] = pd.array(notes, dtype="string")
    out.attrs["subgroup"] = subgroup_name(subgroup)
    return out
