"""Shared machinery of the action measures: input checks, who proposed, seeded bootstrap draws.

Every public function of :mod:`cpanalysis.planning` calls :func:`check_columns` first. Intervals
are bootstraps over actions (or over people) *within each community*, drawn from a generator
seeded by ``(settings.seed, community id)`` (:func:`community_rng`), so a community's interval is
the same whether it is computed alone or with others, and a programme interval is the stratified
bootstrap made of the same draws.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from ..contract import PLANNING_GROUP
# the one input check and table lookup of the measures, shared with cpanalysis.inclusion
from ..inclusion._common import _check as check_columns  # noqa: F401  (used by the planning modules)
from ..inclusion._common import _table as table_of  # noqa: F401
from ..subgroups import KNOWN_MARGINALISED_REASONS as KNOWN_REASONS  # noqa: F401
from ..subgroups import STATUS_GROUPS, SubgroupScheme, status_of

#: Levels of the action measures and the columns that key them.
LEVELS: dict[str, tuple[str, ...]] = {"community": ("community_id",), "programme": ()}
#: The label of the programme in the ``community_id`` column of programme rows.
PROGRAMME = "programme"


def check_level(func: str, level: str, allowed: Iterable[str] = tuple(LEVELS)) -> None:
    allowed = tuple(allowed)
    if level not in allowed:
        raise ValueError(f"{func}(): level must be one of {', '.join(allowed)}, not {level!r}")


def community_rng(seed: int, community_id) -> np.random.Generator:
    """The bootstrap generator of one community: ``SeedSequence(seed, spawn_key=utf-8 bytes of its id)``.

    Examples
    --------
    >>> int(community_rng(0, "C01").integers(100)) == int(community_rng(0, "C01").integers(100))
    True
    """
    key = tuple(str(community_id).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))


def people_table(data) -> pd.DataFrame | None:
    """Participants with ``subgroup`` and ``status`` (derived here when the table lacks them)."""
    people = table_of(data, "participants")
    if people is None:
        return None
    people = people.copy()
    if "subgroup" not in people:
        scheme = getattr(data, "scheme", None) or SubgroupScheme.default()
        people["subgroup"] = scheme.assign(people["gender"], people["age_group"]).to_numpy()
    if "status" not in people:
        marginalised = people["marginalised"] if "marginalised" in people else pd.Series(False, index=people.index)
        people["status"] = status_of(people["elite"].astype("boolean"), marginalised.astype("boolean")).to_numpy()
    return people.drop_duplicates("participant_id").set_index("participant_id")


def proposer_classes(actions: pd.DataFrame, people: pd.DataFrame | None) -> pd.DataFrame:
    """Who proposed each action, as ``proposer_kind``, ``proposer_subgroup`` and ``proposer_status``.

    - a participant: kind ``individual``, their subgroup, their status (elite, marginalised, general);
    - ``planning_group``: kind, subgroup and status ``planning_group``;
    - a group name: kind ``group``, the name as subgroup, status ``elite`` for ``elites``,
      ``marginalised`` for ``marginalised`` or a marginalised reason, else ``group`` (a small group
      mixes statuses).

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"subgroup": ["men"], "status": ["elite"]}, index=pd.Index(["P1"], name="participant_id"))
    >>> a = pd.DataFrame({"proposed_by": ["P1", "girls", "planning_group", "disability"]})
    >>> proposer_classes(a, people)[["proposer_kind", "proposer_subgroup", "proposer_status"]].to_numpy().tolist()
    [['individual', 'men', 'elite'], ['group', 'girls', 'group'], ['planning_group', 'planning_group', 'planning_group'], ['group', 'disability', 'marginalised']]
    """
    by = actions["proposed_by"].astype("string")
    out = pd.DataFrame(index=actions.index)
    person = by.isin(people.index) if people is not None else pd.Series(False, index=actions.index)
    person = person.fillna(False).astype(bool)
    planning = (by == PLANNING_GROUP).fillna(False).astype(bool)
    out["proposer_kind"] = np.where(person, "individual", np.where(planning, PLANNING_GROUP, "group"))
    subgroup = by.astype(object).to_numpy().copy()
    status = np.where(planning, PLANNING_GROUP, "group").astype(object)
    if people is not None and person.any():
        subgroup[person.to_numpy()] = people["subgroup"].reindex(by[person]).to_numpy(dtype=object)
        status[person.to_numpy()] = people["status"].reindex(by[person]).to_numpy(dtype=object)
    group = ~person.to_numpy() & ~planning.to_numpy()
    lowered = by.str.lower().to_numpy(dtype=object)
    status[group & (lowered == STATUS_GROUPS[0])] = "elite"
    status[group & np.isin(lowered, (STATUS_GROUPS[1], *KNOWN_REASONS))] = "marginalised"
    out["proposer_subgroup"] = pd.array(subgroup, dtype="string")
    out["proposer_status"] = pd.array(status, dtype="string")
    return out


def quantiles(draws: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval along axis 0 (NaN where every draw is NaN)."""
    if draws.shape[0] == 0:
        shape = draws.shape[1:]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.nanquantile(draws, (1 - ci) / 2, axis=0)
            high = np.nanquantile(draws, (1 + ci) / 2, axis=0)
    return low, high


def multinomial_draws(counts: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """Bootstrap of one community's items over categories: resampling ``n`` items with replacement
    gives category counts ``Multinomial(n, counts / n)`` (``n_boot`` x categories)."""
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    if n == 0 or n_boot == 0:
        return np.zeros((n_boot, counts.size), dtype=np.int64)
    return rng.multinomial(n, counts / n, size=n_boot)


def bootstrap_sums(community_ids, values: np.ndarray, *, seed: int, n_boot: int):
    """Column sums of ``values`` per community, observed and over bootstrap resamples of its rows.

    Rows (actions or people) are resampled with replacement within their community, with the
    community's own generator (:func:`community_rng`); the same resamples serve every column, so
    shares computed from several columns stay consistent.

    Returns
    -------
    communities : list
        The communities in order of first appearance.
    observed : ndarray, communities x columns
    draws : ndarray, communities x n_boot x columns

    Examples
    --------
    >>> import numpy as np
    >>> communities, observed, draws = bootstrap_sums(["C1", "C1", "C2"], np.array([[1], [0], [1]]), seed=0, n_boot=4)
    >>> communities, observed.ravel().tolist(), draws.shape
    (['C1', 'C2'], [1.0, 1.0], (2, 4, 1))
    >>> draws[1].ravel().tolist()  # C2 has one row: every resample is that row
    [1.0, 1.0, 1.0, 1.0]
    """
    ids = pd.Series(np.asarray(community_ids, dtype=object))
    values = np.asarray(values, dtype=float).reshape(len(ids), -1)
    communities = list(pd.unique(ids))
    observed = np.zeros((len(communities), values.shape[1]))
    draws = np.zeros((len(communities), n_boot, values.shape[1]))
    for c, community in enumerate(communities):
        rows = np.flatnonzero((ids == community).to_numpy())
        observed[c] = values[rows].sum(axis=0)
        if n_boot:
            picks = community_rng(seed, community).integers(0, rows.size, (n_boot, rows.size))
            draws[c] = values[rows[picks]].sum(axis=1)
    return communities, observed, draws


def divide(a, b) -> np.ndarray:
    """``a / b`` with NaN where ``b`` is 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def units_of(communities: list, observed: np.ndarray, draws: np.ndarray, level: str):
    """Per-unit observed sums and draws: the communities themselves, or their sum (the programme)."""
    if level == "programme":
        return [PROGRAMME], observed.sum(axis=0, keepdims=True), draws.sum(axis=0, keepdims=True)
    return communities, observed, draws
