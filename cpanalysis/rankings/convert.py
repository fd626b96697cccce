"""Turn long ranking tables into arrays that every aggregation method shares.

The central object is :class:`RankData`: one row per ranker, one column per item (harm), holding

* ``pos``: the *mid-rank position* of each item in that ranker's list (1 = top). Tied items share
  the mean of the positions they span; items missing from a partial list are tied below every
  listed item, so they share the mean of the remaining positions.
* ``listed``: whether the ranker listed the item (used by Smith's salience).
* ``weight``: the ranker's weight (see :func:`ranker_weights`).

Only the *order* of the values in the ``rank`` column matters inside one ranker's list: ranks
1, 2, 2, 4 and 1, 2, 2, 3 describe the same list. Scores are turned into ranks with equal scores
tied (higher score = more important).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["RankData", "prepare", "ranker_weights", "pairwise_to_rankings", "check_columns"]

WEIGHTINGS = ("ranker", "subgroup")


def check_columns(func: str, table: Any, columns: Iterable[str | None]) -> pd.DataFrame:
    """Validate the table passed to a public function (the one shared input check).

    Raises a ``ValueError`` that names the calling function and the problem (missing column,
    empty table, not a DataFrame).
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{func}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise ValueError(
            f"{func}: missing column(s) {names}; available columns: {list(table.columns)}"
        )
    if len(table) == 0:
        raise ValueError(f"{func}: the table is empty (no rows to rank)")
    return table


def _sorted_unique(values: Sequence[Any]) -> np.ndarray:
    """Unique values in sorted order; falls back to string order for mixed types."""
    uniq = pd.unique(pd.Series(values, dtype=object))
    try:
        return np.array(sorted(uniq), dtype=object)
    except TypeError:
        return np.array(sorted(uniq, key=str), dtype=object)


def midrank_positions(levels: np.ndarray) -> np.ndarray:
    """Mid-rank positions (1 = top) of a 1-D array where a lower level means a better item.

    ``NaN`` levels (unlisted items) are tied below every finite level.
    """
    lv = np.where(np.isnan(levels), np.inf, levels)
    # average rank: 1 + number strictly better + (number tied - 1) / 2
    better = (lv[None, :] < lv[:, None]).sum(axis=1)
    tied = (lv[None, :] == lv[:, None]).sum(axis=1)
    return 1.0 + better + (tied - 1) / 2.0


@dataclass
class RankData:
    """Rankings as arrays: rows are rankers, columns are items."""

    items: np.ndarray
    rankers: list
    pos: np.ndarray  # (m, n) mid-rank positions, 1 = top
    listed: np.ndarray  # (m, n) bool
    subgroups: np.ndarray  # (m,) subgroup label of each ranker
    weight: np.ndarray = field(default=None)  # (m,) weights, sum = m

    @property
    def m(self) -> int:
        return self.pos.shape[0]

    @property
    def n(self) -> int:
        return self.pos.shape[1]

    def prefers(self) -> np.ndarray:
        """(m, n, n) array: 1.0 where the ranker puts item a strictly above item b."""
        return (self.pos[:, :, None] < self.pos[:, None, :]).astype(float)

    def ties(self) -> np.ndarray:
        """(m, n, n) array: 1.0 where the ranker ties a and b (a != b)."""
        t = (self.pos[:, :, None] == self.pos[:, None, :]).astype(float)
        idx = np.arange(self.n)
        t[:, idx, idx] = 0.0
        return t

    def list_lengths(self) -> np.ndarray:
        return self.listed.sum(axis=1)


def ranker_weights(subgroups: np.ndarray, weighting: str) -> np.ndarray:
    """Weights of the rankers, scaled to sum to the number of rankers ``m``.

    ``"ranker"``: every ranker has weight 1. ``"subgroup"``: every subgroup gets the same total
    weight ``m / G`` (G subgroups), shared equally among its rankers, i.e. each ranker weighs
    ``(m / G) / n_g``.
    """
    m = len(subgroups)
    if weighting == "ranker":
        return np.ones(m)
    if weighting == "subgroup":
        labels, inverse, counts = np.unique(
            np.asarray(subgroups, dtype=str), return_inverse=True, return_counts=True
        )
        return (m / len(labels)) / counts[inverse]
    raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")


def _levels(values: pd.Series, *, score: str | None, rank: str | None, func: str) -> np.ndarray:
    """Lower = better: ranks as they are, scores negated (checked: ranks >= 1, scores >= 0)."""
    vals = pd.to_numeric(values, errors="raise").astype(float).to_numpy()
    if score is not None:
        if (vals < 0).any():
            raise ValueError(f"{func}: scores in column {score!r} must be >= 0")
        return -vals  # higher score = better = lower level
    if (vals < 1).any():
        raise ValueError(f"{func}: ranks in column {rank!r} must be >= 1")
    return vals


def _refuse_repeats(df: pd.DataFrame, key_cols: list, item: str, func: str) -> None:
    if df.duplicated(key_cols + [item]).any():
        dup = df[df.duplicated(key_cols + [item], keep=False)].head(3)
        raise ValueError(
            f"{func}: a ranker lists the same {item!r} twice (first rows: "
            f"{dup[key_cols + [item]].to_dict('records')})"
        )


def _level_matrix(keys: list, item_values, levels: np.ndarray, all_items: np.ndarray) -> tuple[list, np.ndarray]:
    """The rankers (sorted keys) and their (rankers x items) levels, NaN where not listed."""
    item_index = {v: j for j, v in enumerate(all_items)}
    rankers = list(dict.fromkeys(keys))
    try:
        rankers = sorted(rankers)
    except TypeError:
        rankers = sorted(rankers, key=str)
    ranker_index = {k: i for i, k in enumerate(rankers)}
    lev = np.full((len(rankers), len(all_items)), np.nan)
    rows = np.fromiter((ranker_index[k] for k in keys), dtype=int, count=len(keys))
    cols = np.fromiter((item_index[v] for v in item_values), dtype=int, count=len(keys))
    lev[rows, cols] = levels
    return rankers, lev


def prepare(
    table: pd.DataFrame,
    *,
    func: str,
    ranker: str = "ranker",
    item: str = "harm_id",
    rank: str | None = "rank",
    score: str | None = None,
    subgroup: str | None = None,
    session: str | None = "session_id",
    items: Sequence[Any] | None = None,
    weighting: str = "ranker",
) -> RankData:
    """Validate a long rankings table and convert it to :class:`RankData`.

    Parameters mirror :func:`cpanalysis.rankings.aggregate`. When ``score`` is given, ranks are
    derived from it (higher score = better, equal scores tied); otherwise ``rank`` is used.
    Rows whose rank/score is missing are treated as unlisted. A ranker is identified by
    ``(session, ranker)`` when the ``session`` column is present, so the "girls" group of two
    sessions are two rankers. If ``subgroup`` is None or absent, each ranker is its own subgroup
    label (for group rankers the ranker name *is* the subgroup).
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"{func}: weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    value_col = score if score is not None else rank
    need = [ranker, item, value_col]
    if weighting == "subgroup" and subgroup is not None:
        need.append(subgroup)
    check_columns(func, table, need)
    use_session = session is not None and session in table.columns
    key_cols = ([session] if use_session else []) + [ranker]
    cols = key_cols + [item, value_col]
    has_sub = subgroup is not None and subgroup in table.columns
    if has_sub and subgroup not in cols:
        cols.append(subgroup)
    df = table.loc[:, list(dict.fromkeys(cols))].copy()
    df["_level"] = _levels(df[value_col], score=score, rank=rank, func=func)
    df = df[~np.isnan(df["_level"].to_numpy())]
    if len(df) == 0:
        raise ValueError(f"{func}: no non-missing values in column {value_col!r}")
    _refuse_repeats(df, key_cols, item, func)
    all_items = _sorted_unique(list(df[item]) + (list(items) if items is not None else []))
    if use_session:
        keys = list(zip(df[session].astype(object), df[ranker].astype(object)))
    else:
        keys = list(df[ranker].astype(object))
    df["_key"] = pd.Series(keys, index=df.index, dtype=object)
    rankers, lev = _level_matrix(keys, df[item], df["_level"].to_numpy(), all_items)
    listed = ~np.isnan(lev)
    pos = np.vstack([midrank_positions(row) for row in lev])
    if has_sub:
        sub_first = df.groupby("_key", sort=False)[subgroup].first()
        subs = np.array([sub_first[k] for k in rankers], dtype=object)
    else:
        subs = np.array([k[-1] if isinstance(k, tuple) else k for k in rankers], dtype=object)
    rd = RankData(items=all_items, rankers=rankers, pos=pos, listed=listed, subgroups=subs)
    rd.weight = ranker_weights(subs, weighting)
    return rd


def prepare_groups(
    table: pd.DataFrame,
    groups: Sequence[str],
    *,
    func: str,
    ranker: str = "ranker",
    item: str = "harm_id",
    rank: str | None = "rank",
    score: str | None = None,
    session: str | None = "session_id",
    universe_by: Sequence[str] = (),
):
    """:func:`prepare` of every group of ``table`` by the columns ``groups`` at once (every ranker
    weighing 1), each over the items of its ``universe_by`` group: the same :class:`RankData` as
    ``prepare(part, items=universe, weighting="ranker")`` on each part, with the checks done once
    (the story ranks hundreds of small groups). Rows whose last group column is missing belong to
    no group (as in ``groupby``) but their items count in the universe.

    Yields ``(key, RankData)`` in sorted key order (``key`` a tuple of the group's values).
    """
    groups = list(groups)
    value_col = score if score is not None else rank
    check_columns(func, table, [ranker, item, value_col, *groups, *universe_by])
    levels = _levels(table[value_col], score=score, rank=rank, func=func)
    use_session = session is not None and session in table.columns
    key_cols = ([session] if use_session else []) + [ranker]
    frame = table[list(dict.fromkeys([*universe_by, *groups, *key_cols, item]))].copy()
    frame["_level"] = levels
    frame["_universe"] = frame.groupby(list(universe_by), sort=False, dropna=False).ngroup() if universe_by else 0
    universes = {code: _sorted_unique(list(part[item])) for code, part in frame.groupby("_universe", sort=False)}
    frame = frame[frame[groups[-1]].notna()]
    for key, part in frame.groupby(groups, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        all_items = universes[part["_universe"].iloc[0]]
        part = part[~np.isnan(part["_level"].to_numpy())]
        if len(part) == 0:
            raise ValueError(f"{func}: no non-missing values in column {value_col!r}")
        _refuse_repeats(part, key_cols, item, func)
        columns = [part[c].to_numpy(dtype=object) for c in key_cols]
        keys = list(zip(*columns)) if use_session else list(columns[0])
        rankers, lev = _level_matrix(keys, part[item].to_numpy(dtype=object), part["_level"].to_numpy(), all_items)
        pos = np.vstack([midrank_positions(row) for row in lev])
        subs = np.array([key[-1]] * len(rankers), dtype=object)
        rd = RankData(items=all_items, rankers=rankers, pos=pos, listed=~np.isnan(lev), subgroups=subs)
        rd.weight = np.ones(len(rankers))
        yield key, rd


def pairwise_to_rankings(
    pairwise: pd.DataFrame,
    *,
    ranker: str = "ranker",
    harm_a: str = "harm_a",
    harm_b: str = "harm_b",
    preferred: str = "preferred",
    item: str = "harm_id",
    session: str | None = "session_id",
    keep: Sequence[str] = ("subgroup", "community_id", "ranker_type", "elite"),
) -> pd.DataFrame:
    """Convert a pairwise-ranking table into a rankings table by Copeland-style wins.

    Parameters
    ----------
    pairwise : DataFrame
        One row per comparison with columns ``ranker``, ``harm_a``, ``harm_b`` and
        ``preferred`` (``harm_a``'s value, ``harm_b``'s value, or ``"tie"``).
    ranker, harm_a, harm_b, preferred, session : str
        Column names. ``session`` is used only when present.
    item : str
        Name of the item column in the output.
    keep : sequence of str
        Ranker-level columns copied to the output when present.

    Returns
    -------
    DataFrame
        One row per (session, ranker, item) with ``rank``: 1 + the number of harms with strictly
        more wins, where a win counts 1 and a tie 0.5 (so equal win counts give tied ranks), and
        ``wins``.

    Notes
    -----
    In a pairwise-ranking matrix every pair is compared once, so the number of wins is the
    Borda count of the ranker's preferences and the result is a ranking with ties. A harm
    that appears in no comparison of a ranker is absent from that ranker's list (treated as
    unlisted by the aggregation methods). Intransitive answers (a > b > c > a) become ties.
    For the Bradley-Terry model fitted directly on comparisons see
    :func:`cpanalysis.rankings.bradley_terry`.

    Examples
    --------
    >>> import pandas as pd
    >>> pw = pd.DataFrame({"ranker": ["girls"] * 3, "harm_a": ["a", "a", "b"],
    ...                    "harm_b": ["b", "c", "c"], "preferred": ["a", "a", "tie"]})
    >>> pairwise_to_rankings(pw)[["ranker", "harm_id", "rank"]].to_dict("list")
    {'ranker': ['girls', 'girls', 'girls'], 'harm_id': ['a', 'b', 'c'], 'rank': [1, 2, 2]}
    """
    func = "pairwise_to_rankings"
    check_columns(func, pairwise, [ranker, harm_a, harm_b, preferred])
    use_session = session is not None and session in pairwise.columns
    keys = ([session] if use_session else []) + [ranker]
    a = pairwise[harm_a].astype(object).to_numpy()
    b = pairwise[harm_b].astype(object).to_numpy()
    p = pairwise[preferred].astype(object).to_numpy()
    is_tie = np.array([str(x).lower() == "tie" for x in p])
    win_a = np.array([x == y for x, y in zip(p, a)]) & ~is_tie
    win_b = np.array([x == y for x, y in zip(p, b)]) & ~is_tie
    bad = ~(is_tie | win_a | win_b)
    if bad.any():
        raise ValueError(
            f"{func}: column {preferred!r} must hold harm_a, harm_b or 'tie'; "
            f"bad values: {list(pd.unique(p[bad]))[:5]}"
        )
    base = pairwise[keys].reset_index(drop=True)
    left = base.assign(**{item: a, "_w": np.where(is_tie, 0.5, win_a.astype(float))})
    right = base.assign(**{item: b, "_w": np.where(is_tie, 0.5, win_b.astype(float))})
    long = pd.concat([left, right], ignore_index=True)
    long[item] = long[item].astype(object)
    wins = long.groupby(keys + [item], sort=True, observed=True)["_w"].sum().rename("wins")
    out = wins.reset_index()
    out["rank"] = (
        out.groupby(keys, sort=False)["wins"].rank(method="min", ascending=False).astype(int)
    )
    extra = [c for c in keep if c in pairwise.columns and c not in keys]
    if extra:
        info = pairwise.groupby(keys, sort=False)[extra].first().reset_index()
        out = out.merge(info, on=keys, how="left")
    return out
