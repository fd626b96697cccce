"""The dashboard's state: inputs set by the views, outputs they draw. No widgets, no computation:
results come from :class:`.results.LibraryResults` (the library), pages from
:mod:`cpanalysis.dashboard.overview` and :mod:`cpanalysis.dashboard.community`, files from
:mod:`cpanalysis.dashboard.exports`. One :class:`cpanalysis.Settings` drives everything.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import logging
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Iterable

import pandas as pd
import traitlets as t

import cpanalysis
from cpanalysis import DatasetError, Settings

from . import action_view, exports, figures
from .community import CommunityPage, community_page
from .filters import ALL, Filters, rows_of, sessions_in
from .overview import COLUMNS, group_priorities, headlines, overview_table
from .places import CODES_ONLY_LABEL, PlaceNames, place_names
from .results import LibraryResults
from .safety import hide_small_counts, without_paths
from .settings_form import SAFE_MIN_COUNT, change_setting

log = logging.getLogger(__name__)


def problems_frame(message: str, file: str = "") -> pd.DataFrame:
    """One problem in the shape of :meth:`cpanalysis.DatasetError.to_frame`."""
    return pd.DataFrame([{"file": file, "row": None, "column": None, "value": None,
                          "expected": None, "problem": message, "more_rows": 0}])


class DashboardModel(t.HasTraits):
    """State of one dashboard session (one kernel)."""

    # ---- inputs, set by the views -------------------------------------------------------------
    district = t.Unicode(ALL)
    cycle = t.Unicode(ALL)
    session_format = t.Unicode(ALL)
    sort_by = t.Unicode("community_id")
    ascending = t.Bool(True)
    community_id = t.Unicode("")
    session_id = t.Unicode("")
    settings = t.Instance(Settings, kw={})
    small_counts_confirmed = t.Bool(False, help="the user ticked 'show counts below 5 anyway'")
    evidence_open = t.Bool(False, help="the evidence panel is open (its charts are drawn only then)")
    codes_only = t.Bool(False, help=CODES_ONLY_LABEL)
    actions_open = t.Bool(False, help="the Actions tab is open (its page is computed only then, or for an export)")

    # ---- outputs ------------------------------------------------------------------------------
    source = t.Unicode("")
    status = t.Unicode("")
    problems = t.Instance(pd.DataFrame, allow_none=True)
    districts = t.List()
    cycles = t.List()
    formats = t.List()
    methods = t.List()
    sort_columns = t.List()
    overview = t.Instance(pd.DataFrame, allow_none=True)
    headlines = t.List()
    overview_chart = t.Any(None)
    community_ids = t.List()
    session_ids = t.List()
    page = t.Any(None, help="the CommunityPage shown")
    actions_page = t.Any(None, help="the ActionsPage shown (Actions tab: the community and the programme)")
    session_tables = t.Dict()
    session_chart = t.Any(None, help="the chosen session's presence and voice by group")
    setting_messages = t.Dict(help="setting name -> why the typed value was refused")
    busy = t.List(help="regions being recomputed: 'overview', 'community', 'session'")
    choices_log = t.List(help="explicit choices (e.g. showing small counts), with the time")
    exported = t.List(help="paths written by the last export")
    timings = t.Dict(help="seconds taken by the last load and updates")

    def __init__(self, path: str | os.PathLike | None = None, *, downloads: str | os.PathLike | None = None,
                 settings: Settings | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data = None
        self.results: LibraryResults | None = None
        self._quiet = False
        self._places: tuple | None = None
        self._actions_key = None
        if settings is not None:
            self.settings = settings
        self.downloads = Path(downloads or os.environ.get("CPANALYSIS_DOWNLOADS")
                              or Path(tempfile.gettempdir()) / "cpanalysis-downloads")
        if path is not None:
            self.load_path(path)

    @property
    def places(self) -> PlaceNames:
        """Community and district names as shown (codes with ``codes_only``): every name on screen
        or in an export comes from here (:func:`.places.place_names`)."""
        if self._places is None or self._places[0] is not self.results or self._places[1] != self.codes_only:
            self._places = (self.results, self.codes_only, place_names(self.results, self.codes_only))
        return self._places[2]

    @property
    def filters(self) -> Filters:
        district = self.district or ALL
        recorded = self.places.recorded_district(district) if district != ALL and self.results else None
        return Filters(district, self.cycle or ALL, self.session_format or ALL,
                       recorded_district=recorded if recorded != district else None)

    @contextlib.contextmanager
    def working(self, *regions: str, words: str = ""):
        """Mark ``regions`` busy (the views set aria-busy and dim them) while the block runs."""
        before = self.status
        self.busy = sorted(set(self.busy) | set(regions))
        if words:
            self.status = words
        try:
            yield
        finally:
            remaining = sorted(set(self.busy) - set(regions))
            if words and self.status == words:
                self.status = before
            if not remaining:
                self._update_status()  # the status is right before the page says it is done
            self.busy = remaining

    # ================================================================= loading
    def load_path(self, path: str | os.PathLike, *, label: str | None = None) -> bool:
        """Load a dataset (folder of CSV/Parquet, or a workbook). Problems go to ``problems``."""
        path = str(path).strip()
        label = label or Path(path).name or path
        if not path:
            self._fail(problems_frame("Type the path of a folder of CSV files or of an .xlsx workbook."), path)
            return False
        self.status = f"Loading {label}: reading the files..."
        try:
            data = cpanalysis.load(os.path.expanduser(path))
        except DatasetError as error:
            self._fail(error.to_frame(), label)
            return False
        except Exception as error:  # unreadable file, permission... shown, never a traceback
            self._fail(problems_frame(f"{type(error).__name__}: {without_paths(str(error))}", label), label)
            return False
        self.set_data(data, label=label)
        return True

    def load_upload(self, files: Iterable[tuple[str, bytes]]) -> bool:
        """Load uploaded files: one .zip of CSV files, one .xlsx workbook, or several .csv files
        (written into a new temporary folder; nothing the user owns is modified)."""
        files = [(Path(name).name, bytes(content)) for name, content in files]
        if not files:
            self._fail(problems_frame("No file was uploaded."), "upload")
            return False
        folder = Path(tempfile.mkdtemp(prefix="cpanalysis-upload-"))
        label = ", ".join(name for name, _ in files)
        try:
            target = _unpack(files, folder)
        except (zipfile.BadZipFile, ValueError) as error:
            self._fail(problems_frame(str(error), label), label)
            return False
        return self.load_path(target, label=f"upload {label}")

    def _fail(self, problems: pd.DataFrame, label: str) -> None:
        self.problems = problems
        still = f" Still showing {self.places.text(self.source)}." if self.data is not None else ""
        self.status = f"Could not load {label}: {len(problems)} problem(s).{still}"

    def set_data(self, data, label: str = "", *, results: LibraryResults | None = None) -> None:
        """Use ``data`` (a :class:`cpanalysis.Dataset`): compute the programme tables once
        (``results``: library results of the same data and settings to reuse)."""
        start = time.perf_counter()
        n = len(data.communities)
        self.data = data
        self.source = label or without_paths(str(data.source or "data"))
        with self.working("overview", "community", "session",
                          words=f"Loading {n:,} communities: computing who spoke and how decisions were made..."):
            self._quiet = True
            try:
                reuse = results is not None and results.data is data and results.settings == self.settings
                self.results = results if reuse else LibraryResults(data, self.settings)
                self.methods = cpanalysis.ranking_methods()
                self.districts = self._district_choices()
                self.cycles = [ALL] + [str(c) for c in sorted(data.sessions["cycle"].dropna().unique())]
                self.formats = [ALL] + sorted(data.sessions["format"].dropna().astype(str).unique().tolist())
                self.district, self.cycle, self.session_format = ALL, ALL, ALL
                self.problems = None
                self.results.story()  # the heavy part, once per dataset and settings
                self.sort_columns = list(COLUMNS)
                self.community_id = ""
            finally:
                self._quiet = False
            self.timings = {**self.timings, "load_s": time.perf_counter() - start}
            self._update_overview()

    def _update_status(self) -> None:
        if self.data is None:
            return
        shown = len(self.overview) if self.overview is not None else 0
        sessions = len(sessions_in(self.data, self.filters))
        self.status = (f"Showing {self.places.text(self.source)}: {shown:,} of {len(self.data.communities):,} "
                       f"communities, {sessions:,} of {len(self.data.sessions):,} sessions. Filters: "
                       f"{self.filters.words()}. Counts below {self.settings.min_count} hidden."
                       + (f" {self.places.words()}" if self.codes_only else ""))

    def _district_choices(self) -> list[str]:
        return [ALL] + sorted(self.places.districts.values())

    # ================================================================= codes only
    @t.observe("codes_only")
    def _on_codes_only(self, change) -> None:
        """Names become codes (or back): the district filter keeps its district, the names are
        redrawn; the measures and the charts (drawn from codes) are reused, not recomputed."""
        if self.data is None or self._quiet:
            return
        start = time.perf_counter()
        before = place_names(self.results, change["old"])
        recorded = before.recorded_district(self.district) if self.district != ALL else ALL
        self.exported = []  # links to files made under the other option must not stay on offer
        self._quiet = True
        try:
            self.districts = self._district_choices()
            self.district = ALL if recorded == ALL else self.places.district(recorded)
        finally:
            self._quiet = False
        self._update_overview()
        self.timings = {**self.timings, "codes_only_s": time.perf_counter() - start}

    # ================================================================= settings
    def change_setting(self, name: str, value) -> str:
        """Apply one setting; a refused value leaves the settings as they were and returns why."""
        new, message = change_setting(self.settings, name, value, small_counts_confirmed=self.small_counts_confirmed)
        self.setting_messages = {**{k: v for k, v in self.setting_messages.items() if k != name},
                                 **({name: message} if message else {})}
        if not message and new != self.settings:
            if name == "min_count" and value < SAFE_MIN_COUNT:
                self._record(f"showing counts of {value} or more people (below {SAFE_MIN_COUNT})")
            self.settings = new
        return message

    def reset_settings(self) -> None:
        """Back to :class:`cpanalysis.Settings` defaults."""
        self.setting_messages = {}
        self.small_counts_confirmed = False
        self.settings = Settings()

    def _record(self, choice: str) -> None:
        entry = f"{_dt.datetime.now().isoformat(timespec='seconds')}: {choice}"
        log.warning("explicit choice: %s", entry)
        self.choices_log = [*self.choices_log, entry]

    @t.observe("small_counts_confirmed")
    def _on_confirm(self, change) -> None:
        if change["new"]:
            self._record("confirmed that counts below 5 may be shown")
        elif self.settings.min_count < SAFE_MIN_COUNT:
            self.settings = self.settings.replace(min_count=SAFE_MIN_COUNT)

    @t.observe("settings")
    def _on_settings(self, change) -> None:
        if self.data is None or self._quiet:
            return
        with self.working("overview", "community", "session", words="Recomputing with the new settings..."):
            self.results = LibraryResults(self.data, self.settings)
            self.results.story()
        self._update_overview()

    # ================================================================= programme overview
    @t.observe("district", "cycle", "session_format", "sort_by", "ascending")
    def _on_filter(self, change) -> None:
        if self.data is not None and not self._quiet:
            self._update_overview()

    def _update_overview(self) -> None:
        with self.working("overview", "session"):  # busy until the community page is redrawn too
            self._redraw_overview()

    def _redraw_overview(self) -> None:
        start = time.perf_counter()
        with self.working("overview"):
            table = overview_table(self.results, self.filters, self.places)
            if self.sort_by in table:
                table = table.sort_values(self.sort_by, ascending=self.ascending, kind="stable", na_position="last")
            self.overview = table.reset_index(drop=True)
            self.headlines = headlines(self.results, self.overview, self.filters)
            shown = self.overview["community_id"].head(40)
            prio = group_priorities(self.results, shown, self.filters)
            labels = {c: c for c in shown}  # rows are named by code, with or without codes only
            title = "Each group's first harm: chosen by the community or not"
            alt = (f"Chart of {len(shown)} communities by group: each group's first harm, green when the community "
                   "chose it, orange when it did not, grey when hidden or not ranked. " + " ".join(self.headlines))
            self.overview_chart = figures.reuse_or_draw(
                [self.overview_chart], ("overview_priorities", title, alt, prio.to_csv(), tuple(labels.items())),
                lambda: figures.priorities_grid("overview_priorities", prio, labels, title, alt))
            self.community_ids = self.overview["community_id"].astype(str).tolist()
        self.timings = {**self.timings, "overview_s": time.perf_counter() - start}
        if self.community_id not in self.community_ids:
            self._quiet = True
            try:
                self.community_id = self.community_ids[0] if self.community_ids else ""
            finally:
                self._quiet = False
        self._update_community()

    # ================================================================= one community
    @t.observe("evidence_open")
    def _on_evidence(self, change) -> None:
        if self.data is not None and not self._quiet and change["new"]:
            self._update_community()

    @t.observe("community_id")
    def _on_community(self, change) -> None:
        if self.data is not None and not self._quiet:
            self._update_community()

    def _update_community(self) -> None:
        start = time.perf_counter()
        cid = self.community_id if self.community_id in self.community_ids else ""
        with self.working("community", words=f"Computing {cid}..." if cid else ""):
            self.page = community_page(self.results, cid, self.filters, evidence_charts=self.evidence_open,
                                       codes_only=self.codes_only, previous=self.page) if cid else None
        self.timings = {**self.timings, "community_s": time.perf_counter() - start}
        if self.actions_open:
            self.update_actions()
        sessions = sessions_in(self.data, self.filters, cid)["session_id"].astype(str).tolist() if cid else []
        self.session_ids = sessions
        if self.session_id not in sessions:
            self._quiet = True
            try:
                self.session_id = sessions[0] if sessions else ""
            finally:
                self._quiet = False
        self._update_session()

    # ================================================================= actions (the Actions tab)
    @t.observe("actions_open")
    def _on_actions(self, change) -> None:
        if self.data is not None and not self._quiet and change["new"]:
            self.update_actions()

    def update_actions(self):
        """The Actions page of the community and filters chosen (computed again only when they changed)."""
        key = (self.community_id if self.community_id in self.community_ids else "", self.filters, self.results,
               self.codes_only)
        if self.data is not None and self._actions_key != key:
            with self.working("actions"):
                self.actions_page = action_view.actions_page(self.results, key[0], self.filters,
                                                             codes_only=self.codes_only)
            self._actions_key = key
        return self.actions_page

    # ================================================================= one session
    @t.observe("session_id")
    def _on_session(self, change) -> None:
        if self.data is not None and not self._quiet:
            self._update_session()

    def _update_session(self) -> None:
        sid = self.session_id
        if not sid:
            self.session_tables = {}
            self.session_chart = None
            return
        with self.working("session"):
            s = self.settings
            info = self.data.sessions[self.data.sessions["session_id"].astype(str) == sid]
            tables = {"session": hide_small_counts(info.reset_index(drop=True), s)}
            fmt = self.filters.formats
            part = self.results.participation(fmt, "session")
            tables["participation"] = hide_small_counts(rows_of(part, Filters(), session=sid), s)
            self.session_chart = figures.session_presence_voice(sid, info, tables["participation"])
            ranked = self.results.group_rankings((sid,))
            if ranked is not None:
                tables["rankings"] = hide_small_counts(ranked, s)
            self.session_tables = {name: self.places.coded(table) for name, table in tables.items()}

    # ================================================================= export
    def charts(self) -> dict:
        """Every chart of the community page, the evidence's included (and the overview chart)."""
        out = {}
        if self.page is not None and not self.evidence_open:
            self.evidence_open = True  # exports hold every chart, so draw the evidence
        if self.overview_chart is not None:
            out["overview_priorities"] = self.overview_chart
        if self.session_chart is not None:
            out[self.session_chart.name] = self.session_chart
        if self.page is not None:
            for section in self.page.sections:
                if section.chart is not None:
                    out[section.chart.name] = section.chart
                for chart in section.extra_charts:
                    out[chart.name] = chart
        if self.update_actions() is not None:
            out.update(self.actions_page.charts())
        return out

    def export_tables(self) -> dict[str, pd.DataFrame]:
        """Every table currently shown (made safe again on the way out)."""
        out = {"overview": self.overview}
        if self.page is not None:
            for section in self.page.sections:
                if section.table is not None:
                    out[f"community_{self.community_id}_{section.key}"] = section.table
        for name, table in self.session_tables.items():
            out[f"session_{self.session_id}_{name}"] = table
        if self.update_actions() is not None:
            out.update(self.actions_page.tables())
        return {k: self.places.coded(v) for k, v in out.items() if v is not None}

    def export(self, kind: str) -> list[Path]:
        """Write ``"csv"``, ``"xlsx"``, ``"charts"`` (SVG and print PNG), ``"reading"`` (text) or
        ``"everything"`` (one zip of all of them for this community) to ``downloads``."""
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.downloads / stamp
        folder.mkdir(parents=True, exist_ok=True)
        ctx = exports.context(community=self.community_id, filters=self.filters, settings=self.settings,
                              source=self.places.text(self.source), small_counts_choice="; ".join(self.choices_log),
                              places=self.places)
        stem = f"cpanalysis-{self.community_id or 'programme'}"
        if kind in ("csv", "xlsx"):
            paths = exports.write_tables(folder, self.export_tables(), kind, ctx, self.settings, stem)
        elif kind == "charts":
            paths = exports.write_charts(folder, self.charts(), ctx, self.community_id or "programme")
        elif kind == "reading":
            paths = exports.write_reading(folder, self.story_text(), ctx, self.community_id)
        elif kind == "everything":
            inner = folder / "parts"
            inner.mkdir()
            parts = (exports.write_tables(inner, self.export_tables(), "csv", ctx, self.settings, stem)
                     + exports.write_charts(inner, self.charts(), ctx, self.community_id)
                     + exports.write_reading(inner, self.story_text(), ctx, self.community_id))
            paths = [exports.bundle(folder, parts, self.community_id)]
        else:
            raise ValueError(f"export: kind must be csv, xlsx, charts, reading or everything, not {kind!r}")
        self.exported = [str(p) for p in paths]
        return paths

    def story_text(self) -> str:
        """The community's story in words (the story module's text, as the reports print it)."""
        return self.page.text if self.page is not None else "No community is selected."


def _unpack(files: list[tuple[str, bytes]], folder: Path) -> Path:
    for name, content in files:
        suffix = Path(name).suffix.lower()
        if suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for member in archive.infolist():
                    member_path = Path(member.filename)
                    if member.is_dir() or member_path.name.startswith(".") or "__MACOSX" in member_path.parts:
                        continue
                    if member_path.is_absolute() or ".." in member_path.parts:
                        raise ValueError(f"{name}: refused a file outside the archive ({member.filename})")
                    (folder / member_path.name).write_bytes(archive.read(member))  # flatten: found by name
        elif suffix in (".csv", ".xlsx", ".xlsm", ".parquet"):
            (folder / name).write_bytes(content)
        else:
            raise ValueError(f"{name}: not a .zip, .csv or .xlsx file")
    workbooks = sorted(folder.glob("*.xls[xm]"))
    if workbooks and not any(folder.glob("*.csv")):
        return workbooks[0]
    return folder
