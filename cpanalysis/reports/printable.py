"""The community story as a printable PDF (matplotlib's PdfPages: no system library needed).

Page 1 is for the community: what was decided, who was there and who was heard, what each group
wanted and where it landed, the reading in plain words, and (when there is room) the first lines
of the action plan; no p-value. Page 2: the reading's sentences, change over cycles, the
statistics, and the settings, version and data fingerprint. Page 3, only when the community has
actions: what it agreed to do, the timeline of the actions by status and one line per action.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import figures

A4 = (8.27, 11.69)
MARGIN = 0.6
BOTTOM = 0.55  # the footer's line is at 0.35 in
_RC = {"pdf.fonttype": 42, "font.size": 9}  # TrueType text: selectable and searchable


class _Page:
    """A page filled from the top down (positions in inches)."""

    def __init__(self):
        self.fig = Figure(figsize=A4)
        self.y = A4[1] - MARGIN

    def text(self, text: str, *, size: float = 9.5, weight: str = "normal", style: str = "normal",
             gap: float = 0.06, colour: str = "black") -> None:
        chars = int((A4[0] - 2 * MARGIN) * 72 / (size * (0.6 if weight == "bold" else 0.52)))
        lines = textwrap.wrap(text, chars, break_long_words=False) or [""]
        for line in lines:
            self.y -= size * 1.35 / 72
            self.fig.text(MARGIN / A4[0], self.y / A4[1], line, fontsize=size, fontweight=weight, fontstyle=style,
                          color=colour, va="bottom")
        self.y -= gap

    def lines(self, text: str, size: float = 9.5, weight: str = "normal") -> int:
        """How many lines :meth:`text` would take."""
        chars = int((A4[0] - 2 * MARGIN) * 72 / (size * (0.6 if weight == "bold" else 0.52)))
        return max(1, len(textwrap.wrap(text, chars, break_long_words=False)))

    def room(self) -> float:
        """Inches left above the footer."""
        return self.y - BOTTOM

    def columns(self, lines: list, *, size: float = 8.5) -> None:
        """Lines in two columns (the statistics), top down then the second column; a line too long
        for a column is written across the page after them, never cut."""
        width = (A4[0] - 2 * MARGIN) / 2
        chars = int(width * 72 / (size * 0.55)) - 2
        short, long = [x for x in lines if len(x) <= chars], [x for x in lines if len(x) > chars]
        half = (len(short) + 1) // 2
        top = self.y
        for k, line in enumerate(short):
            column, row = divmod(k, half)
            y = top - (row + 1) * size * 1.35 / 72
            self.fig.text((MARGIN + column * width) / A4[0], y / A4[1], line, fontsize=size, va="bottom")
        self.y = top - half * size * 1.35 / 72
        for line in long:
            self.text(line, size=size, gap=0.0)
        self.y -= 0.06

    def heading(self, text: str) -> None:
        self.y -= 0.12
        self.text(text, size=13, weight="bold", gap=0.04)

    def rect(self, height: float, *, left: float = 1.6, right: float = 0.3):
        """Axes rectangle (figure fraction) of ``height`` inches below the cursor."""
        self.y -= height
        return [left / A4[0], self.y / A4[1], (A4[0] - left - right) / A4[0], height / A4[1]]


def _legend_rows(page: _Page, story) -> None:
    """What each group wanted: one row per group with a coloured square and plain words."""
    labels = story.decision
    pr = story.section("priorities")
    if pr.chart_data is None:
        for s in pr.sentences:
            page.text(s)
        return
    for group in dict.fromkeys(pr.chart_data["group"]):
        top = story.top_harms.get(group)
        name = "Elites" if group == "elites" else group[:1].upper() + group[1:]
        if top is None:
            colour, words = figures.HIDDEN_COLOUR, (f"{name}: not shown (fewer than "
                                                    f"{story.settings.min_count} ranked)")
        else:
            chosen = [t for t in top.split(" / ") if t in labels]
            colour = figures.CHOSEN_COLOUR if chosen else figures.OTHER_COLOUR
            words = f"{name} wanted: {top}  -  " + ("chosen" if chosen else "not chosen")
        page.y -= 0.2
        page.fig.patches.append(Rectangle((MARGIN / A4[0], page.y / A4[1]), 0.16 / A4[0], 0.14 / A4[1],
                                          transform=page.fig.transFigure, facecolor=colour, edgecolor="black",
                                          linewidth=0.5))
        page.fig.text((MARGIN + 0.25) / A4[0], page.y / A4[1], words, fontsize=10, va="bottom")
    page.y -= 0.1


def _first_page(story, info: dict) -> Figure:
    page = _Page()
    page.text(f"Community story: {story.title}", size=18, weight="bold", gap=0.05)
    page.text(story.scope, size=8, style="italic", gap=0.1, colour="#333333")
    page.heading("What was decided")
    for s in story.section("decision").sentences:
        page.text(s, size=11)
    voices = story.section("voices")
    page.heading("Who was there and who was heard")
    if voices.chart_data is not None and len(voices.chart_data):
        n = len(voices.chart_data)
        height = 0.32 * n + 0.5
        page.y -= 0.3  # room for the legend above the bars
        figures.presence_voice(voices.chart_data, hidden_text=f"hidden (fewer than {story.settings.min_count})",
                               where=info["where"], fig=page.fig, rect=page.rect(height))
        page.y -= 0.45
        page.text(voices.sentences[0], size=9.5)
    else:
        for s in voices.sentences:
            page.text(s)
    page.heading("What each group wanted, and where it landed")
    _legend_rows(page, story)
    if story.decision:
        page.text(story.section("priorities").sentences[0], size=9.5)
    page.heading("Did the elites steer the choice?")
    page.text(story.section("reading").sentences[0], size=11, weight="bold")
    page.text("This is a reason to talk with the groups whose priorities were left out; it does not prove "
              "how the decision was made.", size=9)
    _plan_summary(page, story)
    page.fig.text(MARGIN / A4[0], 0.35 / A4[1], f"{info['footer']} - page 1", fontsize=7, color="#555555")
    return page.fig


def _second_page(story, info: dict) -> Figure:
    page = _Page()
    page.text(f"{story.title}: the details", size=14, weight="bold")
    reading = story.section("reading")
    page.heading(reading.heading)
    for s in reading.sentences[1:]:
        page.text(s)
    cyc = story.section("cycles")
    page.heading(cyc.heading)
    for s in cyc.sentences:
        page.text(s)
    data = cyc.chart_data
    if data is not None and "voice_share" in data and data["cycle"].nunique() >= 2:
        figures.cycles(data, where=info["where"], fig=page.fig, rect=page.rect(2.1, left=1.0, right=1.6))
        page.y -= 0.45
    ev = story.section("evidence")
    page.heading(ev.heading)
    for s in ev.sentences:
        page.text(s, size=8.5)
    if ev.table is not None:
        page.columns([f"{row[0]}: {row[1]}" for row in ev.table.itertuples(index=False)], size=8)
    page.heading("About these numbers")
    for key in ("cpanalysis version", "Dataset", "Data fingerprint (SHA-256)", "Random seed"):
        page.text(f"{key}: {info['about'][key]}", size=8, gap=0.0)
    s = story.settings
    page.text(f"Settings: ranking method {s.ranking_method}, groups weighted by {s.ranking_weighting}, counts "
              f"below {s.min_count} hidden, significance level {s.alpha:g}, {s.n_perm} relabellings, {s.n_boot} "
              f"bootstrap resamples.", size=8)
    page.fig.text(MARGIN / A4[0], 0.35 / A4[1], f"{info['footer']} - page 2", fontsize=7, color="#555555")
    return page.fig


def _plan_summary(page: _Page, story) -> None:
    """The action plan's first sentences on page 1, as many as fit (the whole plan is on page 3)."""
    plan = story.section("actions")
    sentences = list(plan.sentences)
    if plan.table is not None and len(plan.table):
        sentences = [s for s in sentences if s.startswith(("The community itself leads", "At the last follow-up",
                                                           "The first action", "No action"))]
        sentences = [plan.sentences[0], *sentences]
        more = "The whole action plan, its timeline and each action are on page 3."
    else:
        more = ""
    needed = 0.47 + sum(page.lines(s, 9.5) for s in sentences[:1]) * 9.5 * 1.35 / 72
    if page.room() < needed:
        return
    page.heading(plan.heading)
    for s in [*sentences, more]:
        if s and page.room() >= page.lines(s, 9.5) * 9.5 * 1.35 / 72 + 0.06:
            page.text(s, size=9.5 if s != more else 8.5, style="normal" if s != more else "italic")


def _plan_page(story, info: dict) -> Figure:
    """Page 3: what the community agreed to do, the timeline of its actions and one line per action."""
    page = _Page()
    plan = story.section("actions")
    page.text(f"{story.title}: what the community agreed to do", size=14, weight="bold")
    for s in plan.sentences:
        page.text(s, size=8.5, gap=0.04)
    if plan.missing:
        page.text("Cannot be shown with the data recorded: " + "; ".join(plan.missing) + ".", size=8,
                  style="italic", colour="#6a3d00")
    # one short line per action; partners, resources and due dates are in the HTML report's table
    rows = [f"{row.action_id} (cycle {row.cycle}): {row.harm}"
            + (f" - {row.description}" if row.description not in ("withheld", "not recorded") else "")
            + f". Proposed by: {row.proposed_by}; led by: {row.lead}; {row.status} on {row.status_date}."
            for row in plan.table.itertuples(index=False)]
    line = 8 * 1.35 / 72
    needed = sum(page.lines(r, 8) * line + 0.03 for r in rows)
    data = plan.chart_data
    if data is not None and len(data):
        n = int(data["action_id"].nunique())
        # the chart gives way to the list of actions, down to a readable minimum
        height = min(0.24 * n + 0.9, max(1.4, page.room() - needed - 1.6))
        page.y -= 0.35  # the legend sits above the axes
        figures.action_timeline(data, fig=page.fig, rect=page.rect(height, left=2.35, right=0.9))
        page.y -= 0.5
        page.text(plan.alt, size=7.5, style="italic", colour="#333333")
    page.heading("Each action")
    for k, text in enumerate(rows):
        last = k == len(rows) - 1
        if page.room() < page.lines(text, 8) * line + (0.03 if last else line + 0.06):
            page.text(f"... and {len(rows) - k} more: {len(rows)} actions in all; the HTML report lists every one.",
                      size=8, style="italic")
            break
        page.text(text, size=8, gap=0.03)
    page.fig.text(MARGIN / A4[0], 0.35 / A4[1], f"{info['footer']} - page 3", fontsize=7, color="#555555")
    return page.fig


def community_pdf(data, communities, output, settings, *, analysis: dict) -> Path:
    """Write each community's story to ``output`` (a PDF): two A4 pages, and a third with the
    action plan when the community has actions."""
    from ..story import community_story
    from .provenance import report_info
    from .provenance import where_counted as _where

    about = report_info(data, settings)
    output = Path(output)
    with rc_context(_RC), PdfPages(output, metadata={"Title": "Community story", "Creator": "cpanalysis",
                                                     "CreationDate": None}) as pdf:
        for cid in communities:
            story = community_story(data, cid, analysis=analysis)
            info = {"where": _where(analysis), "about": about,
                    "footer": f"{story.title} - cpanalysis {about['cpanalysis version']} - "
                              f"data {about['Data fingerprint (SHA-256)'][:12]}"}
            pdf.savefig(_first_page(story, info))
            pdf.savefig(_second_page(story, info))
            if story.section("actions").table is not None and len(story.section("actions").table):
                pdf.savefig(_plan_page(story, info))
    return output
