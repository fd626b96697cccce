"""The public entry points: :func:`elite_dominance` and :func:`programme_dominance`."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from .combination import bh_qvalues, community_test, programme_test
from .evidence import COMPONENTS, person_evidence
from .intervals import describe_community
from .levels import LEVELS, reading_level
from ..settings import Settings, resolve_settings
from .elite_voice import voice_signals
from .signals import ELITES, counterfactual_decisions, counterfactual_summary, prepare_rankings
from .weight import programme_weight, weight_curve, weight_estimate

__all__ = ["elite_dominance", "programme_dominance", "analyse"]

COLUMNS = [
    "community_id", "decision", "k_decided", "level", "p_value", "q_value", "test", "test_note", "statistic", "z",
    "n_relabellings", "min_p", "detectability", "detectability_moderate", "detectability_strong",
    "elite_weight", "elite_weight_ci_low", "elite_weight_ci_high", "elite_share_rankers",
    "z_proximity", "z_voice", "z_proposals", "z_uptake",
    "n_people", "n_elite", "n_elite_rankers", "n_nonelite_rankers", "alignment_elites", "alignment_nonelite",
    "gap_assessable", "gap", "gap_ci_low", "gap_ci_high",
    "counterfactual", "counterfactual_tie", "counterfactual_differs", "first_differs",
    "voice_assessable", "n_elite_present", "elite_presence_share", "elite_voice_share", "voice_parity",
    "parity_ci_low", "parity_ci_high", "voice_ratio_adjusted", "voice_ratio_ci_low", "voice_ratio_ci_high",
    "n_turns", "n_proposals", "elite_proposal_share", "proposal_parity", "proposal_ratio_adjusted",
    "proposal_ratio_ci_low", "proposal_ratio_ci_high", "n_adopted", "elite_adopted_share", "uptake_ratio",
    "uptake_ratio_ci_low", "uptake_ratio_ci_high", "notes",
]


def _seed(seed: int, community_id: str, salt: int) -> np.random.SeedSequence:
    """The random stream of one community and one purpose: adding a community changes no other's numbers."""
    return np.random.SeedSequence([int(seed), zlib.crc32(str(community_id).encode()), salt])


def _test_note(res: dict, ev, s: Settings) -> str:
    if res["test"] == "exact":
        return (f"exact test over all {res['n_relabellings']:,} relabellings of elite status within groups "
                f"(smallest possible p = {res['min_p']:.3g})")
    if res["test"] == "random":
        return f"{s.n_perm:,} random relabellings of elite status within groups (of {res['n_relabellings']:,} possible)"
    if ev.person.size == 0:
        return "nobody ranked individually or spoke at community meetings on record"
    if ev.n_elite == 0:
        return "no elite ranked individually or attended a community meeting on record"
    return ("no group had both elite and non-elite people with rankings or attendance on record, so who is "
            "elite cannot be compared within groups")


def analyse(data, settings: Settings, communities=None) -> dict:
    """Everything :func:`elite_dominance` and :func:`reading` need: prepared lists, person evidence,
    tests, alignment, counterfactual, voice tables and the community table (dict of named results)."""
    from .signals import decision_alignment

    s = settings
    prepared = prepare_rankings(data, s, communities)
    align = decision_alignment(data, settings=s, prepared=prepared)
    cf = counterfactual_decisions(data, settings=s, prepared=prepared)
    cf_sum = counterfactual_summary(cf).set_index("community_id")
    voice, voice_sub = voice_signals(data, settings=s, communities=list(prepared), intervals=False)
    voice = voice.set_index("community_id")
    evidence = person_evidence(data, s, prepared)
    a_idx = align.set_index(["community_id", "unit"]) if len(align) else None
    rows, tests, curves = [], {}, {}
    for c, cl in prepared.items():
        ev = evidence[c]
        row = {col: np.nan for col in COLUMNS}
        notes = list(cl.notes)
        row.update(community_id=c, k_decided=int(cl.decided.size),
                   decision=" > ".join(cl.harms[cl.decided]) if cl.decided.size else "")
        res = community_test(ev, n_perm=s.n_perm, seed=_seed(s.seed, c, 1), alpha=s.alpha,
                             shifts=(s.influence_moderate, s.influence_strong))
        tests[c] = res
        row.update(p_value=res["p_value"], test=res["test"], test_note=_test_note(res, ev, s),
                   statistic=res["statistic"], z=res["z"], n_relabellings=res["n_relabellings"], min_p=res["min_p"],
                   detectability_moderate=res["detectability"][0], detectability_strong=res["detectability"][1])
        row["detectability"] = row["detectability_strong"]
        for k in COMPONENTS:
            row[f"z_{k}"] = res["component_z"][k]
        ranked = ~np.isnan(ev.values[:, 0])
        row.update(n_people=int(ev.person.size), n_elite=ev.n_elite,
                   n_elite_rankers=int((ranked & ev.elite).sum()), n_nonelite_rankers=int((ranked & ~ev.elite).sum()))
        if a_idx is not None and (c, ELITES) in a_idx.index:
            units = a_idx.loc[c]
            row["alignment_elites"] = float(units.loc[ELITES, "alignment"])
            others = units.drop(index=ELITES)
            if len(others):
                row["alignment_nonelite"] = float(others["alignment"].mean())
        curve = weight_curve(cl)
        curves[c] = curve
        row.update(weight_estimate(curve, s.ci))
        desc = describe_community(ev, rng=np.random.default_rng(_seed(s.seed, c, 2)), n_boot=s.n_boot, ci=s.ci,
                                  n_perm=s.n_perm)
        row.update(desc)
        row["gap_assessable"] = bool(not np.isnan(row["gap"]) if isinstance(row["gap"], float) else True)
        if c in cf_sum.index:
            row.update(cf_sum.loc[c].to_dict())
        else:
            notes.append("the counterfactual could not be computed (no non-elite rankings or no decision)")
        v = voice.loc[c].to_dict()
        if v.get("voice_note"):
            notes.append(v["voice_note"])
        row.update({k: v[k] for k in v if k in COLUMNS and k not in desc})
        row["notes"] = "; ".join(notes)
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["q_value"] = bh_qvalues(table["p_value"].to_numpy(float))
    table["level"] = [reading_level(r, s) for r in table.to_dict("records")]
    table.attrs.update(settings=s)
    return {"prepared": prepared, "alignment": align, "counterfactual": cf, "voice_subgroups": voice_sub,
            "table": table, "tests": tests, "curves": curves, "evidence": evidence, "settings": s}


def elite_dominance(data, *, settings: Settings | None = None, communities=None,
                    **overrides) -> pd.DataFrame:
    """Does the decision follow the elites? One calibrated test per community, the size of the
    elites' weight, the community's detectability, and every measure with a person-level interval.

    Parameters
    ----------
    data : Dataset
        A loaded or simulated dataset (rankings and decisions; attendance and turns for voice).
    settings : Settings, optional
        Analysis settings; keyword ``overrides`` (``alpha=0.1``, ``n_perm=500``...) replace single
        fields.
    communities : list of str, optional
        Only these community ids (q-values are then computed among them only).

    Returns
    -------
    DataFrame
        One row per community.

        *Reading*: ``level`` (one of :data:`cpanalysis.dominance.LEVELS`, see
        :func:`cpanalysis.dominance.reading_level`).

        *Test*: ``p_value`` (one combined test, below), ``q_value`` (Benjamini-Hochberg over the
        communities analysed), ``test`` (``exact``, ``random`` or ``not tested``),
        ``test_note``, ``statistic``, ``z`` (statistic / its null standard deviation),
        ``n_relabellings``, ``min_p``, ``z_proximity``, ``z_voice``, ``z_proposals``,
        ``z_uptake`` (each measure's own standardised part of the statistic).

        *Detectability*: ``detectability_moderate`` and ``detectability_strong`` (the power of
        this community's test at its own numbers when every elite's measures are
        ``influence_moderate`` / ``influence_strong`` within-group standard deviations higher);
        ``detectability`` = ``detectability_strong``.

        *Size*: ``elite_weight`` (the weight of the elites' preferences in the decision relative
        to their share of the individual rankers: 1 = as everybody else, 2 = twice; see
        :mod:`cpanalysis.dominance.weight`), ``elite_weight_ci_low``/``_high`` (profile
        likelihood interval), ``elite_share_rankers``.

        *Descriptions* (intervals: percentile bootstrap over persons within stratum x elite
        cells): ``gap`` (mean over elite individual rankers of their alignment with the decision
        minus that of non-elite rankers of their own stratum) with ``gap_ci_low``/``_high``;
        ``alignment_elites``, ``alignment_nonelite`` (elites' unit and mean of the other units, as
        :func:`cpanalysis.dominance.decision_alignment`); ``voice_parity`` (elite share of turns /
        elite share of attendances) with ``parity_ci_low``/``_high``; ``voice_ratio_adjusted``,
        ``proposal_ratio_adjusted``, ``uptake_ratio`` (elites' turns, proposals, proposals naming a
        decided harm, over what non-elite people of their stratum did per attendance) each with
        ``_ci_low``/``_ci_high``; counts ``n_people``, ``n_elite``, ``n_elite_rankers``,
        ``n_nonelite_rankers``, ``n_elite_present``, ``n_turns``, ``n_proposals``, ``n_adopted``;
        shares ``elite_presence_share``, ``elite_voice_share``, ``elite_proposal_share``,
        ``proposal_parity``, ``elite_adopted_share``; the counterfactual (``counterfactual``,
        ``counterfactual_tie``, ``counterfactual_differs``, ``first_differs``); ``notes``.
        ``attrs["settings"]`` holds the settings.

    Notes
    -----
    *Evidence.* Four measures per person (:mod:`cpanalysis.dominance.evidence`): the alignment of
    the person's own ranking lists with the decision (1 - the top-k Kendall distance of
    :func:`cpanalysis.dominance.topk_distance`, Fagin et al. 2003), and, at ``elite_test_formats``
    sessions of every cycle, turns, proposals and proposals naming a decided harm per attendance.

    *Test.* One statistic: the elites' sum of the four measures, each centred within the
    person's cell (stratum of ``dominance_strata`` x whether the person ranked x whether they
    attended) and scaled by its own null standard deviation, so the four count the same
    (:mod:`cpanalysis.dominance.combination`). Null: elite status is exchangeable among the
    persons of a cell. Exact enumeration when there are at most ``n_perm`` distinct relabellings,
    else ``p = (b + 1) / (B + 1)`` (Phipson & Smyth 2010): the test's size is at most ``alpha``
    by construction. Each community is tested on its own data only; q-values (Benjamini &
    Hochberg 1995) control the share of false alarms among the communities flagged.

    *Random streams.* Every community's relabellings and bootstrap draw from a stream seeded by
    ``(seed, community id)``: adding or removing a community changes no other's numbers (except
    q-values, which depend on all p-values by design).

    References
    ----------
    .. [1] Fagin, R., Kumar, R., & Sivakumar, D. (2003). Comparing top k lists. SIAM J. Discrete
       Math. 17(1), 134-160.
    .. [2] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
       Statistical Applications in Genetics and Molecular Biology 9(1), Article 39.
    .. [3] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. J. R.
       Stat. Soc. B 57(1), 289-300.
    .. [4] Beath, A., Christia, F., & Enikolopov, R. (2017). Direct democracy and resource
       allocation: experimental evidence from Afghanistan. J. Development Economics 124, 199-213.
    .. [5] Karpowitz, C. F., Mendelberg, T., & Shaker, L. (2012). Gender inequality in
       deliberative participation. APSR 106(3), 533-547.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(6, seed=3, elite_influence=[0, 0, 0, 1, 1, 1])
    >>> res = cpanalysis.elite_dominance(data, n_perm=500, n_boot=100)
    >>> res[["community_id", "p_value", "q_value", "level", "elite_weight"]].shape
    (6, 5)
    >>> set(res["level"]) <= set(cpanalysis.dominance.LEVELS)
    True
    """
    s = resolve_settings(settings, **overrides)
    return analyse(data, s, communities)["table"]


def programme_dominance(data, *, settings: Settings | None = None, communities=None,
                        analysis: dict | None = None, **overrides) -> pd.DataFrame:
    """The programme's view: one pooled test, one elite weight, and how many communities read each level.

    Parameters
    ----------
    data : Dataset
    settings : Settings, optional
    communities : list of str, optional
    analysis : dict, optional
        The output of :func:`cpanalysis.dominance.core.analyse` with the same settings, to reuse.

    Returns
    -------
    DataFrame
        One row: ``n_communities``, ``n_in_test`` (communities with a test), ``z`` and ``p_value``
        of the pooled test (Stouffer: ``sum z_c / sqrt(m)``, its null from independent
        relabellings within every community, ``p = (b + 1) / (B + 1)``), ``elite_weight`` with
        ``elite_weight_ci_low``/``_high`` (one weight for all communities: the summed
        profile log-likelihoods; interval by resampling communities), ``n_in_weight``,
        ``mean_gap`` (stratum-adjusted gaps) with a cluster-bootstrap interval,
        ``share_counterfactual_differs``, ``median_voice_parity`` and ``n_<level>`` for every
        reading level.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(4, seed=3, elite_influence=0.0)
    >>> programme_dominance(data, n_perm=200, n_boot=50)["n_communities"].item()
    4
    """
    s = resolve_settings(settings, **overrides)
    full = analysis if analysis is not None else analyse(data, s, communities)
    s = full["settings"]
    tab = full["table"]
    res = programme_test(list(full["tests"].values()), n_perm=s.n_perm)
    weight = programme_weight(list(full["curves"].values()), ci=s.ci, n_boot=s.n_boot,
                              seed=_seed(s.seed, "programme", 5))
    gaps = tab["gap"].dropna().to_numpy(float)
    rng = np.random.default_rng(_seed(s.seed, "programme", 6))
    if gaps.size and s.n_boot:
        boot = gaps[rng.integers(0, gaps.size, (s.n_boot, gaps.size))].mean(axis=1)
        lo, hi = np.quantile(boot, [(1 - s.ci) / 2, (1 + s.ci) / 2])
    else:
        lo = hi = np.nan
    row = {"n_communities": len(tab), "n_in_test": res["n_in_test"], "z": res["z"], "p_value": res["p_value"],
           **weight, "mean_gap": float(gaps.mean()) if gaps.size else np.nan, "mean_gap_ci_low": lo,
           "mean_gap_ci_high": hi,
           "share_counterfactual_differs": float(tab["counterfactual_differs"].astype("boolean").mean()),
           "median_voice_parity": float(tab["voice_parity"].median())}
    for level in LEVELS:
        row["n_" + level.replace(" ", "_")] = int((tab["level"] == level).sum())
    return pd.DataFrame([row])
