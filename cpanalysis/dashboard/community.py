"""One community's page, plain words first: decision; who was there and heard; what each group
wanted and where it landed; the reading; change over cycles; then the evidence (collapsed).

Every table here is already safe (:func:`.safety.hide_small_counts`); every sentence is written from
the same safe table its chart draws, so the words and the chart agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cpanalysis import lorenz_curve, reading
from cpanalysis.dominance.plots import plot_alignment, plot_counterfactual
from cpanalysis.rankings.plots import plot_subgroup_heatmap

from . import figures
from .filters import ALL, Filters, rows_of, scope_words, sessions_in
from .overview import badge, group_priorities, harm_labels
from .results import WHY, LibraryResults
from .safety import hide_small_counts

#: One line each, shown under the page.
GLOSSARY = {
    "Voice parity": "A group's share of speaking turns divided by its share of those present: 1 = heard in "
                    "proportion, below 1 = heard less than its share.",
    "Gini": "How unevenly people spoke: 0 = everyone as often, 1 = one person did all the talking.",
    "Elites": "People marked as elite in the data (leaders, wealthy families...); in the groups' lists they "
              "are counted with the elites, not with their own group.",
    "Clear signs": "Several measures agree that the decision follows the elites' wishes more than others'.",
    "Some signs": "One measure points that way; worth checking with the groups left out.",
    "No sign": "The decision is as close to the other groups' wishes as to the elites'.",
    "Cannot tell": "Too few rankings or turns were recorded to say.",
    "Hidden": f"Counts of fewer people than the 'hide counts below' setting, and what they show, are hidden "
              "so that no child can be recognised.",
}


@dataclass
class Section:
    """A part of the page: heading, sentences, optional chart and table, the sessions it counts."""

    key: str
    heading: str
    sentences: list[str]
    scope: str
    chart: figures.Chart | None = None
    table: pd.DataFrame | None = None
    extra_charts: list = field(default_factory=list)


@dataclass
class CommunityPage:
    community_id: str
    title: str
    level: str
    scope: str
    sections: list[Section]
    reading_text: str


def _pct(v) -> str:
    return "hidden" if pd.isna(v) else f"{v:.0%}"


def decision_section(results: LibraryResults, cid: str) -> Section:
    data = results.data
    labels = harm_labels(data)
    rows = data.decisions[data.decisions["community_id"].astype(str) == cid].sort_values("priority")
    table = pd.DataFrame({"priority": rows["priority"].to_numpy(),
                          "harm": [labels.get(str(h), str(h)) for h in rows["harm_id"]]})
    if rows.empty:
        sentences = ["No decision was recorded for this community."]
    else:
        order = "; ".join(f"{int(p)}. {h}" for p, h in zip(table["priority"], table["harm"]))
        sessions = data.sessions.set_index("session_id")
        sid = str(rows["session_id"].iloc[0])
        cycle = sessions.loc[sid, "cycle"] if sid in sessions.index else "?"
        sentences = [f"The community chose, in order: {order}.", f"Decided in session {sid} (cycle {cycle})."]
    return Section("decision", "What was decided", sentences,
                   "The final decision of the community (filters do not change it).", table=table)


def voices_section(results: LibraryResults, cid: str, filters: Filters) -> Section:
    s = results.settings
    scope = scope_words(results.data, filters, cid)
    part = results.participation(filters.formats, filters.level)
    rows = hide_small_counts(rows_of(part, filters, community=cid), s)
    if rows is None or rows.empty:
        return Section("voices", "Who was there and who was heard",
                       ["No attendance was recorded in the chosen sessions."], scope)
    cols = ["subgroup", "n_attendees", "presence_share", "n_turns", "voice_share_turns", "parity"]
    rows = rows[[c for c in cols if c in rows]].reset_index(drop=True)
    sentences = []
    has_turns = results.has_turns and rows["n_turns"].notna().any()
    for r in rows.itertuples():
        if pd.isna(r.presence_share):
            sentences.append(f"{str(r.subgroup).capitalize()}: fewer than {s.min_count} present, so their "
                             "shares are hidden.")
        elif has_turns and pd.notna(r.voice_share_turns):
            sentences.append(f"{str(r.subgroup).capitalize()} were {_pct(r.presence_share)} of those present "
                             f"and took {_pct(r.voice_share_turns)} of the speaking turns.")
        else:
            sentences.append(f"{str(r.subgroup).capitalize()} were {_pct(r.presence_share)} of those present.")
    if not results.has_turns:
        sentences.append(WHY["turns"])
    title = f"Share present and share of speaking turns, {cid}"
    alt = (f"Bar chart: each group's share of those present and of speaking turns in {cid} "
           f"({filters.words()}). " + " ".join(sentences))
    chart = figures.presence_voice("presence_voice", rows, title, alt)
    return Section("voices", "Who was there and who was heard", sentences,
                   f"Counts every attendance and speaking turn of {scope}", chart=chart, table=rows)


def priorities_section(results: LibraryResults, cid: str, filters: Filters) -> Section:
    s = results.settings
    prio = group_priorities(results, [cid])
    note = ("All rankings and the final decision of the community (the cycle and format filters do not "
            "apply: the decision is made once, from every cycle). Elites' lists are counted with the elites, "
            "not with their own group.")
    if prio.empty:
        reason = WHY["rankings"] if results.data.rankings is not None else WHY["rankings"]
        return Section("priorities", "What each group wanted and where it landed", [reason], note)
    sentences = []
    for r in prio.itertuples():
        who = str(r.subgroup).capitalize()
        if pd.isna(r.top_harm):
            sentences.append(f"{who}: fewer than {s.min_count} ranked on their own, so their first harm is hidden.")
        elif bool(r.top_harm_in_decision):
            sentences.append(f"{who} put {r.top_harm_label} first; the community chose it "
                             f"({_ordinal(int(r.top_harm_position))}).")
        else:
            sentences.append(f"{who} put {r.top_harm_label} first; the community did not choose it.")
    alt = f"Chart: each group's first harm in {cid}, green if the community chose it. " + " ".join(sentences)
    # one community: a row per group, one column, so every harm's name fits
    by_group = prio.assign(community_id=prio["subgroup"], subgroup="first harm")
    chart = figures.priorities_grid("priorities", by_group, {}, f"Each group's first harm, {cid}", alt)
    table = prio[["subgroup", "n_people_ranking", "top_harm_label", "top_harm_position"]]
    return Section("priorities", "What each group wanted and where it landed", sentences, note,
                   chart=chart, table=table)


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


def reading_section(results: LibraryResults, cid: str) -> tuple[Section, str, str]:
    analysis = results.dominance()
    table = analysis["table"].assign(community_id=lambda t: t["community_id"].astype(str)).set_index("community_id")
    level = str(table.loc[cid, "level"]) if cid in table.index else "not assessable"
    text = reading(results.data, cid, settings=results.settings, analysis=analysis)
    plain = text.split("In plain words:", 1)[1].strip() if "In plain words:" in text else text
    words, _, _ = badge(level)
    # Each group's first harm is told once, in the section above, from the safe table (the reading's
    # own lines would name the first harm of a group of fewer than min_count people).
    sentences = [f"{words}."] + [line for line in plain.splitlines() if line.strip() and not any(
        key in line for key in ("top choice", "leave out their elite"))]
    if not results.has_elites:
        sentences.append(results.missing["elites"])
    note = ("Voice is compared at " + ", ".join(f.replace("_", " ") + "s" for f in results.settings.voice_formats)
            + "; priorities use every ranking and the final decision (the cycle and format filters do not apply).")
    return Section("reading", "Did the elites shape the choice?", sentences, note), level, text


def cycles_section(results: LibraryResults, cid: str, filters: Filters, group: str = "girls") -> Section:
    s = results.settings
    f_all = Filters(filters.district, ALL, filters.session_format)
    part = results.participation(filters.formats, "cycle")
    rows = hide_small_counts(rows_of(part, f_all, community=cid), s)
    note = (f"Every cycle (the cycle filter does not apply here); {f_all.words()}.")
    if rows is None or rows.empty:
        return Section("cycles", f"Change over planning cycles ({group})", ["No cycle was recorded."], note)
    rows = rows[rows["subgroup"] == group][["cycle", "n_attendees", "presence_share", "n_turns",
                                            "voice_share_turns", "parity"]].reset_index(drop=True)
    sentences = []
    voiced = rows.dropna(subset=["voice_share_turns"])
    if len(voiced) >= 2:
        a, b = voiced.iloc[0], voiced.iloc[-1]
        trend = "rose" if b["voice_share_turns"] > a["voice_share_turns"] else (
            "fell" if b["voice_share_turns"] < a["voice_share_turns"] else "stayed the same")
        sentences.append(f"{group.capitalize()}' share of speaking turns {trend}: {_pct(a['voice_share_turns'])} in "
                         f"cycle {int(a['cycle'])}, {_pct(b['voice_share_turns'])} in cycle {int(b['cycle'])}.")
    elif rows.empty:
        sentences.append(f"No {group} attended in these sessions.")
    else:
        sentences.append(f"{group.capitalize()}' share of turns cannot be followed over cycles (hidden or not recorded).")
    labels = harm_labels(results.data)
    decided = results.data.decisions[results.data.decisions["community_id"].astype(str) == cid]
    decided = dict(zip(decided["harm_id"].astype(str), decided["priority"]))
    firsts = []
    for cycle in [str(c) for c in sorted(results.data.sessions["cycle"].dropna().unique())]:
        sessions = tuple(sessions_in(results.data, Filters(filters.district, cycle, filters.session_format), cid)
                         ["session_id"].astype(str))
        ranked = results.group_rankings(sessions) if sessions else None
        if ranked is None:
            continue
        ranked = hide_small_counts(ranked, s)
        mine = ranked[(ranked["subgroup"] == group)].dropna(subset=["rank"])
        mine = mine[mine["rank"] == mine["rank"].min()] if len(mine) else mine
        if mine.empty:
            firsts.append(f"cycle {cycle}: hidden or no ranking")
            continue
        harm = str(mine["harm_id"].iloc[0])
        where = f"chosen ({_ordinal(int(decided[harm]))})" if harm in decided else "not chosen"
        firsts.append(f"cycle {cycle}: {labels.get(harm, harm)}, {where}")
    if firsts:
        sentences.append(f"{group.capitalize()}' first harm, cycle by cycle (all their lists, elite {group} "
                         f"included): " + "; ".join(firsts) + ".")
    chart = None
    if len(rows):
        alt = f"Line chart: {group}' share of those present and of speaking turns, cycle by cycle, {cid}. " \
              + " ".join(sentences)
        chart = figures.cycle_lines("cycles", rows, f"{group.capitalize()} over planning cycles, {cid}", alt)
    return Section("cycles", f"Change over planning cycles ({group})", sentences, note, chart=chart, table=rows)


def evidence_section(results: LibraryResults, cid: str, filters: Filters, text: str, *,
                     charts: bool = True) -> Section:
    """The statistics; its charts are drawn only when ``charts`` (the panel is open)."""
    s = results.settings
    drawn = []
    sentences = []
    analysis = results.dominance()
    dom = analysis["table"].assign(community_id=lambda t: t["community_id"].astype(str))
    row = hide_small_counts(dom[dom["community_id"] == cid].reset_index(drop=True), s)
    lines = text.split("In plain words:", 1)[0].splitlines()
    original = dom[dom["community_id"] == cid].reset_index(drop=True)
    hidden = {prefix: bool(len(row)) and pd.isna(row[col].iloc[0]) and original[col].notna().any()
              for prefix, col in (("- Elite proximity gap", "gap"), ("- Elite voice", "voice_parity"),
                                  ("- Elite share of proposals", "elite_proposal_share"),
                                  ("- Elite share of adopted", "elite_adopted_share"))}
    for line in lines:
        prefix = next((p for p in hidden if line.startswith(p)), None)
        if prefix is not None and hidden[prefix]:
            sentences.append(f"{prefix}: hidden (it counts fewer than {s.min_count} elites).")
        elif line.strip():
            sentences.append(line)
    if not charts:
        return Section("evidence", "The evidence (statistics)", sentences,
                       f"Charts count {scope_words(results.data, filters, cid)} The tests use every cycle.",
                       table=row.T.reset_index().set_axis(["measure", "value"], axis=1) if len(row) else None)
    sessions = tuple(sessions_in(results.data, filters, cid)["session_id"].astype(str))
    ranked = results.group_rankings(sessions) if sessions else None
    safe = hide_small_counts(ranked, s) if ranked is not None else None
    if safe is not None and safe["rank"].isna().all():
        sentences.append(f"The groups' rankings in these sessions are hidden (each counts fewer than "
                         f"{s.min_count} people).")
    elif safe is not None:
        drawn.append(figures.library_plot(
            "heatmap", plot_subgroup_heatmap, (safe,),
            f"Heatmap: the rank each group gave each harm in {cid} ({filters.words()}; "
            f"{s.ranking_method}); every list of the group, elite members included.",
            size=(6.4, 4.0)))
    if results.has_elites and (analysis["alignment"]["community_id"].astype(str) == cid).any():
        align = hide_small_counts(analysis["alignment"].rename(columns={"n_members": "n_people_ranking"}), s)
        align = align.rename(columns={"n_people_ranking": "n_members"})
        align = align[align["community_id"].astype(str) == cid].dropna(subset=["alignment"])
        if len(align):
            drawn.append(figures.library_plot("alignment", plot_alignment, (align, cid),
                                               f"Bar chart: how close the decision of {cid} is to each group's "
                                               "ranking (all cycles).", size=(5.6, 3.4)))
        cf = analysis["counterfactual"]
        if (cf["community_id"].astype(str) == cid).any():
            drawn.append(figures.library_plot("counterfactual", plot_counterfactual, (cf, cid),
                                               f"Chart: what the groups without the elites would have chosen in "
                                               f"{cid}, against the decision.", size=(5.6, 3.4),
                                               labels=harm_labels(results.data)))
    indiv = results.individuals(filters.formats, filters.level)
    if indiv is not None:
        people = rows_of(indiv, filters, community=cid)
        if len(people) >= s.min_count:
            curve = lorenz_curve(people["turns"].to_numpy())
            drawn.append(figures.lorenz("lorenz", curve, f"Who did the talking? Gini {curve.attrs.get('gini', float('nan')):.2f}",
                                         f"Lorenz curve of speaking turns among the {len(people)} people who "
                                         f"attended in {cid} ({filters.words()})."))
    elif "individuals" in results.missing:
        sentences.append(results.missing["individuals"])
    return Section("evidence", "The evidence (statistics)", sentences,
                   f"Charts count {scope_words(results.data, filters, cid)} The tests use every cycle.",
                   table=row.T.reset_index().set_axis(["measure", "value"], axis=1) if len(row) else None,
                   extra_charts=drawn)


def community_page(results: LibraryResults, cid: str, filters: Filters, *, evidence_charts: bool = True
                   ) -> CommunityPage:
    """The whole page of one community (already safe); the evidence's charts when ``evidence_charts``."""
    data = results.data
    names = dict(zip(data.communities["community_id"].astype(str), data.communities.get(
        "name", data.communities["community_id"]).astype(str)))
    reading_sec, level, text = reading_section(results, cid)
    sections = [decision_section(results, cid), voices_section(results, cid, filters),
                priorities_section(results, cid, filters), reading_sec, cycles_section(results, cid, filters),
                evidence_section(results, cid, filters, text, charts=evidence_charts)]
    return CommunityPage(cid, f"{cid} - {names.get(cid, cid)}", level, scope_words(data, filters, cid),
                         sections, text)
