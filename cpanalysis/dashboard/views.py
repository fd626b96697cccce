"""Views of the dashboard: widgets laid out, linked to a :class:`DashboardModel`. No computation here.

Each panel is a ``VBox`` subclass that takes the model, links its controls to the model's input
traits (``traitlets.link``/``dlink``) and redraws itself when the model's output traits change
(``model.observe``). Callbacks only set traits or call one model method.
"""

from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import Path

import ipywidgets as w
import pandas as pd
import traitlets as t

from .model import DashboardModel

#: Rows of the programme table shown at once (the rest: sort or filter, or export).
PAGE_ROWS = 40

CSS = """
<style>
.cp-app { font-size: 14px; max-width: 1340px; }
.cp-app h2 { margin: 4px 0 2px 0; font-size: 20px; }
.cp-table table { border-collapse: collapse; font-size: 13px; }
.cp-table th { background: #f0f0f0; text-align: left; padding: 3px 8px; position: sticky; top: 0; }
.cp-table td { padding: 2px 8px; border-bottom: 1px solid #e3e3e3; }
.cp-note { color: #444; font-size: 13px; }
.cp-reading { white-space: pre-wrap; border-left: 4px solid #0072B2; padding: 6px 10px; background: #f5f9fc; font-size: 14px; }
.cp-missing { border: 1px dashed #999; padding: 8px 12px; color: #333; background: #fafafa; }
.cp-problems { border-left: 4px solid #D55E00; padding: 6px 10px; background: #fff6f0; }
.cp-calls pre { white-space: pre-wrap; font-size: 12px; background: #f6f6f6; padding: 6px; }
</style>
"""


#: Column headings in plain words for people reading the page (exports keep the library's names).
PLAIN_HEADINGS = {
    "community_id": "community", "elite_gap": "elite gap", "decision": "first harm chosen",
    "n_attendees_unit": "attendances", "n_turns_unit": "speaking turns",
    "lowest_parity_subgroup": "heard least", "lowest_parity": "their parity", "elite_parity": "elite parity",
    "gini": "Gini", "presence_share": "share present", "voice_share_turns": "share of turns",
    "voice_share_time": "share of time", "parity_ci_low": "parity, low", "parity_ci_high": "parity, high",
    "n_attendees": "attendances", "n_turns": "turns", "silence_rate": "never spoke",
}


def plain_heading(column) -> str:
    return PLAIN_HEADINGS.get(str(column), str(column).replace("_", " "))


def table_html(table: pd.DataFrame | None, *, max_rows: int | None = None, empty: str = "Nothing to show.") -> str:
    """A DataFrame as a plain HTML table; numbers rounded for reading, hidden cells as '–'."""
    if table is None or len(table) == 0:
        return f"<p class='cp-note'>{html.escape(empty)}</p>"
    shown = table if max_rows is None else table.head(max_rows)

    def cell(value) -> str:
        try:
            if pd.isna(value):
                return "–"
        except (TypeError, ValueError):
            pass
        if isinstance(value, float):
            return f"{value:.2f}"
        return html.escape(str(value))

    head = "".join(f"<th title='{html.escape(str(c))}'>{html.escape(plain_heading(c))}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    more = "" if max_rows is None or len(table) <= max_rows else \
        f"<p class='cp-note'>Showing {max_rows} of {len(table):,} rows: sort, filter or export to see the rest.</p>"
    return f"<div class='cp-table'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{more}"


def bind_choice(model: DashboardModel, trait: str, options_trait: str, widget: w.Dropdown) -> None:
    """Link a drop-down to a model trait and its options to another trait, both ways.

    Like ``traitlets.link`` plus ``dlink`` of the options, but a value the options do not hold
    (e.g. no community matches the filters) leaves the drop-down empty instead of raising.
    """
    syncing = [False]

    def to_widget(change=None):
        if syncing[0]:
            return
        syncing[0] = True
        try:
            options = list(getattr(model, options_trait))
            if list(widget.options) != options:
                widget.options = options
            value = getattr(model, trait)
            widget.value = value if value in options else None
        finally:
            syncing[0] = False

    def to_model(change):
        if not syncing[0] and change["new"] is not None:
            setattr(model, trait, change["new"])

    model.observe(to_widget, names=[trait, options_trait])
    widget.observe(to_model, names="value")
    to_widget()


def missing_html(text: str) -> str:
    return f"<div class='cp-missing'><b>Not available yet.</b> {html.escape(text)}</div>"


class Chart(w.VBox):
    """One figure of the model (PNG bytes in ``model.figures[name]``), or a note when it is missing."""

    def __init__(self, model: DashboardModel, name: str, width: str = "auto", **kwargs):
        self.model, self.name = model, name
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", width=width, height="auto"))
        self.image.add_class(f"cp-chart-{name}")
        self.note = w.HTML()
        super().__init__([self.image, self.note], **kwargs)
        self.add_class("cp-chart")
        model.observe(self._redraw, names=["figures", "notes"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        png = self.model.figures.get(self.name)
        if png:
            if png != self.image.value:
                self.image.value = png
            self.image.layout.display = None
            self.note.value = ""
        else:
            self.image.layout.display = "none"
            note = self.model.notes.get(self.name)
            self.note.value = missing_html(note) if note else ""


class ProgrammeView(w.VBox):
    """Filters and the sortable table of communities."""

    def __init__(self, model: DashboardModel):
        self.model = model
        small = w.Layout(width="240px")
        self.district = w.Dropdown(description="District", layout=small)
        self.district.add_class("cp-district")
        self.cycle = w.Dropdown(description="Cycle", layout=small)
        self.format = w.Dropdown(description="Session format", layout=w.Layout(width="300px"),
                                 style={"description_width": "initial"})
        self.sort_by = w.Dropdown(description="Sort by", layout=small)
        self.order = w.ToggleButtons(options=[("ascending", True), ("descending", False)],
                                     style={"button_width": "90px"})
        for widget, options, trait in ((self.district, "districts", "district"), (self.cycle, "cycles", "cycle"),
                                       (self.format, "formats", "session_format"),
                                       (self.sort_by, "sort_columns", "sort_by")):
            bind_choice(model, trait, options, widget)
        t.link((model, "ascending"), (self.order, "value"))
        self.table = w.HTML()
        self.table.add_class("cp-programme-table")
        self.help = w.HTML(
            "<p class='cp-note'><b>reading</b>: the elite-dominance reading when available; "
            "<b>heard least</b>: the subgroup with the lowest parity, its share of turns over its share of "
            "those present (<b>their parity</b>: 1 = heard in proportion, 0.5 = half its fair share); "
            "<b>elite parity</b>: the same for elites (above 1 = heard more than their share); "
            "<b>Gini</b>: 0 = everyone spoke equally, 1 = one person spoke. "
            "'–' = hidden because fewer than the suppression threshold, or not recorded. "
            "Open a community in the <b>Community</b> tab.</p>")
        super().__init__([w.HBox([self.district, self.cycle, self.format]),
                          w.HBox([self.sort_by, self.order]), self.table, self.help])
        model.observe(self._redraw, names=["overview"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        self.table.value = table_html(self.model.overview, max_rows=PAGE_ROWS,
                                      empty="No community matches these filters.")


class CommunityView(w.VBox):
    """Presence vs voice, speaking concentration, rankings heatmap, alignment and the reading."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.picker = w.Dropdown(description="Community", layout=w.Layout(width="320px"))
        bind_choice(model, "community_id", "community_ids", self.picker)
        self.picker.add_class("cp-community-picker")
        self.reading = w.HTML()
        self.reading.add_class("cp-reading-box")
        self.tables = w.HTML()
        self.tables.add_class("cp-tables")
        super().__init__([
            self.picker,
            w.HBox([Chart(model, "presence_voice", layout=w.Layout(width="58%")),
                    Chart(model, "lorenz", layout=w.Layout(width="40%"))]),
            Chart(model, "heatmap"),
            w.HTML("<h3>Is the decision the elites' decision?</h3>"),
            self.reading,
            w.HBox([Chart(model, "plot_alignment"), Chart(model, "plot_counterfactual"), Chart(model, "dominance")]),
            w.HTML("<h3>Tables</h3>"), self.tables])
        model.observe(self._redraw, names=["reading", "community_tables"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        self.reading.value = f"<div class='cp-reading'>{html.escape(self.model.reading)}</div>"
        parts = []
        for name, table in self.model.community_tables.items():
            if name == "dominance" and table is not None and len(table) == 1:
                table = table.T.reset_index().set_axis(["signal", "value"], axis=1)
            parts.append(f"<h4>{html.escape(name.replace('_', ' '))}</h4>" + table_html(table, max_rows=30))
        self.tables.value = "".join(parts)


class SessionView(w.VBox):
    """One session: attendance and turns by subgroup, and the ranking made there."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.picker = w.Dropdown(description="Session", layout=w.Layout(width="320px"))
        bind_choice(model, "session_id", "session_ids", self.picker)
        self.picker.add_class("cp-session-picker")
        self.tables = w.HTML()
        super().__init__([
            w.HTML("<p class='cp-note'>Sessions of the community chosen in the Community tab, within the filters.</p>"),
            self.picker,
            w.HBox([Chart(model, "session_counts", layout=w.Layout(width="48%")),
                    Chart(model, "session_heatmap", layout=w.Layout(width="50%"))]),
            self.tables])
        model.observe(self._redraw, names=["session_tables"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        self.tables.value = "".join(
            f"<h4>{html.escape(name)}</h4>" + table_html(table, max_rows=30)
            for name, table in self.model.session_tables.items())


class SettingsView(w.VBox):
    """Researchers' settings and the library call that reproduces each figure."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.method = w.Dropdown(description="Aggregation method", style={"description_width": "initial"},
                                 layout=w.Layout(width="330px"))
        bind_choice(model, "method", "methods", self.method)
        self.method.add_class("cp-method")
        self.weighting = w.ToggleButtons(description="Weighting", options=[
            ("every ranker equal", "ranker"), ("every subgroup equal", "subgroup")],
            style={"button_width": "160px"})
        t.link((model, "weighting"), (self.weighting, "value"))
        self.threshold = w.BoundedIntText(description="Hide counts below", min=1, max=50,
                                          style={"description_width": "initial"}, layout=w.Layout(width="220px"))
        t.link((model, "threshold"), (self.threshold, "value"))
        self.thresholds = w.VBox()
        self.calls = w.HTML()
        self.calls.add_class("cp-calls")
        self.availability = w.HTML()
        super().__init__([w.HTML("<h3>Settings</h3>"), self.method, self.weighting, self.threshold,
                          w.HTML("<b>Dominance thresholds</b>"), self.thresholds,
                          w.HTML("<h3>How this was computed</h3><p class='cp-note'>Each figure and "
                                 "table is reproduced by these calls, with <code>import cpanalysis; "
                                 "data = cpanalysis.load(path)</code>.</p>"),
                          self.calls, self.availability])
        model.observe(self._redraw_calls, names=["calls"])
        model.observe(self._redraw_thresholds, names=["dominance_defaults", "availability"])
        self._redraw_calls()
        self._redraw_thresholds()

    def _redraw_calls(self, change=None) -> None:
        self.calls.value = "".join(f"<b>{html.escape(name)}</b><pre>{html.escape(code)}</pre>"
                                   for name, code in self.model.calls.items())

    def _redraw_thresholds(self, change=None) -> None:
        defaults = self.model.dominance_defaults
        if not defaults:
            self.thresholds.children = [w.HTML(missing_html(
                "The dominance thresholds appear here when cpanalysis has elite_dominance()."))]
        else:
            boxes = []
            for name, value in defaults.items():
                kind = w.IntText if isinstance(value, int) else w.FloatText
                box = kind(description=name, value=self.model.dominance_thresholds.get(name, value),
                                  style={"description_width": "initial"})
                box.observe(lambda change, key=name: self._set_threshold(key, change["new"]), names="value")
                boxes.append(box)
            self.thresholds.children = boxes
        rows = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>"
                       for k, v in self.model.availability.items())
        self.availability.value = f"<details><summary>Library functions found</summary><ul>{rows}</ul></details>"

    def _set_threshold(self, key, value) -> None:
        self.model.dominance_thresholds = {**self.model.dominance_thresholds, key: value}


class DataView(w.VBox):
    """Open another dataset from a path or an upload; problems listed as a table."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.path = w.Text(placeholder="/path/to/folder-of-csv or workbook.xlsx", description="Path",
                           layout=w.Layout(width="560px"))
        self.open_button = w.Button(description="Open", button_style="primary")
        self.open_button.on_click(lambda _: model.load_path(self.path.value))
        self.upload = w.FileUpload(accept=".zip,.csv,.xlsx", multiple=True, description="Upload files")
        self.upload.add_class("cp-upload")
        self.upload.observe(self._uploaded, names="value")
        self.problems = w.HTML()
        self.problems.add_class("cp-problems-box")
        super().__init__([
            w.HTML("<p class='cp-note'>A folder of CSV files, an .xlsx workbook (one sheet per table), "
                   "or upload a .zip of CSV files, an .xlsx file, or several .csv files. Your files are "
                   "only read; uploads are unpacked into a temporary folder.</p>"),
            w.HBox([self.path, self.open_button]), self.upload, self.problems])
        model.observe(self._redraw, names=["problems"])
        self._redraw()

    def _uploaded(self, change) -> None:
        files = [(f["name"], f["content"]) for f in change["new"]]
        if files:
            self.model.load_upload(files)

    def _redraw(self, change=None) -> None:
        problems = self.model.problems
        if problems is None or len(problems) == 0:
            self.problems.value = ""
            return
        shown = problems.drop(columns=[c for c in ("more_rows",) if c in problems and not problems[c].any()])
        self.problems.value = (f"<div class='cp-problems'><b>{len(problems)} problem(s) found.</b> "
                               "Fix them in your files and open them again.</div>" + table_html(shown))


class ExportView(w.VBox):
    """Export the current tables (CSV, Excel) and figures (PNG); links to download them."""

    def __init__(self, model: DashboardModel):
        self.model = model
        buttons = []
        for label, kind in (("Tables as CSV", "csv"), ("Tables as Excel", "xlsx"), ("Figures as PNG", "png")):
            button = w.Button(description=label, layout=w.Layout(width="180px"))
            button.on_click(lambda _, kind=kind: model.export(kind))
            buttons.append(button)
        self.links = w.HTML()
        self.links.add_class("cp-export-links")
        super().__init__([
            w.HTML("<p class='cp-note'>Exports hold what is on screen for the chosen community and "
                   "session, and the programme table; small counts are hidden as on screen.</p>"),
            w.HBox(buttons), self.links])
        model.observe(self._redraw, names=["exported"])

    def _redraw(self, change=None) -> None:
        links = []
        for path in map(Path, self.model.exported):
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            links.append(f"<li><a class='cp-download' download='{html.escape(path.name)}' "
                         f"href='data:{mime};base64,{data}'>{html.escape(path.name)}</a> "
                         f"<span class='cp-note'>(saved in {html.escape(str(path.parent))})</span></li>")
        self.links.value = "<ul>" + "".join(links) + "</ul>"


class DashboardView(w.VBox):
    """The whole app: a header with the dataset and status, and one tab per view."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.status = w.HTML()
        self.status.add_class("cp-status")
        self.tabs = w.Tab(children=[ProgrammeView(model), CommunityView(model), SessionView(model),
                                    SettingsView(model), DataView(model), ExportView(model)])
        for i, title in enumerate(("Programme", "Community", "Session", "Settings & method",
                                   "Another dataset", "Export")):
            self.tabs.set_title(i, title)
        super().__init__([w.HTML(CSS + "<h2>Community planning: who was there, who was heard</h2>"),
                          self.status, self.tabs])
        self.add_class("cp-app")
        model.observe(self._redraw, names=["status"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        self.status.value = f"<p class='cp-note cp-status-text'>{html.escape(self.model.status)}</p>"
