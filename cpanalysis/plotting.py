"""Shared drawing helpers: one style, one colour per subgroup, one way to label bars and mark hidden
values, and figures as sharp inline SVG (with alt text and hover values) or print-resolution PNG.

Every plot of the library (``inclusion.plots``, ``rankings.plots``, ``dominance.plots``) and the
dashboard and report draw through these, so a subgroup has the same colour everywhere and
presence and voice keep theirs. Nothing here changes matplotlib's global settings: the style is
applied with :func:`style` (a ``matplotlib.rc_context``) around the drawing, and matplotlib itself
is imported only when a figure is made.

Colours are Okabe & Ito's (2008) palette, safe for the common colour-vision deficiencies; no
reading relies on colour alone (bars also carry hatching and written values).
"""

from __future__ import annotations

import html
import io
import re
import weakref
import zlib
from typing import Any, Iterable, Sequence

import numpy as np

from .settings import Settings

__all__ = ["OKABE_ITO", "SUBGROUP_COLOURS", "MEASURE_COLOURS", "MEASURE_HATCHES", "STYLE", "style", "subgroup_colour",
           "subgroup_colours", "new_axes", "label_bars", "mark_hidden", "legend_outside", "describe", "alt_text",
           "hover", "figure_to_svg", "figure_to_png", "finite", "percent", "join_words",
           "MARKERS", "LINESTYLES"]

#: Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish green, yellow, blue,
#: vermillion, reddish purple, black.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

#: One colour per subgroup, the same in every chart of the library, the dashboard and the report.
SUBGROUP_COLOURS: dict[str, str] = {
    "girls": "#CC79A7", "boys": "#56B4E9", "women": "#E69F00", "men": "#0072B2", "elders": "#009E73",
    "elites": "#D55E00", "marginalised": "#F0E442", "unknown": "#999999",
}

#: Colours (and hatches) of the measures drawn side by side.
MEASURE_COLOURS: dict[str, str] = {"presence": "#56B4E9", "voice": "#E69F00", "elite": "#D55E00",
                                   "other": "#0072B2", "neutral": "#999999"}
MEASURE_HATCHES: dict[str, str | None] = {"presence": "//", "voice": None, "elite": "///", "other": None}

#: The style every plot is drawn in (applied with :func:`style`, never globally). Text in SVG
#: stays text (``svg.fonttype: none``): sharp at any zoom, searchable, and small.
STYLE: dict[str, Any] = {
    "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9,
    "legend.fontsize": 9, "legend.frameon": False, "axes.spines.top": False, "axes.spines.right": False,
    "svg.fonttype": "none", "svg.hashsalt": "cpanalysis", "figure.dpi": 100, "hatch.linewidth": 0.6,
}

#: Markers and line styles that tell lines apart without colour.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
LINESTYLES = ("-", "--", "-.", ":")

_ALT: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
_HOVER: "weakref.WeakKeyDictionary[Any, dict[str, str]]" = weakref.WeakKeyDictionary()


def style():
    """A context in which the library's style applies (``matplotlib.rc_context``); global settings stay.

    Examples
    --------
    >>> import matplotlib
    >>> before = matplotlib.rcParams["svg.fonttype"]
    >>> with style():
    ...     inside = matplotlib.rcParams["svg.fonttype"]
    >>> inside, matplotlib.rcParams["svg.fonttype"] == before
    ('none', True)
    """
    import matplotlib

    return matplotlib.rc_context(STYLE)


def subgroup_colour(name) -> str:
    """The colour of a subgroup: from :data:`SUBGROUP_COLOURS`, else a stable pick of the palette.

    Intersections (``"female|child|elite"``) and other names get the same colour in every chart
    (chosen from the name's checksum, not from the order of the chart).

    Examples
    --------
    >>> subgroup_colour("girls"), subgroup_colour("girls") == subgroup_colour("girls")
    ('#CC79A7', True)
    """
    key = str(name)
    if key in SUBGROUP_COLOURS:
        return SUBGROUP_COLOURS[key]
    return OKABE_ITO[zlib.crc32(key.encode()) % len(OKABE_ITO)]


def subgroup_colours(names: Iterable) -> list[str]:
    """:func:`subgroup_colour` of each name.

    Examples
    --------
    >>> subgroup_colours(["men", "women"])
    ['#0072B2', '#E69F00']
    """
    return [subgroup_colour(n) for n in names]


def new_axes(ax=None, figsize=None):
    """``ax`` itself, or the Axes of a new figure: never the current Axes of another plot.

    Parameters
    ----------
    ax : matplotlib Axes, optional
    figsize : (float, float), optional
        Size in inches of the new figure.

    Returns
    -------
    matplotlib Axes
        A new figure is made with pyplot (so notebooks show it) and a constrained layout (so
        legends and labels outside the plot are kept inside the picture).

    Examples
    --------
    >>> a, b = new_axes(), new_axes()
    >>> a.figure is not b.figure, new_axes(a) is a
    (True, True)
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    with style():
        fig = plt.figure(figsize=figsize, layout="constrained")
        return fig.add_subplot()


def finite(values) -> np.ndarray:
    """Values as floats, with pandas' missing values (hidden cells) as NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> finite(pd.array([1, None], dtype="Int64")).tolist()
    [1.0, nan]
    """
    import pandas as pd

    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def label_bars(ax, positions, values, texts=None, *, horizontal=False, fmt="{:.2f}", span=None, **kwargs):
    """Write each bar's value at its end (the one way bars are labelled).

    Parameters
    ----------
    ax : matplotlib Axes
    positions : sequence of float
        The bars' centres (x for vertical bars, y for horizontal ones).
    values : sequence of float
        The bars' lengths; a missing value is labelled at 0.
    texts : sequence of str, optional
        The labels; ``fmt`` of each value by default.
    horizontal : bool, default False
    fmt : str, default ``"{:.2f}"``
    span : float, optional
        The axis length the offset is a share of (the largest value by default).
    **kwargs
        Passed to ``ax.text``.

    Returns
    -------
    list of matplotlib Text
        One label per bar.

    Examples
    --------
    >>> ax = new_axes()
    >>> _ = ax.bar([0, 1], [0.2, 0.5])
    >>> [t.get_text() for t in label_bars(ax, [0, 1], [0.2, 0.5], fmt="{:.0%}")]
    ['20%', '50%']
    """
    values = finite(values)
    if texts is None:
        texts = ["" if np.isnan(v) else fmt.format(v) for v in values]
    top = span if span is not None else (np.nanmax(np.concatenate([values, [0.0]])) or 1.0)
    offset = 0.015 * (top if np.isfinite(top) and top > 0 else 1.0)
    options = {"fontsize": 8, **kwargs}
    out = []
    for p, v, text in zip(positions, values, texts):
        end = (0.0 if np.isnan(v) else v) + offset
        if horizontal:
            out.append(ax.text(end, p, text, va="center", ha="left", **options))
        else:
            out.append(ax.text(p, end, text, va="bottom", ha="center", **options))
    return out


def mark_hidden(ax, positions, values, settings: Settings | None = None, *, horizontal=False, span=None):
    """Write "hidden (fewer than N)" where a value was hidden (missing), the one hidden marker.

    Parameters
    ----------
    ax : matplotlib Axes
    positions : sequence of float
        Where the bars of the values stand.
    values : sequence
        The (suppressed) values; the missing ones get the marker.
    settings : Settings, optional
        ``min_count`` gives N.
    horizontal : bool, default False
    span : float, optional
        As in :func:`label_bars`.

    Returns
    -------
    list of matplotlib Text
        One marker per hidden value (none when nothing is hidden).

    Examples
    --------
    >>> ax = new_axes()
    >>> [t.get_text() for t in mark_hidden(ax, [0, 1], [0.4, None])]
    ['hidden (fewer than 5)']
    """
    from .inclusion.suppression import hidden_text

    values = finite(values)
    text = hidden_text(settings)
    hidden = [p for p, v in zip(positions, values) if np.isnan(v)]
    return label_bars(ax, hidden, [0.0] * len(hidden), [text] * len(hidden), horizontal=horizontal,
                      span=span, style="italic", color="0.3")


def legend_outside(ax, *, ncol: int | None = None, handles=None, **kwargs):
    """A legend above the plot area, left-aligned, so it never covers bars or their labels.

    ``handles``: artists to show (for example proxy lines); the labelled artists of ``ax`` by default.

    Returns
    -------
    matplotlib Legend, or None when nothing is labelled

    Examples
    --------
    >>> ax = new_axes()
    >>> _ = ax.plot([0, 1], label="a")
    >>> legend_outside(ax).get_bbox_to_anchor() is not None
    True
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [h.get_label() for h in handles]
    if not handles:
        return None
    options = {"loc": "lower left", "bbox_to_anchor": (0.0, 1.02), "ncol": ncol or min(len(labels), 3),
               "frameon": False, "fontsize": 8, "borderaxespad": 0.0, **kwargs}
    return ax.legend(handles, labels, **options)


def describe(ax, text: str):
    """Record the one-line description (alt text) of the chart drawn on ``ax``; returns ``ax``.

    Examples
    --------
    >>> alt_text(describe(new_axes(), "Bars of presence by subgroup."))
    'Bars of presence by subgroup.'
    """
    _ALT[ax] = " ".join(str(text).split())
    return ax


def alt_text(chart) -> str:
    """The one-line description of a chart (an Axes or a Figure), for alt text and screen readers.

    The text the plot function recorded (:func:`describe`); otherwise one made from the titles
    and axis labels.

    Parameters
    ----------
    chart : matplotlib Axes or Figure

    Returns
    -------
    str

    Examples
    --------
    >>> ax = new_axes()
    >>> _ = ax.set_title("Turns"), ax.set_xlabel("cycle")
    >>> alt_text(ax)
    'Chart: Turns; x: cycle.'
    """
    axes = chart.get_axes() if hasattr(chart, "get_axes") else [chart]
    parts = []
    for ax in axes:
        if ax in _ALT:
            parts.append(_ALT[ax])
            continue
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        bits = [b for b in (ax.get_title(), ax.get_xlabel() and f"x: {ax.get_xlabel()}",
                            ax.get_ylabel() and f"y: {ax.get_ylabel()}") if b]
        if bits:
            parts.append("Chart: " + "; ".join(bits) + ".")
    return " ".join(parts) or "Chart."


def hover(artist, text: str):
    """Show ``text`` when the pointer rests on ``artist`` in the SVG of :func:`figure_to_svg`.

    Returns
    -------
    the artist

    Examples
    --------
    >>> ax = new_axes()
    >>> bar = ax.bar([0], [0.4])[0]
    >>> "<title>girls: 40%</title>" in figure_to_svg(hover(bar, "girls: 40%").figure)
    True
    """
    fig = artist.get_figure()
    table = _HOVER.setdefault(fig, {})
    gid = f"cp-hover-{len(table) + 1}"
    artist.set_gid(gid)
    table[gid] = str(text)
    return artist


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(fig, "number", -1)):
        plt.close(fig)


def figure_to_svg(fig, alt: str | None = None, *, description: str | None = None, close: bool = False) -> str:
    """The figure as inline SVG: sharp at any size, text kept as text, with alt text and hover values.

    Parameters
    ----------
    fig : matplotlib Figure
    alt : str, optional
        The short alternative text (``<title>``); :func:`alt_text` of the figure by default.
    description : str, optional
        A longer description (``<desc>``); the alt text by default.
    close : bool, default False
        Close the figure afterwards (free its memory in long-running dashboards).

    Returns
    -------
    str
        An ``<svg>`` element (no XML prolog) with ``role="img"``, ``aria-labelledby`` pointing at
        its ``<title>`` and ``<desc>``, a ``viewBox`` and ``width="100%"`` (it scales with its
        container, up to its natural width), and a ``<title>`` in every element marked with
        :func:`hover`. Deterministic: the same figure gives the same text (no date, fixed ids).

    Examples
    --------
    >>> ax = describe(new_axes(), "Two bars.")
    >>> _ = ax.bar([0, 1], [1, 2])
    >>> svg = figure_to_svg(ax.figure)
    >>> svg.startswith("<svg") and "<title id=" in svg and "Two bars." in svg
    True
    """
    alt = " ".join((alt if alt is not None else alt_text(fig)).split())
    description = " ".join((description or alt).split())
    buffer = io.StringIO()
    with style():
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    ident = f"cp-{zlib.crc32((alt + svg).encode()):08x}"
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    width = re.search(r'width="([\d.]+)pt"', head)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    natural = f' style="max-width:{width.group(1)}pt;height:auto"' if width else ""
    head = head[:-1] + (f' width="100%"{natural} role="img" aria-labelledby="{ident}-title {ident}-desc">')
    svg = (head + f'<title id="{ident}-title">{html.escape(alt)}</title>'
           f'<desc id="{ident}-desc">{html.escape(description)}</desc>' + svg[head_end:])
    for gid, text in _HOVER.get(fig, {}).items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{html.escape(text)}</title>', 1)
    if close:
        _close(fig)
    return svg


def figure_to_png(fig, *, dpi: int = 200, alt: str | None = None, close: bool = False) -> bytes:
    """The figure as PNG bytes at print resolution, with its alt text in the file's metadata.

    Parameters
    ----------
    fig : matplotlib Figure
    dpi : int, default 200
    alt : str, optional
        Stored as the PNG's ``Title`` and ``Description``; :func:`alt_text` by default.
    close : bool, default False

    Returns
    -------
    bytes

    Examples
    --------
    >>> ax = new_axes(figsize=(2, 1))
    >>> png = figure_to_png(ax.figure, dpi=200)
    >>> png[:4] == b"\\x89PNG"
    True
    """
    alt = " ".join((alt if alt is not None else alt_text(fig)).split())
    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight",
                    metadata={"Title": alt, "Description": alt, "Software": None})
    if close:
        _close(fig)
    return buffer.getvalue()


def percent(value, digits: int = 0) -> str:
    """``"42%"``, or ``"hidden"`` for a missing value (a share hidden by suppression)."""
    v = finite([value])[0]
    return "hidden" if np.isnan(v) else f"{100 * v:.{digits}f}%"


def join_words(items: Sequence[str]) -> str:
    """``"a, b and c"`` (for alt texts)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
