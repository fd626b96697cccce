"""The programme's story: headlines, the community x group overview and one row per community."""

from __future__ import annotations

import pandas as pd

from ..settings import Settings, resolve_settings
from .action_plan import actions_headline
from .community import FOCUS_GROUP, community_story, story_analysis
from .groups import ELITES, GROUP_DEFINITION
from .hiding import hide_small_counts, is_hidden
from .model import GLOSSARY, LEVELS, ProgrammeStory
from .wording import group_name, pct


def programme_story(data, settings: Settings | None = None, analysis: dict | None = None, *,
                    codes_only: bool = False) -> ProgrammeStory:
    """The programme at a glance: headline sentences, each group's top harm against each
    community's decision, and the readings, with every community's story (``.stories``).

    Parameters
    ----------
    data : Dataset
    settings : Settings, optional
    analysis : dict, optional
        :func:`cpanalysis.story.story_analysis` output to reuse.
    codes_only : bool
        Name communities by their id only.

    Returns
    -------
    ProgrammeStory
        ``headlines`` (tuple of str), ``overview`` (one row per community x group:
        ``community_id``, ``subgroup``, ``top_harm``, ``top_harm_in_decision``, ``level`` and
        plain-named columns ``Community``, ``Group``, ``Top priority``, ``In the decision?``,
        ``Reading``), ``communities`` (one row per community: ``community_id``, ``name``,
        ``decision``, ``level``, ``n_sessions``), ``stories`` (community id -> CommunityStory).

    Examples
    --------
    >>> import cpanalysis
    >>> prog = programme_story(cpanalysis.simulate(3, seed=3), cpanalysis.Settings(n_perm=200, n_boot=50))
    >>> len(prog.communities), prog.headlines[0].split(" of ")[1].startswith("3 communities")
    (3, True)
    """
    s = resolve_settings(settings)
    if analysis is None:
        analysis = story_analysis(data, s, codes_only=codes_only)
    s = analysis["settings"]
    stories = {c: community_story(data, c, analysis=analysis) for c in analysis["ids"]}
    rows, comm_rows = [], []
    for c, story in stories.items():
        decision = set(story.decision)
        pr = story.section("priorities").chart_data
        groups = list(dict.fromkeys(pr["group"])) if pr is not None else []
        for g in groups:
            top = story.top_harms.get(g)
            rows.append({"community_id": c, "name": analysis["names"][c], "subgroup": g, "top_harm": top,
                         "top_harm_in_decision": (any(t in decision for t in top.split(" / ")) if top and decision
                                                  else pd.NA),
                         "level": story.level})
        sc = analysis["scope"].get(c, {})
        comm_rows.append({"community_id": c, "name": analysis["names"][c],
                          "decision": "; ".join(f"{i + 1}. {h}" for i, h in enumerate(story.decision)),
                          "level": story.level, "n_sessions": sc.get("n_sessions", 0),
                          "focus_top_harm": story.top_harms.get(FOCUS_GROUP)})
    overview = pd.DataFrame(rows, columns=["community_id", "name", "subgroup", "top_harm", "top_harm_in_decision",
                                           "level"])
    hidden = f"hidden (fewer than {s.min_count})"
    overview["Community"] = [f"{c} - {n}" if n != c else c for c, n in zip(overview["community_id"], overview["name"])]
    overview["Group"] = [group_name(g, capital=True) for g in overview["subgroup"]]
    overview["Top priority"] = [t if isinstance(t, str) else hidden for t in overview["top_harm"]]
    overview["In the decision?"] = ["yes" if v is True else "no" if v is False else
                                    (hidden if not isinstance(t, str) else "no decision recorded")
                                    for v, t in zip(overview["top_harm_in_decision"], overview["top_harm"])]
    overview["Reading"] = overview["level"]
    communities = pd.DataFrame(comm_rows)
    headlines = _headlines(analysis, communities, overview, s)
    scope = (f"{len(stories)} communities. Who was present and who spoke counts the "
             f"{', '.join(f.replace('_', ' ') + 's' for f in analysis['voice_formats'])}; what each group wanted "
             f"counts every list its members made. {GROUP_DEFINITION}")
    return ProgrammeStory(headlines=tuple(headlines), overview=overview, communities=communities, scope=scope,
                          glossary=dict(GLOSSARY), settings=s, stories=stories)


def _headlines(analysis, communities, overview, s) -> list:
    n = len(communities)
    counts = {level: int((communities["level"] == level).sum()) for level in LEVELS}
    out = [f"{counts['clear sign']} of {n} communities show clear signs that elites shaped the choice; "
           f"{counts['some sign']} show some sign; {counts['no sign']} show no sign"
           + (f"; for {counts['cannot tell']} the data cannot tell." if counts["cannot tell"] else ".")]
    focus = overview[overview["subgroup"] == FOCUS_GROUP]
    known = focus[focus["top_harm_in_decision"].map(lambda v: v is True or v is False)]
    if len(known):
        k = int((known["top_harm_in_decision"] == True).sum())  # noqa: E712 - object column of True/False
        out.append(f"{group_name(FOCUS_GROUP, capital=True)}' top priority was part of the decision in {k} of "
                   f"{len(known)} communities where at least {s.min_count} of them ranked.")
    p = analysis.get("presence_programme")
    if p is not None and len(p):
        p = hide_small_counts(p.reset_index(drop=True), s, counts=["n_people"],
                              tied={"n_people": ("presence_share", "voice_share_turns")})
        row = p[p["subgroup"] == FOCUS_GROUP]
        if len(row) and not row["hidden"].iloc[0] and not is_hidden(row["voice_share_turns"].iloc[0]):
            r = row.iloc[0]
            out.append(f"Across the programme, {group_name(FOCUS_GROUP)} were {pct(r['presence_share'])} of the people "
                       f"present at {' and '.join(f.replace('_', ' ') + 's' for f in analysis['voice_formats'])} "
                       f"and took {pct(r['voice_share_turns'])} of the speaking turns.")
        el = p[p["subgroup"] == ELITES]
        if len(el) and not el["hidden"].iloc[0] and not is_hidden(el["voice_share_turns"].iloc[0]):
            e = el.iloc[0]
            out.append(f"The elites were {pct(e['presence_share'])} of the people present at "
                       f"{' and '.join(f.replace('_', ' ') + 's' for f in analysis['voice_formats'])} and took "
                       f"{pct(e['voice_share_turns'])} of the speaking turns.")
    plan = analysis["action_plan"] if "action_plan" in analysis else None
    actions = actions_headline(plan, communities["community_id"]) if plan is not None else None
    if actions:
        out.append(actions)
    return out
