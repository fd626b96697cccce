"""The dashboard's model: state and library calls, no widgets.

:class:`DashboardModel` is a :class:`traitlets.HasTraits`. The views set its *input* traits
(filters, the selected community and session, settings); the model answers by updating its
*output* traits (tables, figures as PNG bytes, the plain-language reading, the library calls that
reproduce each figure). Heavy work (loading, tables for every community) happens once per dataset
in :meth:`DashboardModel.load_path` and is cached; a filter or a selection only picks rows.

Every measure comes from the library (:mod:`cpanalysis.dashboard.library` finds it); every table
that is shown or exported goes through :func:`cpanalysis.suppress_small` first.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import traitlets as t

from . import figures
from .library import Code, Found, call_text, find, find_first, problems_frame

ALL = "All"
DEFAULT_METHOD = "borda"
WEIGHTINGS = ("ranker", "subgroup")
#: Columns of the programme overview, in the order shown.
OVERVIEW_COLUMNS = ("community_id", "name", "district", "reading", "elite_gap", "decision", "n_attendees_unit",
                    "n_turns_unit", "lowest_parity_subgroup", "lowest_parity", "elite_parity",
                    "gini")


def _is_na(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


#: Parity intervals in the dashboard use the bootstrap's exact limit (binomial quantiles): the same
#: interval without resampling noise, and fast enough to recompute when a session format is chosen.
PARITY_N_BOOT = None


class DashboardModel(t.HasTraits):
    """State of one dashboard session (one kernel) and the library calls behind it."""

    # ---- inputs, set by the views -------------------------------------------------------------
    district = t.Unicode(ALL)
    cycle = t.Unicode(ALL)
    session_format = t.Unicode(ALL)
    sort_by = t.Unicode("community_id")
    ascending = t.Bool(True)
    community_id = t.Unicode("")
    session_id = t.Unicode("")
    method = t.Unicode(DEFAULT_METHOD)
    weighting = t.Enum(WEIGHTINGS, default_value="ranker")
    threshold = t.Int(5, help="counts below this are hidden (suppress_small)")
    dominance_thresholds = t.Dict()

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
    community_ids = t.List()
    session_ids = t.List()
    community_tables = t.Dict()
    session_tables = t.Dict()
    figures = t.Dict()
    notes = t.Dict(help="panel name -> why it cannot be shown")
    reading = t.Unicode("")
    calls = t.Dict(help="figure or table name -> the library call that reproduces it")
    availability = t.Dict(help="library function -> 'available' or why not")
    dominance_defaults = t.Dict()
    exported = t.List(help="paths written by the last export")
    timings = t.Dict(help="seconds taken by the last load and updates")

    def __init__(self, path: str | os.PathLike | None = None, *, downloads: str | os.PathLike | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.data = None
        self.downloads = Path(downloads or os.environ.get("CPANALYSIS_DOWNLOADS")
                              or Path(tempfile.gettempdir()) / "cpanalysis-downloads")
        self._cache: dict[Any, Any] = {}
        self._lib: dict[str, Found] = {}
        self._busy = False
        if path is not None:
            self.load_path(path)

    @t.validate("district", "cycle", "session_format")
    def _none_is_all(self, proposal):
        return ALL if proposal["value"] is None else proposal["value"]

    @t.validate("community_id", "session_id", "sort_by")
    def _none_is_empty(self, proposal):
        return "" if proposal["value"] is None else proposal["value"]

    @t.validate("method")
    def _none_is_default(self, proposal):
        return proposal["value"] if proposal["value"] else DEFAULT_METHOD

    # ================================================================= loading
    def load_path(self, path: str | os.PathLike, *, label: str | None = None) -> bool:
        """Load a dataset (folder of CSV/Parquet, or a workbook). Problems go to ``problems``."""
        import cpanalysis

        path = str(path).strip()
        label = label or path
        if not path:
            self._fail(problems_frame("Type the path of a folder of CSV files or of an .xlsx workbook."), path)
            return False
        try:
            data = cpanalysis.load(os.path.expanduser(path))
        except cpanalysis.DatasetError as error:
            self._fail(error.to_frame(), label)
            return False
        except Exception as error:  # unreadable file, permission... shown, never a traceback
            self._fail(problems_frame(f"{type(error).__name__}: {error}", path), label)
            return False
        self.set_data(data, label=label)
        return True

    def load_upload(self, files: Iterable[tuple[str, bytes]]) -> bool:
        """Load uploaded files: one .zip of CSV files, one .xlsx workbook, or several .csv files.

        The files are written into a new temporary folder and read from there; nothing the user
        owns is modified.
        """
        files = [(Path(name).name, bytes(content)) for name, content in files]
        if not files:
            self._fail(problems_frame("No file was uploaded."), "upload")
            return False
        folder = Path(tempfile.mkdtemp(prefix="cpanalysis-upload-"))
        label = ", ".join(name for name, _ in files)
        try:
            target = self._unpack(files, folder)
        except (zipfile.BadZipFile, ValueError) as error:
            self._fail(problems_frame(str(error), label), label)
            return False
        return self.load_path(target, label=f"upload {label}")

    @staticmethod
    def _unpack(files: list[tuple[str, bytes]], folder: Path) -> Path:
        for name, content in files:
            suffix = Path(name).suffix.lower()
            if suffix == ".zip":
                with zipfile.ZipFile(__import__("io").BytesIO(content)) as archive:
                    for member in archive.infolist():
                        member_path = Path(member.filename)
                        if member.is_dir() or member_path.name.startswith(".") or "__MACOSX" in member_path.parts:
                            continue
                        if member_path.is_absolute() or ".." in member_path.parts:
                            raise ValueError(f"{name}: refused a file outside the archive ({member.filename})")
                        out = folder / member_path.name  # flatten: tables are found by file name
                        out.write_bytes(archive.read(member))
            elif suffix in (".csv", ".xlsx", ".xlsm", ".parquet"):
                (folder / name).write_bytes(content)
            else:
                raise ValueError(f"{name}: not a .zip, .csv or .xlsx file")
        workbooks = sorted(folder.glob("*.xls[xm]"))
        if workbooks and not any(folder.glob("*.csv")):
            return workbooks[0]
        return folder

    def _fail(self, problems: pd.DataFrame, label: str) -> None:
        self.problems = problems
        still = f" Still showing {self.source}." if self.data is not None else ""
        self.status = f"Could not load {label}: {len(problems)} problem(s).{still}"

    def set_data(self, data, label: str = "") -> None:
        """Use ``data`` (a :class:`cpanalysis.Dataset`): compute the programme tables once."""
        start = time.perf_counter()
        self.data = data
        self._cache = {}
        self._lib = {name: find(name) for name in (
            "participation", "suppress_small", "speaking_concentration", "individual_speaking",
            "lorenz_curve", "subgroup_rankings", "aggregate", "ranking_methods", "elite_dominance",
            "reading")}
        self._lib["plot_subgroup_heatmap"] = find("plot_subgroup_heatmap")
        self._lib["plot_alignment"] = find_first("plot_alignment", "alignment_plot")
        self._lib["plot_counterfactual"] = find_first("plot_counterfactual", "counterfactual_plot")
        self.availability = {name: "available" if f.available else (f.reason or "not available yet")
                             for name, f in self._lib.items()}
        self.dominance_defaults = _dominance_defaults(self._lib["elite_dominance"])
        if not self.dominance_thresholds:
            self.dominance_thresholds = dict(self.dominance_defaults)
        methods = self._lib["ranking_methods"].func() if self._lib["ranking_methods"].available else []
        self._busy = True
        try:
            self.methods = list(methods)
            if self.method not in self.methods and self.methods:
                self.method = DEFAULT_METHOD if DEFAULT_METHOD in self.methods else self.methods[0]
            communities = data.communities
            districts = communities["district"].dropna().astype(str).unique().tolist() \
                if "district" in communities else []
            self.districts = [ALL] + sorted(districts)
            self.cycles = [ALL] + [str(c) for c in sorted(data.sessions["cycle"].dropna().unique())]
            self.formats = [ALL] + sorted(data.sessions["format"].dropna().astype(str).unique().tolist())
            self.district, self.cycle, self.session_format = ALL, ALL, ALL
            self.source = label or str(data.source)
            self.problems = None
            self._participation_tables(None)  # the heavy part, cached
            self._dominance_table()
            for cycle in self.cycles[1:]:  # each cycle's overview once, so choosing a cycle is instant
                self.cycle = cycle
                self._overview_all()
            self.cycle = ALL
            self.sort_columns = [c for c in OVERVIEW_COLUMNS if c in self._overview_all().columns]
            if self.sort_by not in self.sort_columns:
                self.sort_by = "community_id"
        finally:
            self._busy = False
        self.timings = {**self.timings, "load_s": time.perf_counter() - start}
        self.community_id = ""
        self._update_overview()
        self.status = f"Showing {self.source}: {len(data.communities):,} communities, {len(data.sessions):,} sessions."

    # ================================================================= library calls (cached)
    def _f(self, name: str) -> Found:
        return self._lib.get(name) or find(name)

    def _formats_arg(self):
        return None if self.session_format == ALL else self.session_format

    def _participation_tables(self, fmt) -> dict[str, pd.DataFrame]:
        key = ("participation", fmt)
        if key in self._cache:
            return self._cache[key]
        out: dict[str, pd.DataFrame] = {}
        part = self._f("participation")
        if part.available:
            for level in ("community", "cycle", "session"):
                out[level] = part.func(self.data, level=level, subgroup="subgroup", formats=fmt, n_boot=PARITY_N_BOOT)
            out["status_community"] = part.func(self.data, level="community", subgroup="status", formats=fmt,
                                               n_boot=PARITY_N_BOOT)
            out["status_cycle"] = part.func(self.data, level="cycle", subgroup="status", formats=fmt,
                                           n_boot=PARITY_N_BOOT)
        conc = self._f("speaking_concentration")
        if conc.available:
            for level in ("community", "cycle"):
                try:
                    out[f"concentration_{level}"] = conc.func(self.data, level=level, formats=fmt)
                except Exception as error:  # e.g. a dataset with head counts only
                    self.notes = {**self.notes, "concentration": str(error)}
        speak = self._f("individual_speaking")
        if speak.available:
            for level in ("community", "cycle"):
                try:
                    out[f"individuals_{level}"] = speak.func(self.data, level=level, formats=fmt)
                except Exception as error:
                    self.notes = {**self.notes, "lorenz": str(error)}
        self._cache[key] = out
        return out

    def _dominance_table(self) -> pd.DataFrame | None:
        found = self._f("elite_dominance")
        if not found.available:
            return None
        key = ("dominance", self.method, self.weighting, tuple(sorted(self.dominance_thresholds.items())))
        if key not in self._cache:
            self._cache[key] = self._dominance_analysis(found)
        return self._cache[key]["table"]

    def _current_analysis(self) -> dict:
        self._dominance_table()
        return self._cache[("dominance", self.method, self.weighting,
                            tuple(sorted(self.dominance_thresholds.items())))]

    def _dominance_analysis(self, found: Found) -> dict:
        """The dominance analysis of every community, once per settings.

        ``cpanalysis.reading`` accepts the analysis of ``cpanalysis.dominance.core.analyse`` so that
        reading one community does not recompute the whole programme; its ``table`` is what
        ``elite_dominance`` returns with the same settings.
        """
        kwargs = self._dominance_kwargs(found)
        try:
            from cpanalysis.dominance.core import analyse
            from cpanalysis.settings import resolve_settings

            return analyse(self.data, resolve_settings(**kwargs))
        except ImportError:
            return {"table": found.func(self.data, **kwargs)}

    def _dominance_kwargs(self, found: Found) -> dict:
        kwargs = {k: v for k, v in self.dominance_thresholds.items() if found.accepts(k)}
        if found.accepts("ranking_method"):
            kwargs["ranking_method"] = self.method
        if found.accepts("ranking_weighting"):
            kwargs["ranking_weighting"] = self.weighting
        return kwargs

    def suppress(self, table: pd.DataFrame | None) -> pd.DataFrame | None:
        """``table`` with small counts hidden (the library's ``suppress_small``)."""
        if table is None:
            return None
        found = self._f("suppress_small")
        if found.available:
            return found.func(table, threshold=self.threshold)
        # The library function is missing: hide every count column below the threshold rather
        # than show it (safeguarding first); the settings panel says this fallback is in use.
        out = table.copy()
        for column in [c for c in out.columns if c.startswith("n_") or c == "count"]:
            values = pd.to_numeric(out[column], errors="coerce")
            out[column] = out[column].astype(object).where(~((values > 0) & (values < self.threshold)), pd.NA)
        return out

    # ================================================================= programme overview
    def _rows(self, table: pd.DataFrame | None, *, community=None, session=None) -> pd.DataFrame | None:
        if table is None:
            return None
        mask = pd.Series(True, index=table.index)
        if self.cycle != ALL and "cycle" in table:
            mask &= table["cycle"].astype(str) == self.cycle
        if community is not None:
            mask &= table["community_id"] == community
        if session is not None:
            mask &= table["session_id"] == session
        return table[mask]

    def _level(self) -> str:
        return "community" if self.cycle == ALL else "cycle"

    def _overview_all(self) -> pd.DataFrame:
        """One row per community for the current format and cycle (cached)."""
        key = ("overview", self.session_format, self.cycle, self.threshold, self.method, self.weighting,
               tuple(sorted(self.dominance_thresholds.items())))
        if key in self._cache:
            return self._cache[key]
        data = self.data
        out = data.communities[[c for c in ("community_id", "name", "district") if c in data.communities]].copy()
        out = out.set_index("community_id", drop=False)
        decisions = self._labelled(data.decisions)
        top = decisions.sort_values("priority").drop_duplicates("community_id").set_index("community_id")
        out["decision"] = top["label"].reindex(out.index)
        tables = self._participation_tables(self._formats_arg())
        level = self._level()
        part = self.suppress(self._rows(tables.get(level)))
        if part is not None and len(part):
            first = part.drop_duplicates("community_id").set_index("community_id")
            for column in ("n_attendees_unit", "n_turns_unit"):
                out[column] = first[column].reindex(out.index)
            ranked = part.dropna(subset=["parity"]).sort_values("parity", kind="stable")
            lowest = ranked.drop_duplicates("community_id").set_index("community_id")
            out["lowest_parity_subgroup"] = lowest["subgroup"].reindex(out.index)
            out["lowest_parity"] = lowest["parity"].reindex(out.index)
        status = self.suppress(self._rows(tables.get(f"status_{level}")))
        if status is not None and len(status):
            elite = status[status["subgroup"] == "elite"].drop_duplicates("community_id").set_index("community_id")
            out["elite_parity"] = elite["parity"].reindex(out.index)
        conc = self.suppress(self._rows(tables.get(f"concentration_{level}")))
        if conc is not None and len(conc) and "gini" in conc:
            out["gini"] = conc.drop_duplicates("community_id").set_index("community_id")["gini"].reindex(out.index)
        dominance = self._dominance_table()
        if dominance is not None and len(dominance):
            level_col = next((c for c in ("reading_level", "level", "reading") if c in dominance), None)
            first = dominance.drop_duplicates("community_id").set_index("community_id")
            if level_col is not None:
                out["reading"] = first[level_col].reindex(out.index).astype(object)
            if "gap" in first:
                out["elite_gap"] = first["gap"].reindex(out.index)
        if "reading" not in out and "elite_parity" in out:
            out["reading"] = "participation only"
        out = out.reset_index(drop=True)
        out = out[[c for c in OVERVIEW_COLUMNS if c in out]]
        self._cache[key] = out
        return out

    def _labelled(self, table: pd.DataFrame) -> pd.DataFrame:
        labels = self.data.harms.set_index("harm_id")["label"]
        out = table.copy()
        out["label"] = out["harm_id"].map(labels).fillna(out["harm_id"])
        return out

    @t.observe("district", "cycle", "session_format", "sort_by", "ascending", "threshold")
    def _on_filter(self, change) -> None:
        if self.data is not None and not self._busy:
            self._update_overview()

    def _update_overview(self) -> None:
        start = time.perf_counter()
        table = self._overview_all()
        if self.district != ALL and "district" in table:
            table = table[table["district"] == self.district]
        if self.sort_by in table:
            table = table.sort_values(self.sort_by, ascending=self.ascending, kind="stable", na_position="last")
        table = table.reset_index(drop=True)
        self.overview = table
        ids = table["community_id"].astype(str).tolist()
        self.community_ids = ids
        level = self._level()
        self.calls = {**self.calls, "overview": "\n".join([
            call_text(self._f("participation"), "data", level=level, subgroup="subgroup", formats=self._formats_arg(),
                      n_boot=PARITY_N_BOOT),
            call_text(self._f("participation"), "data", level=level, subgroup="status", formats=self._formats_arg(),
                      n_boot=PARITY_N_BOOT),
            call_text(self._f("speaking_concentration"), "data", level=level, formats=self._formats_arg()),
            call_text(self._f("elite_dominance"), "data", **self._dominance_kwargs(self._f("elite_dominance")))
            if self._f("elite_dominance").available else "# elite_dominance: not available yet",
            f"# then cpanalysis.suppress_small(table, threshold={self.threshold}) on each table"])}
        self.timings = {**self.timings, "overview_s": time.perf_counter() - start}
        if self.community_id not in ids:
            self.community_id = ids[0] if ids else ""
        else:
            self._update_community()

    # ================================================================= one community
    @t.observe("community_id")
    def _on_community(self, change) -> None:
        if self.data is not None and not self._busy:
            self._update_community()

    @t.observe("method", "weighting", "dominance_thresholds")
    def _on_setting(self, change) -> None:
        if self.data is not None and not self._busy:
            self._update_overview()

    def _session_list(self, cid: str) -> list[str]:
        sessions = self.data.sessions
        mask = sessions["community_id"] == cid
        if self.cycle != ALL:
            mask &= sessions["cycle"].astype(str) == self.cycle
        if self.session_format != ALL:
            mask &= sessions["format"] == self.session_format
        return sessions.loc[mask, "session_id"].astype(str).tolist()

    def _update_community(self) -> None:
        start = time.perf_counter()
        cid = self.community_id
        tables: dict[str, pd.DataFrame] = {}
        figs: dict[str, bytes] = {}
        notes: dict[str, str] = {}
        calls = dict(self.calls)
        fmt = self._formats_arg()
        level = self._level()
        where = "" if self.cycle == ALL else f", cycle {self.cycle}"
        title_unit = f"{cid}{where}" + ("" if fmt is None else f", {fmt} only")
        if not cid:
            self.community_tables, self.reading = {}, "No community matches the filters."
            self.figures = {"presence_voice": figures.message_png("No community matches the filters.")}
            self.session_ids = []
            self.session_id = ""
            return
        # -- participation
        ptables = self._participation_tables(fmt)
        part = self._f("participation")
        if part.available:
            rows = self.suppress(self._rows(ptables[level], community=cid))
            tables["participation"] = rows
            figs["presence_voice"] = figures.presence_voice_png(rows, f"Presence and voice by subgroup, {title_unit}")
            calls["presence_voice"] = call_text(part, "data", level=level, subgroup="subgroup", formats=fmt,
                                                n_boot=PARITY_N_BOOT) + \
                f"  # rows of community_id == {cid!r}" + (f", cycle == {self.cycle}" if self.cycle != ALL else "")
        else:
            notes["presence_voice"] = f"Participation measures are not available yet ({part.reason})."
        # -- concentration
        if f"concentration_{level}" in ptables:
            tables["concentration"] = self.suppress(self._rows(ptables[f"concentration_{level}"], community=cid))
        indiv = ptables.get(f"individuals_{level}")
        lorenz = self._f("lorenz_curve")
        if indiv is not None and lorenz.available:
            rows = self._rows(indiv, community=cid)
            curves = {}
            if len(rows) >= self.threshold:
                curve = lorenz.func(rows["turns"].to_numpy())
                curves[f"all attendees (n = {len(rows)}), Gini {curve.attrs.get('gini', float('nan')):.2f}"] = curve
            figs["lorenz"] = figures.lorenz_png(curves, f"Who does the talking? {title_unit}") if curves else \
                figures.message_png(f"Fewer than {self.threshold} people: not shown.")
            calls["lorenz"] = (call_text(self._f("individual_speaking"), "data", level=level, formats=fmt)
                               + f"  # rows of community_id == {cid!r}\n"
                               + call_text(lorenz, "rows['turns']") + "\n"
                               + call_text(self._f("speaking_concentration"), "data", level=level, formats=fmt))
        else:
            notes["lorenz"] = "Speaking concentration (Lorenz curve, Gini) is not available yet."
        # -- rankings
        sub = self._f("subgroup_rankings")
        agg = self._f("aggregate")
        session_list = self._session_list(cid)
        ranked_here = self.data.rankings[self.data.rankings["session_id"].isin(session_list)]
        decision = self._labelled(self.data.decisions[self.data.decisions["community_id"] == cid])
        tables["decision"] = decision[["priority", "harm_id", "label"]].sort_values("priority").reset_index(drop=True)
        if sub.available and len(ranked_here):
            rankings = sub.func(self.data, method=self.method, session_id=session_list)
            consensus = agg.func(ranked_here, method=self.method, weighting=self.weighting)
            consensus = self._labelled(consensus)
            tables["subgroup_rankings"] = self.suppress(rankings)
            tables["consensus"] = consensus
            figs["heatmap"] = figures.heatmap_png(
                rankings, decision, consensus, f"Harm ranks by subgroup, {title_unit} ({self.method})",
                self._f("plot_subgroup_heatmap").func)
            calls["heatmap"] = (call_text(sub, "data", method=self.method, session_id=Code("sessions"))
                                + f"  # sessions: {cid}'s sessions in the filters\n"
                                + call_text(agg, "data.rankings[data.rankings.session_id.isin(sessions)]",
                                            method=self.method, weighting=self.weighting) + "\n"
                                + "cpanalysis.rankings.plots.plot_subgroup_heatmap(rankings)")
        else:
            notes["heatmap"] = "No harm rankings recorded in the selected sessions." if sub.available \
                else "Harm rankings are not available yet."
        # -- dominance
        dom = self._f("elite_dominance")
        read = self._f("reading")
        if dom.available:
            table = self._dominance_table()
            tables["dominance"] = self.suppress(table[table["community_id"] == cid])
            calls["dominance"] = call_text(dom, "data", **self._dominance_kwargs(dom))
            analysis = self._current_analysis()
            inputs = {"plot_alignment": ("alignment", "decision_alignment", {}),
                      "plot_counterfactual": ("counterfactual", "counterfactual_decisions",
                                              {"labels": dict(zip(self.data.harms["harm_id"], self.data.harms["label"]))})}
            for name, (part_name, source, extra) in inputs.items():
                plot = self._f(name)
                if plot.available and part_name in analysis:
                    try:
                        figs[name] = figures.library_plot_png(plot.func, analysis[part_name], cid,
                                                              size=(5.6, 3.4), **extra)
                        calls[name] = (f"{call_text(source, 'data', **self._dominance_kwargs(dom))}\n"
                                       f"{call_text(plot, source + '_table', repr(cid))}")
                    except Exception as error:
                        notes[name] = f"{plot.name} could not draw this community: {error}"
            if read.available:
                extra = {"analysis": analysis} if "alignment" in analysis and read.accepts("analysis") \
                    else self._dominance_kwargs(read)
                self.reading = str(read.func(self.data, cid, **extra))
                calls["reading"] = call_text(read, "data", repr(cid), **self._dominance_kwargs(read))
            else:
                self.reading = "The plain-language reading is not available yet."
        else:
            notes["dominance"] = ("The elite-dominance analysis (alignment, counterfactual, reading) is "
                                  "not available yet in this version of cpanalysis.")
            self.reading = ("Not available yet: the elite-dominance reading has not been added to "
                            "cpanalysis. The participation charts above are what can be read for now.")
        self.community_tables = tables
        self.notes = notes
        self.calls = calls
        self.figures = {**{k: v for k, v in self.figures.items() if k.startswith("session_")}, **figs}
        self.timings = {**self.timings, "community_s": time.perf_counter() - start}
        sessions = self._session_list(cid)
        self.session_ids = sessions
        if self.session_id not in sessions:
            self.session_id = sessions[0] if sessions else ""
        else:
            self._update_session()

    # ================================================================= one session
    @t.observe("session_id")
    def _on_session(self, change) -> None:
        if self.data is not None and not self._busy:
            self._update_session()

    def _update_session(self) -> None:
        sid = self.session_id
        tables: dict[str, pd.DataFrame] = {}
        figs = {k: v for k, v in self.figures.items() if not k.startswith("session_")}
        calls = dict(self.calls)
        if not sid:
            self.session_tables = {}
            figs["session_counts"] = figures.message_png("No session in the filters.")
            self.figures = figs
            return
        info = self.data.sessions[self.data.sessions["session_id"] == sid]
        tables["session"] = info.reset_index(drop=True)
        part = self._f("participation")
        if part.available:
            rows = self.suppress(self._rows(self._participation_tables(self._formats_arg())["session"], session=sid))
            tables["participation"] = rows
            fmt = str(info["format"].iloc[0]) if len(info) else ""
            figs["session_counts"] = figures.counts_png(rows, f"Attendees and turns by subgroup, {sid} ({fmt})")
            calls["session_counts"] = call_text(part, "data", level="session", subgroup="subgroup",
                                                formats=self._formats_arg()) + f"  # rows of session_id == {sid!r}"
        else:
            figs["session_counts"] = figures.message_png("Participation measures are not available yet.")
        sub = self._f("subgroup_rankings")
        if sub.available and (self.data.rankings["session_id"] == sid).any():
            rankings = sub.func(self.data, method=self.method, session_id=sid)
            tables["rankings"] = self.suppress(rankings)
            figs["session_heatmap"] = figures.heatmap_png(
                rankings, None, None, f"Ranking made in {sid} ({self.method})", self._f("plot_subgroup_heatmap").func)
            calls["session_heatmap"] = call_text(sub, "data", method=self.method, session_id=sid)
        else:
            figs["session_heatmap"] = figures.message_png("No harm ranking was made in this session.")
        self.session_tables = tables
        self.calls = calls
        self.figures = figs

    # ================================================================= export
    def export_tables(self) -> dict[str, pd.DataFrame]:
        """Every table currently shown, suppressed (the overview already is)."""
        out = {"overview": self.overview}
        for name, table in self.community_tables.items():
            out[f"community_{self.community_id}_{name}"] = table
        for name, table in self.session_tables.items():
            out[f"session_{self.session_id}_{name}"] = table
        return {name: self.suppress(table) if name != "overview" else table
                for name, table in out.items() if table is not None}

    def export(self, kind: str) -> list[Path]:
        """Write the current tables (``"csv"`` or ``"xlsx"``) or figures (``"png"``) to ``downloads``."""
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        folder = self.downloads / stamp
        folder.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        if kind == "csv":
            for name, table in self.export_tables().items():
                path = folder / f"{_safe(name)}.csv"
                table.to_csv(path, index=False)
                paths.append(path)
        elif kind == "xlsx":
            path = folder / f"cpanalysis-{_safe(self.community_id or 'programme')}.xlsx"
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                used = set()
                for name, table in self.export_tables().items():
                    sheet = _safe(name)[-31:]
                    while sheet in used:
                        sheet = sheet[:-1] + "_"
                    used.add(sheet)
                    _for_excel(table).to_excel(writer, sheet_name=sheet, index=False)
            paths.append(path)
        elif kind == "png":
            for name, png in self.figures.items():
                path = folder / f"{_safe(name)}_{_safe(self.community_id)}.png"
                path.write_bytes(png)
                paths.append(path)
        else:
            raise ValueError(f"export: kind must be csv, xlsx or png, not {kind!r}")
        self.exported = [str(p) for p in paths]
        return paths


#: Settings of the dominance analysis offered as thresholds in the settings panel.
DOMINANCE_THRESHOLDS = ("alpha", "parity_high", "proposal_parity_high", "adopted_share_high",
                        "min_proposals", "min_rankers", "min_count", "tie_penalty")


def _dominance_defaults(found: Found) -> dict:
    """The dominance thresholds and their defaults (from ``cpanalysis.Settings``)."""
    if not found.available:
        return {}
    settings = find("Settings")
    if settings.available:
        import dataclasses

        fields = {f.name: f.default for f in dataclasses.fields(settings.func)}
        return {k: fields[k] for k in DOMINANCE_THRESHOLDS if k in fields}
    return found.defaults()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "table"


def _for_excel(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def cleanup(path: str | os.PathLike) -> None:  # pragma: no cover - convenience for tests
    shutil.rmtree(path, ignore_errors=True)
