"""The public entry points: :func:`elite_dominance` and :func:`programme_dominance`."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from .permutation import bootstrap_gap, gap_problem, gap_statistic, observed_sums, permutation_test, \
    pooled_permutation_test
from .levels import LEVELS, reading_level
from ..settings import Settings, resolve_settings
from .signals import ELITES, counterfactual_decisions, counterfactual_summary, prepare_rankings, voice_signals

__all__ = ["elite_dominance", "programme_dominance", "analyse"]

COLUMNS = [
    "community_id", "decision", "k_decided", "n_elite_rankers", "n_nonelite_rankers", "alignment_elites",
    "alignment_nonelite", "gap", "gap_ci_low", "gap_ci_high", "p_value", "test", "n_relabellings", "min_p",
    "n_pooled", "gap_assessable", "gap_signal", "test_note", "counterfactual", "counterfactual_tie",
    "counterfactual_differs", "first_differs", "voice_assessable", "n_elite_present", "elite_presence_share",
    "elite_voice_share", "voice_parity", "parity_ci_low", "parity_ci_high", "voice_ratio_adjusted",
    "voice_ratio_ci_low", "voice_ratio_ci_high", "n_turns", "n_proposals", "elite_proposal_share",
    "proposal_parity", "proposal_ratio_adjusted", "proposal_ratio_ci_low", "n_adopted", "elite_adopted_share", "uptake_ratio", "voice_signal",
    "proposal_signal", "adopted_signal", "n_signals", "level", "notes",
]


def _seed(seed: int, community_id: str, salt: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([int(seed), zlib.crc32(str(community_id).encode()), salt])


def analyse(data, settings: Settings, communities=None) -> dict:
    """Everything :func:`elite_dominance` and :func:`reading` need: prepared lists, alignment,
    counterfactual, voice tables and the community table (dict of named results)."""
    from .signals import decision_alignment

    s = settings
    prepared = prepare_rankings(data, s, communities)
    align = decision_alignment(data, settings=s, prepared=prepared)
    cf = counterfactual_decisions(data, settings=s, prepared=prepared)
    cf_sum = counterfactual_summary(cf).set_index("community_id")
    voice, voice_sub = voice_signals(data, settings=s, communities=communities)
    voice = voice.set_index("community_id")
    rows, problems, pooled = [], {}, []
    for c, cl in prepared.items():
        row = {col: np.nan for col in COLUMNS}
        row.update(community_id=c, test="not tested", gap_assessable=False, gap_signal=pd.NA, n_pooled=0,
                   n_elite_rankers=0, n_nonelite_rankers=0, k_decided=int(cl.decided.size), test_note="")
        notes = list(cl.notes)
        row["decision"] = " > ".join(cl.harms[cl.decided]) if cl.decided.size else ""
        problem = gap_problem(cl.members) if cl.decided.size else None
        if cl.members is not None and len(cl.members):
            mem = cl.members
            row["n_elite_rankers"] = int(((mem["unit"] == ELITES) & (mem["source"] == "individual")).sum())
            row["n_nonelite_rankers"] = int(((mem["unit"] != ELITES) & (mem["source"] == "individual")).sum())
        if problem is None:
            if cl.decided.size == 0:
                row["test_note"] = "no decision was recorded"
            elif cl.members is None or len(cl.members) == 0:
                row["test_note"] = "no rankings were recorded"
            elif not (cl.members["unit"] == ELITES).any():
                row["test_note"] = "no ranking by elites was recorded"
            else:
                row["test_note"] = "no ranking by non-elite groups was recorded"
        else:
            obs = float(gap_statistic(problem, observed_sums(problem))[0])
            d_el = cl.members.loc[cl.members["unit"] == ELITES, "distance"].mean()
            row.update(gap_assessable=True, gap=obs, alignment_elites=1 - d_el, alignment_nonelite=1 - d_el - obs)
            lo, hi = bootstrap_gap(problem, n_boot=s.n_boot, ci=s.ci, seed=_seed(s.seed, c, 2))
            row.update(gap_ci_low=lo, gap_ci_high=hi, n_relabellings=problem.n_distinct)
            n_e, n_n = problem.n_elite_individual, problem.n_nonelite_individual
            if n_e == 0:
                row["test_note"] = ("the elites' ranking comes from a group list only, so who is elite "
                                    "cannot be relabelled: the gap is described but not tested")
            elif not problem.varying:
                row["test_note"] = ("no subgroup had both elite and non-elite individual rankers, so "
                                    "relabelling within subgroups changes nothing: not tested")
            elif n_e < s.min_rankers or n_n < s.min_rankers:
                row["test_note"] = (f"too few individual rankers to test alone ({n_e} elite, {n_n} non-elite; "
                                    f"at least {s.min_rankers} of each needed): pooled with other small communities")
                pooled.append(c)
            elif problem.n_distinct <= s.n_perm and 1.0 / problem.n_distinct > s.alpha:
                row["test_note"] = (f"only {problem.n_distinct} distinct relabellings: the smallest possible "
                                    f"p-value, 1/{problem.n_distinct} = {1 / problem.n_distinct:.3f}, exceeds "
                                    f"alpha = {s.alpha:g}: pooled with other small communities")
                pooled.append(c)
            else:
                res = permutation_test(problem, n_perm=s.n_perm, seed=_seed(s.seed, c, 1))
                row.update(p_value=res["p_value"], test=res["test"], min_p=res["min_p"])
                row["gap_signal"] = bool(res["p_value"] < s.alpha and obs > 0)
                row["test_note"] = (f"exact test over all {res['n_relabellings']} relabellings within subgroups"
                                    if res["test"] == "exact" else
                                    f"{res['n_used']} random relabellings within subgroups "
                                    f"(of {res['n_relabellings']:,} possible)")
            problems[c] = problem
        if c in cf_sum.index:
            row.update(cf_sum.loc[c].to_dict())
        else:
            notes.append("the counterfactual could not be computed (no non-elite rankings or no decision)")
        v = voice.loc[c].to_dict()
        if v.get("voice_note"):
            notes.append(v["voice_note"])
        row.update({k: v[k] for k in v if k in COLUMNS})
        row["notes"] = notes
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    if pooled:
        res = pooled_permutation_test([problems[c] for c in pooled], n_perm=s.n_perm,
                                      seed=_seed(s.seed, "pooled", 3))
        mask = table["community_id"].isin(pooled)
        table.loc[mask, "p_value"] = res["p_value"]
        table.loc[mask, "test"] = "pooled"
        table.loc[mask, "n_pooled"] = len(pooled)
        table.loc[mask, "min_p"] = 1.0 / (s.n_perm + 1)
        table.loc[mask, "gap_signal"] = [bool(res["p_value"] < s.alpha and g > 0) for g in table.loc[mask, "gap"]]
    sig = _signals(table, s)
    table = pd.concat([table.drop(columns=sig.columns), sig], axis=1)[COLUMNS]
    table["level"] = [reading_level(r, s) for r in table.to_dict("records")]
    table["notes"] = ["; ".join(n) for n in table["notes"]]
    table.attrs.update(settings=s)
    return {"prepared": prepared, "alignment": align, "counterfactual": cf, "voice_subgroups": voice_sub,
            "table": table, "problems": problems, "settings": s}


def _signals(table: pd.DataFrame, s: Settings) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    va = table["voice_assessable"].astype(bool)
    va = va & table["voice_ratio_adjusted"].notna()
    out["voice_signal"] = pd.array(np.where(va, (table["voice_ratio_adjusted"] >= s.parity_high)
                                            & (table["voice_ratio_ci_low"] > 1), pd.NA), dtype="boolean")
    pa = va & (table["n_proposals"] >= s.min_proposals) & table["proposal_ratio_adjusted"].notna()
    out["proposal_signal"] = pd.array(np.where(pa, (table["proposal_ratio_adjusted"] >= s.proposal_parity_high)
                                               & (table["proposal_ratio_ci_low"] > 1), pd.NA), dtype="boolean")
    aa = va & (table["n_adopted"] >= s.min_proposals) & table["uptake_ratio"].notna()
    out["adopted_signal"] = pd.array(np.where(aa, (table["elite_adopted_share"] >= s.adopted_share_high)
                                              & (table["uptake_ratio"] > 1), pd.NA), dtype="boolean")
    gap = table["gap_signal"].astype("boolean")
    cols = [gap, out["voice_signal"], out["proposal_signal"], out["adopted_signal"]]
    out["n_signals"] = sum(c.fillna(False).astype(int) for c in cols)
    return out


def elite_dominance(data, *, settings: Settings | None = None, communities=None,
                    **overrides) -> pd.DataFrame:
    """Does the decision follow the elites? Every signal, its uncertainty and a reading level.

    Parameters
    ----------
    data : Dataset
        A loaded or simulated dataset (rankings, decisions; attendance and turns for the voice
        signals).
    settings : Settings, optional
        Thresholds and options; keyword ``overrides`` (``alpha=0.1``, ``n_perm=500``...) replace
        single fields.
    communities : list of str, optional
        Only these community ids (the pooled test then pools among them only).

    Returns
    -------
    DataFrame
        One row per community. Decision: ``decision`` (harm ids, priority order), ``k_decided``.
        Gap: ``n_elite_rankers``, ``n_nonelite_rankers`` (individuals), ``alignment_elites``,
        ``alignment_nonelite`` (mean over non-elite units), ``gap`` (their difference; > 0 = the
        decision is closer to the elites), ``gap_ci_low``/``gap_ci_high`` (bootstrap),
        ``p_value``, ``test`` (``exact``, ``random``, ``pooled`` or ``not tested``),
        ``n_relabellings``, ``min_p``, ``n_pooled``, ``gap_assessable``, ``gap_signal``,
        ``test_note`` (the test used, or why none / why pooled). Counterfactual:
        ``counterfactual`` (non-elite top k), ``counterfactual_tie``, ``counterfactual_differs``,
        ``first_differs``. Voice (community meetings): ``elite_presence_share``,
        ``elite_voice_share``, ``voice_parity`` and interval, ``n_turns``, ``n_proposals``,
        ``elite_proposal_share``, ``proposal_parity``, ``n_adopted``, ``elite_adopted_share``.
        Signals: ``voice_signal``, ``proposal_signal``, ``adopted_signal`` (NA = not
        assessable), ``n_signals``; ``level`` (see :data:`cpanalysis.dominance.LEVELS`) and
        ``notes`` (what could not be assessed). ``attrs["settings"]`` holds the settings.

    Notes
    -----
    *Alignment.* The distance of the decision (its priority order, a top-k list) to a list is
    the normalised Kendall distance of :func:`cpanalysis.dominance.topk_distance` (Fagin et al.
    2003, penalty ``p`` = ``tie_penalty`` for ties); a unit's distance is the mean over its
    members, alignment = 1 - distance. Units: ``elites`` (elite individuals, or an ``elites``
    group ranker) and each subgroup's non-elite individuals (or its group lists when none of
    them ranked).

    *Gap and test.* gap = alignment(elites) - mean alignment(non-elite units). Elite labels are
    relabelled among individual rankers within strata (subgroup x marginalised status, when
    ``stratify``), keeping the number of elites of every stratum: under the null that, within a
    stratum, being elite is unrelated to how close one's ranking is to the decision, every
    relabelling is equally likely (the simulator at ``elite_influence = 0``). One-sided:
    p = #{gap* >= gap} / N by exact enumeration when N distinct relabellings <= ``n_perm``, else
    p = (b + 1) / (B + 1) over B = ``n_perm`` random relabellings (Phipson & Smyth 2010). A
    community with fewer than ``min_rankers`` elite or non-elite individual rankers, or whose N
    makes 1/N > ``alpha``, is tested in a pool: the mean gap of all such communities, labels
    relabelled within each community. The interval is a percentile bootstrap, members
    resampled within the elite unit and within each non-elite unit. The tests of different
    communities are not corrected for multiplicity: with many communities, expect about
    ``alpha`` of inclusive ones to show a gap signal.

    *Counterfactual.* The non-elite units' lists aggregated with ``method`` and ``weighting``;
    top k with k = the number of decided harms.

    *Voice.* At ``voice_formats`` sessions: elite voice parity = elite share of turns / elite
    share of attendances (Karpowitz, Mendelberg & Shaker 2012), interval by bootstrap over
    attendances; elite share of proposals over elite presence share; elite share of adopted
    proposals (proposals naming a decided harm).

    References
    ----------
    .. [1] Fagin, R., Kumar, R., & Sivakumar, D. (2003). Comparing top k lists. SIAM J. Discrete
       Math. 17(1), 134-160.
    .. [2] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
       Statistical Applications in Genetics and Molecular Biology 9(1), Article 39.
    .. [3] Beath, A., Christia, F., & Enikolopov, R. (2017). Direct democracy and resource
       allocation: experimental evidence from Afghanistan. J. Development Economics 124, 199-213.
    .. [4] Karpowitz, C. F., Mendelberg, T., & Shaker, L. (2012). Gender inequality in
       deliberative participation. APSR 106(3), 533-547.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(6, seed=3, elite_influence=[0, 0, 0, 1, 1, 1])
    >>> res = cpanalysis.elite_dominance(data, n_perm=500)
    >>> res[["community_id", "test", "level"]].shape
    (6, 3)
    >>> set(res["level"]) <= {"no signal", "some signals", "strong signals", "not assessable"}
    True
    """
    s = resolve_settings(settings, **overrides)
    return analyse(data, s, communities)["table"]


def programme_dominance(data, *, settings: Settings | None = None, communities=None,
                        result: pd.DataFrame | None = None, **overrides) -> pd.DataFrame:
    """The programme's view: a pooled test over all communities and how many show each signal.

    Returns
    -------
    DataFrame
        One row: ``n_communities``, ``n_gap_assessable``, ``mean_gap`` (over communities with a
        gap), ``mean_gap_ci_low``/``high`` (bootstrap over communities), ``p_value`` (stratified
        permutation test of the mean gap, labels relabelled within every testable community),
        ``n_tested_alone``, ``n_pooled``, ``share_gap_signal``, ``share_counterfactual_differs``,
        ``median_voice_parity``, and ``n_<level>`` for every reading level.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(4, seed=3, elite_influence=0.0)
    >>> programme_dominance(data, n_perm=200)["n_communities"].item()
    4
    """
    s = resolve_settings(settings, **overrides)
    full = analyse(data, s, communities)
    tab = full["table"] if result is None else result
    probs = [p for c, p in full["problems"].items() if p.varying and p.n_elite_individual > 0]
    res = pooled_permutation_test(probs, n_perm=s.n_perm, seed=_seed(s.seed, "programme", 4))
    gaps = tab["gap"].dropna().to_numpy(float)
    rng = np.random.default_rng(_seed(s.seed, "programme", 5))
    if gaps.size:
        boot = gaps[rng.integers(0, gaps.size, (s.n_boot, gaps.size))].mean(axis=1)
        lo, hi = np.quantile(boot, [(1 - s.ci) / 2, (1 + s.ci) / 2])
    else:
        lo = hi = np.nan
    row = {"n_communities": len(tab), "n_gap_assessable": int(tab["gap_assessable"].sum()),
           "mean_gap": float(gaps.mean()) if gaps.size else np.nan, "mean_gap_ci_low": lo, "mean_gap_ci_high": hi,
           "p_value": res["p_value"], "n_in_test": res["n_communities"],
           "n_tested_alone": int(tab["test"].isin(["exact", "random"]).sum()),
           "n_pooled": int((tab["test"] == "pooled").sum()),
           "share_gap_signal": float(tab["gap_signal"].astype("boolean").mean()),
           "share_counterfactual_differs": float(tab["counterfactual_differs"].astype("boolean").mean()),
           "median_voice_parity": float(tab["voice_parity"].median())}
    for level in LEVELS:
        row["n_" + level.replace(" ", "_")] = int((tab["level"] == level).sum())
    return pd.DataFrame([row])
