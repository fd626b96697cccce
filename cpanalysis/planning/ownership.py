"""Who leads the actions (the community, or the agency that facilitates), and who takes part."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import ACTION_LEADS, COMMUNITY_LEADS, FORMAL_SYSTEM
from ..settings import Settings, resolve_settings
from ._common import bootstrap_sums, check_columns, check_level, divide, quantiles, table_of, units_of

__all__ = ["action_ownership", "OWNERSHIP_MEASURES"]

#: The measures of :func:`action_ownership`, in output order, with what each counts.
OWNERSHIP_MEASURES: dict[str, str] = {
    "community_led": "led by the community (" + ", ".join(COMMUNITY_LEADS) + ")",
    "agency_led": "led by the facilitating agency (ngo_agency)",
    "government_involved": "government leads or is a partner",
    "services_involved": "a service provider leads or is a partner",
    "formal_system_involved": "government or a service provider leads or is a partner",
    **{f"lead_{kind}": f"led by {kind}" for kind in ACTION_LEADS},
}


def _involves(actions: pd.DataFrame, kinds) -> np.ndarray:
    lead = actions["lead"].astype("string").isin(kinds).fillna(False).to_numpy(dtype=bool)
    if "partners" not in actions:
        return lead
    words = actions["partners"].astype("string").fillna("").str.split()
    return lead | words.map(lambda listed: any(w in kinds for w in listed)).to_numpy(dtype=bool)


def action_ownership(data, *, level: str = "community", settings: Settings | None = None) -> pd.DataFrame:
    """Ownership of the actions: community-led or agency-led, and which involve government or services.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``actions`` with ``community_id`` and ``lead`` (``partners`` optional).
    level : {"community", "programme"}, default "community"
    settings : Settings, optional
        ``n_boot``, ``ci``, ``seed`` for the intervals.

    Returns
    -------
    DataFrame
        One row per unit and measure (:data:`OWNERSHIP_MEASURES`): ``community_id``
        (``"programme"`` at programme level), ``measure``, ``n_actions``, ``n_yes``, ``share``
        (``n_yes / n_actions``), ``ci_low``, ``ci_high``.

    Notes
    -----
    The guide's principle is that the agency facilitates and the community leads, in partnership
    with government actors and service providers; ``community_led`` and ``formal_system_involved``
    measure exactly that. Intervals: percentile bootstrap over each community's actions (the same
    resamples for every measure; seeded per community); programme rows pool the communities'
    resamples. These are counts of actions, not of people, so they are not suppressed; tables of
    who *proposed* actions are (:func:`action_proposers`).

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.planning import action_ownership
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> table = action_ownership(data, level="programme", settings=cpanalysis.Settings(n_boot=200))
    >>> table.loc[table["measure"].isin(["community_led", "agency_led", "formal_system_involved"]),
    ...           ["measure", "n_actions", "n_yes"]]
                      measure  n_actions  n_yes
    0           community_led         82     57
    1              agency_led         82      9
    4  formal_system_involved         82     51
    """
    func = "action_ownership"
    settings = resolve_settings(settings)
    actions = table_of(data, "actions")
    check_columns(func, actions, ["community_id", "lead"], table="actions")
    check_level(func, level)
    lead = actions["lead"].astype("string")
    flags = {
        "community_led": lead.isin(COMMUNITY_LEADS).fillna(False).to_numpy(dtype=bool),
        "agency_led": (lead == "ngo_agency").fillna(False).to_numpy(dtype=bool),
        "government_involved": _involves(actions, ("government",)),
        "services_involved": _involves(actions, ("service_provider",)),
        "formal_system_involved": _involves(actions, FORMAL_SYSTEM),
        **{f"lead_{kind}": (lead == kind).fillna(False).to_numpy(dtype=bool) for kind in ACTION_LEADS},
    }
    measures = list(OWNERSHIP_MEASURES)
    values = np.column_stack([np.ones(len(actions))] + [flags[m] for m in measures]).astype(float)
    communities, observed, draws = bootstrap_sums(actions["community_id"].astype(str).to_numpy(), values,
                                                  seed=settings.seed, n_boot=settings.n_boot)
    units, observed, draws = units_of(communities, observed, draws, level)
    rows = []
    for u, unit in enumerate(units):
        low, high = quantiles(divide(draws[u][:, 1:], draws[u][:, :1]), settings.ci)
        for m, measure in enumerate(measures):
            n, yes = int(observed[u, 0]), int(observed[u, 1 + m])
            rows.append({"community_id": unit, "measure": measure, "n_actions": n, "n_yes": yes,
                         "share": divide(yes, n).item(), "ci_low": low[m], "ci_high": high[m]})
    return pd.DataFrame(rows, columns=["community_id", "measure", "n_actions", "n_yes", "share", "ci_low", "ci_high"])
