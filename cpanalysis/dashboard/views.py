"""Views of the dashboard: widgets laid out, linked to a :class:`DashboardModel`. No computation here.

Each region (overview, community, session) re-renders when the model's outputs change; while the
model recomputes a region, the region's HTML carries ``aria-busy="true"`` and is dimmed
(``cp-stale``), so people, screen readers and tests see that it is being redrawn.
"""

from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import Path

import ipywidgets as w
import pandas as pd
import traitlets as t

from .action_view import shown_tables
from .community import GLOSSARY
from .model import DashboardModel
from .overview import COLUMNS, badge
from .places import CODES_ONLY_LABEL
from .settings_form import SAFE_MIN_COUNT, choices, setting_rows

#: Rows of the programme table shown at once (the rest: filter, sort or export).
PAGE_ROWS = 40

CSS = """
<style>
.cp-app { font-size: 15px; max-width: 1320px; line-height: 1.4; }
.cp-app h2 { margin: 4px 0 2px 0; font-size: 21px; }
.cp-app h3 { font-size: 17px; margin: 12px 0 4px 0; }
.cp-panel[aria-busy="true"], .cp-stale { opacity: 0.45; transition: opacity 0.2s; }
.cp-busy-note { display: none; }
.cp-panel[aria-busy="true"] .cp-busy-note { display: inline; color: #8a4b00; font-weight: bold; }
.cp-svg { width: 100%; height: auto; max-width: 760px; display: block; }
.cp-wide .cp-svg { max-width: 1000px; }
.cp-chart-priorities .cp-svg, .cp-chart-lorenz .cp-svg { max-width: 520px; }
.cp-headlines li { font-size: 16px; margin: 2px 0; }
.cp-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: bold;
            border: 1px solid #333; white-space: nowrap; }
.cp-programme-table .cp-badge { white-space: normal; overflow-wrap: normal; }  /* wraps between words in its column */
.cp-badge-clear { background: #D55E00; color: white; }
.cp-badge-some { background: #F0E442; color: black; }
.cp-badge-none { background: #e8f4ee; color: black; }
.cp-badge-unknown { background: #eeeeee; color: black; border-style: dashed; }
.cp-scope { color: #444; font-size: 13px; font-style: italic; }
.cp-note { color: #444; font-size: 13px; }
.cp-cell { padding: 3px 6px; border-bottom: 1px solid #e3e3e3; font-size: 13px; overflow-wrap: anywhere; }
.cp-head { font-weight: bold; background: #f0f0f0; cursor: help; }
.cp-table table { border-collapse: collapse; font-size: 13px; }
.cp-table th { background: #f0f0f0; text-align: left; padding: 3px 8px; }
.cp-table td { padding: 2px 8px; border-bottom: 1px solid #e3e3e3; }
.cp-error { color: #b00020; font-size: 13px; }
.cp-warning { border-left: 4px solid #D55E00; padding: 4px 8px; background: #fff6f0; }
.cp-problems { border-left: 4px solid #D55E00; padding: 6px 10px; background: #fff6f0; }
.cp-section { border-top: 1px solid #ddd; padding-top: 4px; }
</style>
"""


def cell_text(value) -> str:
    try:
        if pd.isna(value):
            return "–"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:.2f}"
    return html.escape(str(value))


def table_html(table: pd.DataFrame | None, *, max_rows: int | None = 30, empty: str = "Nothing to show.") -> str:
    """A DataFrame as a plain HTML table; hidden cells as '–'."""
    if table is None or len(table) == 0:
        return f"<p class='cp-note'>{html.escape(empty)}</p>"
    shown = table if max_rows is None else table.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell_text(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    return f"<div class='cp-table'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"


def badge_html(level) -> str:
    words, css, _ = badge(level)
    return f"<span class='cp-badge {css}' title='{html.escape(str(level))}'>{html.escape(words)}</span>"


def panel(region: str, busy: bool, inner: str, extra_class: str = "") -> str:
    return (f"<section class='cp-panel {extra_class}' data-region='{region}' aria-busy='{str(busy).lower()}'>"
            f"<span class='cp-busy-note' role='status'>Updating…</span>{inner}</section>")


def codes_note(model: DashboardModel) -> str:
    """The codes-only option stated on a panel (nothing when it is off)."""
    if not model.codes_only:
        return ""
    return f"<p class='cp-note cp-codes-note'><b>{html.escape(model.places.words())}</b></p>"


def bind_choice(model: DashboardModel, trait: str, options_trait: str, widget: w.Dropdown) -> None:
    """Link a drop-down to a model trait and its options to another trait (a value the options do
    not hold leaves the drop-down empty instead of raising)."""
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


class OverviewView(w.VBox):
    """Headlines, the communities x groups chart, and the table (click a community to open it)."""

    def __init__(self, model: DashboardModel, open_community):
        self.model, self.open_community = model, open_community
        small = w.Layout(width="230px")
        self.district = w.Dropdown(description="District", layout=small)
        self.district.add_class("cp-district")
        self.cycle = w.Dropdown(description="Cycle", layout=small)
        self.cycle.add_class("cp-cycle")
        self.format = w.Dropdown(description="Sessions", layout=w.Layout(width="280px"))
        self.format.add_class("cp-format")
        self.sort_by = w.Dropdown(description="Sort by", layout=small,
                                  options=[(COLUMNS[c][0], c) for c in COLUMNS])
        self.order = w.ToggleButtons(options=[("ascending", True), ("descending", False)],
                                     style={"button_width": "90px"})
        for widget, options, trait in ((self.district, "districts", "district"), (self.cycle, "cycles", "cycle"),
                                       (self.format, "formats", "session_format")):
            bind_choice(model, trait, options, widget)
        t.link((model, "sort_by"), (self.sort_by, "value"))
        t.link((model, "ascending"), (self.order, "value"))
        self.summary = w.HTML()
        self.summary.add_class("cp-overview")
        self.table = w.GridBox()
        self.table.add_class("cp-programme-table")
        super().__init__([w.HBox([self.district, self.cycle, self.format], layout=w.Layout(flex_flow="row wrap")),
                          self.summary, w.HBox([self.sort_by, self.order]), self.table])
        model.observe(self._redraw, names=["overview", "headlines", "overview_chart"])
        model.observe(self._busy, names=["busy"])
        self._redraw()

    def _inner(self) -> str:
        m = self.model
        items = "".join(f"<li>{html.escape(h)}</li>" for h in m.headlines)
        chart = m.overview_chart.svg if m.overview_chart is not None else ""
        return (codes_note(m) + f"<ul class='cp-headlines'>{items}</ul>"
                f"<p class='cp-scope'>Filters: {html.escape(m.filters.words())}. The chart and the elite-influence "
                "readings use every cycle and the final decisions; attendances, turns and parities follow the "
                "filters.</p>"
                f"<div class='cp-wide cp-chart-overview'>{chart}</div>")

    def _busy(self, change=None) -> None:
        busy = "overview" in self.model.busy
        self.summary.value = panel("overview", busy, self._inner())
        (self.table.add_class if busy else self.table.remove_class)("cp-stale")

    def _redraw(self, change=None) -> None:
        self._busy()
        table = self.model.overview
        if table is None or table.empty:
            self.table.children = [w.HTML("<p class='cp-note'>No community matches these filters.</p>")]
            return
        columns = [c for c in COLUMNS if c in table.columns]
        cells = [w.HTML(f"<div class='cp-cell cp-head' title='{html.escape(COLUMNS[c][1], quote=True)}'>"
                        f"{html.escape(COLUMNS[c][0])}</div>") for c in columns]
        for row in table.head(PAGE_ROWS).itertuples(index=False):
            values = dict(zip(table.columns, row))
            for c in columns:
                if c == "community_id":
                    button = w.Button(description=str(values[c]), tooltip=f"Open {values[c]}",
                                      layout=w.Layout(width="auto"))
                    button.add_class("cp-open-community")
                    button.on_click(lambda _, cid=str(values[c]): self.open_community(cid))
                    cells.append(button)
                elif c == "reading":
                    cells.append(w.HTML(f"<div class='cp-cell'>{badge_html(values[c])}</div>"))
                else:
                    cells.append(w.HTML(f"<div class='cp-cell'>{cell_text(values[c])}</div>"))
        self.table.layout = w.Layout(grid_template_columns=f"repeat({len(columns)}, minmax(60px, auto))",
                                     width="100%", overflow="auto")
        self.table.children = cells


class CommunityView(w.VBox):
    """One community's story: plain words first, the evidence collapsed, a glossary."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.picker = w.Dropdown(description="Community", layout=w.Layout(width="320px"))
        bind_choice(model, "community_id", "community_ids", self.picker)
        self.picker.add_class("cp-community-picker")
        self.body = w.HTML()
        self.body.add_class("cp-community")
        self.evidence = w.HTML()
        self.evidence.add_class("cp-evidence")
        self.accordion = w.Accordion(children=[self.evidence], selected_index=None)
        self.accordion.set_title(0, "The evidence (statistics, tests, detailed charts): click to open")
        self.accordion.add_class("cp-evidence-panel")
        self.accordion.observe(lambda change: setattr(model, "evidence_open", change["new"] == 0),
                               names="selected_index")
        glossary = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in GLOSSARY.items())
        super().__init__([self.picker, self.body, self.accordion,
                          w.HTML(f"<details class='cp-glossary'><summary><b>Words used here</b></summary>"
                                 f"<ul>{glossary}</ul></details>")])
        model.observe(self._redraw, names=["page", "busy"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        page = self.model.page
        busy = "community" in self.model.busy
        if page is None:
            self.body.value = panel("community", busy, "<p>No community matches the filters.</p>")
            self.evidence.value = ""
            return
        parts = [codes_note(self.model), f"<h2>{html.escape(page.title)} {badge_html(page.level)}</h2>",
                 f"<p class='cp-scope'>{html.escape(page.scope)}</p>"]
        evidence = ""
        for section in page.sections:
            inner = [f"<p class='cp-scope'>{html.escape(section.scope)}</p>"]
            if section.key == "evidence":
                inner.append("<pre style='white-space: pre-wrap'>" + html.escape("\n".join(section.sentences))
                             + "</pre>")
            else:
                inner.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in section.sentences) + "</ul>")
            for chart in ([section.chart] if section.chart else []) + section.extra_charts:
                inner.append(f"<div class='cp-chart cp-chart-{chart.name}'>{chart.svg}</div>")
            if section.table is not None and section.key not in ("voices", "cycles"):
                inner.append(table_html(section.table, max_rows=None))
            if section.key == "evidence":
                evidence = "".join(inner)
            else:
                parts.append(f"<div class='cp-section cp-section-{section.key}'><h3>{html.escape(section.heading)}"
                             f"</h3>{''.join(inner)}</div>")
        self.body.value = panel("community", busy, "".join(parts))
        self.evidence.value = panel("evidence", busy, evidence)


class ActionsView(w.VBox):
    """What the chosen community agreed to do and what became of it, then the same for the programme."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.picker = w.Dropdown(description="Community", layout=w.Layout(width="320px"))
        bind_choice(model, "community_id", "community_ids", self.picker)
        self.picker.add_class("cp-actions-picker")
        self.body = w.HTML()
        self.body.add_class("cp-actions")
        super().__init__([self.picker, self.body])
        model.observe(self._redraw, names=["actions_page", "busy"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        page = self.model.actions_page
        busy = bool({"community", "actions"} & set(self.model.busy))
        if page is None:
            words = "No data are loaded." if self.model.data is None else "Computing the action plans…"
            self.body.value = panel("actions", busy, f"<p>{words}</p>")
            return
        if not page.available:
            self.body.value = panel("actions", busy, f"<p class='cp-actions-none'>{html.escape(page.message)}</p>")
            return
        parts = []
        for key, part in (("community", page.community), ("programme", page.programme)):
            if part is None:
                parts.append(f"<div class='cp-section cp-actions-{key}'><p>No community matches the filters.</p></div>")
                continue
            inner = [f"<h3>{html.escape(part.heading)}</h3>", f"<p class='cp-scope'>{html.escape(part.scope)}</p>",
                     "<ul class='cp-actions-words'>" + "".join(f"<li>{html.escape(x)}</li>" for x in part.sentences)
                     + "</ul>"]
            inner += [f"<div class='cp-chart cp-chart-{chart.name}'>{chart.svg}</div>" for chart in part.charts]
            inner += [f"<h4>{html.escape(title)}</h4>" + table_html(table, max_rows=None)
                      for title, table in shown_tables(part)]
            parts.append(f"<div class='cp-section cp-actions-{key}'>{''.join(inner)}</div>")
        self.body.value = panel("actions", busy, "".join(parts))


class SessionView(w.VBox):
    """One session: attendance and turns by group, and the ranking made there (small counts hidden)."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.picker = w.Dropdown(description="Session", layout=w.Layout(width="320px"))
        bind_choice(model, "session_id", "session_ids", self.picker)
        self.picker.add_class("cp-session-picker")
        self.tables = w.HTML()
        super().__init__([w.HTML("<p class='cp-note'>Sessions of the community chosen in the Community tab, "
                                 "within the filters.</p>"), self.picker, self.tables])
        model.observe(self._redraw, names=["session_tables", "session_chart", "busy", "codes_only"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        chart = self.model.session_chart
        inner = codes_note(self.model) + (
            f"<div class='cp-chart cp-chart-session'>{chart.svg}</div>" if chart is not None else "") + "".join(
            f"<h4>{html.escape(name)}</h4>" + table_html(table) for name, table in self.model.session_tables.items())
        self.tables.value = panel("session", "session" in self.model.busy, inner)


class SettingsView(w.VBox):
    """Every setting with its label and meaning in words; refused values say why next to the box."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.boxes: dict[str, w.Widget] = {}
        self.messages: dict[str, w.HTML] = {}
        rows = []
        for row in setting_rows():
            name, kind = row["name"], row["kind"]
            style = {"description_width": "initial"}
            if kind in ("method", "choice"):
                box = w.Dropdown(options=choices(name), layout=w.Layout(width="260px"))
            elif kind == "flag":
                box = w.Checkbox(indent=False)
            elif kind == "formats":
                box = w.SelectMultiple(options=choices(name), rows=len(choices(name)),
                                       layout=w.Layout(width="260px"))
            elif kind == "columns":
                box = w.HTML()  # shown, not edited here: the strata are columns of the data
            else:
                box = (w.IntText if kind == "int" else w.FloatText)(layout=w.Layout(width="140px"), style=style)
            box.add_class(f"cp-setting-{name}")
            if kind != "columns":
                box.observe(lambda change, key=name: self._changed(key, change["new"]), names="value")
            message = w.HTML()
            message.add_class(f"cp-message-{name}")
            self.boxes[name], self.messages[name] = box, message
            rows.append(w.VBox([w.HBox([w.HTML(f"<b>{html.escape(row['label'])}</b>",
                                                layout=w.Layout(width="330px")), box, message]),
                                w.HTML(f"<div class='cp-note'>{html.escape(row['meaning'])}</div>")]))
        self.confirm = w.Checkbox(description=f"Show counts below {SAFE_MIN_COUNT} (they can identify a child; "
                                  "this choice is recorded in every export)", indent=False,
                                  layout=w.Layout(width="auto"))
        self.confirm.add_class("cp-confirm-small")
        t.link((model, "small_counts_confirmed"), (self.confirm, "value"))
        self.reset = w.Button(description="Reset to defaults", icon="")
        self.reset.add_class("cp-reset")
        self.reset.on_click(lambda _: model.reset_settings())
        self.record = w.HTML()
        super().__init__([w.HTML("<h3>Settings</h3><p class='cp-note'>Every number on every tab uses these "
                                 "settings.</p>"), self.reset, *rows, self.confirm, self.record])
        model.observe(self._redraw, names=["settings", "setting_messages", "choices_log"])
        self._syncing = False
        self._redraw()

    def _changed(self, name, value) -> None:
        if not self._syncing and value is not None:
            self.model.change_setting(name, value)

    def _redraw(self, change=None) -> None:
        self._syncing = True
        try:
            for name, box in self.boxes.items():
                value = getattr(self.model.settings, name)
                if isinstance(box, w.HTML):
                    box.value = html.escape(", ".join(value))
                elif name not in self.model.setting_messages and box.value != value:
                    box.value = tuple(value) if isinstance(box, w.SelectMultiple) else value
                text = self.model.setting_messages.get(name, "")
                self.messages[name].value = f"<span class='cp-error' role='alert'>{html.escape(text)}</span>" \
                    if text else ""
        finally:
            self._syncing = False
        entries = "".join(f"<li>{html.escape(e)}</li>" for e in self.model.choices_log)
        self.record.value = f"<div class='cp-warning'>Recorded choices:<ul>{entries}</ul></div>" if entries else ""


class DataView(w.VBox):
    """Open another dataset from a path or an upload; problems listed as a table."""

    def __init__(self, model: DashboardModel):
        self.model = model
        self.path = w.Text(placeholder="/path/to/folder-of-csv or workbook.xlsx", description="Path",
                           layout=w.Layout(width="520px"))
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
                               "Fix them in your files and open them again.</div>" + table_html(shown, max_rows=None))


class ExportView(w.VBox):
    """Export tables, charts, the story as text, or everything of the community as one zip."""

    def __init__(self, model: DashboardModel):
        self.model = model
        buttons = []
        for label, kind in (("Everything (zip)", "everything"), ("Tables as CSV", "csv"),
                            ("Tables as Excel", "xlsx"), ("Charts (SVG + PNG)", "charts"),
                            ("The story as text", "reading")):
            button = w.Button(description=label, layout=w.Layout(width="170px"))
            button.on_click(lambda _, kind=kind: model.export(kind))
            buttons.append(button)
        self.links = w.HTML()
        self.links.add_class("cp-export-links")
        self.codes_only = w.Checkbox(description=CODES_ONLY_LABEL, indent=False, layout=w.Layout(width="auto"))
        self.codes_only.add_class("cp-codes-only")
        t.link((model, "codes_only"), (self.codes_only, "value"))
        super().__init__([
            w.HTML("<p class='cp-note'>Exports hold the chosen community and session and the programme table, "
                   "with small counts hidden as on screen. Each file comes with a .json file saying which "
                   "community, filters and settings it holds, and whether names were replaced by codes.</p>"),
            self.codes_only,
            w.HTML("<p class='cp-note'>With the box ticked, every tab and every export names communities by "
                   "their code and districts D01, D02... (files named by code too); untick it to see the "
                   "names again.</p>"),
            w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")), self.links])
        model.observe(self._redraw, names=["exported"])

    def _redraw(self, change=None) -> None:
        links = []
        for path in map(Path, self.model.exported):
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            links.append(f"<li><a class='cp-download' download='{html.escape(path.name)}' "
                         f"href='data:{mime};base64,{data}'>{html.escape(path.name)}</a></li>")
        self.links.value = "<ul>" + "".join(links) + "</ul>"


class DashboardView(w.VBox):
    """The whole app: a header with the status (filters included), and one tab per view."""

    TITLES = ("Overview", "Community", "Actions", "Session", "Settings", "Another dataset", "Export")

    def __init__(self, model: DashboardModel):
        self.model = model
        self.status = w.HTML()
        self.status.add_class("cp-status")
        self.tabs = w.Tab(children=[OverviewView(model, self.open_community), CommunityView(model),
                                    ActionsView(model), SessionView(model), SettingsView(model), DataView(model), ExportView(model)])
        for i, title in enumerate(self.TITLES):
            self.tabs.set_title(i, title)
        actions = self.TITLES.index("Actions")  # computed only when looked at (or exported)
        self.tabs.observe(lambda change: setattr(model, "actions_open", change["new"] == actions),
                          names="selected_index")
        super().__init__([w.HTML(CSS + "<h2>Community planning: who was there, who was heard, who decided</h2>"),
                          self.status, self.tabs])
        self.add_class("cp-app")
        model.observe(self._redraw, names=["status", "busy"])
        self._redraw()

    def open_community(self, community_id: str) -> None:
        self.model.community_id = community_id
        self.tabs.selected_index = 1

    def _redraw(self, change=None) -> None:
        busy = bool(self.model.busy)
        self.status.value = (f"<p class='cp-note cp-status-text' role='status' aria-live='polite' "
                             f"aria-busy='{str(busy).lower()}'>{'<b>Working:</b> ' if busy else ''}"
                             f"{html.escape(self.model.status)}</p>")
