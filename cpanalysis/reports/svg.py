"""Small hand-written SVG charts for the HTML report: crisp at any zoom, a few kilobytes each.

The same colours and hatches as the dashboard and the PDF (:mod:`cpanalysis.reports.figures`);
values are written beside every bar or in every cell, so no reading depends on colour alone.
Each chart is an ``<svg role="img">`` with an ``aria-label`` and a ``<title>`` holding its alt text.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .figures import CHOSEN_COLOUR, HIDDEN_COLOUR, LINE_COLOURS, OTHER_COLOUR, PRESENCE_COLOUR, VOICE_COLOUR

FONT = "font-family:system-ui,Arial,sans-serif"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _label(group: str) -> str:
    return "Elites" if group == "elites" else str(group)[:1].upper() + str(group)[1:]


def _svg(width: float, height: float, alt: str, body: list, uid: str) -> str:
    defs = ('<style>.cp-cell{stroke:#999;stroke-width:.5}</style>'
            f'<defs><pattern id="{uid}-h" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{PRESENCE_COLOUR}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1" opacity=".45"/></pattern>'
            f'<pattern id="{uid}-d" width="5" height="5" patternUnits="userSpaceOnUse">'
            f'<rect width="5" height="5" fill="{VOICE_COLOUR}"/><circle cx="2.5" cy="2.5" r=".9" fill="#000" '
            f'opacity=".45"/></pattern></defs>')
    return (f'<svg role="img" aria-label="{_e(alt)}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" style="{FONT};font-size:12px" dominant-baseline="middle">'
            f"<title>{_e(alt)}</title>{defs}{''.join(body)}</svg>")


def _text(x, y, text, *, anchor="start", weight="normal", size=12, style="normal") -> str:
    # only what differs from the defaults set on the <svg> element, to keep pages small
    extra = "".join(f' {name}="{value}"' for name, value, default in
                    (("text-anchor", anchor, "start"), ("font-weight", weight, "normal"),
                     ("font-size", size, 12), ("font-style", style, "normal")) if value != default)
    return f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{_e(text)}</text>'


def _pct(v) -> str:
    return f"{100 * float(v):.0f}%"


def presence_voice(data: pd.DataFrame, alt: str, *, hidden_text: str, where: str, uid: str) -> str:
    """Paired bars per group: share of the people present (hatched blue), of the turns (dotted orange)."""
    left, bar_w, row = 110, 380, 44
    n = len(data)
    top = 34
    height = top + row * n + 30
    pres = pd.to_numeric(data["presence_share"], errors="coerce").astype(float).to_numpy()
    voice = pd.to_numeric(data["voice_share"], errors="coerce").astype(float).to_numpy()
    scale = max(0.05, float(np.nanmax(np.r_[pres, voice, 0.0])))
    body = [f'<rect x="{left}" y="6" width="14" height="12" fill="url(#{uid}-h)" stroke="#000" stroke-width=".5"/>',
            _text(left + 20, 12, "share of the people present"),
            f'<rect x="{left + 210}" y="6" width="14" height="12" fill="url(#{uid}-d)" stroke="#000" '
            f'stroke-width=".5"/>', _text(left + 230, 12, "share of the speaking turns")]
    for k, (g, hid) in enumerate(zip(data["group"], data["hidden"].astype(bool))):
        y = top + row * k
        body.append(_text(left - 8, y + row / 2 - 4, _label(g), anchor="end", weight="bold"))
        if hid:
            body.append(_text(left + 4, y + row / 2 - 4, hidden_text, style="italic"))
            continue
        for j, (v, fill) in enumerate(((pres[k], f"url(#{uid}-h)"), (voice[k], f"url(#{uid}-d)"))):
            yy = y + 3 + j * 18
            w = 0 if np.isnan(v) else bar_w * v / scale
            body.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="15" fill="{fill}" stroke="#000" '
                        f'stroke-width=".5"/>')
            body.append(_text(left + w + 5, yy + 8, "not recorded" if np.isnan(v) else _pct(v), size=11))
    body.append(f'<line x1="{left}" y1="{top - 2}" x2="{left}" y2="{top + row * n}" stroke="#333"/>')
    body.append(_text(left, height - 10, f"Counted at {where}.", size=11, style="italic"))
    return _svg(left + bar_w + 70, height, alt, body, uid)


def priorities_chart(data: pd.DataFrame, alt: str, *, hidden_text: str, uid: str) -> str:
    """Harms x groups: each group's rank of the harm in the cell; its top priority filled (green when
    the community chose it, orange when not); chosen harms named first, in bold."""
    groups = list(dict.fromkeys(data["group"]))
    harms = (data.assign(p=data["decision_priority"].astype("Float64").fillna(99))
             .groupby(["harm_id", "harm"], sort=False)["p"].min().reset_index().sort_values(["p", "harm"]))
    longest = max((len(str(l)) + (11 if p < 99 else 0) for l, p in zip(harms["harm"], harms["p"])), default=10)
    left, cw, rh, top = max(160, int(6.4 * longest) + 24), 64, 24, 30
    width, height = max(left + cw * len(groups) + 10, 620), top + rh * len(harms) + 46
    cells = data.set_index(["harm_id", "group"])
    body = [_text(left + cw * j + cw / 2, top - 12, _label(g), anchor="middle", weight="bold", size=11)
            for j, g in enumerate(groups)]
    for i, (h, label, p) in enumerate(zip(harms["harm_id"], harms["harm"], harms["p"])):
        y = top + rh * i
        body.append(_text(left - 8, y + rh / 2, (f"{label} (chosen {int(p)})" if p < 99 else label), anchor="end",
                          weight="bold" if p < 99 else "normal", size=11))
        for j, g in enumerate(groups):
            row = cells.loc[(h, g)] if (h, g) in cells.index else None
            hid = row is None or bool(row["hidden"])
            rank = None if hid or pd.isna(row["rank"]) else int(row["rank"])
            fill = HIDDEN_COLOUR if hid else (CHOSEN_COLOUR if rank == 1 and bool(row["in_decision"])
                                              else VOICE_COLOUR if rank == 1 else "#ffffff")
            body.append(f'<rect x="{left + cw * j + 1}" y="{y + 1}" width="{cw - 2}" height="{rh - 2}" '
                        f'fill="{fill}" class="cp-cell"/>')
            body.append(_text(left + cw * j + cw / 2, y + rh / 2, "-" if hid else str(rank), anchor="middle",
                              weight="bold" if rank == 1 else "normal", size=11))
    note = "Numbers: each group's rank of the harm (1 = its top priority; green = chosen, orange = not chosen)."
    body.append(_text(10, height - 30, note, size=11, style="italic"))
    if any(data["hidden"].astype(bool)):
        body.append(_text(10, height - 12, f"'-': {hidden_text}.", size=11, style="italic"))
    return _svg(width, height, alt, body, uid)


def cycles(data: pd.DataFrame, alt: str, *, where: str, uid: str) -> str:
    """Each group's share of the speaking turns, cycle by cycle (hidden points left out)."""
    cycles_ = sorted(int(c) for c in data["cycle"].dropna().unique())
    left, plot_w, plot_h, top = 50, 380, 180, 14
    voice = pd.to_numeric(data["voice_share"], errors="coerce").astype(float)
    ymax = max(0.1, float(np.nanmax(np.r_[voice.to_numpy(), 0.0])) * 1.1)
    x = {c: left + plot_w * (i / max(1, len(cycles_) - 1)) for i, c in enumerate(cycles_)}
    y = lambda v: top + plot_h * (1 - v / ymax)  # noqa: E731
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>']
    for t in np.linspace(0, ymax, 4):
        body.append(_text(left - 6, y(t), _pct(t), anchor="end", size=10))
    for c in cycles_:
        body.append(_text(x[c], top + plot_h + 14, f"cycle {c}", anchor="middle", size=11))
    legend_x = left + plot_w + 30
    for k, (g, part) in enumerate(data.groupby("group", sort=False)):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        pts = [(x[int(c)], y(float(v))) for c, v in zip(part["cycle"], pd.to_numeric(part["voice_share"],
                                                                                    errors="coerce"))
               if not pd.isna(v)]
        dash = "" if k % 2 == 0 else ' stroke-dasharray="5 3"'
        wid = 3 if g == "girls" else 1.6
        if len(pts) >= 2:
            body.append(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}" fill="none" '
                        f'stroke="{colour}" stroke-width="{wid}"{dash}/>')
        body += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3.5" fill="{colour}"/>' for a, b in pts]
        body.append(f'<line x1="{legend_x}" y1="{top + 16 * k + 6}" x2="{legend_x + 22}" y2="{top + 16 * k + 6}" '
                    f'stroke="{colour}" stroke-width="{wid}"{dash}/>')
        body.append(_text(legend_x + 28, top + 16 * k + 6, _label(g) + ("" if pts else " (hidden)"), size=11))
    body.append(_text(left, top + plot_h + 34, f"Share of the speaking turns at {where}.", size=11, style="italic"))
    return _svg(legend_x + 130, top + plot_h + 44, alt, body, uid)


def overview_chart(table: pd.DataFrame, alt: str, *, hidden_text: str, uid: str) -> str:
    """Communities x groups: was the group's top priority part of the decision (yes / no / hidden)?"""
    groups = list(dict.fromkeys(table["subgroup"]))
    comms = list(dict.fromkeys(table["Community"]))
    left, cw, rh, top = 200, 66, 22, 28
    cells = table.set_index(["Community", "subgroup"])
    body = [_text(left + cw * j + cw / 2, top - 12, _label(g), anchor="middle", weight="bold", size=11)
            for j, g in enumerate(groups)]
    for i, c in enumerate(comms):
        yy = top + rh * i
        body.append(_text(left - 8, yy + rh / 2, c, anchor="end", size=11))
        for j, g in enumerate(groups):
            v = cells.loc[(c, g), "top_harm_in_decision"] if (c, g) in cells.index else pd.NA
            fill, word = ((CHOSEN_COLOUR, "yes") if v is True else (OTHER_COLOUR, "no") if v is False
                          else (HIDDEN_COLOUR, "-"))
            body.append(f'<rect x="{left + cw * j + 1}" y="{yy + 1}" width="{cw - 2}" height="{rh - 2}" '
                        f'fill="{fill}" class="cp-cell"/>')
            body.append(_text(left + cw * j + cw / 2, yy + rh / 2, word, anchor="middle", size=11))
    height = top + rh * len(comms) + 28
    body.append(_text(10, height - 12, f"yes / no: the group's top priority was / was not chosen; '-': {hidden_text}.",
                      size=11, style="italic"))
    return _svg(max(left + cw * len(groups) + 10, 560), height, alt, body, uid)
