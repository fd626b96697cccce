"""Stories rendered as one self-contained HTML page (no script, no external URL, inline SVG charts)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ..settings import settings_table
from ..story.model import LEVEL_MEANINGS
from . import figures, svg

#: Plain headings for the story tables whose columns are named for code (the actions section's).
HEADINGS = {"action_id": "Action", "cycle": "Cycle", "harm": "Harm", "proposed_by": "Proposed by",
            "lead": "Led by", "partners": "Partners", "resources": "Resources", "agreed": "Agreed on",
            "due_date": "Due", "status": "Status", "status_date": "Status seen on",
            "description": "What will be done"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:62rem;margin:0 auto;
padding:1rem 1.5rem;line-height:1.45;color:#111;overflow-wrap:normal;word-break:normal;hyphens:none}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-top:3px solid #0072B2;padding-top:.6rem;margin-top:2.2rem}
h3{margin-bottom:.3rem}.meta{color:#444;font-size:.9rem}.scope{color:#333;font-size:.92rem;font-style:italic}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f0f0f0}td{white-space:normal}
figure{margin:.8rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#333}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:.8rem;font-weight:600;font-size:.85rem;
border:1px solid #333;white-space:nowrap}
.b-clear-sign{background:#D55E00;color:#fff}.b-some-sign{background:#E69F00;color:#000}
.b-no-sign{background:#009E73;color:#fff}.b-cannot-tell{background:#ddd;color:#000}
.missing{color:#6a3d00;font-size:.9rem}details{margin:.6rem 0}summary{cursor:pointer;font-weight:600}
.community p{margin:.3rem 0}table.communities td:first-child{white-space:nowrap}
.headlines li{font-size:1.05rem;margin:.2rem 0}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}
@media print{h2{page-break-before:always}body{max-width:none}}
"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def badge(level: str) -> str:
    """A reading level as a labelled badge (its meaning in the title)."""
    return (f'<span class="badge b-{esc(level.replace(" ", "-"))}" title="{esc(LEVEL_MEANINGS.get(level, ""))}">'
            f"{esc(level)}</span>")


def table_html(frame: pd.DataFrame | None, caption: str = "") -> str:
    """A small table with its headings as they are (already plain words) and no index."""
    if frame is None or not len(frame):
        return ""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
                   for row in frame.astype(str).itertuples(index=False))
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def chart_svg(section, settings, voice_where: str, uid_prefix: str = "c") -> str:
    """The section's chart as an inline SVG figure with its alt text, or '' when it has none."""
    data = section.chart_data
    if section.chart is None or data is None or not len(data):
        return ""
    hidden = f"hidden (fewer than {settings.min_count})"
    uid = f"{uid_prefix}-{section.key}"
    if section.chart == "presence_voice":
        picture = svg.presence_voice(data, section.alt, hidden_text=hidden, where=voice_where, uid=uid)
    elif section.chart == "priorities":
        picture = svg.priorities_chart(data, section.alt, hidden_text=hidden, uid=uid)
    elif section.chart == "cycles":
        if data["cycle"].nunique() < 2 or "voice_share" not in data:
            return ""
        picture = svg.cycles(data, section.alt, where=voice_where, uid=uid)
    elif section.chart == "action_timeline":
        picture = figures.to_svg(figures.action_timeline(data), section.alt)
    else:
        return ""
    return f"<figure>{picture}<figcaption>{esc(section.alt)}</figcaption></figure>"


def community_block(story, settings, voice_where: str, *, heading_level: int = 2, evidence_open=False) -> str:
    h, sub = f"h{heading_level}", f"h{heading_level + 1}"
    parts = [f'<section class="community" id="community-{esc(story.community_id)}" '
             f'data-community="{esc(story.community_id)}" data-level="{esc(story.level)}">',
             f"<{h}>{esc(story.title)} {badge(story.level)}</{h}>",
             f'<p class="scope">{esc(story.scope)}</p>']
    for section in story.sections:
        body = [f"<p>{esc(s)}</p>" for s in section.sentences]
        if section.missing:
            body.append('<p class="missing">Cannot be shown with the data recorded: '
                        f"{esc('; '.join(section.missing))}.</p>")
        chart = chart_svg(section, settings, voice_where, f"c-{story.community_id}")
        table = section.table.rename(columns=HEADINGS) if section.key == "actions" and section.table is not None \
            else section.table
        block = "".join(body) + chart + table_html(table)
        if section.key == "evidence":
            parts.append(f'<details{" open" if evidence_open else ""} data-section="evidence"><summary>'
                         f"{esc(section.heading)}</summary>{block}</details>")
        else:
            parts.append(f'<div data-section="{esc(section.key)}"><{sub}>{esc(section.heading)}</{sub}>{block}</div>')
    parts.append("</section>")
    return "".join(parts)


def about_block(settings, info: dict) -> str:
    table = settings_table(settings)[["label", "value", "default", "meaning"]]
    table.columns = ["Setting", "Value", "Default", "Meaning"]
    rows = "".join(f"<tr><th scope='row'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in info.items())
    warn = ""
    if settings.min_count < 5:
        warn = (f"<p class='missing'>Counts of people from {settings.min_count} to 4 are shown in this report: the "
                f"threshold was lowered below 5 on purpose.</p>")
    return ("<h2 id='about'>About these numbers</h2>" + warn +
            f"<table class='about'><tbody>{rows}</tbody></table>" + table_html(table, "Settings used"))


def glossary_block(glossary: dict) -> str:
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in glossary.items())
    return f"<h2 id='glossary'>Words used</h2><dl>{items}</dl>"


def page(title: str, body: str) -> str:
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")


def dataset_label(data) -> str:
    """The dataset's name without any folder path (a report may leave the organisation)."""
    source = getattr(data, "source", None) or "(in memory)"
    return Path(str(source)).name if source and not str(source).startswith("(") else str(source)
