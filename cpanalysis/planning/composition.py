"""Is the planning group itself inclusive? Its composition against the community's, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inclusion import planning_group_composition
from ..inclusion.suppression import suppress_small
from ..settings import Settings, resolve_settings
from ._common import community_rng, divide, multinomial_draws, quantiles

__all__ = ["planning_group_inclusion"]

_INTERVALS = ("planning_ci_low", "planning_ci_high", "ratio_ci_low", "ratio_ci_high")


def planning_group_inclusion(data, *, subgroup="subgroup", reference: str = "community_meeting",
                             settings: Settings | None = None) -> pd.DataFrame:
    """The planning group's composition against the community, with member-level intervals, suppressed.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        As :func:`cpanalysis.planning_group_composition` (sessions of format ``planning_group``
        and their attendance).
    subgroup : str or list of str, default "subgroup"
        The classes: ``"subgroup"``, ``"elite"``, ``"marginalised"`` or a list of them.
    reference : str, default "community_meeting"
        The session format whose presence share the planning group is compared with.
    settings : Settings, optional
        ``n_boot``, ``ci``, ``seed`` for the intervals; ``min_count`` for suppression.

    Returns
    -------
    DataFrame
        The columns of :func:`cpanalysis.planning_group_composition` (``community_id``,
        ``subgroup``, ``n_members``, ``planning_share``, ``meeting_share``, ``population_share``,
        ``ratio_to_meeting``, ``ratio_to_population``, ``basis``, ``note``), plus
        ``planning_ci_low``, ``planning_ci_high`` (interval of ``planning_share``) and
        ``ratio_ci_low``, ``ratio_ci_high`` (of ``ratio_to_meeting``). Member counts below
        ``settings.min_count`` are hidden with every value computed from them.

    Notes
    -----
    The interval resamples the planning group's members with replacement (a member-level
    bootstrap: the subgroup counts of ``n`` members drawn from the group are
    ``Multinomial(n, n_members / n)``), seeded per community; the reference share is held fixed.
    A ratio below 1 means the subgroup has fewer seats than its share of the community meeting.

    Suppression is :func:`cpanalysis.suppress_small`'s: a member count below ``settings.min_count``
    is hidden with its share, ratios and intervals, and since the shares give the planning group's
    size away (``n_members / planning_share``), another count of the community is hidden too (the
    smallest shown one) so that the hidden one cannot be worked out by subtraction.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import planning_group_inclusion
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = planning_group_inclusion(data, subgroup="elite", settings=cpanalysis.Settings(n_boot=200))
    >>> # non-elite members are fewer than 5; the elite count and share would give them away, so are hidden
    >>> table.loc[table["community_id"] == "C02", ["subgroup", "n_members", "planning_share", "meeting_share"]]
        subgroup  n_members  planning_share  meeting_share
    2      elite       <NA>            <NA>       0.184049
    3  non-elite       <NA>            <NA>       0.815951
    """
    settings = resolve_settings(settings)
    table = planning_group_composition(data, subgroup=subgroup, reference=reference)
    low = np.full(len(table), np.nan)
    high, ratio_low, ratio_high = low.copy(), low.copy(), low.copy()
    for community, rows in table.groupby("community_id", sort=False).indices.items():
        counts = table["n_members"].to_numpy()[rows]
        if counts.sum() == 0:
            continue
        draws = multinomial_draws(counts, community_rng(settings.seed, community), settings.n_boot)
        shares = divide(draws, draws.sum(axis=1, keepdims=True))
        low[rows], high[rows] = quantiles(shares, settings.ci)
        meeting = table["meeting_share"].to_numpy(dtype=float)[rows]
        ratio_low[rows], ratio_high[rows] = quantiles(divide(shares, np.broadcast_to(meeting, shares.shape)),
                                                      settings.ci)
    for after, names, values in (("planning_share", _INTERVALS[:2], (low, high)),
                                 ("ratio_to_meeting", _INTERVALS[2:], (ratio_low, ratio_high))):
        where = table.columns.get_loc(after) + 1
        for offset, (name, column) in enumerate(zip(names, values)):
            table.insert(where + offset, name, column)
    # the registry ties the intervals to n_members and knows that the shares give the total away
    return suppress_small(table, counts=["n_members"], settings=settings)
