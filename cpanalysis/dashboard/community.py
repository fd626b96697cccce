"""One community's page: the community story (:mod:`cpanalysis.story`, shared with the reports) drawn
as charts, plain words first, then the evidence (its charts drawn only when the panel is opened).

The story's sentences and its chart data come from one place, so the words and the charts agree;
this module only adds what each part counts (filters included) and draws the charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cpanalysis import lorenz_curve
from cpanalysis.dominance.plots import plot_alignment, plot_counterfactual
from cpanalysis.story import GLOSSARY as STORY_GLOSSARY
from cpanalysis.story import community_story

from . import figures
from .filters import ALL, Filters, rows_of, scope_words
from .overview import harm_labels
from .results import LibraryResults
from .safety import hide_small_counts

#: One line each, shown under the page (the story's glossary: the same words as the reports).
GLOSSARY = dict(STORY_GLOSSARY)


@dataclass
class Section:
    """A part of the page: heading, sentences, what it counts, optional chart(s) and table."""

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
    text: str


def _section_scope(key: str, ignores: bool, analysis: dict, filters: Filters) -> str:
    where = ", ".join(f.replace("_", " ") + "s" for f in analysis["voice_formats"])
    if ignores or key in ("decision", "reading", "evidence"):
        return ("Uses every session of the community and its final decision: the cycle and session filters "
                f"do not apply here (filters chosen: {filters.words()}).")
    if key == "voices":
        return f"Counts the people present and the speaking turns at {where} ({filters.words()})."
    if key == "priorities":
        return f"Counts every list each group made, alone or together ({filters.words()}); the decision is the final one."
    if key == "cycles":
        return f"Cycle by cycle at {where}; priorities from every list ({filters.words()})."
    return filters.words()


def community_page(results: LibraryResults, cid: str, filters: Filters, *, evidence_charts: bool = True,
                   codes_only: bool = False, previous: CommunityPage | None = None) -> CommunityPage:
    """The page of one community from its story (already safe); the evidence's charts when ``evidence_charts``;
    with ``codes_only`` the community is named by its code (the story's ``codes_only``). Charts of
    ``previous`` drawn from the same title, alt text and data are reused, not drawn again."""
    drawn = [s.chart for s in previous.sections] if previous is not None else []
    analysis = results.story(None if filters.cycle == ALL else filters.cycle, filters.formats, codes_only=codes_only)
    story = community_story(results.data, cid, analysis=analysis)
    sections = []
    for part in story.sections:
        scope = _section_scope(part.key, part.ignores_filters, analysis, filters)
        sentences = list(part.sentences) + [f"Cannot show: {m}" for m in part.missing]
        chart = _chart(part, cid, scope, drawn)
        table = part.table
        extra = []
        if part.key == "evidence":
            table, extra, more = _evidence(results, cid, filters, evidence_charts)
            sentences += more
        sections.append(Section(part.key, part.heading, sentences, scope, chart=chart, table=table,
                                extra_charts=extra))
    return CommunityPage(cid, story.title, story.level, f"{story.scope} Filters: {filters.words()}.", sections,
                         story.text())


def _chart(part, cid: str, scope: str, drawn=()) -> figures.Chart | None:
    data = part.chart_data
    if data is None or len(data) == 0 or part.chart is None:
        return None
    alt = f"{part.alt} {scope}".strip()
    key = (part.chart, cid, alt, data.to_csv())  # the title is made from the kind and cid
    return figures.reuse_or_draw(drawn, key, lambda: _draw(part, data, cid, alt))


def _draw(part, data, cid: str, alt: str) -> figures.Chart | None:
    if part.chart == "presence_voice":
        rows = data.rename(columns={"group": "subgroup", "voice_share": "voice_share_turns"})
        return figures.presence_voice("presence_voice", rows, f"Share present and share of speaking turns, {cid}", alt)
    if part.chart == "priorities":
        return figures.rank_heatmap("priorities", data, f"The rank each group gave each harm, {cid} "
                                    "(1 = their first)", alt)
    if part.chart == "cycles":
        girls = data[data["group"] == "girls"]
        if girls.empty:
            return None
        rows = girls.rename(columns={"voice_share": "voice_share_turns"})
        return figures.cycle_lines("cycles", rows, f"Girls over planning cycles, {cid}", alt)
    if part.chart == "action_timeline":
        return figures.action_timeline("action_timeline", data, f"What became of the actions, {cid}", alt)
    return None


def _evidence(results: LibraryResults, cid: str, filters: Filters, charts: bool):
    """The dominance table of the community (safe) and, when asked, the detailed charts."""
    s = results.settings
    sentences: list[str] = []
    dominance = results.story()["dominance"]
    table = None
    if dominance is not None and cid in dominance.index:
        row = hide_small_counts(dominance.loc[[cid]].reset_index(), s)
        table = row.T.reset_index().set_axis(["measure", "value"], axis=1)
    drawn = []
    if not charts:
        return table, drawn, sentences
    analysis = results.dominance()
    if results.has_elites and (analysis["alignment"]["community_id"].astype(str) == cid).any():
        align = hide_small_counts(analysis["alignment"].rename(columns={"n_members": "n_people_ranking"}), s)
        align = align.rename(columns={"n_people_ranking": "n_members"})
        align = align[align["community_id"].astype(str) == cid].dropna(subset=["alignment"])
        if len(align):
            drawn.append(figures.library_plot("alignment", plot_alignment, (align, cid),
                                              f"Bar chart: how close the decision of {cid} is to each group's "
                                              "ranking (every cycle; groups of fewer than "
                                              f"{s.min_count} people left out).", size=(5.6, 3.4)))
        cf = analysis["counterfactual"]
        if (cf["community_id"].astype(str) == cid).any():
            drawn.append(figures.library_plot("counterfactual", plot_counterfactual, (cf, cid),
                                              f"Chart: what the people who are not elites would have chosen in "
                                              f"{cid}, against the decision (every cycle).", size=(9.0, 2.8),
                                              labels=harm_labels(results.data)))
    indiv = results.individuals(filters.formats, filters.level)
    if indiv is not None:
        people = rows_of(indiv, filters, community=cid)
        if len(people) >= s.min_count:
            curve = lorenz_curve(people["turns"].to_numpy())
            drawn.append(figures.lorenz("lorenz", curve, f"Who did the talking? Gini {curve.attrs.get('gini', float('nan')):.2f}",
                                        f"Lorenz curve of speaking turns among the {len(people)} people who "
                                        f"attended: {scope_words(results.data, filters, cid)}"))
    elif "individuals" in results.missing:
        sentences.append(results.missing["individuals"])
    return table, drawn, sentences
