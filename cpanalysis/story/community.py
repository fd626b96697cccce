"""One community's story: what was decided, who was heard, what each group wanted, the reading."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import Settings, resolve_settings
from .action_plan import action_plan_analysis, actions_section
from .groups import ELITES, GROUP, GROUP_DEFINITION, group_presence, group_rankings, story_tables
from .hiding import hide_small_counts, is_hidden
from .model import GLOSSARY, LEVEL_MEANINGS, CommunityStory, StorySection, level_label
from .wording import cell, group_name, hidden_text, join, ordinal, pct

#: The group the cycle section and the headlines follow first (when the scheme has it).
FOCUS_GROUP = "girls"

_PRESENCE_TIED = {"n_people": ("n_attendees", "presence_share", "n_turns", "voice_share_turns", "parity",
                               "n_proposals", "proposal_share")}
_RANKING_TIED = {"n_people": ("rank", "score", "n_rankers", "top_harm", "top_harm_id", "in_decision",
                              "decision_priority")}
_FORMAT_NAMES = {"community_meeting": "community meetings", "small_group": "small groups",
                 "home_visit": "home visits", "planning_group": "planning groups"}


def _formats_words(formats) -> str:
    return join([_FORMAT_NAMES.get(f, f.replace("_", " ")) for f in formats])


def _cycles_words(cycles) -> str:
    cycles = sorted({int(c) for c in cycles if not pd.isna(c)})
    if not cycles:
        return "no cycle"
    if len(cycles) == 1:
        return f"cycle {cycles[0]}"
    if cycles == list(range(cycles[0], cycles[-1] + 1)):
        return f"cycles {cycles[0]}-{cycles[-1]}"
    return "cycles " + join([str(c) for c in cycles])


def _filter(data, cycle, formats, communities=None):
    """The tables restricted to the sessions the filters keep (decisions are never filtered)."""
    tables = story_tables(data)
    sessions = tables["sessions"]
    keep = np.ones(len(sessions), bool)
    if communities is not None:
        keep &= sessions["community_id"].astype(str).isin([str(c) for c in communities]).to_numpy()
    if cycle is not None:
        cycles = [cycle] if np.isscalar(cycle) else list(cycle)
        keep &= sessions["cycle"].isin(cycles).to_numpy()
    if formats is not None:
        formats = [formats] if isinstance(formats, str) else list(formats)
        keep &= sessions["format"].isin(formats).to_numpy()
    if keep.all():
        return tables
    kept = set(sessions.loc[keep, "session_id"])
    out = dict(tables)
    out["sessions"] = sessions[keep].reset_index(drop=True)
    for name in ("attendance", "attendance_counts", "turns", "rankings", "pairwise"):
        if out.get(name) is not None:
            out[name] = out[name][out[name]["session_id"].isin(kept)].reset_index(drop=True)
    return out


def story_analysis(data, settings: Settings | None = None, *, cycle=None, formats=None,
                   codes_only: bool = False, communities=None) -> dict:
    """Everything the stories need, computed once for every community (pass it as ``analysis=``
    to :func:`community_story` and :func:`programme_story`).

    ``cycle`` and ``formats`` keep only those sessions for presence, voice and priorities; the
    decision and the elite-influence reading always use every session (and say so).
    ``codes_only`` names communities by their id only (for reports that leave the organisation).
    ``communities`` limits the groups' tables to those communities; the elite-influence measures
    are always those of :func:`cpanalysis.elite_dominance` on the whole dataset, so a community's
    reading is the same in its own story and in the programme's.

    Examples
    --------
    >>> import cpanalysis
    >>> a = story_analysis(cpanalysis.simulate(2, seed=3), cpanalysis.Settings(n_perm=200, n_boot=50))
    >>> sorted(a["names"])
    ['C01', 'C02']
    """
    s = resolve_settings(settings)
    if isinstance(communities, str):
        communities = [communities]
    tables = _filter(data, cycle, formats, communities)
    voice_formats = list(formats) if formats is not None and not isinstance(formats, str) else \
        ([formats] if isinstance(formats, str) else list(s.voice_formats))
    voice_settings = s.replace(voice_formats=tuple(voice_formats))
    out = {"settings": s, "tables": tables, "voice_formats": voice_formats,
           "filters": {k: v for k, v in (("cycle", cycle), ("formats", formats)) if v is not None},
           "problems": {}}
    comm = tables["communities"]
    ids = comm["community_id"].astype(str).tolist()
    if communities is not None:
        wanted = {str(c) for c in communities}
        ids = [c for c in ids if c in wanted]
    out["ids"] = ids
    names = dict(zip(comm["community_id"].astype(str), comm["name"].astype(str))) if "name" in comm else {}
    out["names"] = {c: (c if codes_only else names.get(c, c)) for c in ids}
    harms = tables["harms"]
    out["labels"] = dict(zip(harms["harm_id"].astype(str), harms.get("label", harms["harm_id"]).astype(str)))
    for key, call in (("rankings", lambda: group_rankings(tables, s, by="community_id", tables=tables)),
                      ("rankings_cycle", lambda: group_rankings(tables, s, by=["community_id", "cycle"],
                                                                tables=tables)),
                      ("presence", lambda: group_presence(tables, voice_settings, level="community", tables=tables)),
                      ("presence_cycle", lambda: group_presence(tables, voice_settings, level="cycle",
                                                                tables=tables)),
                      ("presence_programme", lambda: group_presence(tables, voice_settings, level="programme",
                                                                    tables=tables))):
        try:
            out[key] = call()
        except (ValueError, KeyError, TypeError) as error:  # a dataset without these tables: say so
            out[key] = None
            out["problems"][key] = str(error)
    try:
        from ..dominance import elite_dominance

        out["dominance"] = elite_dominance(data, settings=s).set_index("community_id")
    except (ValueError, KeyError, TypeError, IndexError) as error:
        out["dominance"] = None
        out["problems"]["dominance"] = str(error)
    order = _group_order(data)
    out["split"] = {}
    for key in ("rankings", "rankings_cycle", "presence", "presence_cycle", "presence_programme"):
        if out.get(key) is not None:
            out[key] = _sorted(out[key], order)
            out[key].attrs = {}
            if "community_id" in out[key]:
                out["split"][key] = {str(c): part.reset_index(drop=True)
                                     for c, part in out[key].groupby("community_id", sort=False)}
    out["decisions"] = _decisions(data, out["labels"])
    out["scope"] = _scope(tables, voice_formats)
    out["action_plan"] = action_plan_analysis(data, s)
    return out


def _rows(analysis, key, cid):
    """The rows of ``analysis[key]`` for one community (None when the table could not be made)."""
    if analysis.get(key) is None:
        return None
    split = analysis.get("split", {}).get(key)
    if split is None:
        table = analysis[key]
        return table[table["community_id"].astype(str) == cid].reset_index(drop=True)
    return split.get(cid, analysis[key].iloc[:0])


def _group_order(data) -> list:
    """The scheme's subgroups in their order, then the elites."""
    from ..subgroups import SubgroupScheme

    scheme = getattr(data, "scheme", None) or SubgroupScheme.default()
    return [*scheme.subgroups, ELITES]


def _sorted(table: pd.DataFrame, order: list) -> pd.DataFrame:
    keys = list(table.columns[: table.columns.get_loc("subgroup")])
    rank = {g: i for i, g in enumerate(order)}
    key = table["subgroup"].map(lambda g: rank.get(g, len(order)))
    extra = ["rank"] if "rank" in table else []
    return (table.assign(_order=key).sort_values([*keys, "_order", "subgroup", *extra], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def _decisions(data, labels) -> dict:
    d = data["decisions"] if isinstance(data, dict) else getattr(data, "decisions", None)
    sessions = data["sessions"] if isinstance(data, dict) else data.sessions
    out = {}
    if d is None or not len(d):
        return out
    d = d.merge(sessions[["session_id", "cycle"]], on="session_id", how="left").sort_values(
        ["community_id", "priority"])
    for c, part in d.groupby("community_id", sort=False):
        out[str(c)] = {"harms": tuple(part["harm_id"].astype(str)),
                       "labels": tuple(labels.get(h, h) for h in part["harm_id"].astype(str)),
                       "cycle": sorted({int(x) for x in part["cycle"].dropna()})}
    return out


def _scope(tables, voice_formats) -> dict:
    sessions = tables["sessions"]
    return {c: {"n_sessions": len(part), "cycles": _cycles_words(part["cycle"]),
                "formats": _formats_words([f for f in _FORMAT_NAMES if f in set(part["format"])]
                                          + sorted(set(part["format"]) - set(_FORMAT_NAMES))),
                "voice": _formats_words(voice_formats)}
            for c, part in sessions.groupby(sessions["community_id"].astype(str), sort=False)}


def community_story(data, community_id, settings: Settings | None = None, analysis: dict | None = None,
                    cycle=None, formats=None, *, codes_only: bool = False) -> CommunityStory:
    """The story of one community, plain words first: the decision, who was present and who was
    heard, what each group wanted and where it landed, what the community agreed to do (its
    action plan), the elite-influence reading, change over cycles, then the statistics.

    Parameters
    ----------
    data : Dataset
    community_id : str
    settings : Settings, optional
        The same settings as every library function (``Settings()`` by default).
    analysis : dict, optional
        :func:`story_analysis` output, to reuse for many communities (its filters then apply).
    cycle, formats : optional
        Keep only these cycles / session formats for presence, voice and priorities.
    codes_only : bool
        Name the community by its id only.

    Returns
    -------
    CommunityStory

    Notes
    -----
    Definitions (stated in the story's scope): groups are the elites and the subgroups without
    their elite members (:data:`cpanalysis.story.groups.GROUP_DEFINITION`); presence and voice
    count the sessions of ``settings.voice_formats`` (community meetings by default) with
    :func:`cpanalysis.participation`; priorities combine every list a group made, alone or
    together, with :func:`cpanalysis.subgroup_rankings` and ``settings.ranking_method``. A group
    of fewer than ``settings.min_count`` people is not described.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(2, seed=3)
    >>> story = community_story(data, "C01", cpanalysis.Settings(n_perm=200, n_boot=50))
    >>> [s.key for s in story.sections]
    ['decision', 'voices', 'priorities', 'actions', 'reading', 'cycles', 'evidence']
    """
    s = resolve_settings(settings)
    if analysis is None:
        analysis = story_analysis(data, s, cycle=cycle, formats=formats, codes_only=codes_only,
                                  communities=[community_id])
    s = analysis["settings"]
    cid = str(community_id)
    if cid not in analysis["names"]:
        raise ValueError(f"community_story(): unknown community_id {community_id!r}; the dataset has "
                         f"{', '.join(analysis['names'])}")
    name = analysis["names"][cid]
    title = cid if name == cid else f"{cid} - {name}"
    decision = analysis["decisions"].get(cid, {"harms": (), "labels": (), "cycle": []})
    scope = _scope_sentence(analysis, cid)
    ranks, tops = _priority_rows(analysis, cid, decision, s)
    row = None
    if analysis["dominance"] is not None and cid in analysis["dominance"].index:
        row = analysis["dominance"].loc[cid].to_dict()
    level = level_label(row.get("level") if row else None)
    filtered = bool(analysis["filters"])
    sections = (
        _decision_section(decision, filtered),
        _voices_section(analysis, cid, s),
        _priorities_section(ranks, tops, decision, s, analysis, cid),
        actions_section(analysis["action_plan"] if "action_plan" in analysis else action_plan_analysis(data, s),
                        cid, decision=decision, labels=analysis["labels"], settings=s, filtered=filtered,
                        top_harms=tops),
        _reading_section(row, level, analysis, cid, s, filtered),
        _cycles_section(analysis, cid, decision, s),
        _evidence_section(row, s, analysis, filtered),
    )
    return CommunityStory(community_id=cid, title=title, scope=scope, filters=dict(analysis["filters"]),
                          sections=sections, level=level, glossary=dict(GLOSSARY), settings=s,
                          decision=tuple(decision["labels"]),
                          top_harms={g: t for g, t in tops.items() if t is not None})


def _plain(group: str) -> str:
    return str(group)


def _scope_sentence(analysis, cid) -> str:
    sc = analysis["scope"].get(cid)
    if sc is None:
        return "No session of this community is in the data (or in the filters chosen). " + GROUP_DEFINITION
    filt = ""
    if analysis["filters"]:
        filt = " (filters: " + "; ".join(f"{k} = {v}" for k, v in analysis["filters"].items()) + ")"
    return (f"All {sc['n_sessions']} sessions of {sc['cycles']} ({sc['formats']}){filt}. Who was present and "
            f"who spoke counts the {sc['voice']}; what each group wanted counts every list its members made, "
            f"alone or together. {GROUP_DEFINITION}")


# ----------------------------------------------------------------------------- sections

def _decision_section(decision, filtered) -> StorySection:
    labels = decision["labels"]
    if labels:
        when = f" (decided in {_cycles_words(decision['cycle'])})" if decision["cycle"] else ""
        sentences = [f"The community chose to act on: " + "; ".join(f"{i + 1}. {h}" for i, h in enumerate(labels))
                     + f"{when}."]
        data = pd.DataFrame({"priority": range(1, len(labels) + 1), "harm_id": decision["harms"], "harm": labels})
        table = pd.DataFrame({"Priority": [ordinal(p) for p in data["priority"]], "Harm": list(labels)})
        alt = "The harms the community chose, in order: " + "; ".join(
            f"{i + 1}. {h}" for i, h in enumerate(labels)) + "."
        missing = ()
    else:
        sentences = ["No decision was recorded for this community."]
        data = table = None
        alt, missing = "", ("the decision (none was recorded)",)
    if filtered:
        sentences.append("This is the community's decision; the cycle and format filters do not apply to it.")
    return StorySection("decision", "What was decided", tuple(sentences), table, "decision" if labels else None,
                        data, alt, missing, ignores_filters=filtered)


def _voices_section(analysis, cid, s) -> StorySection:
    heading = "Who was there and who was heard"
    where = _formats_words(analysis["voice_formats"])
    p = _rows(analysis, "presence", cid)
    if p is None:
        why = analysis["problems"].get("presence", "no attendance was recorded")
        return StorySection("voices", heading, (f"Who was present could not be shown: {why}.",),
                            missing=("presence and voice",))
    if not len(p) or p["n_attendees"].sum() == 0:
        return StorySection("voices", heading, (f"No attendance at {where} was recorded for this community.",),
                            missing=(f"presence and voice at {where}",))
    shown = hide_small_counts(p, s, counts=["n_people"], tied=_PRESENCE_TIED)
    spoke = p["n_turns_unit"].fillna(0).sum() > 0 if "n_turns_unit" in p else False
    sentences, missing = [], []
    if not spoke:
        missing.append("who spoke (no speaking turns were recorded)")
    for r in shown.itertuples():
        who = group_name(r.subgroup, capital=True)
        if r.hidden:
            sentences.append(f"Fewer than {s.min_count} {_plain(r.subgroup)} were present at {where}, "
                             f"so their shares are not shown.")
        elif r.n_people == 0 and r.n_attendees == 0:
            sentences.append(f"No one of {group_name(r.subgroup)} was present at {where}.")
        elif not spoke or is_hidden(r.voice_share_turns):
            sentences.append(f"{who} were {pct(r.presence_share)} of the people present at {where}; who spoke "
                             f"was not recorded.")
        else:
            sentences.append(f"{who} were {pct(r.presence_share)} of the people present at {where} and took "
                             f"{pct(r.voice_share_turns)} of the speaking turns.")
    if spoke:
        ok = shown[~shown["hidden"] & shown["parity"].notna()]
        if len(ok) >= 2:
            lo = ok.loc[ok["parity"].astype(float).idxmin()]
            hi = ok.loc[ok["parity"].astype(float).idxmax()]
            sentences.insert(0, f"For their numbers, {group_name(hi['subgroup'])} were heard the most and "
                                f"{group_name(lo['subgroup'])} the least.")
    if not (p["subgroup"] == ELITES).any():
        missing.append("the elites (no participant is marked as elite, or only head counts were recorded)")
    data = pd.DataFrame({"group": shown["subgroup"], "n_people": shown["n_people"],
                         "presence_share": shown["presence_share"], "voice_share": shown["voice_share_turns"],
                         "parity": shown["parity"], "hidden": shown["hidden"]})
    table = pd.DataFrame({
        "Group": [group_name(g, capital=True) for g in shown["subgroup"]],
        "People present": [cell(v, s, lambda x: f"{int(x)}", hidden=h) for v, h in zip(shown["n_people"], shown["hidden"])],
        "Share of those present": [cell(v, s, pct, hidden=h) for v, h in zip(shown["presence_share"], shown["hidden"])],
        "Share of speaking turns": [cell(v, s, pct, hidden=h) for v, h in zip(shown["voice_share_turns"], shown["hidden"])],
        "Heard for their numbers (1 = in proportion)": [cell(v, s, lambda x: f"{float(x):.2f}", hidden=h)
                                                         for v, h in zip(shown["parity"], shown["hidden"])],
    })
    parts = [f"{group_name(g)} {pct(a)} present, {pct(b)} of turns" for g, a, b, h in
             zip(data["group"], data["presence_share"], data["voice_share"], data["hidden"])
             if not h and not is_hidden(a) and not is_hidden(b)]
    alt = (f"Bar chart: each group's share of the people present at {where} next to its share of the speaking "
           f"turns" + (": " + "; ".join(parts) if parts else "") + ".")
    return StorySection("voices", heading, tuple(sentences), table, "presence_voice", data, alt, tuple(missing))


def _priority_rows(analysis, cid, decision, s):
    """The community's group rankings with small groups hidden, and each group's top harm(s)."""
    g = _rows(analysis, "rankings", cid)
    if g is None:
        return None, {}
    g = g.copy()
    if not len(g):
        return g, {}
    pos = {h: i + 1 for i, h in enumerate(decision["harms"])}
    g["in_decision"] = g["harm_id"].astype(str).isin(pos)
    g["decision_priority"] = g["harm_id"].astype(str).map(pos).astype("Float64")
    shown = hide_small_counts(g, s, counts=["n_people"], tied=_RANKING_TIED)
    tops = {}
    for grp, part in shown.groupby("subgroup", sort=False):
        if part["hidden"].any():
            tops[grp] = None
            continue
        first = part[part["rank"] == part["rank"].min()]
        tops[grp] = " / ".join(first["label"].astype(str))
    return shown, tops


def _priorities_section(ranks, tops, decision, s, analysis, cid) -> StorySection:
    heading = "What each group wanted, and where it landed"
    if ranks is None or not len(ranks):
        why = analysis["problems"].get("rankings", "no rankings were recorded for this community")
        return StorySection("priorities", heading, (f"What each group wanted cannot be shown: {why}.",),
                            missing=("each group's priorities",))
    labels = decision["labels"]
    sentences = []
    if labels:
        first = labels[0]
        firsts = [g for g, t in tops.items() if t is not None and first in t.split(" / ")]
        if firsts:
            sentences.append(f"The harm chosen first, {first}, was the top priority of {join([group_name(g) for g in firsts])}.")
        else:
            sentences.append(f"The harm chosen first, {first}, was no group's top priority.")
    for grp, top in tops.items():
        who = group_name(grp, capital=True)
        if top is None:
            sentences.append(f"Fewer than {s.min_count} {_plain(grp)} ranked the harms, so their "
                             f"priorities are not shown.")
            continue
        part = ranks[(ranks["subgroup"] == grp) & (ranks["rank"] == ranks.loc[ranks["subgroup"] == grp, "rank"].min())]
        landed = [f"{ordinal(p)} in the decision" for p in part["decision_priority"].dropna().astype(int)]
        where = ("; it is " + join(landed)) if landed else ("; it is not in the decision" if labels else "")
        sentences.append(f"{who} put {top} first{where}.")
    data = ranks[["subgroup", "harm_id", "label", "rank", "n_people", "in_decision", "decision_priority",
                  "hidden"]].rename(columns={"subgroup": "group", "label": "harm"})
    groups = list(dict.fromkeys(ranks["subgroup"]))
    table = pd.DataFrame({
        "Group": [group_name(g, capital=True) for g in groups],
        "Top priority": [tops[g] if tops.get(g) else hidden_text(s) for g in groups],
        "In the decision?": [_in_decision(tops.get(g), labels, s) for g in groups],
        "People behind the ranking": [cell(ranks.loc[ranks["subgroup"] == g, "n_people"].iloc[0], s,
                                           lambda x: f"{int(x)}", hidden=bool(ranks.loc[ranks["subgroup"] == g,
                                                                                      "hidden"].iloc[0]))
                                      for g in groups],
    })
    shown_tops = [f"{group_name(g)}: {t}" for g, t in tops.items() if t]
    alt = ("Each group's rank of every harm (1 = its top priority), harms in rows and groups in columns; the harms "
           "the community chose are marked. Top priorities: " + ("; ".join(shown_tops) or "none shown") + ".")
    missing = []
    if not any(g == ELITES for g in groups):
        missing.append("the elites' own priorities (no elite ranked)")
    return StorySection("priorities", heading, tuple(sentences), table, "priorities", data, alt, tuple(missing))


def _in_decision(top, labels, s) -> str:
    if top is None:
        return hidden_text(s)
    if not labels:
        return "no decision recorded"
    hits = [ordinal(labels.index(t) + 1) for t in top.split(" / ") if t in labels]
    return ("yes, " + join(hits)) if hits else "no"


def _true(value) -> bool:
    return value is not None and not is_hidden(value) and isinstance(value, (bool, np.bool_)) and bool(value)


def _get(row, key):
    """A dominance column when this version has it (new columns drop in when present)."""
    if row is None or key not in row:
        return None
    value = row[key]
    return None if is_hidden(value) else value


_SIGNAL_WORDS = (
    ("gap_signal", "the decision is closer to the elites' priorities than chance would explain"),
    ("voice_signal", "the elites spoke much more than others of their own groups"),
    ("proposal_signal", "the elites made many more proposals than others of their own groups"),
    ("adopted_signal", "most adopted proposals came from the elites"),
)


def _reading_section(row, level, analysis, cid, s, filtered) -> StorySection:
    heading = "Did the elites steer the choice?"
    sentences = [f"Reading: {level}. {LEVEL_MEANINGS[level]}"]
    missing = []
    if row is None:
        why = analysis["problems"].get("dominance", "the measures could not be computed for this community")
        sentences.append(f"The measures of elite influence could not be computed: {why}.")
        missing.append("the elite-influence measures")
    else:
        n_elite = _get(row, "n_elite_rankers") or 0
        gap = _get(row, "gap")
        if gap is None:
            sentences.append(f"How close the decision is to the elites' priorities could not be measured "
                             f"({row.get('test_note') or 'no rankings by elites and others'}).")
        elif n_elite < s.min_count:
            sentences.append(f"Fewer than {s.min_count} elites ranked the harms alone, so how close the decision "
                             f"is to their own priorities is not shown.")
        elif gap > 0:
            sentences.append("The decision is closer to the elites' own priorities than to the other groups'.")
        else:
            sentences.append("The decision is no closer to the elites' own priorities than to the other groups'.")
        cf = row.get("counterfactual")
        if isinstance(cf, str) and cf:
            first = analysis["labels"].get(cf.split(" > ")[0], cf.split(" > ")[0])
            same = labels_first = analysis["decisions"].get(cid, {}).get("labels", ())
            verb = ("the same harm the community chose first" if same and labels_first[0] == first
                    else "a different harm from the community's first choice")
            sentences.append(f"Without the elites' rankings, the other people's rankings would have put {first} "
                             f"first: {verb}.")
        fired = [words for key, words in _SIGNAL_WORDS if _true(_get(row, key))]
        if fired:
            few = (_get(row, "n_elite_present") or 0) < s.min_count and any(
                _true(_get(row, k)) for k in ("voice_signal", "proposal_signal", "adopted_signal"))
            if few:
                sentences.append(f"A measure that points this way concerns fewer than {s.min_count} elites, so its "
                                 f"details are not shown.")
            else:
                sentences.append("What points this way: " + join(fired) + ".")
        weight, lo, hi = _get(row, "elite_weight"), _get(row, "elite_weight_ci_low"), _get(row, "elite_weight_ci_high")
        if weight is not None:
            rng = f" (likely between {lo:.1f} and {hi:.1f})" if lo is not None and hi is not None else ""
            sentences.append(f"The elites' preferences weighed about {weight:.1f} times their share of the people "
                             f"in the decision{rng}.")
        det = _get(row, "detectability")
        if det is not None:
            sentences.append(f"With this community's numbers, strong steering by the elites would be noticed "
                             f"about {round(10 * float(det))} times in 10.")
    p = _rows(analysis, "presence", cid)
    if p is not None:
        el = p[p["subgroup"] == ELITES]
        if len(el):
            e = hide_small_counts(el.reset_index(drop=True), s, counts=["n_people"], tied=_PRESENCE_TIED).iloc[0]
            if not e["hidden"] and not is_hidden(e["voice_share_turns"]) and e["n_people"] > 0:
                sentences.append(f"The elites were {pct(e['presence_share'])} of the people present at "
                                 f"{_formats_words(analysis['voice_formats'])} and took "
                                 f"{pct(e['voice_share_turns'])} of the speaking turns (as in the chart above).")
    sentences.append("This reading uses every session of the community" +
                     ("; the filters do not apply to it." if filtered else "."))
    return StorySection("reading", heading, tuple(sentences), None, None, None, "", tuple(missing),
                        ignores_filters=filtered)


def _cycles_section(analysis, cid, decision, s) -> StorySection:
    heading = "Change over the planning cycles"
    pc, rc = _rows(analysis, "presence_cycle", cid), _rows(analysis, "rankings_cycle", cid)
    frames = []
    if pc is not None:
        p = pc
        p = hide_small_counts(p, s, counts=["n_people"], tied=_PRESENCE_TIED)
        frames.append(pd.DataFrame({"cycle": p["cycle"], "group": p["subgroup"], "presence_share": p["presence_share"],
                                    "voice_share": p["voice_share_turns"], "hidden_presence": p["hidden"]}))
    tops = pd.DataFrame(columns=["cycle", "group", "top_harm", "top_harm_in_decision", "hidden_priorities"])
    if rc is not None:
        r = rc
        r = hide_small_counts(r, s, counts=["n_people"], tied=_RANKING_TIED)
        rows = []
        for (cyc, grp), part in r.groupby(["cycle", "subgroup"], sort=True):
            hid = bool(part["hidden"].any())
            first = part[part["rank"] == part["rank"].min()] if not hid else part.iloc[:0]
            ids = first["harm_id"].astype(str).tolist()
            rows.append({"cycle": cyc, "group": grp, "top_harm": " / ".join(first["label"].astype(str)) if ids else pd.NA,
                         "top_harm_in_decision": (any(h in decision["harms"] for h in ids) if ids else pd.NA),
                         "hidden_priorities": hid})
        if rows:
            tops = pd.DataFrame(rows)
    data = frames[0] if frames else pd.DataFrame(columns=["cycle", "group"])
    data = data.merge(tops, on=["cycle", "group"], how="outer").sort_values(["cycle", "group"]).reset_index(drop=True)
    cycles = sorted(data["cycle"].dropna().unique().tolist())
    if len(cycles) < 2:
        return StorySection("cycles", heading, ("Only one planning cycle is in the data, so change over cycles "
                                                "cannot be shown." if cycles else
                                                "No planning cycle with attendance or rankings is in the data.",),
                            None, "cycles" if len(data) else None, data if len(data) else None,
                            "Table of one cycle." if len(data) else "", ("change over cycles",))
    groups = list(dict.fromkeys(data["group"]))
    focus = FOCUS_GROUP if FOCUS_GROUP in groups else next((g for g in groups if g != ELITES), groups[0])
    f = data[data["group"] == focus]
    sentences = []
    voice = [(int(c), v) for c, v, h in zip(f["cycle"], f.get("voice_share", []), f.get("hidden_presence", []))
             if not (h is True) and not is_hidden(v)]
    if voice and "voice_share" in f:
        trend = ""
        if len(voice) >= 2:
            a, b = voice[0][1], voice[-1][1]
            trend = " (rising)" if b > a + 0.02 else " (falling)" if b < a - 0.02 else " (about the same)"
        hidden_cycles = [int(c) for c, h in zip(f["cycle"], f.get("hidden_presence", [])) if h is True]
        note = (f" (not shown for {_cycles_words(hidden_cycles)}: fewer than {s.min_count} of them were present)"
                if hidden_cycles else "")
        sentences.append(f"{group_name(focus, capital=True)}' share of the speaking turns at "
                         f"{_formats_words(analysis['voice_formats'])}: "
                         + ", ".join(f"{pct(v)} in cycle {c}" for c, v in voice) + trend + note + ".")
    else:
        sentences.append(f"{group_name(focus, capital=True)}' share of the speaking turns by cycle cannot be "
                         f"shown (not recorded, or fewer than {s.min_count} were present).")
    if "top_harm" in f:
        reached = [int(c) for c, t, i in zip(f["cycle"], f["top_harm"], f["top_harm_in_decision"])
                   if not is_hidden(t) and i is True]
        shown_c = [int(c) for c, t in zip(f["cycle"], f["top_harm"]) if not is_hidden(t)]
        if shown_c:
            sentences.append(f"{group_name(focus, capital=True)}' top priority was part of the final decision in "
                             + (f"{_cycles_words(reached)}" if reached else "no cycle")
                             + f" (of {_cycles_words(shown_c)} where enough of them ranked).")
    table = pd.DataFrame({
        "Cycle": data["cycle"].astype(int),
        "Group": [group_name(g, capital=True) for g in data["group"]],
        "Share of those present": [cell(v, s, pct, hidden=bool(h is True)) for v, h in
                                   zip(data.get("presence_share", pd.Series(pd.NA, index=data.index)),
                                       data.get("hidden_presence", pd.Series(False, index=data.index)))],
        "Share of speaking turns": [cell(v, s, pct, hidden=bool(h is True)) for v, h in
                                    zip(data.get("voice_share", pd.Series(pd.NA, index=data.index)),
                                        data.get("hidden_presence", pd.Series(False, index=data.index)))],
        "Top priority": [cell(v, s, hidden=bool(h is True)) for v, h in
                         zip(data["top_harm"], data["hidden_priorities"])],
    })
    alt = (f"Line chart: each group's share of the speaking turns in cycles {cycles[0]}-{cycles[-1]}. "
           + " ".join(sentences))
    return StorySection("cycles", heading, tuple(sentences), table, "cycles", data, alt)


_EVIDENCE = (  # column, plain label, format, the counts of people that hide it
    ("level", "Reading", str, ()),
    ("test", "Test used", str, ()),
    ("p_value", "p-value of the gap test", lambda x: f"{x:.3f}", ()),
    ("q_value", "q-value (corrected for many communities)", lambda x: f"{x:.3f}", ()),
    ("gap", "Gap: closeness of the decision to the elites minus to the others", lambda x: f"{x:+.2f}",
     ("n_elite_rankers",)),
    ("gap_ci_low", "Gap, interval low", lambda x: f"{x:+.2f}", ("n_elite_rankers",)),
    ("gap_ci_high", "Gap, interval high", lambda x: f"{x:+.2f}", ("n_elite_rankers",)),
    ("elite_weight", "Weight of the elites' preferences", lambda x: f"{x:.2f}", ()),
    ("elite_weight_ci_low", "Weight, interval low", lambda x: f"{x:.2f}", ()),
    ("elite_weight_ci_high", "Weight, interval high", lambda x: f"{x:.2f}", ()),
    ("detectability", "Detectability of strong steering", lambda x: f"{x:.2f}", ()),
    ("n_elite_rankers", "Elites who ranked alone", lambda x: f"{int(x)}", ("n_elite_rankers",)),
    ("n_nonelite_rankers", "Others who ranked alone", lambda x: f"{int(x)}", ("n_nonelite_rankers",)),
    ("n_elite_present", "Elites present at community meetings", lambda x: f"{int(x)}", ("n_elite_present",)),
    ("voice_parity", "Elite voice parity", lambda x: f"{x:.2f}", ("n_elite_present",)),
    ("voice_ratio_adjusted", "Elite turns compared with others of their groups", lambda x: f"{x:.2f}",
     ("n_elite_present",)),
    ("elite_proposal_share", "Elite share of proposals", pct, ("n_elite_present",)),
    ("n_adopted", "Proposals naming a decided harm", lambda x: f"{int(x)}", ("n_adopted",)),
    ("elite_adopted_share", "Elite share of adopted proposals", pct, ("n_adopted", "n_elite_present")),
)


def _evidence_section(row, s, analysis, filtered) -> StorySection:
    heading = "The statistics behind the reading"
    if row is None:
        return StorySection("evidence", heading, ("No statistics could be computed for this community.",),
                            missing=("the statistics",), ignores_filters=filtered)
    frame = pd.DataFrame([{k: row.get(k) for k, *_ in _EVIDENCE if k in row}])
    counts = [c for c in ("n_elite_rankers", "n_nonelite_rankers", "n_elite_present", "n_adopted") if c in frame]
    tied = {c: tuple(k for k, _, _, by in _EVIDENCE if c in by and k != c) for c in counts}
    for c in frame.columns:
        if c not in ("level", "test"):
            frame[c] = pd.to_numeric(frame[c], errors="coerce")
    safe = hide_small_counts(frame, s, counts=counts, tied=tied)
    hidden_cols = set(safe.attrs.get("hidden_columns", ()))
    rows = []
    for key, label, fmt, _ in _EVIDENCE:
        if key not in safe:
            continue
        value = safe[key].iloc[0]
        if key == "level":
            value = level_label(value)
        rows.append({"Measure": label, "Value": cell(value, s, fmt, hidden=key in hidden_cols)})
    cf = row.get("counterfactual")
    if isinstance(cf, str) and cf:
        rows.insert(1, {"Measure": "What the others' rankings alone would choose",
                        "Value": " > ".join(analysis["labels"].get(h, h) for h in cf.split(" > "))})
    sentences = [f"Test: {row.get('test_note')}." if row.get("test_note") else "No test was run."]
    notes = row.get("notes")
    if isinstance(notes, str) and notes:
        sentences.append(f"Not assessed: {notes}.")
    sentences.append(f"Settings: ranking method {s.ranking_method}, significance level {s.alpha:g}, "
                     f"{s.n_perm} relabellings, {s.n_boot} bootstrap resamples, seed {s.seed}.")
    return StorySection("evidence", heading, tuple(sentences), pd.DataFrame(rows), None, None, "",
                        ignores_filters=filtered)
