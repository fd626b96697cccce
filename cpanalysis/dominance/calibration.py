"""Calibration by simulation: false alarms in worlds without elite influence, FDR, power, programme power.

Two sources of data:

* :func:`cpanalysis.simulate` (the project's simulator, with its ``elite_influence``);
* :func:`null_world`, a generator written here, independently of the simulator, for worlds in
  which elites have *no* influence but which are hard for a test in other ways:

  - ``"agree"``: everybody has the same priorities (identical lists), the decision is their top;
  - ``"skewed"``: elites are mostly older men, men and women want very different things, and
    the decision follows the men's and elders' view (a male-dominated, not elite-dominated,
    decision); everybody present ranks;
  - ``"small"``: very small communities (16-24 people, 2-3 elites), lists with many tied ranks
    (three tiers);
  - ``"top3"``: the decision is drawn at random among the top three of everybody's consensus.

  In every world elites attend more often than others (as elites do), but within their subgroup
  they speak, propose and rank like everybody else.

The readings are computed as the library does: one analysis, q-values within each programme
of ``programme_size`` communities (:func:`assess`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import beta as beta_dist

from ..settings import Settings, resolve_settings
from .combination import bh_qvalues
from .levels import reading_level

__all__ = ["NULL_WORLDS", "null_world", "assess", "share_flagged", "clopper_pearson"]

#: The null worlds of :func:`null_world`.
NULL_WORLDS = ("agree", "skewed", "small", "top3")

_SUBGROUPS = ("girls", "boys", "women", "men", "elders")
_SUB_P = np.array([0.2, 0.2, 0.25, 0.22, 0.13])
_RATE = np.array([0.5, 0.6, 0.8, 1.0, 1.0])


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact two-sided binomial interval (Clopper & Pearson 1934) for ``k`` successes in ``n``.

    Examples
    --------
    >>> [round(x, 4) for x in clopper_pearson(0, 100)]
    [0.0, 0.0362]
    """
    a = 1 - level
    lo = 0.0 if k == 0 else float(beta_dist.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta_dist.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def null_world(kind: str, n_communities: int, *, seed: int = 0, n_harms: int = 8):
    """A programme with no elite influence, generated without :mod:`cpanalysis.simulation`.

    Parameters
    ----------
    kind : {"agree", "skewed", "small", "top3"}
        See the module docstring.
    n_communities : int
    seed : int
        Community ``i`` draws from ``SeedSequence((seed, i))``.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> data = null_world("small", 2, seed=1)
    >>> sorted(data.communities["community_id"])
    ['N001', 'N002']
    """
    from ..dataset import Dataset

    if kind not in NULL_WORLDS:
        raise ValueError(f"null_world: kind must be one of {NULL_WORLDS}, not {kind!r}")
    harm_ids = [f"h{j + 1}" for j in range(n_harms)]
    parts = {k: [] for k in ("communities", "participants", "sessions", "attendance", "turns", "rankings",
                             "decisions")}
    for i in range(n_communities):
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), i]))
        _one(kind, f"N{i + 1:03d}", rng, harm_ids, parts)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    tables["harms"] = pd.DataFrame({"harm_id": harm_ids, "label": [f"Harm {j + 1}" for j in range(n_harms)],
                                    "sensitive": False})
    return Dataset.from_tables(tables, source=f"null_world({kind!r}, {n_communities}, seed={seed})")


def _one(kind: str, cid: str, rng: np.random.Generator, harm_ids: list, parts: dict) -> None:
    H = len(harm_ids)
    n = int(rng.integers(16, 25)) if kind == "small" else int(rng.integers(50, 110))
    sub = rng.choice(5, n, p=_SUB_P)
    sub[:5] = np.arange(5)
    female = np.where(sub == 0, True, np.where(sub == 1, False, np.where(sub == 2, True,
                      np.where(sub == 3, False, rng.random(n) < 0.5))))
    age = np.where(sub <= 1, "child", np.where(sub == 4, "elder", np.where(rng.random(n) < 0.3, "youth", "adult")))
    if kind == "skewed":   # mostly older men: adult men and male elders
        p_el = np.where((sub == 3) & (age == "adult"), 0.35, np.where((sub == 4) & ~female, 0.45,
                        np.where(sub == 2, 0.03, 0.0)))
    else:
        p_el = np.array([0.0, 0.0, 0.06, 0.2, 0.3])[sub]
    elite = rng.random(n) < p_el
    need = 2 if kind == "small" else 3
    if elite.sum() < need:
        pool = np.flatnonzero(~elite & (sub >= 3))
        elite[rng.choice(pool, need - int(elite.sum()), replace=False)] = True
    marg = ~elite & (rng.random(n) < 0.1)
    # priorities: a shared view plus subgroup leans; elites are drawn exactly like their subgroup
    shared = rng.normal(0, 1, H)
    lean = rng.normal(0, 1.5 if kind == "skewed" else 0.5, (5, H))
    if kind == "skewed":   # men and elders one way, women and girls the other
        lean[[3, 4]] = lean[3] + rng.normal(0, 0.2, (2, H))
        lean[[0, 2]] = -lean[3] + rng.normal(0, 0.2, (2, H))
    util = shared + lean[sub] + rng.normal(0, 0.6, (n, H))
    if kind == "agree":
        util = np.tile(shared, (n, 1))
    talk = rng.lognormal(0, 0.6, n)
    n_cycles = 2
    sessions, att, turns, ranks = [], [], [], []
    day0 = pd.Timestamp("2025-01-06") + pd.Timedelta(days=int(rng.integers(0, 200)))
    s_no = 0
    for cycle in range(1, n_cycles + 1):
        for fmt, who in [("community_meeting", None)] + [("small_group", g) for g in range(5)]:
            s_no += 1
            sid = f"{cid}-S{s_no:03d}"
            sessions.append({"session_id": sid, "community_id": cid, "cycle": cycle, "format": fmt,
                             "convened_for": None if who is None else _SUBGROUPS[who],
                             "date": (day0 + pd.Timedelta(days=100 * (cycle - 1) + s_no)).date().isoformat()})
            if who is None:
                p_att = np.where(elite, 0.9, 0.6) * np.where(marg, 0.5, 1.0)
            else:
                p_att = np.where(sub == who, 0.75, 0.0)
            here = np.flatnonzero(rng.random(n) < p_att)
            if here.size < 2:
                here = np.flatnonzero(sub == who) if who is not None else np.arange(min(n, 5))
            att += [{"session_id": sid, "participant_id": f"{cid}-P{j + 1:03d}"} for j in here]
            rate = talk[here] * _RATE[sub[here]] * np.where(marg[here], 0.6, 1.0)
            n_t = int(rng.poisson(40 if who is None else 12)) + 1
            speaker = here[rng.choice(here.size, n_t, p=rate / rate.sum())]
            kind_t = np.where(rng.random(n_t) < 0.15, "proposal", np.where(rng.random(n_t) < 0.5, "support", "other"))
            top = np.argmax(util[speaker] + rng.gumbel(0, 0.7, (n_t, H)), axis=1)
            for t, (p, k, h) in enumerate(zip(speaker, kind_t, top)):
                turns.append({"session_id": sid, "turn": t + 1, "participant_id": f"{cid}-P{p + 1:03d}",
                              "duration_s": float(np.round(rng.lognormal(np.log(25), 0.7), 1)), "kind": k,
                              "harm_id": harm_ids[h] if k != "other" else None, "interrupted": False})
            if cycle == n_cycles and who is None:   # individual rankings at the last meeting
                rank_p = np.ones(here.size) if kind in ("skewed", "agree") else np.where(elite[here], 1.0, 0.5)
                for p in here[rng.random(here.size) < rank_p]:
                    u = util[p] + (0 if kind == "agree" else rng.gumbel(0, 0.7, H))
                    r = _ranks(u)
                    if kind == "small":
                        r = np.ceil(r / 3.0).astype(int)   # three tiers of tied ranks
                    ranks += [{"session_id": sid, "ranker": f"{cid}-P{p + 1:03d}", "harm_id": harm_ids[h],
                               "rank": float(r[h]), "score": np.nan} for h in range(H)]
            if who is not None:   # each small group ranks by consensus
                u = util[here].mean(axis=0) + (0 if kind == "agree" else rng.gumbel(0, 0.7, H))
                r = _ranks(u)
                ranks += [{"session_id": sid, "ranker": _SUBGROUPS[who], "harm_id": harm_ids[h],
                           "rank": float(r[h]), "score": np.nan} for h in range(H)]
    s_no += 1
    last = f"{cid}-S{s_no:03d}"
    sessions.append({"session_id": last, "community_id": cid, "cycle": n_cycles, "format": "planning_group",
                     "convened_for": None, "date": (day0 + pd.Timedelta(days=100 * n_cycles + 30)).date().isoformat()})
    planners = rng.choice(n, min(n, 8), replace=False)
    att += [{"session_id": last, "participant_id": f"{cid}-P{j + 1:03d}"} for j in planners]
    k = int(rng.choice([1, 2, 3]))
    if kind == "skewed":
        view = util[sub >= 3].mean(axis=0)
    else:
        view = np.stack([util[sub == g].mean(axis=0) for g in range(5)]).mean(axis=0)
    view = view + (0 if kind == "agree" else rng.normal(0, 0.2, H))
    order = np.argsort(-view, kind="stable")
    if kind == "top3":
        first = order[rng.integers(0, 3)]
        order = np.r_[first, order[order != first]]
    decided = order[:k]
    parts["communities"].append(pd.DataFrame({"community_id": [cid], "name": [f"Null community {cid}"],
                                              "district": ["District 1"]}))
    parts["participants"].append(pd.DataFrame({
        "participant_id": [f"{cid}-P{j + 1:03d}" for j in range(n)], "community_id": cid,
        "gender": np.where(female, "female", "male"), "age_group": age, "elite": elite, "marginalised": marg}))
    parts["sessions"].append(pd.DataFrame(sessions))
    parts["attendance"].append(pd.DataFrame(att))
    parts["turns"].append(pd.DataFrame(turns))
    parts["rankings"].append(pd.DataFrame(ranks))
    parts["decisions"].append(pd.DataFrame({"community_id": cid, "session_id": last,
                                            "harm_id": [harm_ids[h] for h in decided],
                                            "priority": np.arange(1, k + 1)}))


def _ranks(u: np.ndarray) -> np.ndarray:
    r = np.empty(u.size, int)
    r[np.argsort(-u, kind="stable")] = np.arange(1, u.size + 1)
    return r


def assess(data, *, programme_size: int = 12, settings: Settings | None = None, analysis: dict | None = None,
           **overrides) -> pd.DataFrame:
    """Every community's reading as the library gives it when communities are analysed in
    programmes of ``programme_size`` (q-values within each programme).

    The community tests, detectability and weights do not depend on the other communities (each
    has its own random stream), so one analysis of all communities followed by q-values per
    programme gives exactly what separate analyses of each programme give.

    Returns
    -------
    DataFrame
        The :func:`cpanalysis.elite_dominance` table with ``programme`` added and ``q_value`` and
        ``level`` recomputed within programmes.
    """
    from .core import analyse

    s = resolve_settings(settings, **overrides)
    if analysis is not None:
        s = analysis["settings"]
    table = (analysis if analysis is not None else analyse(data, s))["table"].copy()
    table["programme"] = np.arange(len(table)) // programme_size
    for _, idx in table.groupby("programme").groups.items():
        table.loc[idx, "q_value"] = bh_qvalues(table.loc[idx, "p_value"].to_numpy(float))
    table["level"] = [reading_level(r, s) for r in table.to_dict("records")]
    return table


def share_flagged(table: pd.DataFrame) -> dict:
    """Share of communities read as ``clear sign`` or ``some sign``, with its exact 95% interval."""
    flagged = table["level"].isin(["clear sign", "some sign"])
    k, n = int(flagged.sum()), len(table)
    lo, hi = clopper_pearson(k, n)
    return {"n": n, "flagged": k, "share": k / n if n else np.nan, "ci_low": lo, "ci_high": hi}
