"""Estimators of the elite-dominance signals (no plotting here).

* :func:`topk_distance` - the distance between a decision (a top-k list) and ranking lists;
* :func:`prepare_rankings` - every community's ranking lists as arrays, grouped into units
  ("elites" and each non-elite subgroup) and members (an individual, or one group list);
* :func:`decision_alignment` - alignment of each community's decision with each unit;
* :func:`counterfactual_decisions` - what the non-elite units alone would have chosen.

Elite presence, voice and proposals at meetings are in :mod:`cpanalysis.dominance.elite_voice`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..rankings.convert import RankData, ranker_weights
from ..rankings.registry import get_method
from ..settings import Settings, resolve_settings

__all__ = [
    "ELITES",
    "topk_distance",
    "topk_distance_slow",
    "prepare_rankings",
    "decision_alignment",
    "counterfactual_decisions",
]

#: The unit name of the elites' ranking (also the name of an elites' group ranker).
ELITES = "elites"


# ------------------------------------------------------------------------------------ distance


def topk_distance(levels: np.ndarray, decided: np.ndarray, tie_penalty: float = 0.5) -> np.ndarray:
    """Normalised Kendall distance between a decision (top-k list) and ranking lists.

    Parameters
    ----------
    levels : (L, H) array
        One row per list: the rank of each harm (lower = more important; equal values are ties;
        ``inf`` or ``nan`` = the harm was not listed, tied below every listed harm).
    decided : (k,) int array
        Column indices of the decided harms in priority order (first = priority 1).
    tie_penalty : float, default 0.5
        Fagin's ``p``: the cost of a pair the decision orders but the list ties.

    Returns
    -------
    (L,) array
        In [0, 1]. 0: the list puts the decided harms on top, in the decided order; 1: it puts
        them at the bottom in reverse order.

    Notes
    -----
    The decision is a top-k list: it orders its k harms and puts each of them above every harm
    not chosen; it says nothing about two harms it did not choose. Every pair of harms the
    decision orders (``k (k - 1) / 2 + k (H - k)`` pairs) is compared with the list: 0 when the
    list agrees, 1 when it puts them the other way round, ``p`` when it ties them; the sum is
    divided by the number of pairs. Pairs of two unchosen harms are not counted. This is
    Fagin, Kumar & Sivakumar's ``K^(p)`` with the penalty for pairs the top-k list leaves
    unordered set to 0, normalised to [0, 1] (the partial-ranking form of Fagin et al. 2006).
    With ``k = 1`` it is the normalised position of the chosen harm in the list,
    ``(#harms above + p #tied) / (H - 1)``.

    References
    ----------
    .. [1] Fagin, R., Kumar, R., & Sivakumar, D. (2003). Comparing top k lists. SIAM Journal on
       Discrete Mathematics 17(1), 134-160.
    .. [2] Fagin, R., Kumar, R., Mahdian, M., Sivakumar, D., & Vee, E. (2006). Comparing
       partial rankings. SIAM Journal on Discrete Mathematics 20(3), 628-648.

    Examples
    --------
    >>> import numpy as np
    >>> lists = np.array([[1, 2, 3, 4], [4, 3, 2, 1], [1, 2, np.inf, np.inf]])
    >>> topk_distance(lists, np.array([0])).round(3).tolist()
    [0.0, 1.0, 0.0]
    >>> topk_distance(lists, np.array([2, 0]), tie_penalty=0.5).round(3).tolist()
    [0.4, 0.6, 0.5]
    """
    lev = np.asarray(levels, dtype=float)
    lev = np.where(np.isnan(lev), np.inf, lev)
    decided = np.asarray(decided, dtype=int)
    L, H = lev.shape
    k = decided.size
    if k == 0 or H < 2:
        return np.full(L, np.nan)
    rest = np.setdiff1d(np.arange(H), decided)
    dec = lev[:, decided]                                    # (L, k)
    disc = np.zeros(L)
    ties = np.zeros(L)
    if k > 1:
        upper = np.triu(np.ones((k, k), dtype=bool), 1)    # pairs a before b in the decision
        later_better = dec[:, None, :] < dec[:, :, None]    # [l, a, b]: b ranked above a
        same = dec[:, None, :] == dec[:, :, None]
        disc += (later_better & upper).sum(axis=(1, 2))
        ties += (same & upper).sum(axis=(1, 2))
    if rest.size:
        und = lev[:, rest]                                   # (L, H - k)
        disc += (und[:, None, :] < dec[:, :, None]).sum(axis=(1, 2))
        ties += (und[:, None, :] == dec[:, :, None]).sum(axis=(1, 2))
    n_pairs = k * (k - 1) / 2 + k * (H - k)
    return (disc + tie_penalty * ties) / n_pairs


def topk_distance_slow(ranks: dict, decided: list, harms: list, tie_penalty: float = 0.5) -> float:
    """The same distance as :func:`topk_distance`, pair by pair, for one list (used by the tests).

    ``ranks`` maps harm -> rank (missing harms are unlisted, tied at the bottom).
    """
    big = float("inf")
    r = {h: ranks.get(h, big) for h in harms}
    total, n = 0.0, 0
    for i, a in enumerate(decided):
        for b in list(decided[i + 1:]) + [h for h in harms if h not in decided]:
            n += 1
            if r[b] < r[a]:
                total += 1.0
            elif r[b] == r[a]:
                total += tie_penalty
    return total / n if n else float("nan")


# ------------------------------------------------------------------------------ preparation


def _table(data, name):
    if isinstance(data, dict):
        return data.get(name)
    return data.tables.get(name)


@dataclass
class CommunityLists:
    """One community's ranking lists, decision and units (see :func:`prepare_rankings`)."""

    community_id: str
    harms: np.ndarray                 # (H,) harm ids ranked in the community (plus decided ones)
    decided: np.ndarray               # (k,) column indices, priority order
    levels: np.ndarray                # (L, H) ranks, inf = unlisted
    lists: pd.DataFrame               # one row per list: member, unit, source, elite_individual, stratum, distance
    members: pd.DataFrame = field(default=None)  # one row per member: unit, source, stratum, elite_individual, distance
    notes: list = field(default_factory=list)


def _levels_long(rankings: pd.DataFrame) -> pd.DataFrame:
    """One row per (list, harm) with a numeric ``level`` (rank, or minus the score)."""
    r = rankings
    rank = pd.to_numeric(r["rank"], errors="coerce").astype(float).to_numpy() if "rank" in r else np.full(len(r), np.nan)
    score = pd.to_numeric(r["score"], errors="coerce").astype(float).to_numpy() if "score" in r else np.full(len(r), np.nan)
    key = r["session_id"].astype(str).to_numpy(dtype=object) + "\x1f" + r["ranker"].astype(str).to_numpy(dtype=object)
    has_rank = pd.Series(~np.isnan(rank)).groupby(key).transform("any").to_numpy()
    level = np.where(has_rank, rank, -score)
    return pd.DataFrame({"list": key, "harm_id": r["harm_id"].astype(str).to_numpy(dtype=object), "level": level})


def prepare_rankings(data, settings: Settings | None = None, communities=None) -> dict:
    """Every community's ranking lists as arrays, with units, members and distances.

    Units: ``"elites"`` gathers the lists of elite individuals and of a group ranker named
    ``elites``; every other subgroup's unit gathers its non-elite individuals' lists, or, when
    no non-elite individual of that subgroup ranked, its group lists. A member is one individual
    (the mean distance over their lists) or one group list.

    Returns
    -------
    dict of community_id to CommunityLists
        Communities without a decision or without rankings are present with ``notes``.
    """
    s = resolve_settings(settings)
    rankings = _table(data, "rankings")
    decisions = _table(data, "decisions")
    people = _table(data, "participants")
    comm = _table(data, "communities")["community_id"].astype(str).tolist()
    if communities is not None:
        wanted = {str(c) for c in ([communities] if isinstance(communities, str) else communities)}
        comm = [c for c in comm if c in wanted]
    out = {}

    def empty(c, note):
        return CommunityLists(c, np.array([], object), np.array([], int), np.zeros((0, 0)), pd.DataFrame(),
                              None, notes=[note])

    if rankings is None or len(rankings) == 0:
        return {c: empty(c, "no rankings were recorded") for c in comm}
    r = rankings[rankings["community_id"].astype(str).isin(comm)]
    long = _levels_long(r)
    list_code, list_keys = pd.factorize(long["list"], sort=False)
    harm_code, harm_ids = pd.factorize(long["harm_id"], sort=True)
    first = np.unique(list_code, return_index=True)[1]
    L, H = len(list_keys), len(harm_ids)
    lev = np.full((L, H), np.inf)
    lv = long["level"].to_numpy(float)
    ok = ~np.isnan(lv)
    lev[list_code[ok], harm_code[ok]] = lv[ok]
    l_comm = r["community_id"].astype(str).to_numpy(dtype=object)[first]
    l_ranker = r["ranker"].astype(str).to_numpy(dtype=object)[first]
    l_ind = (r["ranker_type"].astype(str).to_numpy(dtype=object) == "individual")[first]
    l_sub = r["subgroup"].astype(object).where(r["subgroup"].notna(), "unknown").astype(str).to_numpy(dtype=object)[first]
    l_elite = r["elite"].astype("boolean").fillna(False).to_numpy(dtype=bool)[first]
    marg = set()
    if people is not None and "marginalised" in people:
        mk = people["marginalised"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        marg = set(people["participant_id"].astype(str).to_numpy(dtype=object)[mk])
    l_marg = np.array([x in marg for x in l_ranker], dtype=bool)
    l_elite_group = (~l_ind) & (np.char.lower(l_ranker.astype(str)) == ELITES)
    h_index = {h: j for j, h in enumerate(harm_ids)}
    decided_by = {}
    if decisions is not None and len(decisions):
        d = decisions.sort_values(["community_id", "priority"])
        dc = d["community_id"].astype(str).to_numpy(dtype=object)
        dh = d["harm_id"].astype(str).to_numpy(dtype=object)
        for c, h in zip(dc, dh):
            decided_by.setdefault(c, []).append(h)
    order = np.argsort(l_comm.astype(str), kind="stable")
    bounds = {}
    cs = l_comm[order]
    if len(cs):
        starts = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]])
        ends = np.r_[starts[1:], len(cs)]
        bounds = {cs[a]: order[a:b] for a, b in zip(starts, ends)}
    for c in comm:
        decided = decided_by.get(c, [])
        if c not in bounds:
            out[c] = empty(c, "no rankings were recorded")
            continue
        idx = bounds[c]
        notes = [] if decided else ["no decision was recorded"]
        sub_lev = lev[idx]
        cols = np.flatnonzero(np.isfinite(sub_lev).any(axis=0))
        extra = [h for h in decided if h not in h_index]
        harms_c = np.concatenate([harm_ids[cols].astype(object), np.array(extra, dtype=object)])
        levels = np.hstack([sub_lev[:, cols], np.full((len(idx), len(extra)), np.inf)])
        hpos = {h: j for j, h in enumerate(harms_c)}
        dec = np.array([hpos[h] for h in decided], dtype=int)
        ind, elite, sub = l_ind[idx], l_elite[idx], l_sub[idx]
        eg = l_elite_group[idx]
        nonelite_subs = set(sub[ind & ~elite])
        unit = np.where((ind & elite) | eg, ELITES, sub).astype(object)
        use = ind | eg | np.array([s_ not in nonelite_subs for s_ in sub], dtype=bool)
        if s.stratify:
            stratum = np.where(ind, np.char.add(sub.astype(str), np.where(l_marg[idx], "|marginalised", "")), "")
        else:
            stratum = np.where(ind, "all", "")
        member = np.where(ind, l_ranker[idx], list_keys.to_numpy(dtype=object)[idx]).astype(object)
        dist = topk_distance(levels, dec, s.tie_penalty) if decided else np.full(len(idx), np.nan)
        lists = pd.DataFrame({"list": list_keys.to_numpy(dtype=object)[idx], "member": member,
                              "ranker": l_ranker[idx], "unit": unit, "source": np.where(ind, "individual", "group"),
                              "elite_individual": ind & elite, "stratum": stratum, "subgroup": sub, "used": use,
                              "distance": dist})
        # members: one row per individual (mean over their lists) or group list
        u = np.flatnonzero(use)
        codes = pd.factorize(member[u])[0]
        cnt = np.bincount(codes)
        first_i = np.unique(codes, return_index=True)[1]
        mdist = np.bincount(codes, weights=np.nan_to_num(dist[u])) / cnt if decided else np.full(cnt.size, np.nan)
        sel = u[first_i]
        members = pd.DataFrame({"member": member[sel], "unit": unit[sel],
                                "source": np.where(ind[sel], "individual", "group"), "stratum": stratum[sel],
                                "elite_individual": (ind & elite)[sel], "subgroup": sub[sel], "n_lists": cnt,
                                "distance": mdist})
        out[c] = CommunityLists(c, harms_c, dec, levels, lists, members, notes)
    return out


# ----------------------------------------------------------------------------- aggregation


def _midrank(levels: np.ndarray) -> np.ndarray:
    lev = np.where(np.isnan(levels), np.inf, levels)
    better = (lev[:, None, :] < lev[:, :, None]).sum(axis=2)
    tied = (lev[:, None, :] == lev[:, :, None]).sum(axis=2)
    return 1.0 + better + (tied - 1) / 2.0


def aggregate_levels(levels: np.ndarray, harms: np.ndarray, groups: np.ndarray, *, method: str,
                     weighting: str) -> np.ndarray:
    """Consensus positions (1 = top, ties share the minimum) of lists given as a level matrix.

    Uses the registered method of :mod:`cpanalysis.rankings` on the arrays directly (the same
    computation as :func:`cpanalysis.rankings.aggregate`, without the table round trip).
    """
    m = get_method(method, func="elite_dominance")
    rd = RankData(items=np.asarray(harms, dtype=object), rankers=list(range(len(levels))),
                  pos=_midrank(levels), listed=np.isfinite(levels), subgroups=np.asarray(groups, dtype=object))
    rd.weight = ranker_weights(np.asarray(groups, dtype=str), weighting)
    res = m(rd, rd.weight)
    if res.position is not None:
        return np.asarray(res.position, dtype=int)
    from ..rankings.methods import positions_from_scores
    return np.asarray(positions_from_scores(res.score, m.higher_is_better), dtype=int)


def _unit_positions(cl: CommunityLists, s: Settings) -> dict:
    """Each unit's own consensus ranking (positions over ``cl.harms``), rankers weighed equally."""
    out = {}
    used = cl.lists["used"].to_numpy(bool)
    unit = cl.lists["unit"].to_numpy(dtype=object)
    for u in dict.fromkeys(unit[used]):
        idx = np.flatnonzero(used & (unit == u))
        out[u] = aggregate_levels(cl.levels[idx], cl.harms, np.zeros(len(idx)), method=s.ranking_method, weighting="ranker")
    return out


def _unit_order(units) -> list:
    from ..subgroups import SubgroupScheme
    known = list(SubgroupScheme.default().subgroups)
    rest = sorted(u for u in units if u != ELITES and u not in known)
    return [ELITES] * (ELITES in units) + [u for u in known if u in units] + rest


def decision_alignment(data, *, settings: Settings | None = None, communities=None,
                       prepared: dict | None = None, **overrides) -> pd.DataFrame:
    """Alignment of each community's decision with each unit's rankings.

    Parameters
    ----------
    data : Dataset
    settings : Settings, optional
        ``tie_penalty``, ``ranking_method`` (each unit's own ranking) are used.
    communities : list, optional
        Only these community ids.

    Returns
    -------
    DataFrame
        One row per (community, unit): ``community_id``, ``unit`` (``elites`` or a subgroup),
        ``is_elite``, ``source`` (``individual`` or ``group``), ``n_members``, ``distance`` (mean
        :func:`topk_distance` of the members' lists to the decision), ``alignment`` (1 -
        distance), ``top_harm`` (the unit's first harm; ties joined by " / "), ``top_harm_priority``
        (its priority in the decision, NaN = not chosen), ``first_choice_position`` (where the
        harm chosen first sits in the unit's ranking).

    Notes
    -----
    A unit's distance is the mean over its members of the distance from the decision to the
    member's list: the Kendall-type distance from the decision to the unit's whole profile of
    pairwise preferences (what Kemeny aggregation minimises), so no information is lost to ties
    of an aggregated list. The unit's own ranking (for its top harm) uses ``settings.ranking_method``.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(2, seed=1, elite_influence=0.9)
    >>> tab = decision_alignment(data)
    >>> tab.loc[0, ["community_id", "unit"]].tolist()
    ['C01', 'elites']
    """
    s = resolve_settings(settings, **overrides)
    prepared = prepared if prepared is not None else prepare_rankings(data, s, communities)
    rows = []
    for c, cl in prepared.items():
        if cl.members is None or len(cl.members) == 0 or cl.decided.size == 0:
            continue
        positions = _unit_positions(cl, s)
        first = cl.decided[0]
        prio = {j: p + 1 for p, j in enumerate(cl.decided)}
        m_unit = cl.members["unit"].to_numpy(dtype=object)
        m_src = cl.members["source"].to_numpy(dtype=object)
        m_d = cl.members["distance"].to_numpy(float)
        for unit in _unit_order(set(m_unit)):
            sel = m_unit == unit
            src = set(m_src[sel])
            pos = positions[unit]
            tops = np.flatnonzero(pos == pos.min())
            top_prios = [prio[j] for j in tops if j in prio]
            rows.append({
                "community_id": c, "unit": unit, "is_elite": unit == ELITES,
                "source": src.pop() if len(src) == 1 else "mixed",
                "n_members": int(sel.sum()), "distance": float(m_d[sel].mean()),
                "alignment": 1.0 - float(m_d[sel].mean()),
                "top_harm": " / ".join(cl.harms[tops]),
                "top_harm_priority": float(min(top_prios)) if top_prios else np.nan,
                "first_choice_position": int(pos[first]),
            })
    cols = ["community_id", "unit", "is_elite", "source", "n_members", "distance", "alignment", "top_harm",
            "top_harm_priority", "first_choice_position"]
    return pd.DataFrame(rows, columns=cols)


def counterfactual_decisions(data, *, settings: Settings | None = None, communities=None,
                             prepared: dict | None = None, **overrides) -> pd.DataFrame:
    """The decision the non-elite units' rankings alone would give, next to the actual one.

    The non-elite lists (every unit but ``elites``) are aggregated with ``settings.ranking_method`` and
    ``settings.ranking_weighting`` (default: every subgroup weighs the same), and the top ``k`` harms are
    taken, ``k`` = the number of harms the community decided.

    Returns
    -------
    DataFrame
        One row per (community, harm): ``community_id``, ``harm_id``, ``actual_priority`` (NaN =
        not chosen), ``counterfactual_position`` (the harm's position in the non-elite
        consensus), ``in_counterfactual`` (position <= k), ``k``, ``method``, ``weighting``.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(1, seed=1)
    >>> cf = counterfactual_decisions(data)
    >>> int(cf["in_counterfactual"].sum()) >= int(cf["k"].iloc[0])
    True
    """
    s = resolve_settings(settings, **overrides)
    prepared = prepared if prepared is not None else prepare_rankings(data, s, communities)
    rows = []
    for c, cl in prepared.items():
        if cl.decided.size == 0 or len(cl.lists) == 0:
            continue
        unit = cl.lists["unit"].to_numpy(dtype=object)
        idx = np.flatnonzero(cl.lists["used"].to_numpy(bool) & (unit != ELITES))
        if idx.size == 0:
            continue
        pos = aggregate_levels(cl.levels[idx], cl.harms, unit[idx], method=s.ranking_method, weighting=s.ranking_weighting)
        k = cl.decided.size
        prio = {j: p + 1 for p, j in enumerate(cl.decided)}
        for j, h in enumerate(cl.harms):
            rows.append({"community_id": c, "harm_id": h, "actual_priority": float(prio.get(j, np.nan)),
                         "counterfactual_position": int(pos[j]), "in_counterfactual": bool(pos[j] <= k), "k": k,
                         "method": s.ranking_method, "weighting": s.ranking_weighting})
    cols = ["community_id", "harm_id", "actual_priority", "counterfactual_position", "in_counterfactual", "k",
            "method", "weighting"]
    return pd.DataFrame(rows, columns=cols)


def counterfactual_summary(cf: pd.DataFrame) -> pd.DataFrame:
    """Per community: the counterfactual harms and whether they differ from the actual decision.

    ``counterfactual_differs``: the set of decided harms is not the non-elite top k (with a tie at
    position k, it differs only when a decided harm is outside the tied top). ``first_differs``:
    the harm chosen first is not at position 1 of the non-elite consensus.
    """
    rows = []
    cid = cf["community_id"].to_numpy(dtype=object)
    harm = cf["harm_id"].to_numpy(dtype=object)
    prio = cf["actual_priority"].to_numpy(float)
    pos = cf["counterfactual_position"].to_numpy(int)
    inn = cf["in_counterfactual"].to_numpy(bool)
    kk = cf["k"].to_numpy(int)
    for c in dict.fromkeys(cid):
        m = np.flatnonzero(cid == c)
        m = m[np.lexsort((harm[m].astype(str), pos[m]))]
        k = int(kk[m[0]])
        decided = set(harm[m][~np.isnan(prio[m])])
        top = harm[m][inn[m]]
        first = harm[m][prio[m] == 1][0]
        tie = len(top) > k
        differs = (not decided <= set(top)) if tie else (set(top) != decided)
        rows.append({"community_id": c, "counterfactual": " > ".join(top), "counterfactual_tie": tie,
                     "counterfactual_differs": bool(differs),
                     "first_differs": bool(pos[m][harm[m] == first][0] != 1)})
    return pd.DataFrame(rows, columns=["community_id", "counterfactual", "counterfactual_tie",
                                       "counterfactual_differs", "first_differs"])
