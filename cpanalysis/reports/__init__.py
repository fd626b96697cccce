"""One-command reports: a thin notebook run with papermill and rendered to HTML without code.

``cpanalysis report PATH -o report.html`` runs ``notebooks/report.ipynb`` (a copy ships in
``cpanalysis/resources/report.ipynb`` for installed packages) with the parameters given, then
renders it to HTML with the code hidden. The notebook only calls :class:`Report`; every number
comes from the library's public measures (``cpanalysis.inclusion``,
``cpanalysis.subgroup_rankings``, ``cpanalysis.elite_dominance``, ``cpanalysis.reading``,
``cpanalysis.suppress_small``); a part of the library that this version does not have is reported
as "not available in this version". Nothing is computed here.

Each report carries the package version, a fingerprint of the data (:func:`fingerprint`) and the
parameters, so that a reader can tell which data and which settings gave these numbers.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd


NOT_AVAILABLE = "not available in this version"

#: Columns of the participation table shown in the report (when the library returns them).
PARTICIPATION_COLUMNS = ("community_id", "subgroup", "n_attendees", "presence_share", "representation_ratio",
                         "n_turns", "voice_share_turns", "parity", "parity_ci_low", "parity_ci_high",
                         "silence_rate", "proposal_share", "uptake", "interruptions_per_turn", "note")
DOMINANCE_COLUMNS = ("community_id", "decision", "gap", "gap_ci_low", "gap_ci_high", "p_value",
                     "counterfactual", "counterfactual_differs", "voice_parity", "elite_proposal_share",
                     "elite_adopted_share", "n_signals", "level")


# --- data ---------------------------------------------------------------------------------------

def canonical_csv(frame: pd.DataFrame) -> str:
    """A table as CSV with its columns in name order and its rows sorted: the same data gives the same text."""
    frame = frame[sorted(frame.columns)]
    text = frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d", float_format="%.12g", na_rep="")
    header, _, body = text.partition("\n")
    rows = sorted(line for line in body.split("\n") if line)
    return "\n".join([header, *rows]) + "\n"


def fingerprint(data) -> str:
    """SHA-256 over the canonical CSV (:func:`canonical_csv`) of every contract table, in table-name order.

    Derived columns are left out (they follow from the tables), so a dataset saved and loaded again
    has the same fingerprint.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.reports import fingerprint
    >>> fingerprint(cpanalysis.simulate(1, seed=3)) == fingerprint(cpanalysis.simulate(1, seed=3))
    True
    """
    digest = hashlib.sha256()
    for name, frame in sorted(data.contract_tables().items()):
        digest.update(f"## {name}\n".encode())
        digest.update(canonical_csv(frame).encode("utf-8"))
    return digest.hexdigest()


def subset(data, communities) -> "object":
    """The dataset restricted to some communities (all harms kept), checked again like any dataset."""
    from ..dataset import Dataset

    if not communities:
        return data
    wanted = set(map(str, communities))
    unknown = wanted - set(data.communities["community_id"])
    if unknown:
        raise ValueError(f"unknown community id(s): {', '.join(sorted(unknown))}; "
                         f"the dataset has {', '.join(data.communities['community_id'])}")
    tables = data.contract_tables()
    sessions = set(data.sessions.loc[data.sessions["community_id"].isin(wanted), "session_id"])
    out = {}
    for name, frame in tables.items():
        if name in ("communities", "population", "participants", "sessions", "decisions"):
            frame = frame[frame["community_id"].isin(wanted)]
        elif "session_id" in frame:
            frame = frame[frame["session_id"].isin(sessions)]
        out[name] = frame.reset_index(drop=True)
    return Dataset.from_tables(out, scheme=data.scheme, source=f"{data.source} (communities {', '.join(sorted(wanted))})")


# --- the report object the notebook calls -------------------------------------------------------

def _library(name: str):
    """A public function of cpanalysis, or None when this version does not have it."""
    import cpanalysis

    return getattr(cpanalysis, name, None)


def _plots(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


class Report:
    """The sections of a report, shown with IPython's display (the notebook calls one method per cell).

    Parameters
    ----------
    data_path : str
        A dataset (folder of CSV/Parquet files or a workbook), as :func:`cpanalysis.load` reads.
    communities : list of str, optional
        Report on these communities only (default: the whole programme).
    title : str
    suppress_threshold : int
        Counts below this are hidden (:func:`cpanalysis.suppress_small`).
    n_boot, seed : int
        Bootstrap resamples and seed for the intervals (fixed seed: the same input gives the same report).
    ranking_method : str
        Aggregation method for subgroup rankings.
    """

    def __init__(self, data_path, *, communities=None, title="Inclusiveness of community planning",
                 suppress_threshold: int = 5, n_boot: int = 999, seed: int = 0, ranking_method: str = "mean_rank"):
        from ..dataset import load

        self.data_path = str(data_path)
        self.full = load(data_path)
        self.fingerprint = fingerprint(self.full)
        self.data = subset(self.full, communities)
        self.communities = list(self.data.communities["community_id"])
        self.parameters = {"data_path": self.data_path, "communities": list(communities) if communities else "all",
                           "title": title, "suppress_threshold": suppress_threshold, "n_boot": n_boot,
                           "seed": seed, "ranking_method": ranking_method}
        self.title = title
        self.threshold, self.n_boot, self.seed, self.ranking_method = suppress_threshold, n_boot, seed, ranking_method
        self.labels = dict(zip(self.data.harms["harm_id"], self.data.harms["label"]))
        self.names = dict(zip(self.data.communities["community_id"], self.data.communities["name"]))

    # display helpers
    @staticmethod
    def _html(text: str) -> None:
        from IPython.display import HTML, display

        display(HTML(text))

    def _table(self, frame: pd.DataFrame, digits: int = 2) -> None:
        shown = frame.copy()
        for column in shown.columns:
            if pd.api.types.is_float_dtype(shown[column]):
                shown[column] = shown[column].round(digits)
        self._html(shown.to_html(index=False, na_rep="–", classes="cp-table", border=0))

    @staticmethod
    def _figure(fig) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        display(fig)
        plt.close(fig)

    def _missing(self, what: str) -> None:
        self._html(f"<p><em>{html.escape(what)}: {NOT_AVAILABLE}.</em></p>")

    def _failed(self, what: str, error: Exception) -> None:
        print(f"report: {what} could not be computed: {error!r}", file=sys.stderr, flush=True)
        self._html(f"<p><em>{html.escape(what)} could not be computed: {html.escape(str(error))}</em></p>")

    def _progress(self, message: str) -> None:
        # stderr of the kernel is shown on the terminal by papermill and left out of the HTML (render_html).
        print(message, file=sys.stderr, flush=True)

    # sections
    def header(self) -> None:
        """Title, version, data fingerprint, the data's size and the parameters."""
        from .. import __version__
        from ..contract import CONTRACT_VERSION

        counts = self.data.summary()
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(json.dumps(v) if not isinstance(v, str) else v)}</td></tr>"
                       for k, v in self.parameters.items())
        sizes = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self._html(
            f"<h1>{html.escape(self.title)}</h1>"
            f"<p class='cp-meta'>cpanalysis version <span class='cp-version'>{html.escape(__version__)}</span>; "
            f"data contract v{CONTRACT_VERSION}; subgroup scheme: {html.escape(self.data.scheme.name)}</p>"
            f"<p class='cp-meta'>Data fingerprint (SHA-256 of the canonical CSV of every table): "
            f"<code class='cp-fingerprint'>{self.fingerprint}</code></p>"
            f"<p>Communities in this report: {html.escape(', '.join(f'{self.names[c]} ({c})' for c in self.communities))}. "
            f"Data: {html.escape(sizes)}.</p>"
            f"<h3>Parameters</h3><table class='cp-parameters'>{rows}</table>")

    def participation_section(self) -> None:
        """Presence, voice and parity by subgroup and community, with small counts suppressed."""
        self._html("<h2>Who is present, who is heard</h2>")
        measure, suppress = _library("participation"), _library("suppress_small")
        if measure is None:
            self._missing("Participation measures")
            return
        self._progress("report: participation measures")
        try:
            table = measure(self.data, level="community", n_boot=self.n_boot, seed=self.seed)
            if suppress is not None:
                table = suppress(table, self.threshold)
        except Exception as error:  # a section that fails must not take the report down
            self._failed("Participation measures", error)
            return
        if suppress is None:
            self._missing(f"Suppression of counts below {self.threshold}")
        shown = table[[c for c in PARTICIPATION_COLUMNS if c in table.columns]]
        self._table(shown)
        plot = _plots("cpanalysis.inclusion.plots", "plot_presence_voice")
        if plot is None:
            self._missing("Presence and voice figure")
            return
        for community in self.communities:
            self._progress(f"report: participation figure for {community}")
            try:
                ax = plot(table[table["community_id"] == community].reset_index(drop=True))
                fig = ax.figure if hasattr(ax, "figure") else ax
                fig.suptitle(f"{self.names[community]} ({community})")
                self._figure(fig)
            except Exception as error:
                self._failed(f"Presence and voice figure for {community}", error)

    def rankings_section(self) -> None:
        """Each subgroup's ranking of the harms, per community."""
        self._html("<h2>How each group ranks the harms</h2>")
        rankings = _library("subgroup_rankings")
        if rankings is None:
            self._missing("Subgroup rankings")
            return
        plot = _plots("cpanalysis.rankings.plots", "plot_subgroup_heatmap")
        for community in self.communities:
            self._progress(f"report: rankings for {community}")
            try:
                table = rankings(self.data, method=self.ranking_method, community_id=community)
            except Exception as error:
                self._failed(f"Subgroup rankings for {community}", error)
                continue
            self._html(f"<h3>{html.escape(self.names[community])} ({html.escape(community)})</h3>")
            if plot is None:
                self._missing("Ranking heatmap")
                self._table(table)
                continue
            try:
                ax = plot(table)
                self._figure(ax.figure if hasattr(ax, "figure") else ax)
            except Exception as error:
                self._failed(f"Ranking heatmap for {community}", error)

    def dominance_section(self) -> None:
        """Does the decision follow the elites? Signals per community and the plain-language reading."""
        self._html("<h2>Is the decision the elites' decision?</h2>")
        dominance, reading = _library("elite_dominance"), _library("reading")
        if dominance is None:
            self._missing("Elite-dominance signals")
        else:
            self._progress("report: elite-dominance signals")
            try:
                table = dominance(self.data, communities=self.communities)
                self._table(table[[c for c in DOMINANCE_COLUMNS if c in table.columns]])
            except Exception as error:
                self._failed("Elite-dominance signals", error)
        if reading is None:
            self._missing("Readings")
            return
        for community in self.communities:
            try:
                text = reading(self.data, community)
            except Exception as error:
                self._failed(f"Reading for {community}", error)
                continue
            self._html(f"<pre class='cp-reading'>{html.escape(text)}</pre>")

    def method_notes(self) -> None:
        """How the numbers were made, in a few sentences."""
        self._html(
            "<h2>Method notes</h2><ul>"
            "<li>Presence share = attendees of a subgroup / all attendees; voice share = their speaking turns / all "
            "turns; voice parity = voice share / presence share (1 = heard in proportion to presence), with a "
            f"bootstrap interval ({self.n_boot} resamples, seed {self.seed}).</li>"
            f"<li>Subgroup rankings aggregate each subgroup's rankers with the <code>{html.escape(self.ranking_method)}</code> "
            "method (every ranker of a subgroup weighs the same).</li>"
            "<li>Elite dominance compares the decision with the elites' and the other groups' rankings (a permutation "
            "test and a bootstrap interval), the decision the other groups alone would have made, and the elites' "
            "share of speaking and of adopted proposals; thresholds are settings of the library, listed in each reading.</li>"
            f"<li>Counts below {self.threshold} are hidden, with the values computed from them.</li>"
            "<li>The fingerprint identifies the data: the same tables always give the same fingerprint, and the same "
            "data and parameters give the same tables and figures.</li></ul>")


# --- running the notebook -----------------------------------------------------------------------

def notebook_path() -> Path:
    """The report notebook: ``notebooks/report.ipynb`` in a checkout, else the copy in ``cpanalysis/resources``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "notebooks" / "report.ipynb", here / "resources" / "report.ipynb"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(2, "the report notebook was not found", str(here / "resources" / "report.ipynb"))


def _kernel_dir(root: Path) -> str:
    """A kernelspec that runs this very interpreter (so the report sees the same cpanalysis)."""
    name = "cpanalysis-report"
    folder = root / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "cpanalysis report (this Python)", "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec))
    return name


def render_html(notebook) -> str:
    """The executed notebook as HTML without code cells, prompts or stderr (progress lines, warnings)."""
    from nbconvert import HTMLExporter

    for number, cell in enumerate(notebook.cells, start=1):
        if "id" in cell:
            cell["id"] = f"cell-{number}"     # papermill makes random ids; fixed ones keep the page identical
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(notebook)
    return body


def run_report(data_path, output, *, communities=None, title="Inclusiveness of community planning",
               suppress_threshold: int = 5, n_boot: int = 999, seed: int = 0, ranking_method: str = "mean_rank",
               kernel_name: str | None = None, keep_notebook: bool = False, progress: bool = True) -> Path:
    """Run the report notebook on a dataset and write it as HTML (code hidden).

    Parameters
    ----------
    data_path : str or Path
        The dataset (as :func:`cpanalysis.load` reads it).
    output : str or Path
        The ``.html`` file to write.
    communities : list of str, optional
        Only these communities (default: the whole programme).
    kernel_name : str, optional
        A Jupyter kernel to run the notebook in. By default a private kernelspec that runs this
        Python interpreter, so the report uses the same installed cpanalysis.
    keep_notebook : bool
        Also write the executed notebook next to the HTML (``report.ipynb``).

    Returns
    -------
    Path
        The HTML file.
    """
    import nbformat
    import papermill

    from ..dataset import load

    load(data_path)  # invalid data stops here, with the list of problems, before a kernel starts
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    parameters = {"data_path": str(Path(data_path).resolve()), "communities": list(communities) if communities else None,
                  "title": title, "suppress_threshold": int(suppress_threshold), "n_boot": int(n_boot),
                  "seed": int(seed), "ranking_method": ranking_method}
    with tempfile.TemporaryDirectory(prefix="cpanalysis-report-") as tmp:
        tmp = Path(tmp)
        old_path = os.environ.get("JUPYTER_PATH")
        if kernel_name is None:
            kernel_name = _kernel_dir(tmp / "jupyter")
            os.environ["JUPYTER_PATH"] = os.pathsep.join([str(tmp / "jupyter"), *([old_path] if old_path else [])])
        try:
            if progress:
                print(f"report: running {notebook_path().name} for {data_path} -> {output}", file=sys.stderr, flush=True)
            executed = tmp / "report.ipynb"
            papermill.execute_notebook(str(notebook_path()), str(executed), parameters=parameters,
                                       kernel_name=kernel_name, progress_bar=progress, cwd=str(tmp),
                                       log_output=False, stderr_file=sys.stderr if progress else io.StringIO())
        finally:
            if old_path is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old_path
        notebook = nbformat.read(executed, as_version=4)
        output.write_text(render_html(notebook), encoding="utf-8")
        if keep_notebook:
            (output.with_suffix(".ipynb")).write_bytes(executed.read_bytes())
    if progress:
        print(f"report: wrote {output}", file=sys.stderr, flush=True)
    return output


__all__ = ["NOT_AVAILABLE", "Report", "canonical_csv", "fingerprint", "notebook_path", "render_html",
           "run_report", "subset"]
