"""Elite presence, voice, proposals and adopted proposals at meetings, against non-elite people of
their own subgroups (indirect standardisation), with seeded intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import Settings, resolve_settings
from .signals import ELITES, _table

__all__ = ["adjusted_ratio", "voice_signals"]


def adjusted_ratio(counts: np.ndarray, elite: np.ndarray, subgroup: np.ndarray, *, rng=None, n_boot: int = 1000,
                   ci: float = 0.95) -> tuple[float, float, float]:
    """Elites' count over the count expected if they spoke like non-elites of their own subgroup.

    ``counts`` holds one number per attendance (turns, or proposals). Expected =
    sum over elite attendances of the mean count of non-elite attendances of the same subgroup
    (indirect standardisation). Subgroups without non-elite attendances are left out. With
    ``rng``, a percentile bootstrap interval resamples attendances within (subgroup, elite).

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([4, 2, 1, 1, 0, 2])
    >>> elite = np.array([True, False, False, True, False, False])
    >>> sub = np.array(["men", "men", "men", "women", "women", "women"])
    >>> float(round(adjusted_ratio(counts, elite, sub)[0], 3))   # (4 + 1) / (1.5 + 1)
    2.0
    """
    counts = np.asarray(counts, float)
    obs, exp, boot_o, boot_x = 0.0, 0.0, 0.0, 0.0
    for g in pd.unique(subgroup):
        m = subgroup == g
        ce, cn = counts[m & elite], counts[m & ~elite]
        if ce.size == 0 or cn.size == 0:
            continue
        obs += ce.sum()
        exp += ce.size * cn.mean()
        if rng is not None:
            boot_o = boot_o + ce[rng.integers(0, ce.size, (n_boot, ce.size))].sum(axis=1)
            boot_x = boot_x + ce.size * cn[rng.integers(0, cn.size, (n_boot, cn.size))].mean(axis=1)
    if exp == 0:
        return np.nan, np.nan, np.nan
    if rng is None or np.isscalar(boot_o):
        return obs / exp, np.nan, np.nan
    ratio = np.where(boot_x > 0, boot_o / np.where(boot_x > 0, boot_x, 1), np.nan)
    lo, hi = np.nanquantile(ratio, [(1 - ci) / 2, (1 + ci) / 2])
    return obs / exp, float(lo), float(hi)


def voice_signals(data, *, settings: Settings | None = None, communities=None, intervals: bool = True,
                  **overrides) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Elite presence, voice and proposals at community meetings, and each subgroup's shares.

    Returns
    -------
    (DataFrame, DataFrame)
        Per community: ``community_id``, ``voice_assessable``, ``n_elite_present`` (distinct
        elites), ``elite_presence_share`` (elite attendances / attendances),
        ``elite_voice_share`` (elite turns / turns with a known speaker), ``voice_parity``
        (voice share / presence share), ``parity_ci_low``, ``parity_ci_high`` (percentile
        bootstrap over attendances, each with its number of turns; NaN when ``intervals`` is
        False; :func:`cpanalysis.elite_dominance` gives person-level intervals), ``n_turns``,
        ``n_proposals``, ``elite_proposal_share``, ``proposal_parity`` (proposal share / presence
        share), ``n_adopted``, ``elite_adopted_share`` (elite share of the proposals naming a
        decided harm), ``voice_note``. Per (community, subgroup): ``community_id``, ``subgroup``,
        ``n_people`` (distinct people present), ``presence_share``, ``voice_share``.

    Notes
    -----
    The same definitions as the participation measures (:mod:`cpanalysis.inclusion`):
    presence share = attendances of the group / attendances, voice share = turns / turns, voice
    parity = voice share / presence share (Karpowitz, Mendelberg & Shaker 2012), computed here
    for elites against everybody else, in ``settings.voice_formats`` sessions.

    References
    ----------
    .. [1] Karpowitz, C. F., Mendelberg, T., & Shaker, L. (2012). Gender inequality in
       deliberative participation. American Political Science Review 106(3), 533-547.
    .. [2] Parthasarathy, R., Rao, V., & Palaniswamy, N. (2019). Deliberative democracy in an
       unequal world. American Political Science Review 113(3), 623-640.
    """
    s = resolve_settings(settings, **overrides)
    comm = _table(data, "communities")["community_id"].astype(str).tolist()
    if communities is not None:
        wanted = {str(c) for c in ([communities] if isinstance(communities, str) else communities)}
        comm = [c for c in comm if c in wanted]
    sessions = _table(data, "sessions")
    att = _table(data, "attendance")
    turns = _table(data, "turns")
    decisions = _table(data, "decisions")
    meet = set(sessions.loc[sessions["format"].astype(str).isin(s.voice_formats), "session_id"].astype(str))
    import zlib
    decided = {}
    if decisions is not None:
        for c, h in zip(decisions["community_id"].astype(str), decisions["harm_id"].astype(str)):
            decided.setdefault(c, set()).add(h)

    def obj(frame, col, fill=None):
        if col not in frame:
            return np.full(len(frame), fill, dtype=object)
        return frame[col].astype(object).where(frame[col].notna(), fill).to_numpy(dtype=object)

    def slices(keys):
        order = np.argsort(keys.astype(str), kind="stable")
        ks = keys[order]
        if not len(ks):
            return {}
        starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        ends = np.r_[starts[1:], len(ks)]
        return {ks[i]: order[i:j] for i, j in zip(starts, ends)}

    A = T = None
    if att is not None and len(att):
        a = att[att["session_id"].astype(str).isin(meet)]
        A = {"c": obj(a, "community_id").astype(str), "key": obj(a, "session_id").astype(str) + "\x1f" +
             obj(a, "participant_id").astype(str), "pid": obj(a, "participant_id").astype(str),
             "elite": a["elite"].astype("boolean").fillna(False).to_numpy(dtype=bool),
             "sub": obj(a, "subgroup", "unknown").astype(str)}
        A["slices"] = slices(A["c"])
    if turns is not None and len(turns):
        t = turns[turns["session_id"].astype(str).isin(meet)]
        el = t["elite"].astype("boolean")
        T = {"c": obj(t, "community_id").astype(str), "known": el.notna().to_numpy(dtype=bool),
             "elite": el.fillna(False).to_numpy(dtype=bool), "sub": obj(t, "subgroup", "unknown").astype(str),
             "key": obj(t, "session_id").astype(str) + "\x1f" + obj(t, "participant_id", "").astype(str),
             "proposal": (obj(t, "kind", "") == "proposal") & pd.notna(obj(t, "harm_id")),
             "harm": obj(t, "harm_id", "").astype(str)}
        T["slices"] = slices(T["c"])
        if A is not None:  # turns and proposals per attendance, computed once for all communities
            k = pd.Series(T["key"][T["known"]])
            A["n_t"] = k.value_counts().reindex(A["key"], fill_value=0).to_numpy(float)
            kp = pd.Series(T["key"][T["known"] & T["proposal"]])
            A["n_p"] = kp.value_counts().reindex(A["key"], fill_value=0).to_numpy(float)
    rows, sub_rows = [], []
    for c in comm:
        row = {"community_id": c, "voice_assessable": False, "n_elite_present": 0, "elite_presence_share": np.nan,
               "elite_voice_share": np.nan, "voice_parity": np.nan, "parity_ci_low": np.nan,
               "parity_ci_high": np.nan, "n_turns": 0, "n_proposals": 0, "elite_proposal_share": np.nan,
               "proposal_parity": np.nan, "n_adopted": 0, "elite_adopted_share": np.nan, "voice_note": "",
               "voice_ratio_adjusted": np.nan, "voice_ratio_ci_low": np.nan, "voice_ratio_ci_high": np.nan,
               "proposal_ratio_adjusted": np.nan, "proposal_ratio_ci_low": np.nan, "uptake_ratio": np.nan}
        ai = A["slices"].get(c) if A is not None else None
        ti = T["slices"].get(c) if T is not None else None
        if ai is None:
            row["voice_note"] = "no individual attendance at community meetings was recorded"
        elif ti is None:
            row["voice_note"] = "no speaking turns at community meetings were recorded"
        if ai is not None:
            a_el, a_sub, a_pid = A["elite"][ai], A["sub"][ai], A["pid"][ai]
            t_sub = T["sub"][ti] if ti is not None else None
            for g in dict.fromkeys(a_sub):
                m = a_sub == g
                sub_rows.append({"community_id": c, "subgroup": g, "n_people": len(set(a_pid[m])),
                                 "presence_share": m.mean(),
                                 "voice_share": np.nan if ti is None else float((t_sub == g).mean())})
            row["n_elite_present"] = len(set(a_pid[a_el]))
            row["elite_presence_share"] = pres = float(a_el.mean())
            sub_rows.append({"community_id": c, "subgroup": ELITES, "n_people": row["n_elite_present"],
                             "presence_share": pres, "voice_share": np.nan})
        if ti is not None and not T["known"][ti].any():
            row["voice_note"] = "speakers' identities were not recorded, so elite turns cannot be counted"
        if ai is not None and ti is not None and T["known"][ti].any():
            kn = ti[T["known"][ti]]
            row["voice_assessable"] = True
            t_el = T["elite"][kn]
            row["n_turns"] = kn.size
            row["elite_voice_share"] = float(t_el.mean())
            sub_rows[-1]["voice_share"] = row["elite_voice_share"]
            row["voice_parity"] = row["elite_voice_share"] / pres if pres > 0 else np.nan
            n_t, n_p = A["n_t"][ai], A["n_p"][ai]
            e = a_el
            rng = np.random.default_rng(np.random.SeedSequence([s.seed, zlib.crc32(c.encode()), 7])) \
                if intervals else None
            if intervals and pres > 0 and e.sum() and (~e).sum():
                te, tn = n_t[e], n_t[~e]
                se = te[rng.integers(0, te.size, (s.n_boot, te.size))].sum(axis=1)
                sn = tn[rng.integers(0, tn.size, (s.n_boot, tn.size))].sum(axis=1)
                tot = se + sn
                par = np.where(tot > 0, se / np.where(tot > 0, tot, 1), np.nan) / pres
                lo, hi = np.nanquantile(par, [(1 - s.ci) / 2, (1 + s.ci) / 2])
                row["parity_ci_low"], row["parity_ci_high"] = float(lo), float(hi)
            adj = adjusted_ratio(n_t, e, a_sub, rng=rng, n_boot=s.n_boot, ci=s.ci)
            row["voice_ratio_adjusted"], row["voice_ratio_ci_low"], row["voice_ratio_ci_high"] = adj
            pi = kn[T["proposal"][kn]]
            row["n_proposals"] = pi.size
            if pi.size:
                pe = T["elite"][pi]
                row["elite_proposal_share"] = float(pe.mean())
                row["proposal_parity"] = row["elite_proposal_share"] / pres if pres > 0 else np.nan
                adj = adjusted_ratio(n_p, e, a_sub, rng=rng, n_boot=s.n_boot, ci=s.ci)
                row["proposal_ratio_adjusted"], row["proposal_ratio_ci_low"] = adj[0], adj[1]
                dec = decided.get(c, set())
                adopted = np.array([h in dec for h in T["harm"][pi]], dtype=bool)
                row["n_adopted"] = int(adopted.sum())
                if adopted.any():
                    row["elite_adopted_share"] = float(pe[adopted].mean())
                if pe.any() and (~pe).any():
                    up_e, up_n = adopted[pe].mean(), adopted[~pe].mean()
                    row["uptake_ratio"] = up_e / up_n if up_n > 0 else np.inf
        rows.append(row)
    subs = pd.DataFrame(sub_rows, columns=["community_id", "subgroup", "n_people", "presence_share", "voice_share"])
    return pd.DataFrame(rows), subs
