"""Bootstrap over rankers: how sure are we of each harm's place?"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .convert import prepare
from .core import aggregate
from .methods import positions_from_scores
from .registry import get_method
from ..settings import Settings, resolve_settings

__all__ = ["bootstrap_rankings", "resample_counts"]


def resample_counts(subgroups: np.ndarray, n_boot: int, rng: np.random.Generator,
                    stratify: bool) -> np.ndarray:
    """(n_boot, m) matrix: how many times each ranker is drawn in each resample."""
    m = len(subgroups)
    counts = np.zeros((n_boot, m))
    if not stratify:
        draws = rng.integers(0, m, size=(n_boot, m))
        np.add.at(counts, (np.repeat(np.arange(n_boot), m), draws.ravel()), 1.0)
        return counts
    labels = np.asarray(subgroups, dtype=str)
    for lab in np.unique(labels):
        members = np.flatnonzero(labels == lab)
        draws = members[rng.integers(0, len(members), size=(n_boot, len(members)))]
        np.add.at(counts, (np.repeat(np.arange(n_boot), len(members)), draws.ravel()), 1.0)
    return counts


def bootstrap_rankings(
    table: pd.DataFrame,
    method: str | None = None,
    weighting: str | None = None,
    ranker: str = "ranker",
    item: str = "harm_id",
    rank: str | None = "rank",
    subgroup: str = "subgroup",
    score: str | None = None,
    *,
    n_boot: int | None = None,
    seed: int | np.random.Generator | None = None,
    ci: float | None = None,
    session: str | None = "session_id",
    items: Sequence[Any] | None = None,
    settings: Settings | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Bootstrap over rankers: probability of being ranked first and a position interval.

    Parameters
    ----------
    table : DataFrame
        Long rankings table (see :func:`aggregate`), usually one community.
    method, weighting, ranker, item, rank, subgroup, score, session, items, **options
        As in :func:`aggregate`.
    n_boot : int, optional
        Number of resamples (default ``settings.n_boot``).
    seed : int or numpy.random.Generator, optional
        Seed for ``numpy.random.default_rng``; the same seed gives the same table (default
        ``settings.seed``).
    ci : float, optional
        Coverage of the percentile interval of positions (default ``settings.ci``, 0.95: 2.5%
        and 97.5%).
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`) for every argument left out.

    Returns
    -------
    DataFrame
        One row per item, in the order of the full-data ranking: ``<item>``, ``position``
        (full data), ``p_first``, ``position_median``, ``position_low``, ``position_high``,
        ``method``, ``weighting``, ``n_boot``, ``n_rankers``.

    Notes
    -----
    Each resample draws m rankers with replacement (``weighting="ranker"``), or, for
    ``weighting="subgroup"``, draws within each subgroup as many rankers as it has (stratified,
    so every subgroup keeps its equal share). The method is applied with the drawn counts as
    extra ranker weights. Positions are competition positions (ties share the minimum).
    ``p_first`` splits ties fractionally: when t harms share position 1 each gets 1/t, so
    ``p_first`` sums to 1 over harms. Interval ends are ``numpy.percentile`` (linear
    interpolation) of the resampled positions.

    Speed: ``mean_rank``, ``borda`` and ``salience`` are computed for all resamples with one
    matrix product; ``copeland``, ``schulze`` and ``kemeny`` from a batch of pairwise support
    matrices (one matrix product; Schulze's widest paths in one batched Floyd-Warshall): each
    well under 0.1 s for 2000 resamples of 8 harms x 40 rankers. ``kemeny`` solves every
    resample exactly (about 1.5 ms each for 8 harms, ~3-4 s for 2000). ``plackett_luce``
    refits the model for every resample (10-40 ms each: 20-80 s for 2000).

    References
    ----------
    .. [1] Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman &
       Hall.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.rankings import bootstrap_rankings
    >>> t = pd.DataFrame({"ranker": [1, 1, 2, 2, 3, 3], "harm_id": ["x", "y"] * 3,
    ...                   "rank": [1, 2, 1, 2, 2, 1]})
    >>> b = bootstrap_rankings(t, method="borda", n_boot=200, seed=1)
    >>> b["harm_id"].tolist(), bool(b["p_first"].sum().round(12) == 1)
    (['x', 'y'], True)
    """
    func = "bootstrap_rankings"
    if weighting is None and subgroup not in table.columns:
        weighting = "ranker"  # no subgroups given: each ranker is its own group
    s = resolve_settings(settings, ranking_method=method, ranking_weighting=weighting,
                         n_boot=n_boot, ci=ci)
    method, weighting, n_boot, ci = s.ranking_method, s.ranking_weighting, s.n_boot, s.ci
    if seed is None:
        seed = s.seed
    if n_boot < 1:
        raise ValueError(f"{func}: n_boot must be >= 1")
    m_info = get_method(method, func)
    rd = prepare(table, func=func, ranker=ranker, item=item, rank=rank, score=score,
                 subgroup=subgroup if (weighting == "subgroup" or subgroup in table.columns)
                 else None, session=session, items=items, weighting=weighting)
    full = aggregate(table, method=method, weighting=weighting, ranker=ranker, item=item,
                     rank=rank, subgroup=subgroup, score=score, session=session,
                     items=rd.items, **options)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    counts = resample_counts(rd.subgroups, n_boot, rng, stratify=weighting == "subgroup")
    wb = counts * rd.weight[None, :]  # (B, m)
    if m_info.kind == "linear":
        pts = m_info.points(rd)
        scores = (wb @ pts) / wb.sum(axis=1, keepdims=True)
        positions = positions_from_scores(scores, m_info.higher_is_better)
    elif m_info.kind == "pairwise":
        pref = rd.prefers().reshape(rd.m, -1)
        d = (wb @ pref).reshape(n_boot, rd.n, rd.n)
        _, positions = m_info.from_pairwise(d)
    else:
        positions = np.empty((n_boot, rd.n), dtype=int)
        for b in range(n_boot):
            positions[b] = m_info(rd, wb[b], **options).position
    positions = np.asarray(positions)
    is_first = positions == 1
    p_first = (is_first / is_first.sum(axis=1, keepdims=True)).mean(axis=0)
    lo, hi = 50 * (1 - ci), 50 * (1 + ci)
    out = pd.DataFrame(
        {
            item: pd.Series(rd.items, dtype=object),
            "p_first": p_first,
            "position_median": np.median(positions, axis=0),
            "position_low": np.percentile(positions, lo, axis=0),
            "position_high": np.percentile(positions, hi, axis=0),
        }
    )
    out = full[[item, "position"]].merge(out.astype({item: full[item].dtype}), on=item,
                                         how="left")
    out["method"] = method
    out["weighting"] = weighting
    out["n_boot"] = n_boot
    out["n_rankers"] = rd.m
    out.attrs.update({"method": method, "weighting": weighting, "ci": ci})
    return out
