"""Who is present: presence share and representation against the population.

Attendances are attendance rows (roster) or head counts (``attendance_counts``), pooled as
person-sessions over the unit's sessions (see :mod:`cpanalysis.inclusion.measures`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import Cells, Prepared, _bincount, _check, _div, _table, make_labels, subgroup_columns, subgroup_name

__all__: list[str] = []  # the public functions are in .measures


def presence_columns(prep: Prepared, cells: Cells) -> dict[str, np.ndarray]:
    """``n_attendees``, ``n_attendees_unit``, ``presence_share`` of every cell."""
    attendees = _bincount(cells.a_cell, prep.a_weight.astype(float), n=cells.n)
    unit = cells.unit_total(attendees, prep.n_groups)
    return {"n_attendees": attendees, "n_attendees_unit": unit, "presence_share": _div(attendees, unit)}


def population_share(data, prep: Prepared, subgroup, population, func: str):
    """Population share of each (unit, subgroup) cell; ``None`` and a reason when unavailable."""
    cols = subgroup_columns(subgroup)
    if population is None:
        population = _table(data, "population")
        if population is None:
            return None, "no population table"
    _check(func, population, ["community_id", "count"], table="population")
    if not all(c in population.columns for c in cols):
        return None, f"the population table has no {subgroup_name(subgroup)} column"
    pop = pd.DataFrame({
        "community": prep.communities.get_indexer(pd.Index(population["community_id"].astype("string"))),
        "label": make_labels(population, cols),
        "count": population["count"].fillna(0).to_numpy(dtype=float),
    })
    pop = pop[pop["community"] >= 0]
    label_index = pd.Index(prep.labels, dtype=object)
    pop["sub"] = label_index.get_indexer(pop["label"].to_numpy(dtype=object))
    C, G, U = len(prep.communities), prep.n_groups, prep.n_units
    by_cg = np.zeros((C, G))
    known = pop[pop["sub"] >= 0]
    np.add.at(by_cg, (known["community"].to_numpy(), known["sub"].to_numpy()), known["count"].to_numpy())
    total_c = np.bincount(pop["community"].to_numpy(), weights=pop["count"].to_numpy(), minlength=C)
    # the communities a unit spans: sum their populations
    pairs = np.unique(prep.session_unit * max(C, 1) + prep.session_community)
    pu, pc = pairs // max(C, 1), pairs % max(C, 1)
    by_ug = np.zeros((U, G))
    np.add.at(by_ug, pu, by_cg[pc])
    total_u = np.bincount(pu, weights=total_c[pc], minlength=U)
    return _div(by_ug, total_u[:, None]).ravel(), None


def representation_columns(data, prep: Prepared, presence: np.ndarray, *, subgroup, population, func: str):
    """``population_share``, ``representation_ratio`` and the note when there is no population."""
    share, reason = population_share(data, prep, subgroup, population, func)
    n = len(presence)
    if share is None:
        share = np.full(n, np.nan)
    ratio = np.where(share > 0, _div(presence, share), np.nan)
    notes = [(np.full(n, reason is not None), f"representation: {reason}")]
    return {"population_share": share, "representation_ratio": ratio}, notes
