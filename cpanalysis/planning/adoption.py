"""Whose proposals became the community's actions: credit for agreed actions, and uptake of proposals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inclusion.suppression import COUNT_COLUMNS, suppress_small
from ..settings import Settings, resolve_settings
from ._common import (bootstrap_sums, check_columns, check_level, divide, people_table, proposer_classes, quantiles,
                      table_of, units_of)

__all__ = ["action_proposers", "action_uptake"]

_BY = {"subgroup": "proposer_subgroup", "status": "proposer_status", "kind": "proposer_kind"}


def _by_column(func: str, by: str) -> str:
    if by not in _BY:
        raise ValueError(f"{func}(): by must be one of {', '.join(_BY)}, not {by!r}")
    return _BY[by]


def action_proposers(data, *, by: str = "subgroup", level: str = "community",
                     settings: Settings | None = None) -> pd.DataFrame:
    """Who proposed the actions a community agreed: each proposer class's share of the actions.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``actions``; ``participants`` to classify actions proposed by one person.
    by : {"subgroup", "status", "kind"}, default "subgroup"
        The proposer classes: the proposer's subgroup (a group's own name; ``planning_group``),
        their status (``elite``, ``marginalised``, ``general``; ``group`` for a small group's
        proposal, ``elite`` for the ``elites`` group, ``marginalised`` for a marginalised reason),
        or the kind (``individual``, ``group``, ``planning_group``).
    level : {"community", "programme"}, default "community"
    settings : Settings, optional
        ``n_boot``, ``ci``, ``seed`` for the interval and ``min_count`` for suppression.

    Returns
    -------
    DataFrame
        ``community_id`` (``"programme"`` at programme level), ``proposer``, ``n_actions``,
        ``action_share`` (of the unit's actions), ``ci_low``, ``ci_high``. Counts below
        ``settings.min_count`` and their shares are hidden (:func:`cpanalysis.suppress_small`): a
        handful of actions may point at a handful of people.

    Notes
    -----
    ``action_share = n_actions(class) / n_actions(unit)``. The interval is a percentile bootstrap over
    the actions of each community (resampled within the community, seeded by ``settings.seed`` and
    the community id); at programme level the communities' resamples are pooled (stratified bootstrap).
    The actions table holds agreed actions only; :func:`action_uptake` gives the share of each
    class's proposals that were taken up.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_proposers
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = action_proposers(data, by="status", level="programme", settings=cpanalysis.Settings(n_boot=200))
    >>> table[["proposer", "n_actions", "action_share"]]  # 26 / 0.317 = 82 actions: "group" hidden too
             proposer  n_actions  action_share
    0           elite         26      0.317073
    1         general         20      0.243902
    2           group       <NA>          <NA>
    3    marginalised       <NA>          <NA>
    4  planning_group         23      0.280488
    """
    func = "action_proposers"
    settings = resolve_settings(settings)
    actions = table_of(data, "actions")
    check_columns(func, actions, ["community_id", "proposed_by"], table="actions")
    check_level(func, level)
    column = _by_column(func, by)
    classes = proposer_classes(actions, people_table(data))[column].fillna("unknown").astype(str).to_numpy()
    labels = sorted(set(classes))
    onehot = (classes[:, None] == np.array(labels, dtype=object)[None, :]).astype(float)
    communities, observed, draws = bootstrap_sums(actions["community_id"].astype(str).to_numpy(), onehot,
                                                  seed=settings.seed, n_boot=settings.n_boot)
    units, observed, draws = units_of(communities, observed, draws, level)
    rows = []
    for u, unit in enumerate(units):
        total, boot_total = observed[u].sum(), draws[u].sum(axis=1)
        low, high = quantiles(divide(draws[u], boot_total[:, None]), settings.ci)
        for g, label in enumerate(labels):
            rows.append({"community_id": unit, "proposer": label, "n_actions": int(observed[u, g]),
                         "action_share": divide(observed[u, g], total).item(), "ci_low": low[g], "ci_high": high[g]})
    out = pd.DataFrame(rows, columns=["community_id", "proposer", "n_actions", "action_share", "ci_low", "ci_high"])
    if level != "programme":
        out = out[out["n_actions"] > 0].reset_index(drop=True)
    # n_actions counts people's proposals here (not in the ownership or follow-up tables): named explicitly
    return suppress_small(out, counts=["n_actions"], tied={"n_actions": COUNT_COLUMNS["n_actions"].tied},
                          settings=settings)


def action_uptake(data, *, by: str = "subgroup", level: str = "community", formats=("planning_group",),
                  settings: Settings | None = None) -> pd.DataFrame:
    """Whose proposals were taken up: the share of each class's proposals that became an action.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``turns`` (with ``kind`` and ``harm_id``), ``sessions`` and ``actions``.
    by : {"subgroup", "status"}, default "subgroup"
        Classes of speakers: their subgroup, or their status (``elite``, ``marginalised``,
        ``general``; ``unknown`` for turns noted by subgroup only).
    level : {"community", "programme"}, default "community"
    formats : tuple of str, default ("planning_group",)
        The session formats whose proposals count (where actions are agreed).
    settings : Settings, optional

    Returns
    -------
    DataFrame
        ``community_id``, ``speaker`` (the class), ``n_speakers`` (distinct people who proposed),
        ``n_proposals``, ``n_adopted``, ``uptake`` (``n_adopted / n_proposals``), ``ci_low``,
        ``ci_high``. Classes with fewer than ``settings.min_count`` speakers are hidden with every
        value computed from them.

    Notes
    -----
    A proposal is a turn of kind ``proposal`` naming a harm, in a session of ``formats``. It is
    *adopted* when the community agreed an action on that harm in the same session (an action
    without ``session_id``: in the same community and cycle). The interval is a percentile
    bootstrap over the people who proposed (all of a person's proposals move together; a turn
    without a participant is its own unit), within each community, seeded by the community id.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_uptake
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = action_uptake(data, by="status", level="programme", settings=cpanalysis.Settings(n_boot=200))
    >>> table[["speaker", "n_speakers", "n_proposals", "n_adopted"]]
            speaker  n_speakers  n_proposals  n_adopted
    0         elite          43          176         70
    1       general          32           71         19
    2  marginalised        <NA>         <NA>       <NA>
    """
    func = "action_uptake"
    settings = resolve_settings(settings)
    turns, sessions, actions = (table_of(data, name) for name in ("turns", "sessions", "actions"))
    check_columns(func, turns, ["session_id", "kind", "harm_id"], table="turns")
    check_columns(func, sessions, ["session_id", "community_id", "cycle", "format"], table="sessions")
    check_columns(func, actions, ["community_id", "cycle", "harm_id"], table="actions")
    check_level(func, level)
    if by not in ("subgroup", "status"):
        raise ValueError(f"{func}(): by must be subgroup or status, not {by!r}")
    facts = sessions.drop_duplicates("session_id").set_index("session_id")
    proposals = turns[(turns["kind"] == "proposal").fillna(False) & turns["harm_id"].notna()]
    proposals = proposals[proposals["session_id"].map(facts["format"]).isin(formats).fillna(False)]
    community = proposals["session_id"].map(facts["community_id"]).astype(str)
    cycle = proposals["session_id"].map(facts["cycle"])
    in_session = set(zip(actions["session_id"], actions["harm_id"])) if "session_id" in actions else set()
    no_session = actions if "session_id" not in actions else actions[actions["session_id"].isna()]
    in_cycle = set(zip(no_session["community_id"].astype(str), no_session["cycle"], no_session["harm_id"]))
    adopted = np.array([(s, h) in in_session or (c, k, h) in in_cycle for s, h, c, k in
                        zip(proposals["session_id"], proposals["harm_id"], community, cycle)], dtype=float)
    people = people_table(data)
    person = proposals["participant_id"] if "participant_id" in proposals else pd.Series(pd.NA, index=proposals.index)
    if by == "subgroup":
        label = proposals["subgroup"] if "subgroup" in proposals else person.map(people["subgroup"])
    else:
        label = person.map(people["status"]) if people is not None else pd.Series(pd.NA, index=proposals.index)
    label = label.astype("string").fillna("unknown").to_numpy(dtype=object)
    # one bootstrap unit per person (or per turn without a person)
    unit = np.where(person.isna(), "turn:" + pd.Series(np.arange(len(proposals)).astype(str)).to_numpy(dtype=object),
                    person.astype(str).to_numpy(dtype=object))
    frame = pd.DataFrame({"community": community.to_numpy(), "unit": unit, "label": label,
                          "proposals": 1.0, "adopted": adopted})
    per_unit = frame.groupby(["community", "unit", "label"], sort=False)[["proposals", "adopted"]].sum().reset_index()
    labels = sorted(set(per_unit["label"]))
    which = (per_unit["label"].to_numpy()[:, None] == np.array(labels, dtype=object)[None, :]).astype(float)
    values = np.hstack([which, which * per_unit[["proposals"]].to_numpy(), which * per_unit[["adopted"]].to_numpy()])
    communities, observed, draws = bootstrap_sums(per_unit["community"].to_numpy(), values, seed=settings.seed,
                                                  n_boot=settings.n_boot)
    units, observed, draws = units_of(communities, observed, draws, level)
    G = len(labels)
    rows = []
    for u, name in enumerate(units):
        low, high = quantiles(divide(draws[u][:, 2 * G:], draws[u][:, G:2 * G]), settings.ci)
        for g, class_name in enumerate(labels):
            n_prop = int(observed[u, G + g])
            if n_prop == 0:
                continue
            rows.append({"community_id": name, "speaker": class_name, "n_speakers": int(observed[u, g]),
                         "n_proposals": n_prop, "n_adopted": int(observed[u, 2 * G + g]),
                         "uptake": divide(observed[u, 2 * G + g], n_prop).item(), "ci_low": low[g], "ci_high": high[g]})
    out = pd.DataFrame(rows, columns=["community_id", "speaker", "n_speakers", "n_proposals", "n_adopted", "uptake",
                                      "ci_low", "ci_high"])
    return suppress_small(out, counts=["n_speakers"],
                          tied={"n_speakers": ("n_proposals", "n_adopted", "uptake", "ci_low", "ci_high")},
                          settings=settings)
