"""Public aggregation functions: one consensus ranking, subgroup rankings, Bradley-Terry."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import methods as _methods  # noqa: F401  (registers the methods)
from .convert import check_columns, prepare, prepare_groups, ranker_weights, _sorted_unique
from .methods import fit_choice_model, positions_from_scores
from .registry import get_method
from ..settings import Settings, resolve_settings

__all__ = ["aggregate", "subgroup_rankings", "subgroup_matrix", "bradley_terry"]


def _result_frame(rd, res, item, method, weighting, higher_is_better) -> pd.DataFrame:
    pos = res.position
    if pos is None:
        pos = positions_from_scores(res.score, higher_is_better)
    out = pd.DataFrame(
        {
            item: pd.Series(rd.items, dtype=object),
            "position": np.asarray(pos, dtype=int),
            "score": np.asarray(res.score, dtype=float),
        }
    )
    out["method"] = method
    out["weighting"] = weighting
    out["n_rankers"] = rd.m
    # ties in the final order: by position, then item id (positions still show the tie)
    out = out.iloc[np.lexsort((np.arange(len(out)), out["position"].to_numpy()))]
    out = out.reset_index(drop=True)
    try:
        out[item] = out[item].infer_objects()
    except Exception:  # pragma: no cover
        pass
    out.attrs.update(
        {"method": method, "weighting": weighting, "higher_is_better": higher_is_better}
    )
    out.attrs.update(res.extra)
    return out


def aggregate(
    table: pd.DataFrame,
    method: str | None = None,
    weighting: str | None = None,
    ranker: str = "ranker",
    item: str = "harm_id",
    rank: str | None = "rank",
    subgroup: str = "subgroup",
    score: str | None = None,
    *,
    session: str | None = "session_id",
    items: Sequence[Any] | None = None,
    settings: Settings | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Aggregate many rankers' harm rankings into one consensus ranking.

    Parameters
    ----------
    table : DataFrame
        Long rankings table, one row per (ranker, item) that the ranker listed.
    method : str, optional
        A name from :func:`ranking_methods`: ``mean_rank``, ``borda``, ``salience``,
        ``copeland``, ``schulze``, ``kemeny`` or ``plackett_luce``. Default:
        ``settings.ranking_method``.
    weighting : {"ranker", "subgroup"}, optional
        Default: ``settings.ranking_weighting`` (``"ranker"`` when ``table`` has no ``subgroup``
        column). ``"ranker"``: every ranker weighs 1. ``"subgroup"``: every subgroup gets the same total
        weight, shared equally among its rankers (weight ``(m / G) / n_g``), so a large group
        of men does not outweigh a small group of girls.
    ranker, item, rank, subgroup, score : str
        Column names. If ``score`` is given (piling counters, votes, dots; higher = more
        important) ranks are derived from it and ``rank`` is ignored.
    session : str or None
        If this column exists, rankers are identified by (session, ranker).
    items : sequence, optional
        The full list of harms; harms nobody listed are then ranked (tied at the bottom of
        every list). Default: the harms that appear in ``table``.
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`) for ``method`` and ``weighting``.
    **options
        Method options: ``tie_penalty`` (kemeny, default 0.5), ``alpha`` (plackett_luce,
        default 0.01).

    Returns
    -------
    DataFrame
        One row per item, sorted by ``position`` then item id: ``<item>``, ``position``
        (1 = top; tied items share the minimum position), ``score``, ``method``,
        ``weighting``, ``n_rankers``. ``attrs`` holds ``method``, ``weighting``,
        ``higher_is_better`` and method extras (``kemeny_distance``, ``alpha``...).

    Notes
    -----
    Lists are first turned into mid-rank positions: tied harms spanning places p..p+t-1 sit at
    p + (t - 1)/2, and harms missing from a partial list are tied below all listed harms. Only
    the order of the rank values in one list matters. Then, with ranker weights ``w`` and
    ``n`` harms:

    * ``mean_rank``: score = weighted mean position (lower = better).
    * ``borda``: a harm gets ``n - position`` points, so with ties the harms share the points
      of the places they span; unlisted harms share the points of the bottom places (an
      unlisted block of size u gets (u - 1)/2 each). Score = weighted mean points
      (multiply by ``m`` for the classical total).
    * ``salience``: ``(L - r + 1) / L`` for a harm at place r of a list of L listed harms
      (mid-ranks for ties), 0 when absent; weighted mean (Smith 1993).
    * ``copeland``: D[a, b] = weight of rankers putting a strictly above b; score = number of
      harms a beats by majority (D[a, b] > D[b, a]) minus number it loses to.
    * ``schulze``: strongest-path (widest-path) strengths on the majority margins
      D[a, b] - D[b, a]; the beat-path relation is a strict partial order, harms are layered
      by it (layer 1 = the Schulze winners) and score = number of harms in lower layers.
    * ``kemeny``: the linear order minimising total weighted Kendall distance, found exactly
      (dynamic programming over subsets, O(2^n n^2), up to 20 harms). A ranker who ties a
      pair (including two unlisted harms) costs ``tie_penalty`` (default 0.5) on that pair
      whatever the order, so ties change the reported distance (``attrs["kemeny_distance"]``)
      but never the optimum; on untied lists the distance is pref_voting's. Among equally
      good orders the one that is lexicographically first in item order is chosen; adjacent
      harms whose swap leaves the distance unchanged share a position. Score = number of
      harms placed below.
    * ``plackett_luce``: penalised maximum likelihood, ``-loglik + alpha * sum(theta^2)``
      (``alpha`` default 0.01 keeps estimates finite when one harm is always first). Tied
      harms use Breslow's convention (each is chosen from its tie group plus all harms below);
      the bottom tie group (e.g. unlisted harms) adds no term. Fitted by
      ``choix.opt_top1`` when all rankers weigh the same, else by the same objective with
      weights (scipy). Score = centred log-worth (higher = better).

    Edge cases: a ranker listing one harm puts it above all others (tied); a ranker who ties
    everything adds nothing to any ordering (it counts in ``n_rankers``); a single ranker's
    list is returned as it is (with mid-rank ties as ties).

    References
    ----------
    .. [1] de Borda, J.-C. (1781). Memoire sur les elections au scrutin.
    .. [2] Copeland, A. H. (1951). A 'reasonable' social welfare function.
    .. [3] Schulze, M. (2011). A new monotonic, clone-independent, reversal symmetric, and
       Condorcet-consistent single-winner election method. Social Choice and Welfare 36.
    .. [4] Kemeny, J. G. (1959). Mathematics without numbers. Daedalus 88(4).
    .. [5] Smith, J. J. (1993). Using ANTHROPAC 3.5 and a spreadsheet to compute a free-list
       salience index. Cultural Anthropology Methods 5(3).
    .. [6] Plackett, R. L. (1975). The analysis of permutations. Applied Statistics 24(2);
       Luce, R. D. (1959). Individual Choice Behavior. choix documentation.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.rankings import aggregate
    >>> t = pd.DataFrame({"ranker": ["girls"] * 3 + ["boys"] * 3,
    ...                   "harm_id": ["school", "pregnancy", "marriage"] * 2,
    ...                   "rank": [1, 2, 3, 2, 1, 3]})
    >>> aggregate(t, method="borda")[["harm_id", "position", "score"]]
         harm_id  position  score
    0  pregnancy         1    1.5
    1     school         1    1.5
    2   marriage         3    0.0
    """
    if weighting is None and subgroup not in table.columns:
        weighting = "ranker"  # no subgroups given: each ranker is its own group
    s = resolve_settings(settings, ranking_method=method, ranking_weighting=weighting)
    method, weighting = s.ranking_method, s.ranking_weighting
    m = get_method(method)
    rd = prepare(
        table,
        func="aggregate",
        ranker=ranker,
        item=item,
        rank=rank,
        score=score,
        subgroup=subgroup if (weighting == "subgroup" or subgroup in table.columns) else None,
        session=session,
        items=items,
        weighting=weighting,
    )
    res = m(rd, rd.weight, **options)
    return _result_frame(rd, res, item, method, weighting, m.higher_is_better)


def _rankings_table(data: Any, func: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if isinstance(data, pd.DataFrame):
        return data, None
    table = getattr(data, "rankings", None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{func}: expected a DataFrame or an object with a .rankings DataFrame")
    harms = getattr(data, "harms", None)
    return table, harms if isinstance(harms, pd.DataFrame) else None


def subgroup_rankings(
    data: Any,
    *,
    method: str | None = None,
    settings: Settings | None = None,
    session_id: Any = None,
    community_id: Any = None,
    by: Sequence[str] | str | None = None,
    ranker: str = "ranker",
    item: str = "harm_id",
    rank: str | None = "rank",
    score: str | None = None,
    subgroup: str = "subgroup",
    session: str | None = "session_id",
    **options: Any,
) -> pd.DataFrame:
    """The harm x subgroup ranking table: one consensus ranking per subgroup.

    Parameters
    ----------
    data : DataFrame or object with ``.rankings`` (and optional ``.harms``)
        Long rankings table (see :func:`aggregate`).
    method : str, optional
        Aggregation method used *within* each subgroup (all rankers of a subgroup weigh the
        same); see :func:`ranking_methods`. Default: ``settings.ranking_method``.
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`).
    session_id, community_id : scalar or list, optional
        Keep only these sessions / communities (columns ``session_id`` / ``community_id``).
    by : str or list of str, optional
        Extra grouping columns, e.g. ``"community_id"``: one table per value.
    ranker, item, rank, score, subgroup, session : str
        Column names. When the ``subgroup`` column is absent, each ranker name is its subgroup
        (group rankers such as "girls").
    **options
        Passed to the method.

    Returns
    -------
    DataFrame
        Long form, one row per (by..., subgroup, item): ``<by columns>``, ``<item>``,
        ``subgroup``, ``rank`` (the subgroup's consensus position, 1 = top, ties share the
        minimum), ``score`` (the method's score), ``n_rankers``, ``method``; plus ``label``
        when ``data.harms`` gives labels.

    Notes
    -----
    Every subgroup is ranked over the same set of harms: all harms appearing in the filtered
    table (within each ``by`` group); a harm a subgroup never listed is tied at the bottom of
    its lists. A subgroup with one ranker (a group that ranked by consensus) keeps its own list.
    Use :func:`subgroup_matrix` for the wide harm x subgroup matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.rankings import subgroup_rankings
    >>> t = pd.DataFrame({"ranker": ["p1", "p1", "p2", "p2", "girls", "girls"],
    ...                   "subgroup": ["men", "men", "men", "men", "girls", "girls"],
    ...                   "harm_id": ["school", "marriage"] * 3,
    ...                   "rank": [1, 2, 1, 2, 2, 1]})
    >>> subgroup_rankings(t)[["subgroup", "harm_id", "rank", "n_rankers"]]
      subgroup   harm_id  rank  n_rankers
    0    girls  marriage     1          1
    1    girls    school     2          1
    2      men    school     1          2
    3      men  marriage     2          2
    """
    func = "subgroup_rankings"
    method = resolve_settings(settings, ranking_method=method).ranking_method
    table, harms = _rankings_table(data, func)
    value_col = score if score is not None else rank
    check_columns(func, table, [ranker, item, value_col])
    df = table
    for col, val in (("session_id", session_id), ("community_id", community_id)):
        if val is None:
            continue
        check_columns(func, df, [col])
        vals = list(val) if isinstance(val, (list, tuple, set, np.ndarray, pd.Series)) else [val]
        df = df[df[col].isin(vals)]
    if len(df) == 0:
        raise ValueError(f"{func}: no rows left after filtering (session_id={session_id!r}, "
                         f"community_id={community_id!r})")
    by_cols = [by] if isinstance(by, str) else list(by or [])
    check_columns(func, df, by_cols)
    df = df.copy()
    sub_col = subgroup if subgroup in df.columns else ranker
    df["_subgroup"] = df[sub_col].astype(object)
    m = get_method(method)
    columns: dict[str, list] = {c: [] for c in [*by_cols, "subgroup", item, "rank", "score", "n_rankers"]}
    # one preparation for every (by..., subgroup) group: the same arrays aggregate() would build
    for key, rd in prepare_groups(df, [*by_cols, "_subgroup"], func=func, ranker=ranker, item=item, rank=rank,
                                  score=score, session=session, universe_by=by_cols):
        res = m(rd, rd.weight, **options)
        pos = res.position if res.position is not None else positions_from_scores(res.score, m.higher_is_better)
        pos = np.asarray(pos, dtype=int)
        order = np.lexsort((np.arange(rd.n), pos))  # by position, then item id (as aggregate)
        for col, val in zip([*by_cols, "subgroup"], key):
            columns[col].extend([val] * rd.n)
        columns[item].extend(rd.items[order])
        columns["rank"].extend(pos[order])
        columns["score"].extend(np.asarray(res.score, dtype=float)[order])
        columns["n_rankers"].extend([rd.m] * rd.n)
    out = pd.DataFrame({c: pd.Series(v, dtype=object).infer_objects() if c not in ("rank", "score", "n_rankers")
                        else np.asarray(v, dtype=float if c == "score" else np.int64) for c, v in columns.items()})
    out["method"] = method
    out = out[by_cols + ["subgroup", item, "rank", "score", "n_rankers", "method"]]
    out.attrs.update({"weighting": "ranker", "higher_is_better": m.higher_is_better})
    if harms is not None and item in harms.columns and "label" in harms.columns:
        labels = harms.drop_duplicates(item).set_index(item)["label"]
        out["label"] = out[item].map(labels)
    out.attrs["method"] = method
    return out


def subgroup_matrix(table: pd.DataFrame, *, value: str = "rank", item: str = "harm_id",
                    subgroup: str = "subgroup", order: Sequence[Any] | None = None) -> pd.DataFrame:
    """Wide harm x subgroup matrix (for heatmaps) from :func:`subgroup_rankings` output.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`subgroup_rankings` (for one community / session).
    value : str
        Column to spread (``"rank"`` or ``"score"``).
    item, subgroup : str
        Column names.
    order : sequence, optional
        Row order of the harms; default: by mean ``rank`` across subgroups, then item id.

    Returns
    -------
    DataFrame
        Index = harms, columns = subgroups, values = ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"subgroup": ["girls", "girls", "men", "men"],
    ...                   "harm_id": ["school", "marriage"] * 2, "rank": [2, 1, 1, 2]})
    >>> subgroup_matrix(t).to_dict("index")
    {'marriage': {'girls': 1, 'men': 2}, 'school': {'girls': 2, 'men': 1}}
    """
    check_columns("subgroup_matrix", table, [item, subgroup, value])
    wide = table.pivot_table(index=item, columns=subgroup, values=value, aggfunc="first")
    if order is None:
        mean_rank = table.groupby(item)["rank"].mean() if "rank" in table.columns else None
        if mean_rank is not None:
            key = pd.DataFrame({"m": mean_rank.reindex(wide.index).to_numpy(),
                                "i": np.arange(len(wide))}, index=wide.index)
            wide = wide.loc[key.sort_values(["m", "i"]).index]
    else:
        wide = wide.loc[list(order)]
    wide.columns.name = subgroup
    return wide


def bradley_terry(
    pairwise: pd.DataFrame,
    *,
    weighting: str = "ranker",
    ranker: str = "ranker",
    harm_a: str = "harm_a",
    harm_b: str = "harm_b",
    preferred: str = "preferred",
    subgroup: str = "subgroup",
    item: str = "harm_id",
    session: str | None = "session_id",
    alpha: float = 0.01,
) -> pd.DataFrame:
    """Bradley-Terry consensus fitted directly on a pairwise-ranking table (via choix).

    Parameters
    ----------
    pairwise : DataFrame
        One row per comparison: ``ranker``, ``harm_a``, ``harm_b``, ``preferred`` (harm_a's
        value, harm_b's value or ``"tie"``).
    weighting : {"ranker", "subgroup"}
        As in :func:`aggregate`.
    alpha : float
        L2 penalty: the objective is ``-loglik + alpha * sum(theta^2)``.
    ranker, harm_a, harm_b, preferred, subgroup, item, session : str
        Column names (``item`` names the output column).

    Returns
    -------
    DataFrame
        Same columns as :func:`aggregate`: ``<item>``, ``position``, ``score`` (centred
        log-worth, higher = better), ``method`` (``"bradley_terry"``), ``weighting``,
        ``n_rankers``.

    Notes
    -----
    Each comparison won by ``a`` is the event "a chosen from {a, b}"; a tie counts as half a
    win each way. With equal ranker weights and no ties this is exactly
    ``choix.opt_pairwise(n, data, alpha)``; otherwise the same objective is minimised with
    event weights. To use the other methods on pairwise data, convert it first with
    :func:`pairwise_to_rankings` (Copeland-style wins per ranker).

    References
    ----------
    .. [1] Bradley, R. A., & Terry, M. E. (1952). Rank analysis of incomplete block designs.
       Biometrika 39(3/4). choix documentation, https://choix.lum.li.

    Examples
    --------
    >>> import pandas as pd
    >>> pw = pd.DataFrame({"ranker": ["p1", "p1", "p2"], "harm_a": ["a", "a", "b"],
    ...                    "harm_b": ["b", "c", "c"], "preferred": ["a", "a", "b"]})
    >>> bradley_terry(pw)["harm_id"].tolist()
    ['a', 'b', 'c']
    """
    import choix

    from .convert import pairwise_to_rankings

    func = "bradley_terry"
    need = [ranker, harm_a, harm_b, preferred] + ([subgroup] if weighting == "subgroup" else [])
    check_columns(func, pairwise, need)
    pairwise_to_rankings(pairwise, ranker=ranker, harm_a=harm_a, harm_b=harm_b,
                         preferred=preferred, session=session)  # validates `preferred`
    use_session = session is not None and session in pairwise.columns
    keys = ([session] if use_session else []) + [ranker]
    rk = pd.Series(list(pairwise[keys].itertuples(index=False, name=None)), dtype=object)
    rankers = list(dict.fromkeys(rk))
    rindex = {k: i for i, k in enumerate(rankers)}
    subs_col = subgroup if subgroup in pairwise.columns else ranker
    first_sub = pd.Series(pairwise[subs_col].astype(object).to_numpy(), index=rk).groupby(
        level=0, sort=False).first()
    subs = np.array([first_sub[k] for k in rankers], dtype=object)
    w = ranker_weights(subs, weighting)
    items = _sorted_unique(list(pairwise[harm_a]) + list(pairwise[harm_b]))
    idx = {v: j for j, v in enumerate(items)}
    events, ew, plain = [], [], []
    for key, a, b, p in zip(rk, pairwise[harm_a], pairwise[harm_b], pairwise[preferred]):
        wr = w[rindex[key]]
        ia, ib = idx[a], idx[b]
        if str(p).lower() == "tie":
            events += [(ia, np.array([ib])), (ib, np.array([ia]))]
            ew += [wr / 2, wr / 2]
        else:
            win, los = (ia, ib) if p == a else (ib, ia)
            events.append((win, np.array([los])))
            ew.append(wr)
            plain.append((win, los))
    ew = np.array(ew)
    if len(plain) == len(events) and np.allclose(ew, ew[0]):
        theta = choix.opt_pairwise(len(items), plain, alpha=alpha / ew[0], tol=1e-10)
    else:
        theta = fit_choice_model(len(items), events, ew, alpha)
    theta = theta - theta.mean()
    from .registry import MethodResult
    from .convert import RankData

    rd = RankData(items=items, rankers=rankers, pos=np.zeros((len(rankers), len(items))),
                  listed=np.ones((len(rankers), len(items)), bool), subgroups=subs, weight=w)
    res = MethodResult(score=theta, position=positions_from_scores(theta, tol=1e-6),
                       extra={"alpha": alpha})
    return _result_frame(rd, res, item, "bradley_terry", weighting, True)
