"""Who sets the agenda: each subgroup's share of the proposals and the uptake of the harms it proposed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import Cells, Prepared, _bincount, _check, _div, _table

__all__: list[str] = []  # the public function is proposal_uptake, in .measures


def agenda_columns(data, prep: Prepared, cells: Cells, func: str) -> dict[str, np.ndarray]:
    """``n_proposals``, ``proposal_share``, ``n_harms_proposed``, ``n_harms_adopted``, ``uptake``.

    A proposal is a turn of kind ``"proposal"`` naming a harm; uptake is the share of the
    distinct (community, harm) pairs a subgroup proposed that appear in the community's decisions.
    """
    n, G = cells.n, prep.n_groups
    prop = prep.t_proposal
    n_prop = _bincount(cells.t_cell[prop], n=n).astype(float)
    proposal_share = _div(n_prop, cells.unit_total(n_prop, G))
    n_harms_proposed = np.zeros(n)
    n_harms_adopted = np.zeros(n)
    decisions = _table(data, "decisions")
    if prop.any():
        H = max(len(prep.harms), 1)
        C = max(len(prep.communities), 1)
        comm = prep.session_community[prep.t_session[prop]]
        pair = comm * H + prep.t_harm[prop]
        keys = pd.unique(cells.t_cell[prop] * (C * H) + pair)
        cell_of_key, pair_of_key = keys // (C * H), keys % (C * H)
        adopted_pairs = np.zeros(C * H, dtype=bool)
        if decisions is not None and len(decisions):
            _check(func, decisions, ["community_id", "harm_id"], table="decisions")
            dc = prep.communities.get_indexer(pd.Index(decisions["community_id"].astype("string")))
            dh = prep.harms.get_indexer(pd.Index(decisions["harm_id"].astype("string")))
            ok = (dc >= 0) & (dh >= 0)
            adopted_pairs[dc[ok] * H + dh[ok]] = True
        n_harms_proposed = np.bincount(cell_of_key, minlength=n).astype(float)
        n_harms_adopted = np.bincount(cell_of_key, weights=adopted_pairs[pair_of_key], minlength=n)
    uptake = _div(n_harms_adopted, n_harms_proposed)
    if decisions is None:
        uptake[:] = np.nan
    return {"n_proposals": n_prop, "proposal_share": proposal_share, "n_harms_proposed": n_harms_proposed,
            "n_harms_adopted": n_harms_adopted, "uptake": uptake}
