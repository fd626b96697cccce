"""Estimators of the elite-dominance signals (no plotting here).

* :func:`topk_distance` - the distance between a decision (a top-k list) and ranking lists;
* :func:`prepare_rankings` - every community's ranking lists as arrays, grouped into units
  ("elites" and each non-elite subgroup) and members (an individual, or one group list);
* :func:`decision_alignment` - alignment of each community's decision with each unit;
* :func:`counterfactual_decisions` - what the non-elite units alone would have chosen;
* :func:`voice_signals` - elite presence, voice, proposals and adopted proposals at meetings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..rankings.convert import RankData, ranker_weights
from ..rankings.registry import get_method
from .settings import DominanceSettings, resolve_settings

__all__ = [
    "ELITES",
    "topk_distance",
    "topk_distance_slow",
    "prepare_rankings",
    "decision_alignment",
    "counterfactual_decisions",
    "voice_signals",
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
    [0.6, 0.4, 0.7]
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


def prepare_rankings(data, settings: DominanceSettings | None = None, communities=None) -> dict:
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
    if rankings is None or len(rankings) == 0:
        for c in comm:
            out[c] = CommunityLists(c, np.array([], object), np.array([], int), np.zeros((0, 0)),
                                    pd.DataFrame(), notes=["no rankings were recorded"])
        return out
    r = rankings[rankings["community_id"].astype(str).isin(comm)]
    long = _levels_long(r)
    meta = pd.DataFrame({
        "list": long["list"],
        "community_id": r["community_id"].astype(str).to_numpy(dtype=object),
        "ranker": r["ranker"].astype(str).to_numpy(dtype=object),
        "ranker_type": r["ranker_type"].astype(str).to_numpy(dtype=object),
        "subgroup": r["subgroup"].astype(object).where(r["subgroup"].notna(), "unknown").astype(str).to_numpy(dtype=object),
        "elite": r["elite"].astype("boolean").fillna(False).to_numpy(dtype=bool),
    }).drop_duplicates("list")
    marg = {}
    if people is not None and "marginalised" in people:
        marg = dict(zip(people["participant_id"].astype(str), people["marginalised"].astype("boolean").fillna(False)))
    meta["marginalised"] = [bool(marg.get(rk, False)) for rk in meta["ranker"]]
    decided_by = {}
    if decisions is not None and len(decisions):
        d = decisions.sort_values(["community_id", "priority"])
        for c, part in d.groupby(d["community_id"].astype(str), sort=False):
            decided_by[c] = part["harm_id"].astype(str).tolist()
    long_by = dict(tuple(long.groupby(meta.set_index("list").loc[long["list"], "community_id"].to_numpy(), sort=False)))
    meta_by = dict(tuple(meta.groupby("community_id", sort=False)))
    for c in comm:
        notes = []
        decided = decided_by.get(c, [])
        if c not in long_by:
            out[c] = CommunityLists(c, np.array([], object), np.array([], int), np.zeros((0, 0)), pd.DataFrame(),
                                    notes=["no rankings were recorded"])
            continue
        lg, mt = long_by[c], meta_by[c].reset_index(drop=True)
        harms = np.array(sorted(set(lg["harm_id"]) | set(decided)), dtype=object)
        h_index = {h: j for j, h in enumerate(harms)}
        l_index = {k: i for i, k in enumerate(mt["list"])}
        lev = np.full((len(mt), len(harms)), np.inf)
        lv = lg["level"].to_numpy(dtype=float)
        ok = ~np.isnan(lv)
        lev[np.fromiter((l_index[k] for k in lg["list"]), int, len(lg))[ok],
            np.fromiter((h_index[h] for h in lg["harm_id"]), int, len(lg))[ok]] = lv[ok]
        dec = np.array([h_index[h] for h in decided], dtype=int)
        if not decided:
            notes.append("no decision was recorded")
        individual = (mt["ranker_type"] == "individual").to_numpy()
        elite = mt["elite"].to_numpy(dtype=bool)
        is_elite_group = (~individual) & (mt["ranker"].str.lower() == ELITES).to_numpy()
        sub = mt["subgroup"].to_numpy(dtype=object)
        nonelite_ind_subs = set(sub[individual & ~elite])
        unit = np.where(individual & elite, ELITES, np.where(is_elite_group, ELITES, sub)).astype(object)
        # a subgroup's group lists are used only when none of its non-elite individuals ranked
        use = (individual) | is_elite_group | np.array([(not ind) and (s_ not in nonelite_ind_subs)
                                                        for ind, s_ in zip(individual, sub)])
        source = np.where(individual, "individual", "group")
        stratum = np.where(individual, np.char.add(sub.astype(str), np.where(mt["marginalised"], "|marginalised", "")), "")
        if not s.stratify:
            stratum = np.where(individual, "all", "")
        member = np.where(individual, mt["ranker"].to_numpy(dtype=object), mt["list"].to_numpy(dtype=object))
        lists = pd.DataFrame({"list": mt["list"], "member": member, "ranker": mt["ranker"], "unit": unit,
                              "source": source, "elite_individual": individual & elite, "stratum": stratum,
                              "subgroup": sub, "used": use})
        lists["distance"] = topk_distance(lev, dec, s.tie_penalty) if decided else np.nan
        members = (lists[lists["used"]].groupby("member", sort=False)
                   .agg(unit=("unit", "first"), source=("source", "first"), stratum=("stratum", "first"),
                        elite_individual=("elite_individual", "first"), subgroup=("subgroup", "first"),
                        n_lists=("list", "size"), distance=("distance", "mean"))
                   .reset_index())
        out[c] = CommunityLists(c, harms, dec, lev, lists, members, notes)
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


def _unit_positions(cl: CommunityLists, s: DominanceSettings) -> dict:
    """Each unit's own consensus ranking (positions over ``cl.harms``), rankers weighed equally."""
    out = {}
    used = cl.lists[cl.lists["used"]]
    for unit, part in used.groupby("unit", sort=False):
        idx = part.index.to_numpy()
        out[unit] = aggregate_levels(cl.levels[idx], cl.harms, np.zeros(len(idx)), method=s.method, weighting="ranker")
    return out


def _unit_order(units) -> list:
    from ..subgroups import SubgroupScheme
    known = list(SubgroupScheme.default().subgroups)
    rest = sorted(u for u in units if u != ELITES and u not in known)
    return [ELITES] * (ELITES in units) + [u for u in known if u in units] + rest


def decision_alignment(data, *, settings: DominanceSettings | None = None, communities=None,
                       prepared: dict | None = None, **overrides) -> pd.DataFrame:
    """Alignment of each community's decision with each unit's rankings.

    Parameters
    ----------
    data : Dataset
    settings : DominanceSettings, optional
        ``tie_penalty``, ``method`` (each unit's own ranking) are used.
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
    of an aggregated list. The unit's own ranking (for its top harm) uses ``settings.method``.

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
        by_unit = cl.members.groupby("unit", sort=False)
        for unit in _unit_order(set(cl.members["unit"])):
            part = by_unit.get_group(unit)
            pos = positions[unit]
            tops = np.flatnonzero(pos == pos.min())
            top_prios = [prio[j] for j in tops if j in prio]
            rows.append({
                "community_id": c, "unit": unit, "is_elite": unit == ELITES,
                "source": "individual" if (part["source"] == "individual").all() else
                          ("group" if (part["source"] == "group").all() else "mixed"),
                "n_members": len(part), "distance": float(part["distance"].mean()),
                "alignment": 1.0 - float(part["distance"].mean()),
                "top_harm": " / ".join(cl.harms[tops]),
                "top_harm_priority": float(min(top_prios)) if top_prios else np.nan,
                "first_choice_position": int(pos[first]),
            })
    cols = ["community_id", "unit", "is_elite", "source", "n_members", "distance", "alignment", "top_harm",
            "top_harm_priority", "first_choice_position"]
    return pd.DataFrame(rows, columns=cols)


def counterfactual_decisions(data, *, settings: DominanceSettings | None = None, communities=None,
                             prepared: dict | None = None, **overrides) -> pd.DataFrame:
    """The decision the non-elite units' rankings alone would give, next to the actual one.

    The non-elite lists (every unit but ``elites``) are aggregated with ``settings.method`` and
    ``settings.weighting`` (default: every subgroup weighs the same), and the top ``k`` harms are
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
        used = cl.lists[cl.lists["used"] & (cl.lists["unit"] != ELITES)]
        if len(used) == 0:
            continue
        idx = used.index.to_numpy()
        pos = aggregate_levels(cl.levels[idx], cl.harms, used["unit"].to_numpy(), method=s.method,
                               weighting=s.weighting)
        k = cl.decided.size
        prio = {j: p + 1 for p, j in enumerate(cl.decided)}
        for j, h in enumerate(cl.harms):
            rows.append({"community_id": c, "harm_id": h, "actual_priority": float(prio.get(j, np.nan)),
                         "counterfactual_position": int(pos[j]), "in_counterfactual": bool(pos[j] <= k), "k": k,
                         "method": s.method, "weighting": s.weighting})
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
    for c, part in cf.groupby("community_id", sort=False):
        part = part.sort_values(["counterfactual_position", "harm_id"])
        k = int(part["k"].iloc[0])
        decided = set(part.loc[part["actual_priority"].notna(), "harm_id"])
        top = part[part["in_counterfactual"]]
        first = part.loc[part["actual_priority"] == 1, "harm_id"].iloc[0]
        tie = len(top) > k
        differs = (not decided <= set(top["harm_id"])) if tie else (set(top["harm_id"]) != decided)
        rows.append({"community_id": c, "counterfactual": " > ".join(top["harm_id"]), "counterfactual_tie": tie,
                     "counterfactual_differs": bool(differs),
                     "first_differs": bool(part.loc[part["harm_id"] == first, "counterfactual_position"].iloc[0] != 1)})
    return pd.DataFrame(rows, columns=["community_id", "counterfactual", "counterfactual_tie",
                                       "counterfactual_differs", "first_differs"])


# ----------------------------------------------------------------------------------- voice


def adjusted_ratio(counts: np.ndarray, elite: np.ndarray, subgroup: np.ndarray, *, rng=None, n_boot: int = 1000,
                   ci: float = 0.95) -> tuple[float, float, float]:
    """Elites' count over the count expected if they spoke like non-elites of their own subgroup.

    ``counts`` holds one number per attendance (turns, or proposals). Expected =
    sum over elite attendances of the mean count of non-elite attendances of the same subgroup
    (indirect standardisation). Subgroups without non-elite attendances are left out. With
    ``rng``, a percentile bootstrap interval resamples attendances within (subgroup, elite).

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([4, 2, 1, 1, 0, 2])
    >>> elite = np.array([True, False, False, True, False, False])
    >>> sub = np.array(["men", "men", "men", "women", "women", "women"])
    >>> round(adjusted_ratio(counts, elite, sub)[0], 3)   # (4 + 1) / (1.5 + 1)
    2.0
    """
    counts = np.asarray(counts, float)
    obs, exp, boot_o, boot_x = 0.0, 0.0, 0.0, 0.0
    for g in pd.unique(subgroup):
        m = subgroup == g
        ce, cn = counts[m & elite], counts[m & ~elite]
        if ce.size == 0 or cn.size == 0:
            continue
        obs += ce.sum()
        exp += ce.size * cn.mean()
        if rng is not None:
            boot_o = boot_o + ce[rng.integers(0, ce.size, (n_boot, ce.size))].sum(axis=1)
            boot_x = boot_x + ce.size * cn[rng.integers(0, cn.size, (n_boot, cn.size))].mean(axis=1)
    if exp == 0:
        return np.nan, np.nan, np.nan
    if rng is None or np.isscalar(boot_o):
        return obs / exp, np.nan, np.nan
    ratio = np.where(boot_x > 0, boot_o / np.where(boot_x > 0, boot_x, 1), np.nan)
    lo, hi = np.nanquantile(ratio, [(1 - ci) / 2, (1 + ci) / 2])
    return obs / exp, float(lo), float(hi)


def voice_signals(data, *, settings: DominanceSettings | None = None, communities=None,
                  **overrides) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Elite presence, voice and proposals at community meetings, and each subgroup's shares.

    Returns
    -------
    (DataFrame, DataFrame)
        Per community: ``community_id``, ``voice_assessable``, ``n_elite_present`` (distinct
        elites), ``elite_presence_share`` (elite attendances / attendances),
        ``elite_voice_share`` (elite turns / turns with a known speaker), ``voice_parity``
        (voice share / presence share), ``parity_ci_low``, ``parity_ci_high`` (percentile
        bootstrap over attendances, each with its number of turns), ``n_turns``,
        ``n_proposals``, ``elite_proposal_share``, ``proposal_parity`` (proposal share / presence
        share), ``n_adopted``, ``elite_adopted_share`` (elite share of the proposals naming a
        decided harm), ``voice_note``. Per (community, subgroup): ``community_id``, ``subgroup``,
        ``n_people`` (distinct people present), ``presence_share``, ``voice_share``.

    Notes
    -----
    The same definitions as the participation measures (:mod:`cpanalysis.participation`):
    presence share = attendances of the group / attendances, voice share = turns / turns, voice
    parity = voice share / presence share (Karpowitz, Mendelberg & Shaker 2012), computed here
    for elites against everybody else, in ``settings.voice_formats`` sessions.

    References
    ----------
    .. [1] Karpowitz, C. F., Mendelberg, T., & Shaker, L. (2012). Gender inequality in
       deliberative participation. American Political Science Review 106(3), 533-547.
    .. [2] Parthasarathy, R., Rao, V., & Palaniswamy, N. (2019). Deliberative democracy in an
       unequal world. American Political Science Review 113(3), 623-640.
    """
    s = resolve_settings(settings, **overrides)
    comm = _table(data, "communities")["community_id"].astype(str).tolist()
    if communities is not None:
        wanted = {str(c) for c in ([communities] if isinstance(communities, str) else communities)}
        comm = [c for c in comm if c in wanted]
    sessions = _table(data, "sessions")
    att = _table(data, "attendance")
    turns = _table(data, "turns")
    decisions = _table(data, "decisions")
    meet = set(sessions.loc[sessions["format"].astype(str).isin(s.voice_formats), "session_id"].astype(str))
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, 7]))
    rows, sub_rows = [], []
    decided = {}
    if decisions is not None:
        for c, part in decisions.groupby(decisions["community_id"].astype(str)):
            decided[c] = set(part["harm_id"].astype(str))
    a_by, t_by = {}, {}
    if att is not None and len(att):
        a = att[att["session_id"].astype(str).isin(meet)]
        a = pd.DataFrame({"community_id": a["community_id"].astype(str).to_numpy(dtype=object),
                          "session_id": a["session_id"].astype(str).to_numpy(dtype=object),
                          "participant_id": a["participant_id"].astype(str).to_numpy(dtype=object),
                          "elite": a["elite"].astype("boolean").fillna(False).to_numpy(dtype=bool),
                          "subgroup": a["subgroup"].astype(str).to_numpy(dtype=object)})
        a_by = dict(tuple(a.groupby("community_id", sort=False)))
    if turns is not None and len(turns):
        t = turns[turns["session_id"].astype(str).isin(meet)]
        t = pd.DataFrame({"community_id": t["community_id"].astype(str).to_numpy(dtype=object),
                          "session_id": t["session_id"].astype(str).to_numpy(dtype=object),
                          "participant_id": t["participant_id"].astype(object).to_numpy(dtype=object)
                          if "participant_id" in t else np.full(len(t), None, object),
                          "elite": t["elite"].astype("boolean").to_numpy(dtype=object, na_value=None),
                          "subgroup": t["subgroup"].astype(object).to_numpy(dtype=object),
                          "kind": t["kind"].astype(object).to_numpy(dtype=object) if "kind" in t
                          else np.full(len(t), None, object),
                          "harm_id": t["harm_id"].astype(object).to_numpy(dtype=object) if "harm_id" in t
                          else np.full(len(t), None, object)})
        t_by = dict(tuple(t.groupby("community_id", sort=False)))
    for c in comm:
        row = {"community_id": c, "voice_assessable": False, "n_elite_present": 0, "elite_presence_share": np.nan,
               "elite_voice_share": np.nan, "voice_parity": np.nan, "parity_ci_low": np.nan,
               "parity_ci_high": np.nan, "n_turns": 0, "n_proposals": 0, "elite_proposal_share": np.nan,
               "proposal_parity": np.nan, "n_adopted": 0, "elite_adopted_share": np.nan, "voice_note": "",
               "voice_ratio_adjusted": np.nan, "voice_ratio_ci_low": np.nan, "voice_ratio_ci_high": np.nan,
               "proposal_ratio_adjusted": np.nan, "uptake_ratio": np.nan}
        ac, tc = a_by.get(c), t_by.get(c)
        if ac is None or len(ac) == 0:
            row["voice_note"] = "no individual attendance at community meetings was recorded"
        elif tc is None or len(tc) == 0:
            row["voice_note"] = "no speaking turns at community meetings were recorded"
        known = None
        if ac is not None and len(ac):
            for g, part in ac.groupby("subgroup", sort=False):
                sub_rows.append({"community_id": c, "subgroup": g, "n_people": part["participant_id"].nunique(),
                                 "presence_share": len(part) / len(ac),
                                 "voice_share": (np.nan if tc is None or len(tc) == 0 else
                                                 float((tc["subgroup"] == g).sum()) / len(tc))})
            sub_rows.append({"community_id": c, "subgroup": ELITES,
                             "n_people": ac.loc[ac["elite"], "participant_id"].nunique(),
                             "presence_share": float(ac["elite"].mean()),
                             "voice_share": np.nan})
            row["n_elite_present"] = int(ac.loc[ac["elite"], "participant_id"].nunique())
            row["elite_presence_share"] = float(ac["elite"].mean())
        if tc is not None and len(tc):
            known = tc[pd.notna(tc["elite"])]
            if len(known) == 0:
                row["voice_note"] = "speakers' identities were not recorded, so elite turns cannot be counted"
        if ac is not None and len(ac) and known is not None and len(known):
            row["voice_assessable"] = True
            el = known["elite"].astype(bool).to_numpy()
            row["n_turns"] = len(known)
            row["elite_voice_share"] = float(el.mean())
            pres = row["elite_presence_share"]
            row["voice_parity"] = row["elite_voice_share"] / pres if pres > 0 else np.nan
            if sub_rows and sub_rows[-1]["subgroup"] == ELITES:
                sub_rows[-1]["voice_share"] = row["elite_voice_share"]
            # counts per attendance (session, person): turns and proposals
            keys = pd.MultiIndex.from_arrays([ac["session_id"], ac["participant_id"]])
            n_t = known.groupby(["session_id", "participant_id"]).size().reindex(keys, fill_value=0).to_numpy(float)
            e = ac["elite"].to_numpy(bool)
            g = ac["subgroup"].to_numpy(dtype=object)
            if pres > 0 and e.sum() and (~e).sum():
                te, tn = n_t[e], n_t[~e]
                se = te[rng.integers(0, te.size, (s.n_boot, te.size))].sum(axis=1)
                sn = tn[rng.integers(0, tn.size, (s.n_boot, tn.size))].sum(axis=1)
                tot = se + sn
                par = np.where(tot > 0, se / np.where(tot > 0, tot, 1), np.nan) / pres
                lo, hi = np.nanquantile(par, [(1 - s.ci) / 2, (1 + s.ci) / 2])
                row["parity_ci_low"], row["parity_ci_high"] = float(lo), float(hi)
            adj = adjusted_ratio(n_t, e, g, rng=rng, n_boot=s.n_boot, ci=s.ci)
            row["voice_ratio_adjusted"], row["voice_ratio_ci_low"], row["voice_ratio_ci_high"] = adj
            prop = known[(known["kind"] == "proposal") & pd.notna(known["harm_id"])]
            row["n_proposals"] = len(prop)
            if len(prop):
                pe = prop["elite"].astype(bool).to_numpy()
                row["elite_proposal_share"] = float(pe.mean())
                row["proposal_parity"] = row["elite_proposal_share"] / pres if pres > 0 else np.nan
                n_p = prop.groupby(["session_id", "participant_id"]).size().reindex(keys, fill_value=0).to_numpy(float)
                row["proposal_ratio_adjusted"] = adjusted_ratio(n_p, e, g, rng=None)[0]
                adopted = prop["harm_id"].astype(str).isin(decided.get(c, set())).to_numpy()
                row["n_adopted"] = int(adopted.sum())
                if adopted.any():
                    row["elite_adopted_share"] = float(pe[adopted].mean())
                if pe.any() and (~pe).any():
                    up_e, up_n = adopted[pe].mean(), adopted[~pe].mean()
                    row["uptake_ratio"] = up_e / up_n if up_n > 0 else np.inf
        rows.append(row)
    subs = pd.DataFrame(sub_rows, columns=["community_id", "subgroup", "n_people", "presence_share", "voice_share"])
    return pd.DataFrame(rows), subs
