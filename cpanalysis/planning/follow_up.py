"""What became of the actions: completion and stalling by cycle, and time to the first completed action."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import Settings, resolve_settings
from ._common import (PROGRAMME, bootstrap_sums, check_columns, check_level, community_rng, divide, quantiles,
                      table_of)

__all__ = ["action_follow_up", "action_status", "first_completion"]


def action_status(data, *, as_of=None) -> pd.DataFrame:
    """Each action's status on a date, from its updates.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``actions`` (``action_id``, ``community_id``, ``cycle``) and ``action_updates``.
    as_of : date-like, optional
        The date of the status; by default the latest update date of the dataset.

    Returns
    -------
    DataFrame
        The actions' ``action_id``, ``community_id``, ``cycle``, then ``status`` (the last status
        on or before ``as_of``; ``planned`` when there is none), ``n_updates`` (updates up to
        ``as_of``), ``ever_stalled``, ``done_date`` (the first ``done``, NaT if none).

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.planning import action_status
    >>> actions = pd.DataFrame({"action_id": ["A1", "A2"], "community_id": ["C1", "C1"], "cycle": [1, 1]})
    >>> updates = pd.DataFrame({"action_id": ["A1", "A1", "A1"], "status": ["started", "stalled", "done"],
    ...                         "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])})
    >>> action_status({"actions": actions, "action_updates": updates}, as_of="2025-02-15")[["action_id", "status", "ever_stalled"]]
      action_id   status  ever_stalled
    0        A1  stalled          True
    1        A2  planned         False
    """
    func = "action_status"
    actions, updates = table_of(data, "actions"), table_of(data, "action_updates")
    check_columns(func, actions, ["action_id", "community_id", "cycle"], table="actions")
    if updates is None:
        updates = pd.DataFrame({"action_id": pd.Series(dtype="string"), "date": pd.Series(dtype="datetime64[ns]"),
                                "status": pd.Series(dtype="string")})
    check_columns(func, updates, ["action_id", "date", "status"], table="action_updates")
    dates = pd.to_datetime(updates["date"])
    limit = dates.max() if as_of is None else pd.Timestamp(as_of)
    seen = updates.assign(_date=dates, _row=np.arange(len(updates)))
    seen = seen[seen["_date"] <= limit] if pd.notna(limit) else seen.iloc[:0]
    seen = seen.sort_values(["action_id", "_date", "_row"], kind="stable")
    last = seen.groupby("action_id")["status"].last()
    count = seen.groupby("action_id").size()
    stalled = seen[seen["status"] == "stalled"].groupby("action_id").size()
    done = seen[seen["status"] == "done"].groupby("action_id")["_date"].min()
    out = actions[["action_id", "community_id", "cycle"]].reset_index(drop=True).copy()
    ids = out["action_id"]
    latest = last.reindex(ids.to_numpy()).astype("string")  # an action never visited is still planned
    out["status"] = pd.array(latest.fillna("planned").to_numpy(dtype=object), dtype="string")
    out["n_updates"] = ids.map(count).fillna(0).astype("int64")
    out["ever_stalled"] = ids.isin(stalled.index).to_numpy(dtype=bool)
    out["done_date"] = pd.to_datetime(pd.Series(done, dtype="datetime64[ns]").reindex(ids.to_numpy()).to_numpy())
    return out


def action_follow_up(data, *, level: str = "community", as_of=None, settings: Settings | None = None) -> pd.DataFrame:
    """Completion and stalling of the actions agreed in each cycle.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``actions`` and ``action_updates``.
    level : {"community", "programme"}, default "community"
        One row per community and cycle, or per cycle for the programme.
    as_of : date-like, optional
        The date at which statuses are read (:func:`action_status`); the latest update by default.
    settings : Settings, optional
        ``n_boot``, ``ci``, ``seed`` for the intervals.

    Returns
    -------
    DataFrame
        ``community_id``, ``cycle``, ``n_actions``, ``n_done``, ``n_dropped``, ``n_stalled`` (stalled
        now), ``n_open`` (planned or started now), ``n_ever_stalled``, ``n_without_update``,
        ``done_share`` (``n_done / n_actions``) with ``done_ci_low``, ``done_ci_high``, and
        ``stalled_share`` (``n_ever_stalled / n_actions``) with ``stalled_ci_low``, ``stalled_ci_high``.

    Notes
    -----
    An action without any update counts as ``planned`` and is counted in ``n_without_update``:
    it may simply not have been followed up. The later cycles' actions have had less time, so
    their shares are not comparable with earlier cycles' before they are old enough. Intervals:
    percentile bootstrap over the actions of each community and cycle, seeded by the community id
    and the cycle; programme rows pool the communities' resamples. Counts of actions are not counts
    of people and are not suppressed.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_follow_up
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = action_follow_up(data, level="programme", settings=cpanalysis.Settings(n_boot=200))
    >>> table[["cycle", "n_actions", "n_done", "n_dropped", "n_stalled", "n_open"]]
       cycle  n_actions  n_done  n_dropped  n_stalled  n_open
    0      1         28      20          8          0       0
    1      2         26      20          5          1       0
    2      3         28      14          8          3       3
    """
    func = "action_follow_up"
    settings = resolve_settings(settings)
    check_level(func, level)
    status = action_status(data, as_of=as_of)
    names = ["done", "dropped", "stalled", "open", "ever_stalled", "without_update"]
    values = np.column_stack([
        np.ones(len(status)),
        status["status"] == "done", status["status"] == "dropped", status["status"] == "stalled",
        status["status"].isin(["planned", "started"]), status["ever_stalled"], status["n_updates"] == 0,
    ]).astype(float)
    stratum = status["community_id"].astype(str) + "/cycle " + status["cycle"].astype(str)
    strata, observed, draws = bootstrap_sums(stratum.to_numpy(), values, seed=settings.seed, n_boot=settings.n_boot)
    first = status.assign(_stratum=stratum).drop_duplicates("_stratum").set_index("_stratum")
    keys = pd.DataFrame({"community_id": first.loc[strata, "community_id"].astype(str).to_numpy(),
                         "cycle": first.loc[strata, "cycle"].to_numpy()})
    if level == "programme":
        cycles = sorted(keys["cycle"].dropna().unique())
        groups = [np.flatnonzero((keys["cycle"] == c).to_numpy()) for c in cycles]
        keys = pd.DataFrame({"community_id": PROGRAMME, "cycle": cycles})
        observed = np.array([observed[g].sum(axis=0) for g in groups]).reshape(len(cycles), values.shape[1])
        draws = np.array([draws[g].sum(axis=0) for g in groups]).reshape(len(cycles), settings.n_boot, values.shape[1])
    else:
        order = keys.sort_values(["community_id", "cycle"], kind="stable").index.to_numpy()
        keys, observed, draws = keys.iloc[order].reset_index(drop=True), observed[order], draws[order]
    out = keys.copy()
    out["n_actions"] = observed[:, 0].astype("int64")
    for k, name in enumerate(names):
        out[f"n_{name}"] = observed[:, 1 + k].astype("int64")
    for name, column in (("done", 1), ("stalled", 5)):
        out[f"{name}_share"] = divide(observed[:, column], observed[:, 0])
        low, high = quantiles(np.moveaxis(divide(draws[:, :, column], draws[:, :, 0]), 1, 0), settings.ci)
        out[f"{name}_ci_low"], out[f"{name}_ci_high"] = low, high
    out["cycle"] = out["cycle"].astype("int64")
    return out


def first_completion(data, *, level: str = "community", settings: Settings | None = None) -> pd.DataFrame:
    """Time to the first completed action: early, manageable successes build confidence.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``sessions``, ``actions`` and ``action_updates``.
    level : {"community", "programme"}, default "community"
    settings : Settings, optional
        ``n_boot``, ``ci``, ``seed`` for the programme interval.

    Returns
    -------
    DataFrame
        Community level: ``community_id``, ``n_actions``, ``first_session`` (the community's first
        session), ``first_agreed`` (the date its first action was agreed: the session's date, else
        its first update), ``first_done`` (the first ``done`` update; NaT if none yet),
        ``days_from_first_session``, ``days_from_first_agreed`` (to the first done, or to the last
        update of the dataset when none is done yet), ``cycle_first_done``, ``censored`` (True when
        nothing is done yet: the days are a lower bound).
        Programme level: ``community_id`` ("programme"), ``n_communities``, ``n_with_done``,
        ``median_days`` (Kaplan-Meier median of ``days_from_first_agreed``, censored communities
        included), ``ci_low``, ``ci_high`` (bootstrap over communities).

    Notes
    -----
    The Kaplan-Meier estimate ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)`` treats communities with no
    done action as censored at the end of observation; the median is the first ``t`` with
    ``S(t) <= 0.5`` (NaN when it is never reached). Communities without actions have no row.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import first_completion
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> first_completion(data)[["community_id", "days_from_first_agreed", "censored"]].head(3)
      community_id  days_from_first_agreed  censored
    0          C01                     206     False
    1          C02                      60     False
    2          C03                     271     False
    """
    func = "first_completion"
    settings = resolve_settings(settings)
    check_level(func, level)
    sessions = table_of(data, "sessions")
    check_columns(func, sessions, ["session_id", "community_id", "date"], table="sessions")
    status = action_status(data)
    actions = table_of(data, "actions")
    updates = table_of(data, "action_updates")
    session_date = sessions.drop_duplicates("session_id").set_index("session_id")["date"]
    agreed = pd.to_datetime(actions["session_id"].map(session_date)) if "session_id" in actions \
        else pd.Series(pd.NaT, index=actions.index)
    if updates is not None and len(updates):
        first_update = pd.to_datetime(updates["date"]).groupby(updates["action_id"]).min()
        agreed = agreed.fillna(actions["action_id"].map(first_update))
        end = pd.to_datetime(updates["date"]).max()
    else:
        end = pd.NaT
    status = status.assign(_agreed=agreed.to_numpy())
    start = pd.to_datetime(sessions["date"]).groupby(sessions["community_id"].astype(str)).min()
    rows = []
    for community, part in status.groupby(status["community_id"].astype(str), sort=True):
        done = part["done_date"]
        first_done = done.min()
        first_agreed = part["_agreed"].min()
        until = first_done if pd.notna(first_done) else end
        cycle = part.loc[done == first_done, "cycle"].min() if pd.notna(first_done) else pd.NA
        rows.append({"community_id": community, "n_actions": len(part), "first_session": start.get(community, pd.NaT),
                     "first_agreed": first_agreed, "first_done": first_done,
                     "days_from_first_session": (until - start.get(community, pd.NaT)).days
                     if pd.notna(until) and pd.notna(start.get(community, pd.NaT)) else np.nan,
                     "days_from_first_agreed": (until - first_agreed).days
                     if pd.notna(until) and pd.notna(first_agreed) else np.nan,
                     "cycle_first_done": cycle, "censored": pd.isna(first_done)})
    out = pd.DataFrame(rows, columns=["community_id", "n_actions", "first_session", "first_agreed", "first_done",
                                      "days_from_first_session", "days_from_first_agreed", "cycle_first_done",
                                      "censored"])
    out["cycle_first_done"] = out["cycle_first_done"].astype("Int64")
    if level == "community":
        return out
    times = out["days_from_first_agreed"].to_numpy(dtype=float)
    event = ~out["censored"].to_numpy(dtype=bool)
    known = ~np.isnan(times)
    times, event = times[known], event[known]
    median = km_median(times, event)
    rng = community_rng(settings.seed, PROGRAMME)
    boot = np.array([km_median(times[p], event[p]) for p in rng.integers(0, len(times), (settings.n_boot, len(times)))]) \
        if len(times) and settings.n_boot else np.zeros(0)
    low, high = quantiles(boot.reshape(-1, 1), settings.ci) if boot.size else (np.array([np.nan]), np.array([np.nan]))
    return pd.DataFrame({"community_id": [PROGRAMME], "n_communities": [len(out)], "n_with_done": [int(event.sum())],
                         "median_days": [median], "ci_low": [float(low[0])], "ci_high": [float(high[0])]})


def km_median(times: np.ndarray, event: np.ndarray) -> float:
    """Kaplan-Meier median: the first time at which the survival estimate falls to 0.5 or below.

    Examples
    --------
    >>> import numpy as np
    >>> km_median(np.array([10., 20., 30., 40.]), np.array([True, True, False, True]))
    20.0
    """
    times, event = np.asarray(times, dtype=float), np.asarray(event, dtype=bool)
    survival = 1.0
    for t in np.unique(times[event]):
        at_risk = np.sum(times >= t)
        survival *= 1.0 - np.sum((times == t) & event) / at_risk
        if survival <= 0.5:
            return float(t)
    return float("nan")
