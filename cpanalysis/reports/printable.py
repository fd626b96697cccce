"""The community story as a printable PDF (matplotlib's PdfPages: no system library needed).

Page 1 is for the community: what was decided, who was there and who was heard, what each group
wanted and where it landed, the reading in plain words; no p-value. Page 2: the reading's
sentences, change over cycles, the statistics, and the settings, version and data fingerprint.
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
        for row in ev.table.itertuples(index=False):
            page.text(f"{row[0]}: {row[1]}", size=8.5, gap=0.0)
    page.heading("About these numbers")
    for key in ("cpanalysis version", "Dataset", "Data fingerprint (SHA-256)", "Random seed"):
        page.text(f"{key}: {info['about'][key]}", size=8, gap=0.0)
    s = story.settings
    page.text(f"Settings: ranking method {s.ranking_method}, groups weighted by {s.ranking_weighting}, counts "
              f"below {s.min_count} hidden, significance level {s.alpha:g}, {s.n_perm} relabellings, {s.n_boot} "
              f"bootstrap resamples.", size=8)
    page.fig.text(MARGIN / A4[0], 0.35 / A4[1], f"{info['footer']} - page 2", fontsize=7, color="#555555")
    return page.fig


def community_pdf(data, communities, output, settings, *, analysis: dict) -> Path:
    """Write each community's story as two A4 pages to ``output`` (a PDF)."""
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
    return output
