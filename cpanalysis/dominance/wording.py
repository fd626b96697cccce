"""The plain-language reading of one community: plain words first, the evidence after.

The words never overstate: a reading says there is a "sign" that the elites weighed more, or that
a pattern is "consistent with" elite steering; it never claims proof. Every sentence says which
sessions and which people it counts, the way the charts beside it do: a subgroup's ranking ("the
girls' ranking") is the one of the rankings chart (every list of the subgroup over every cycle,
small-group and individual lists, elite members counted with their own subgroup), and "the
elites' ranking" is the elites' own individual lists. Counts of people below
``settings.min_count`` are hidden by :func:`cpanalysis.inclusion.suppression.suppress_small`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inclusion.suppression import suppress_small
from ..settings import Settings, resolve_settings
from .core import analyse
from .levels import _true
from .signals import ELITES

__all__ = ["reading"]

# counts of people and the values computed from them (hidden together)
_TIED = {"n_elite": ("n_elite",), "n_people": ("n_people",),
         "n_elite_rankers": ("n_elite_rankers", "alignment_elites", "gap", "gap_ci_low", "gap_ci_high",
                             "elite_weight", "elite_weight_ci_low", "elite_weight_ci_high"),
         "n_nonelite_rankers": ("n_nonelite_rankers",),
         "n_elite_present": ("elite_presence_share", "elite_voice_share", "voice_parity", "parity_ci_low",
                             "parity_ci_high", "elite_proposal_share", "proposal_parity", "elite_adopted_share",
                             "voice_ratio_adjusted", "voice_ratio_ci_low", "voice_ratio_ci_high",
                             "proposal_ratio_adjusted", "proposal_ratio_ci_low", "proposal_ratio_ci_high",
                             "uptake_ratio", "uptake_ratio_ci_low", "uptake_ratio_ci_high")}


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt_p(p: float) -> str:
    return f"{p:.4f}" if p < 0.001 else f"{p:.3f}"


def _join(items: list) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _tenths(x: float) -> str:
    k = int(round(10 * x))
    return {0: "almost never", 10: "almost always"}.get(k, f"about {k} times in 10")


def _shown(row: dict, s: Settings) -> dict:
    """The row with counts of people below ``min_count`` (and what is computed from them) hidden."""
    cols = {c for k, v in _TIED.items() for c in (k, *v)}
    frame = pd.DataFrame([{c: row.get(c, np.nan) for c in cols}])
    hidden = suppress_small(frame, counts=list(_TIED), tied={k: list(v) for k, v in _TIED.items()},
                            complementary=False, settings=s)
    out = dict(row)
    shown = hidden.iloc[0].to_dict()
    out["_hidden"] = {c for c in cols if pd.notna(row.get(c)) and pd.isna(shown[c])}
    out.update(shown)
    return out


def _count(row: dict, key: str, noun: str, s: Settings) -> str:
    v = row.get(key)
    if v is None or pd.isna(v):
        return f"fewer than {s.min_count} {noun}"
    return f"{int(v)} {noun[:-1] if int(v) == 1 and noun.endswith('s') else noun}"


def _sessions(s: Settings) -> str:
    names = {"community_meeting": "community meetings", "small_group": "small groups",
             "planning_group": "planning-group meetings", "home_visit": "home visits"}
    return _join([names.get(f, f.replace("_", " ")) for f in s.elite_test_formats])


def reading(data, community_id, *, settings: Settings | None = None, analysis: dict | None = None,
            **overrides) -> str:
    """The plain-language reading of one community: what it means first, then the evidence.

    Parameters
    ----------
    data : Dataset
    community_id : str
    settings : Settings, optional
        As in :func:`cpanalysis.elite_dominance` (keyword overrides allowed).
    analysis : dict, optional
        The output of :func:`cpanalysis.dominance.core.analyse` to reuse (the q-values are then
        those of the communities it analysed).

    Returns
    -------
    str
        The level (:data:`cpanalysis.dominance.LEVELS`), plain sentences, then ``Evidence:``
        with the test (p and q), the elites' weight with its interval, the detectability, and
        each measure with its interval, each saying which sessions and people it counts.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(3, seed=4, elite_influence=1.0)
    >>> text = cpanalysis.reading(data, "C01", n_perm=500, n_boot=100)
    >>> text.split("\\n")[0].split(": ")[1].rstrip(".") in cpanalysis.dominance.LEVELS
    True
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
    row = _shown({"community_id": cid, **table.loc[cid].to_dict()}, s)
    tables = data if isinstance(data, dict) else data.tables
    harms = tables["harms"]
    label = dict(zip(harms["harm_id"].astype(str), harms["label"].astype(str)))
    lab = lambda h: label.get(h, h)  # noqa: E731
    comm = tables["communities"]
    names = dict(zip(comm["community_id"].astype(str), comm["name"].astype(str))) if "name" in comm else {}
    level = row["level"]
    where = _sessions(s)
    ci_name = f"{100 * s.ci:.0f}% interval"
    elites = _count(row, "n_elite", "elites", s)
    rankers = _count(row, "n_elite_rankers", "elite rankers", s)
    present = _count(row, "n_elite_present", "elites present", s)
    det_s, det_m = row["detectability_strong"], row["detectability_moderate"]

    out = [f"{names.get(cid, cid)} ({cid}): {level}."]
    if level in ("clear sign", "some sign"):
        strength = "clearly more" if level == "clear sign" else "more"
        lead = ("The elites weighed clearly more than other people in the talk or in the choice"
                if level == "clear sign" else
                "There is some sign that the elites weighed more than other people in the talk or in the choice")
        out.append(f"{lead}: compared with non-elite people of their own groups, {_standout(row)}. This is "
                   f"consistent with the elites steering the decision; it does not show how. "
                   + ("It is a reason to go back to the decision with the groups whose priorities were left out."
                      if strength == "clearly more" else
                      "It is worth checking with the groups whose priorities were left out."))
    elif level == "no sign":
        out.append(f"No sign that the elites weighed more than other people: taken together, their priorities, "
                   f"speaking and proposals did not stand out from those of non-elite people of their own groups "
                   f"beyond what chance often gives. This check would have seen strong steering {_tenths(det_s)} "
                   f"and moderate steering {_tenths(det_m)}, so weaker steering may still go unseen.")
    else:
        if row["test"] == "not tested":
            out.append(f"We cannot tell whether the elites steered the decision: {row['test_note']}.")
        else:
            seen = _tenths(det_s)
            out.append(f"We cannot tell whether the elites steered the decision. Taken together, nothing stood "
                       f"out beyond chance, but with {rankers} and {present} at {where}, even strong steering "
                       f"would be seen {seen if seen.startswith('almost') else 'only ' + seen}: silence here "
                       f"means little.")
    if level in ("no sign", "cannot tell"):
        alone = _alone(row)
        if alone:
            out.append(f"On its own, {alone} (see the evidence); one measure out of several often stands out "
                       f"by chance, so this is worth watching rather than a sign.")
    decision = [h for h in str(row["decision"]).split(" > ") if h and row["decision"] == row["decision"]]
    if decision:
        out.append("Decision: " + "; ".join(f"{i + 1}. {lab(h)}" for i, h in enumerate(decision)) + ".")
    else:
        out.append("Decision: none was recorded.")
    out += _group_sentences(tables, analysis, cid, decision, lab, s,
                            show_elites="n_elite_rankers" not in row["_hidden"])
    if isinstance(row.get("counterfactual"), str) and row["counterfactual"] and _true(row["counterfactual_differs"]):
        cf = row["counterfactual"].split(" > ")
        weighting = ("every subgroup weighing the same" if s.ranking_weighting == "subgroup"
                     else "every person weighing the same")
        out.append(f"Without the elites' own lists, the other lists ({weighting}) would have put "
                   f"{lab(cf[0])} first.")

    out += ["", "Evidence:"]
    out.append(_test_sentence(row, s, where))
    out.append(_weight_sentence(row, s, ci_name))
    if row["test"] != "not tested":
        out.append(f"- Detectability: with {rankers} and {present} at {where}, this test would flag steering "
                   f"of moderate strength (every elite {s.influence_moderate:g} standard deviation(s) above "
                   f"non-elite people of their group on each measure) {_tenths(det_m)}, and strong steering "
                   f"({s.influence_strong:g} standard deviations) {_tenths(det_s)} (simulated from this "
                   f"community's own numbers).")
    out += _measure_sentences(row, s, ci_name, where)
    return "\n".join(out)


_MEASURE_WORDS = {"proximity": "the decision was closer to their own priorities",
                  "voice": "they spoke more", "proposals": "they proposed more",
                  "uptake": "more of their proposals were chosen"}


def _standout(row: dict) -> str:
    """What the combined test saw, in words: the measures that stand out on their own (one-sided 5%)."""
    z = {k: row.get(f"z_{k}") for k in _MEASURE_WORDS}
    up = [_MEASURE_WORDS[k] for k, v in z.items() if v is not None and pd.notna(v) and v >= 1.645]
    if up:
        return _join(up)
    return "no single measure stands out on its own, but together they lean the elites' way beyond chance"


def _alone(row: dict) -> str:
    """The descriptive measures whose own interval lies above 'no difference', in words."""
    said = []
    for key, low, words in (("gap", "gap_ci_low", "the decision was closer to the elites' own lists"),
                            ("voice_ratio_adjusted", "voice_ratio_ci_low", "the elites spoke more"),
                            ("proposal_ratio_adjusted", "proposal_ratio_ci_low", "the elites proposed more"),
                            ("uptake_ratio", "uptake_ratio_ci_low", "more of the elites' proposals were chosen")):
        lo = row.get(low)
        if lo is not None and pd.notna(lo) and lo > (0.0 if key == "gap" else 1.0):
            said.append(words)
    return _join(said)


def _test_sentence(row: dict, s: Settings, where: str) -> str:
    if row["test"] == "not tested":
        return f"- One test of elite influence: not possible ({row['test_note']})."
    return (f"- One test of elite influence: it puts together how close each person's own ranking lists were "
            f"to the decision and how much each person spoke, proposed, and proposed harms that were then "
            f"chosen, at {where} over every cycle, and compares the {_count(row, 'n_elite', 'elites', s)} "
            f"with non-elite people of their own subgroup and marginalised status "
            f"({_count(row, 'n_people', 'people', s)} with rankings or attendance on record; "
            f"{row['test_note']}). p = {_fmt_p(row['p_value'])}; q = {_fmt_p(row['q_value'])} after "
            f"allowing for the communities analysed together (a sign needs q at most {s.alpha:g}, a clear "
            f"sign at most {s.alpha_clear:g}).")


def _weight_sentence(row: dict, s: Settings, ci_name: str) -> str:
    w = row["elite_weight"]
    if "elite_weight" in row["_hidden"]:
        return (f"- Weight of the elites' priorities in the decision: not shown (fewer than {s.min_count} elites "
                f"ranked individually).")
    if w is None or pd.isna(w):
        return ("- Weight of the elites' priorities in the decision: cannot be estimated (it needs the decision "
                "and individual lists from both elites and other people).")
    cap = 1.0 / row["elite_share_rankers"]
    hi = row["elite_weight_ci_high"]
    hi_text = "their priorities alone deciding" if hi >= cap - 1e-9 else f"{hi:.1f} times"
    return (f"- Weight of the elites' priorities in the decision, relative to their share of the people who "
            f"ranked individually: {w:.1f} times (1 = they counted like everybody else; {ci_name} "
            f"{row['elite_weight_ci_low']:.1f} times to {hi_text}). Estimated from the individual lists of "
            f"elites and other people and the decided priorities (a Plackett-Luce model of the decision).")


def _measure_sentences(row: dict, s: Settings, ci_name: str, where: str) -> list:
    out = []
    hidden = row["_hidden"]
    if "gap" in hidden:
        out.append(f"- Closeness of the decision to the elites' own lists: not shown (fewer than {s.min_count} "
                   f"elites ranked individually).")
    elif pd.notna(row.get("gap")):
        al = row.get("alignment_elites")
        al_text = "" if al is None or pd.isna(al) else f" (elites' lists: alignment {al:.2f} on a 0-1 scale)"
        bounds = (f"{ci_name} {row['gap_ci_low']:+.2f} to {row['gap_ci_high']:+.2f}"
                  if row["gap_ci_high"] - row["gap_ci_low"] < 2 - 1e-9 else
                  "too few rankers of the same groups to put bounds on it")
        out.append(f"- Closeness of the decision to the elites' own lists, compared with the individual lists of "
                   f"non-elite people of the same subgroup and marginalised status{al_text}: "
                   f"{row['gap']:+.2f} ({bounds}; above 0 = closer to the elites).")
    else:
        out.append("- Closeness of the decision to the elites' own lists: not measurable (no subgroup had both "
                   "elite and non-elite individual rankers, or no decision was recorded).")
    if "voice_ratio_adjusted" in hidden:
        out.append(f"- Speaking and proposals at {where}: not shown (fewer than {s.min_count} elites were "
                   f"present).")
    elif pd.notna(row.get("voice_ratio_adjusted")):
        parity = row.get("voice_parity")
        par = ("" if parity is None or pd.isna(parity) else
               f" Elites' share of the speaking turns over their share of those present: {parity:.2f} "
               f"({ci_name} {row['parity_ci_low']:.2f} to {row['parity_ci_high']:.2f}; 1 = in proportion).")
        out.append(f"- Speaking at {where}, every cycle: measured against an equal share of each session they "
                   f"attended, elites spoke {row['voice_ratio_adjusted']:.2f} times as much as non-elite people of "
                   f"their own subgroup and marginalised status ({ci_name} {row['voice_ratio_ci_low']:.2f} to "
                   f"{row['voice_ratio_ci_high']:.2f}; {int(row['n_turns'])} turns).{par}")
        for key, what in (("proposal_ratio_adjusted", "proposals naming a harm"),
                          ("uptake_ratio", "proposals naming a harm that was then chosen")):
            base = key.replace("_adjusted", "")
            if pd.notna(row.get(key)):
                out.append(f"- {_cap(what)} at {where}: measured the same way, elites made {row[key]:.2f} times "
                           f"as many as non-elite people of their own subgroup and marginalised status ({ci_name} "
                           f"{row[base + '_ci_low']:.2f} to {row[base + '_ci_high']:.2f}).")
            else:
                out.append(f"- {_cap(what)} at {where}: not measurable (none recorded by non-elite people of "
                           f"the elites' subgroups).")
    else:
        why = [n for n in str(row.get("notes", "")).split("; ") if "turn" in n or "attendance" in n or "speaker" in n]
        out.append(f"- Speaking and proposals at {where}: not measurable "
                   f"({why[0] if why else 'no elite and non-elite attendance with speaking turns on record'}).")
    return out


def _group_sentences(tables, analysis, cid, decision, lab, s, show_elites: bool = True) -> list:
    """Where the harm chosen first sat in each group's ranking, as in the rankings chart."""
    from ..rankings.core import subgroup_rankings

    if not decision:
        return []
    rankings = tables.get("rankings")
    if rankings is None or not (rankings["community_id"].astype(str) == cid).any():
        return ["Where each group's priorities landed cannot be shown (no rankings were recorded)."]
    sub = subgroup_rankings(tables["rankings"], community_id=cid, method=s.ranking_method)
    first = decision[0]
    tops, others = [], []
    for g, part in sub.groupby("subgroup", sort=False):
        pos = part.loc[part["harm_id"].astype(str) == first, "rank"]
        if not len(pos):
            continue
        (tops if int(pos.iloc[0]) == 1 else others).append((str(g), int(pos.iloc[0])))
    align = analysis["alignment"]
    el = align[(align["community_id"] == cid) & (align["unit"] == ELITES)]
    if len(el) and show_elites:
        p = int(el["first_choice_position"].iloc[0])
        (tops if p == 1 else others).append(("the elites' own lists", p))
    lead = (f"The harm chosen first, {lab(first)}, was the top choice of {_join([g for g, _ in tops])}"
            if tops else f"The harm chosen first, {lab(first)}, was no group's top choice")
    text = lead + (f"; it was {_join([f'{_ordinal(p)} for {g}' for g, p in others])}." if others else ".")
    return [text, "(Each group's ranking is the one of the rankings chart: all of the group's lists over every "
                  "cycle, small-group and individual, with elite members counted in their own subgroup; "
                  "\"the elites' own lists\" are the elites' individual lists.)"]
