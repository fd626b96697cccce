"""Do the actions address the harms that girls, boys and marginalised people ranked highest?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inclusion.suppression import suppress_small
from ..rankings import subgroup_rankings
from ..settings import Settings, resolve_settings
from ..subgroups import STATUS_GROUPS
from ._common import (KNOWN_REASONS, PROGRAMME, bootstrap_sums, check_columns, check_level, divide, people_table,
                      quantiles, table_of)

__all__ = ["action_priority_match"]

_COLUMNS = ["community_id", "group", "top_harms", "n_harms_ranked", "n_individual_rankers", "n_actions",
            "n_addressing", "share_addressing", "ci_low", "ci_high", "chance_share"]
_HIDDEN_WITH_RANKERS = ("top_harms", "n_addressing", "share_addressing", "ci_low", "ci_high")


def _class_rankings(rankings: pd.DataFrame, people: pd.DataFrame | None, groups) -> pd.DataFrame:
    """The ranking rows of each group, stacked with a ``_group`` column (a row may serve several groups)."""
    ranker = rankings["ranker"].astype("string")
    individual = ranker.isin(people.index).fillna(False) if people is not None else pd.Series(False, index=rankings.index)
    if "subgroup" in rankings:
        subgroup = rankings["subgroup"].astype("string")
    elif people is not None:
        subgroup = ranker.map(people["subgroup"]).fillna(ranker)
    else:
        subgroup = ranker
    lowered = ranker.str.lower()
    marginalised = ~individual & lowered.isin((STATUS_GROUPS[1], *KNOWN_REASONS)).fillna(False)
    elite = ~individual & (lowered == STATUS_GROUPS[0]).fillna(False)
    if people is not None:
        flags = people.reindex(ranker.where(individual).to_numpy())
        status = flags["status"].astype("string").fillna("").to_numpy(dtype=object)
        marginalised |= individual & pd.Series(status == "marginalised", index=rankings.index)
        if "marginalised" in flags:
            marginalised |= individual & pd.Series(flags["marginalised"].astype("boolean").fillna(False)
                                                   .to_numpy(dtype=bool), index=rankings.index)
        elite |= individual & pd.Series(status == "elite", index=rankings.index)
    parts = []
    for group in groups:
        if group == STATUS_GROUPS[1]:
            rows = marginalised
        elif group == STATUS_GROUPS[0]:
            rows = elite
        else:
            rows = (subgroup == group).fillna(False)
        part = rankings[rows.to_numpy(dtype=bool)].assign(_group=group, _individual=individual[rows].to_numpy())
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else rankings.iloc[:0].assign(_group="", _individual=False)


def action_priority_match(data, *, groups=("girls", "boys", "marginalised"), top: int = 1, level: str = "community",
                          settings: Settings | None = None) -> pd.DataFrame:
    """Whether the agreed actions address the harms each group ranked highest.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``rankings`` (with ``community_id``, as a loaded Dataset has), ``actions`` and, to
        recognise marginalised or elite individual rankers, ``participants``.
    groups : sequence of str, default ("girls", "boys", "marginalised")
        Subgroup names, ``marginalised`` (marginalised individuals and groups convened for a
        marginalised reason) or ``elites``.
    top : int, default 1
        A group's "highest ranked" harms are those at consensus position ``<= top`` (ties included).
    level : {"community", "programme"}, default "community"
    settings : Settings, optional
        ``ranking_method`` combines a group's rankings (:func:`cpanalysis.subgroup_rankings`, pooled
        over the community's sessions); ``n_boot``, ``ci``, ``seed`` give the interval; ``min_count``
        the suppression.

    Returns
    -------
    DataFrame
        ``community_id``, ``group``, ``top_harms`` (space separated, best first), ``n_harms_ranked``,
        ``n_individual_rankers`` (people whose own lists make the group's ranking; NA when it
        includes a group's consensus ranking), ``n_actions`` (the community's actions),
        ``n_addressing`` (actions on one of the group's top harms), ``share_addressing``,
        ``ci_low``, ``ci_high``, ``chance_share`` (the share expected if actions chose harms at
        random: ``len(top harms) / n_harms_ranked``). At programme level ``top_harms`` is empty,
        the counts are summed over the communities where the group's ranking is shown, and
        ``chance_share`` is their average weighted by their actions.

    Notes
    -----
    The interval is a percentile bootstrap over each community's actions (seeded per community),
    with the group's top harms held fixed. A ranking made only by fewer than ``settings.min_count``
    individuals would reveal their answers, so its top harms and everything computed from them are
    hidden (:func:`cpanalysis.suppress_small` on ``n_individual_rankers``).

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_priority_match
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = action_priority_match(data, settings=cpanalysis.Settings(n_boot=200))
    >>> table.loc[table["community_id"] == "C01", ["group", "top_harms", "n_actions", "n_addressing"]]
              group            top_harms  n_actions  n_addressing
    0          boys  physical_punishment          7             0
    1         girls    teenage_pregnancy          7             0
    2  marginalised              neglect          7             6
    """
    func = "action_priority_match"
    settings = resolve_settings(settings)
    rankings, actions = table_of(data, "rankings"), table_of(data, "actions")
    check_columns(func, rankings, ["community_id", "ranker", "harm_id", "rank"], table="rankings")
    check_columns(func, actions, ["community_id", "harm_id"], table="actions")
    check_level(func, level)
    if int(top) < 1:
        raise ValueError(f"{func}(): top must be at least 1, not {top!r}")
    stacked = _class_rankings(rankings, people_table(data), list(groups))
    keep = [c for c in ("community_id", "session_id", "ranker", "harm_id", "rank") if c in stacked] + ["_group"]
    consensus = subgroup_rankings(stacked[keep], session="session_id" if "session_id" in stacked else None,
                                  subgroup="_group", by="community_id", settings=settings) if len(stacked) else None
    individuals = stacked[stacked["_individual"]].groupby(["community_id", "_group"])["ranker"].nunique()
    has_group = stacked[~stacked["_individual"]].groupby(["community_id", "_group"]).size()
    rows = []
    for (community, group), ranked in (consensus.groupby(["community_id", "subgroup"], sort=True)
                                       if consensus is not None else []):
        ranked = ranked.sort_values("rank", kind="stable")
        best = ranked.loc[ranked["rank"] <= top, "harm_id"].astype(str).tolist()
        n_ind = pd.NA if (community, group) in has_group.index else int(individuals.get((community, group), 0))
        rows.append({"community_id": str(community), "group": group, "top_harms": " ".join(best),
                     "n_harms_ranked": int(ranked["harm_id"].nunique()), "n_individual_rankers": n_ind,
                     "top_set": set(best)})
    tops = pd.DataFrame(rows, columns=["community_id", "group", "top_harms", "n_harms_ranked",
                                       "n_individual_rankers", "top_set"])
    if level == "programme":
        # pool only the rankings that are shown at community level, so that no hidden community's
        # figures can be recovered by subtracting the shown ones from the programme's
        tops = tops[_shown(tops, settings)].reset_index(drop=True)
    groups = [g for g in groups if g in set(tops["group"])]
    community_of_action = actions["community_id"].astype(str).to_numpy()
    top_of = {(r.community_id, r.group): r.top_set for r in tops.itertuples()}
    flags = np.array([[h in top_of.get((c, g), set()) for g in groups] + [(c, g) in top_of for g in groups]
                      for c, h in zip(community_of_action, actions["harm_id"].astype(str))], dtype=float)
    flags = flags.reshape(len(actions), 2 * len(groups))
    communities, observed, draws = bootstrap_sums(community_of_action, flags, seed=settings.seed,
                                                  n_boot=settings.n_boot)
    G = len(groups)
    communities_actions = pd.Series(actions["community_id"].astype(str)).value_counts().to_dict()
    out_rows = []
    if level == "programme":
        # counts over the communities where the group ranked (the second block of flags marks them)
        for g, group in enumerate(groups):
            n_act, n_hit = observed[:, G + g].sum(), observed[:, g].sum()
            low, high = quantiles(divide(draws[:, :, g].sum(axis=0), draws[:, :, G + g].sum(axis=0)), settings.ci)
            mine = tops[tops["group"] == group]
            # expected share if every community's actions chose harms at random, weighted by its actions
            per_action = pd.Series(communities_actions).reindex(mine["community_id"]).fillna(0).to_numpy()
            chance = divide((per_action * mine["top_set"].map(len) / mine["n_harms_ranked"]).sum(),
                            per_action.sum()).item()
            n_ind = mine["n_individual_rankers"]
            out_rows.append({"community_id": PROGRAMME, "group": group, "top_harms": "",
                             "n_harms_ranked": pd.NA, "n_individual_rankers": pd.NA if n_ind.isna().any()
                             else int(n_ind.sum()), "n_actions": int(n_act), "n_addressing": int(n_hit),
                             "share_addressing": divide(n_hit, n_act).item(), "ci_low": low, "ci_high": high,
                             "chance_share": chance})
    else:
        index = {c: i for i, c in enumerate(communities)}
        for r in tops.itertuples():
            if r.community_id not in index:
                n_act, n_hit, low, high = 0, 0, np.nan, np.nan
            else:
                c, g = index[r.community_id], groups.index(r.group)
                n_act, n_hit = int(observed[c, G + g]), int(observed[c, g])
                low, high = quantiles(divide(draws[c, :, g], draws[c, :, G + g]), settings.ci)
            out_rows.append({"community_id": r.community_id, "group": r.group, "top_harms": r.top_harms,
                             "n_harms_ranked": r.n_harms_ranked, "n_individual_rankers": r.n_individual_rankers,
                             "n_actions": n_act, "n_addressing": n_hit, "share_addressing": divide(n_hit, n_act).item(),
                             "ci_low": low, "ci_high": high, "chance_share": len(r.top_set) / r.n_harms_ranked})
    out = pd.DataFrame(out_rows, columns=_COLUMNS)
    out["n_individual_rankers"] = out["n_individual_rankers"].astype("Int64")
    if level == "programme":
        return suppress_small(out, counts=["n_individual_rankers"], tied={}, settings=settings)
    return suppress_small(out, counts=["n_individual_rankers"],
                          tied={"n_individual_rankers": _HIDDEN_WITH_RANKERS}, settings=settings)


def _shown(tops: pd.DataFrame, settings: Settings) -> np.ndarray:
    n = tops["n_individual_rankers"]
    return ~(n.notna() & (n.fillna(0) > 0) & (n.fillna(0) < settings.min_count)).to_numpy(dtype=bool)
