"""Reading levels and the plain-language reading of one community.

The words never overstate: a reading says a measure "signals" something or that a pattern is
"consistent with" elite steering; it never claims proof.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import Settings, resolve_settings
from .core import analyse
from .levels import _true

__all__ = ["reading"]

_NOUN = {"elites": "the elites", "marginalised": "the marginalised group"}


def _ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _noun(unit: str) -> str:
    return _NOUN.get(unit, unit)


def _possessive(unit: str) -> str:
    noun = _noun(unit)
    return noun + ("'" if noun.endswith("s") else "'s")


def reading(data, community_id, *, settings: Settings | None = None, analysis: dict | None = None,
            **overrides) -> str:
    """The plain-language reading of one community: each signal, its threshold and uncertainty,
    then sentences a facilitator understands.

    Parameters
    ----------
    data : Dataset
    community_id : str
    settings : Settings, optional
        As in :func:`cpanalysis.elite_dominance` (keyword overrides allowed).
    analysis : dict, optional
        The output of :func:`cpanalysis.dominance.core.analyse` to reuse (saves recomputing when
        reading many communities).

    Returns
    -------
    str

    Notes
    -----
    Percentages are not printed for groups of fewer than ``settings.min_count`` people. Where a
    signal could not be computed the text says so and why. The reading level follows
    :func:`reading_level`.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(3, seed=4, elite_influence=1.0)
    >>> text = cpanalysis.reading(data, "C01", n_perm=500)
    >>> "prove" in text.lower()
    False
    """

    s = resolve_settings(settings, **overrides)
    if analysis is None:
        analysis = analyse(data, s)
    s = analysis["settings"]
    table = analysis["table"].set_index("community_id")
    cid = str(community_id)
    if cid not in table.index:
        raise ValueError(f"reading(): unknown community_id {community_id!r}")
    row = table.loc[cid].to_dict()
    harms = data.harms if not isinstance(data, dict) else data["harms"]
    label = dict(zip(harms["harm_id"].astype(str), harms["label"].astype(str)))
    lab = lambda h: label.get(h, h)  # noqa: E731
    comm = data.communities if not isinstance(data, dict) else data["communities"]
    names = dict(zip(comm["community_id"].astype(str), comm["name"].astype(str)))
    align = analysis["alignment"]
    align = align[align["community_id"] == cid]
    vsub = analysis["voice_subgroups"]
    vsub = vsub[vsub["community_id"] == cid]
    level = row["level"]

    out = [f"{names.get(cid, cid)} ({cid}): {level}."]
    headline = {
        "strong signals": "Several measures signal that the decision followed the elites' priorities more "
                          "than the other groups'.",
        "some signals": "Some measures signal that the elites weighed more than the other groups in the "
                        "talk or the choice.",
        "no signal": "No measure signals that the decision followed the elites more than the other groups.",
        "not assessable": "Whether the decision followed the elites could not be assessed with the data "
                          "recorded.",
    }[level]
    out.append(headline)
    decision = [h for h in str(row["decision"]).split(" > ") if h]
    if decision:
        out.append("Decision: " + "; ".join(f"{i + 1}. {lab(h)}" for i, h in enumerate(decision)) + ".")
    else:
        out.append("Decision: none was recorded.")

    out += ["", "Signals (value; threshold; uncertainty):"]
    ci_name = f"{100 * s.ci:.0f}% interval"
    if _true(row["gap_assessable"]):
        verdict = ("signal" if _true(row["gap_signal"]) else
                   ("no signal" if row["test"] != "not tested" else "not tested"))
        test = row["test"]
        if test in ("exact", "random"):
            unc = f"p = {_fmt_p(row['p_value'])} ({row['test_note']})"
        elif test == "pooled":
            unc = (f"p = {_fmt_p(row['p_value'])} for the pooled test of {int(row['n_pooled'])} small communities; "
                   f"this community alone could not be tested: {row['test_note']}")
        else:
            unc = f"no test: {row['test_note']}"
        out.append(
            f"- Elite proximity gap (alignment of the decision with the elites' rankings, "
            f"{row['alignment_elites']:.2f}, minus its mean alignment with the other groups' rankings, "
            f"{row['alignment_nonelite']:.2f}; alignment runs from 0 to 1): {row['gap']:+.2f}; "
            f"threshold: above 0 with p < {s.alpha:g}; {unc}; {ci_name} {row['gap_ci_low']:+.2f} to "
            f"{row['gap_ci_high']:+.2f}. -> {verdict}.")
    else:
        out.append(f"- Elite proximity gap: could not be assessed ({row['test_note']}).")
    if isinstance(row["counterfactual"], str) and row["counterfactual"]:
        cf = [lab(h) for h in row["counterfactual"].split(" > ")]
        same = "differs from" if _true(row["counterfactual_differs"]) else "matches"
        tie = " (tied at the last place)" if _true(row["counterfactual_tie"]) else ""
        out.append(f"- Counterfactual: the other groups' rankings alone ({s.ranking_method}, "
                   f"{'every subgroup weighted the same' if s.ranking_weighting == 'subgroup' else 'every ranker weighted the same'}) "
                   f"would choose {' / '.join(cf)}{tie}; this {same} the decision. Reported, not a signal on its own.")
    else:
        out.append("- Counterfactual: could not be assessed (no rankings by non-elite groups, or no decision).")
    few_elites = row["n_elite_present"] < s.min_count
    if _true(row["voice_assessable"]):
        shares = ("" if few_elites else
                  f" (elites were {_pct(row['elite_presence_share'])} of those present and took "
                  f"{_pct(row['elite_voice_share'])} of the speaking turns)")
        ci = ("" if np.isnan(row["parity_ci_low"]) else
              f"; {ci_name} {row['parity_ci_low']:.2f} to {row['parity_ci_high']:.2f}")
        verdict = "signal" if _true(row["voice_signal"]) else "no signal"
        adj_ci = ("" if np.isnan(row["voice_ratio_ci_low"]) else
                  f"; {ci_name} {row['voice_ratio_ci_low']:.2f} to {row['voice_ratio_ci_high']:.2f}")
        out.append(f"- Elite voice at community meetings: voice parity (share of turns / share of those "
                   f"present; 1 = heard in proportion) {row['voice_parity']:.2f}{shares}{ci}. Compared with "
                   f"non-elite people of their own subgroups, elites took {row['voice_ratio_adjusted']:.2f} times "
                   f"as many turns{adj_ci}; threshold: {s.parity_high:g} times or more with the interval above 1; "
                   f"{int(row['n_turns'])} turns. -> {verdict}.")
        if pd.isna(row["proposal_signal"]):
            out.append(f"- Elite share of proposals: could not be assessed (fewer than {s.min_proposals} "
                       f"proposals naming a harm were recorded).")
        else:
            share = "" if few_elites else f"{_pct(row['elite_proposal_share'])} of "
            out.append(f"- Elite share of proposals: {share}{int(row['n_proposals'])} proposals "
                       f"({row['proposal_parity']:.2f} times their share of those present); compared with "
                       f"non-elite people of their own subgroups, elites made {row['proposal_ratio_adjusted']:.2f} "
                       f"times as many proposals; threshold: {s.proposal_parity_high:g} times or more with the "
                       f"interval above 1. -> "
                       f"{'signal' if _true(row['proposal_signal']) else 'no signal'}.")
        if pd.isna(row["adopted_signal"]):
            out.append(f"- Elite share of adopted proposals: could not be assessed (fewer than "
                       f"{s.min_proposals} proposals named a decided harm).")
        else:
            out.append(f"- Elite share of adopted proposals (proposals naming a decided harm): "
                       f"{_pct(row['elite_adopted_share'])} of {int(row['n_adopted'])}; elites' proposals were "
                       f"adopted {row['uptake_ratio']:.2f} times as often as others'; threshold: "
                       f"{_pct(s.adopted_share_high)} or more and adopted more often than others'. -> "
                       f"{'signal' if _true(row['adopted_signal']) else 'no signal'}.")
    else:
        why = [n for n in str(row["notes"]).split("; ") if "turn" in n or "attendance" in n or "speaker" in n]
        reason = why[0] if why else "no attendance or speaking turns were recorded"
        out.append(f"- Voice at community meetings (parity, proposals, adopted proposals): could not be "
                   f"assessed ({reason}).")

    out += ["", "In plain words:"]
    if len(vsub):
        for _, g in vsub.iterrows():
            if g["subgroup"] == "elites" and not _true(row["voice_assessable"]):
                continue
            who = _cap(_noun(g["subgroup"]))
            if g["n_people"] < s.min_count:
                out.append(f"{who}: fewer than {s.min_count} were present at community meetings, so their "
                           f"shares are not shown.")
            elif pd.isna(g["voice_share"]):
                out.append(f"{who} were {_pct(g['presence_share'])} of those present at community meetings; "
                           f"who spoke was not recorded.")
            else:
                out.append(f"{who} were {_pct(g['presence_share'])} of those present at community meetings "
                           f"and took {_pct(g['voice_share'])} of the speaking turns.")
    else:
        out.append("Who was present at community meetings could not be assessed (no individual attendance "
                   "was recorded).")
    if decision and len(align):
        first = lab(decision[0])
        by_pos = [(int(r.first_choice_position), r.unit) for r in align.itertuples()]
        tops = [u for p, u in by_pos if p == 1]
        others = [f"{_ordinal(p)} for {_noun(u)}" for p, u in by_pos if p != 1]
        if tops:
            lead = (f"The harm chosen first, {first}, was the top choice of "
                    f"{_join([_noun(u) for u in tops])}")
        else:
            lead = f"The harm chosen first, {first}, was no group's top choice"
        out.append(lead + (f"; it was {_join(others)}." if others else "."))
        missed = [r for r in align.itertuples() if np.isnan(r.top_harm_priority)]
        for r in missed:
            tops_l = " / ".join(lab(h) for h in r.top_harm.split(" / "))
            out.append(f"{_cap(_possessive(r.unit))} top choice, {tops_l}, was not chosen.")
        if (align["source"] == "individual").any():
            out.append("(Subgroups' rankings here leave out their elite members, who are counted with the elites.)")
    elif not len(align):
        out.append("Where each group's priorities landed could not be assessed (no rankings, or no decision, "
                   "was recorded).")
    if isinstance(row["counterfactual"], str) and row["counterfactual"] and _true(row["counterfactual_differs"]):
        cf = row["counterfactual"].split(" > ")
        out.append(f"Without the elites' rankings, the groups' rankings would have put {lab(cf[0])} first.")
    closing = {
        "strong signals": "Taken together this is consistent with the elites steering the choice. It does not "
                          "show how this happened; it is a reason to discuss the decision again with the "
                          "groups whose priorities were left out.",
        "some signals": "This is consistent with some elite steering, but the signals are not all in the same "
                        "direction; it is worth checking with the groups whose priorities were left out.",
        "no signal": "This is consistent with a decision that was not steered by the elites; small numbers "
                     "of rankers can hide weak effects.",
        "not assessable": "Recording individual rankings, attendance and speaking turns would make this "
                          "assessable.",
    }[level]
    out.append(closing)
    return "\n".join(out)


def _fmt_p(p: float) -> str:
    return f"{p:.4f}" if p < 0.001 else f"{p:.3f}"


def _join(items: list) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
