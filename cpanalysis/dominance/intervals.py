"""Descriptive measures of elite voice, proposals, uptake and proximity, with person-level intervals.

Every interval is a percentile bootstrap that resamples *persons* (with all their turns,
attendances and lists) within each (stratum x elite) cell, as the test keeps the number of
elites of every stratum; comparisons with non-elites are standardised by stratum (elites are
compared with non-elite people of their own subgroup and marginalised status).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .evidence import PersonEvidence

__all__ = ["describe_community"]


def _cells(ev: PersonEvidence, mask: np.ndarray) -> list:
    out = []
    for st in pd.unique(ev.stratum[mask]):
        for el in (True, False):
            idx = np.flatnonzero(mask & (ev.stratum == st) & (ev.elite == el))
            if idx.size:
                out.append((st, el, idx))
    return out


def _weights(cells: list, rng: np.random.Generator, n_boot: int) -> list:
    return [rng.multinomial(idx.size, np.full(idx.size, 1.0 / idx.size), size=n_boot) for _, _, idx in cells]


def _ratio(cells, W, num, den):
    """Indirectly standardised elite/non-elite ratio: observed and bootstrap draws."""
    strata = {st for st, _, _ in cells}
    obs_o = obs_x = 0.0
    boot_o = boot_x = 0.0
    for st in strata:
        e = [(i, c) for i, c in enumerate(cells) if c[0] == st and c[1]]
        o = [(i, c) for i, c in enumerate(cells) if c[0] == st and not c[1]]
        if not e or not o:
            continue
        (ie, (_, _, ei)), (io, (_, _, oi)) = e[0], o[0]
        if den[oi].sum() == 0:
            continue
        rate = num[oi].sum() / den[oi].sum()
        obs_o += num[ei].sum()
        obs_x += den[ei].sum() * rate
        bn, bd = W[io] @ num[oi], W[io] @ den[oi]
        brate = np.where(bd > 0, bn / np.where(bd > 0, bd, 1), np.nan)
        boot_o = boot_o + W[ie] @ num[ei]
        boot_x = boot_x + (W[ie] @ den[ei]) * brate
    if obs_x == 0:
        return np.nan, np.full(1, np.nan)
    boot = np.where(np.asarray(boot_x) > 0, boot_o / np.where(np.asarray(boot_x) > 0, boot_x, 1), np.nan)
    return obs_o / obs_x, np.atleast_1d(boot)


def _quantiles(boot, ci):
    boot = np.asarray(boot, float)
    boot = boot[np.isfinite(boot)]
    if boot.size < 2:
        return np.nan, np.nan
    lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
    return float(lo), float(hi)


def describe_community(ev: PersonEvidence, *, rng: np.random.Generator, n_boot: int, ci: float) -> dict:
    """Elite voice parity, stratum-standardised voice, proposal and uptake ratios and the
    stratum-adjusted proximity gap of one community, each with a person-level interval.

    * ``voice_parity`` = elite share of turns / elite share of attendances (unadjusted);
    * ``voice_ratio_adjusted`` = elite turns / the turns they would have taken at the turns-per-
      attendance of non-elite people of their own stratum (likewise ``proposal_ratio_adjusted``
      for proposals and ``uptake_ratio`` for proposals naming a decided harm);
    * ``gap`` = mean over elite rankers of (their alignment - mean alignment of non-elite
      rankers of their stratum); strata without both are left out.
    """
    row = {}
    present = ev.attendances > 0
    if present.any() and ev.elite[present].any() and (~ev.elite[present]).any():
        cells = _cells(ev, present)
        W = _weights(cells, rng, n_boot)
        te = sum(W[i] @ ev.turns[c[2]] for i, c in enumerate(cells) if c[1])
        tt = sum(W[i] @ ev.turns[c[2]] for i, c in enumerate(cells))
        ae = sum(W[i] @ ev.attendances[c[2]] for i, c in enumerate(cells) if c[1])
        at = sum(W[i] @ ev.attendances[c[2]] for i, c in enumerate(cells))
        obs_t = ev.turns[present].sum()
        pres = ev.attendances[present & ev.elite].sum() / ev.attendances[present].sum()
        if obs_t > 0:
            row["voice_parity"] = float(ev.turns[present & ev.elite].sum() / obs_t / pres)
            with np.errstate(invalid="ignore", divide="ignore"):
                row["parity_ci_low"], row["parity_ci_high"] = _quantiles((te / tt) / (ae / at), ci)
        for name, num in (("voice_ratio_adjusted", ev.turns), ("proposal_ratio_adjusted", ev.proposal_counts),
                          ("uptake_ratio", ev.adopted_counts)):
            est, boot = _ratio(cells, W, num, ev.attendances)
            lo, hi = _quantiles(boot, ci)
            base = name.replace("_adjusted", "")
            row[name], row[f"{base}_ci_low"], row[f"{base}_ci_high"] = est, lo, hi
    ranked = ~np.isnan(ev.values[:, 0])
    if ranked.any():
        cells = _cells(ev, ranked)
        W = _weights(cells, rng, n_boot)
        x = np.nan_to_num(ev.values[:, 0])
        num_o, den_o, num_b, den_b = 0.0, 0.0, 0.0, 0.0
        for st in {c[0] for c in cells}:
            e = [i for i, c in enumerate(cells) if c[0] == st and c[1]]
            o = [i for i, c in enumerate(cells) if c[0] == st and not c[1]]
            if not e or not o:
                continue
            ei, oi = cells[e[0]][2], cells[o[0]][2]
            num_o += x[ei].sum() - ei.size * x[oi].mean()
            den_o += ei.size
            we, wo = W[e[0]], W[o[0]]
            num_b = num_b + we @ x[ei] - ei.size * (wo @ x[oi]) / oi.size
            den_b += ei.size
        if den_o:
            row["gap"] = num_o / den_o
            row["gap_ci_low"], row["gap_ci_high"] = _quantiles(np.atleast_1d(num_b) / den_b, ci)
    return row
