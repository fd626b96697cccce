"""The dataset object: the contract's tables, typed and checked, with derived columns added."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import io as _io
from .contract import DERIVED_COLUMNS, TABLE_ORDER, TABLES
from .problems import DatasetError, Problem, ProblemList, Source
from .subgroups import STATUS_GROUPS, SubgroupScheme, status_of
from .validation import check_tables, is_in, map_by_key


class Dataset:
    """The tables of one programme's data, typed, checked and with derived columns.

    Tables are attributes (``data.sessions``, ``data.turns``, ...); an optional table that the
    dataset does not have is ``None``. Derived columns, recomputed on every load:

    - ``participants``: ``subgroup`` (from the scheme) and ``status`` (elite, marginalised or general);
    - ``attendance``: ``community_id``, ``subgroup``, ``elite``, ``marginalised``;
    - ``attendance_counts`` and ``pairwise``: ``community_id``;
    - ``turns``: ``community_id``, ``elite``, ``marginalised``, and ``subgroup`` filled in from the speaker;
    - ``rankings``: ``community_id``, ``ranker_type`` (group or individual), ``subgroup`` (the
      group's name, or the individual's subgroup) and ``elite``.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(n_communities=2, seed=1)
    >>> list(data.summary())
    ['communities', 'sessions', 'participants', 'turns', 'rankings', 'actions', 'action updates']
    >>> data.participants[["participant_id", "subgroup", "status"]].columns.tolist()
    ['participant_id', 'subgroup', 'status']
    """

    def __init__(self, tables: dict[str, pd.DataFrame], scheme: SubgroupScheme | None = None,
                 source: str | None = None, file_format: str | None = None):
        self.tables = {name: tables[name] for name in TABLE_ORDER if name in tables}
        self.scheme = scheme or SubgroupScheme.default()
        self.source = source
        self.file_format = file_format

    def __getattr__(self, name: str):
        if name in TABLES:
            return self.__dict__["tables"].get(name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(frame):,}" for name, frame in self.tables.items())
        return f"<Dataset {self.source or '(in memory)'}: {counts}>"

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], scheme: SubgroupScheme | None = None,
                    source: str = "(in memory)") -> "Dataset":
        """Check in-memory tables against the contract and derive columns, as :func:`load` does for files."""
        frames = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
        sources = {name: Source(f"{name} table", unit="row", first_data_row=1) for name in frames}
        return _build(frames, sources, scheme or SubgroupScheme.default(), source, None)

    @classmethod
    def from_sources(cls, tables: dict[str, pd.DataFrame], sources: dict[str, Source], *,
                     scheme: SubgroupScheme | None = None, source: str = "(in memory)",
                     file_format: str | None = None, problems: ProblemList | None = None) -> "Dataset":
        """Like :meth:`from_tables`, with each table's :class:`~cpanalysis.problems.Source`.

        Importers use it so that every problem points to the original export's sheet and row;
        ``problems`` may already hold what the importer found.
        """
        return _build(dict(tables), dict(sources), scheme or SubgroupScheme.default(), source, file_format, problems)

    def summary(self) -> dict[str, int]:
        """How many communities, sessions, participants, turns and ranking rows the dataset holds,
        and, for contract v2 data, how many actions and action updates.

        Examples
        --------
        >>> import cpanalysis
        >>> cpanalysis.simulate(2, seed=0).summary()["actions"] > 0
        True
        """
        out = {"communities": len(self.communities), "sessions": len(self.sessions)}
        out["participants"] = 0 if self.participants is None else len(self.participants)
        out["turns"] = 0 if self.turns is None else len(self.turns)
        out["rankings"] = len(self.rankings)
        # the tables of contract v2, when the data have them (v1 data keep their summary); the keys
        # are words, as the summary is printed ("82 actions, 272 action updates")
        for name, words in (("actions", "actions"), ("action_updates", "action updates")):
            if self.tables.get(name) is not None:
                out[words] = len(self.tables[name])
        return out

    def contract_tables(self) -> dict[str, pd.DataFrame]:
        """The tables without derived columns, as they would be written to files."""
        out = {}
        for name, frame in self.tables.items():
            derived = [c for c in DERIVED_COLUMNS.get(name, ()) if c in frame and c not in TABLES[name].column_names]
            out[name] = frame.drop(columns=derived)
        if self.scheme.name != "default":
            out["subgroups"] = self.scheme.to_table()
        return out

    def save(self, path: str | Path, format: str = "csv") -> Path:
        """Write the dataset as CSV files, Parquet files or one ``.xlsx`` workbook.

        Parameters
        ----------
        path : str or Path
            A folder (csv, parquet, or xlsx written as ``dataset.xlsx`` inside it) or a ``.xlsx`` file.
        format : {"csv", "xlsx", "parquet"}

        Returns
        -------
        Path
            Where the data was written.

        Examples
        --------
        >>> import cpanalysis, tempfile
        >>> data = cpanalysis.simulate(n_communities=1, seed=3)
        >>> folder = data.save(tempfile.mkdtemp(), format="parquet")
        >>> cpanalysis.load(folder).summary() == data.summary()
        True
        """
        return _io.write_tables(self.contract_tables(), path, format)


def _scheme_for(frames: dict[str, pd.DataFrame], sources: dict[str, Source], problems: ProblemList,
                default: SubgroupScheme) -> SubgroupScheme:
    table = frames.pop("subgroups", None)
    if table is None:
        return default
    try:
        return SubgroupScheme.from_table(table, name=sources["subgroups"].file)
    except ValueError as exc:
        problems.add(Problem(sources["subgroups"].file, str(exc)))
        return default


def _build(frames, sources, scheme, source_label, file_format, problems: ProblemList | None = None) -> Dataset:
    problems = problems if problems is not None else ProblemList()
    scheme = _scheme_for(frames, sources, problems, scheme)
    typed = check_tables(frames, sources, scheme, problems)
    if len(problems):
        raise DatasetError(source_label, problems.problems)
    return Dataset(derive_columns(typed, scheme), scheme=scheme, source=source_label, file_format=file_format)


def derive_columns(tables: dict[str, pd.DataFrame], scheme: SubgroupScheme) -> dict[str, pd.DataFrame]:
    """Add subgroup, status and community columns (see :class:`Dataset`)."""
    tables = dict(tables)
    community_of = tables["sessions"].set_index("session_id")["community_id"]
    people = tables.get("participants")
    if people is not None:
        people = people.copy()
        if "marginalised" not in people:
            people["marginalised"] = False
        people["marginalised"] = people["marginalised"].astype("boolean").fillna(False)
        people["elite"] = people["elite"].astype("boolean").fillna(False)
        people["subgroup"] = pd.array(scheme.assign(people["gender"], people["age_group"]), dtype="string")
        people["status"] = pd.array(status_of(people["elite"], people["marginalised"]), dtype="string")
        tables["participants"] = people
        by_person = people.set_index("participant_id")[["subgroup", "elite", "marginalised"]]
    for name in ("attendance", "attendance_counts", "turns", "rankings", "pairwise"):
        if name not in tables:
            continue
        frame = tables[name].copy()
        frame["community_id"] = map_by_key(frame["session_id"], community_of).astype("string")
        if name == "attendance":
            for column in ("subgroup", "elite", "marginalised"):
                frame[column] = map_by_key(frame["participant_id"], by_person[column])
        if name == "turns":
            speaker = frame["participant_id"] if "participant_id" in frame else pd.Series(pd.NA, index=frame.index, dtype="string")
            if "subgroup" not in frame:
                frame["subgroup"] = pd.Series(pd.NA, index=frame.index, dtype="string")
            if people is not None:
                frame["subgroup"] = frame["subgroup"].fillna(map_by_key(speaker, by_person["subgroup"]))
                frame["elite"] = map_by_key(speaker, by_person["elite"]).astype("boolean")
                frame["marginalised"] = map_by_key(speaker, by_person["marginalised"]).astype("boolean")
            else:
                frame["elite"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
                frame["marginalised"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
            frame["subgroup"] = frame["subgroup"].astype("string")
        if name == "rankings":
            individual = is_in(frame["ranker"], people["participant_id"]) if people is not None else \
                pd.Series(False, index=frame.index)
            frame["ranker_type"] = pd.Series(individual.map({True: "individual", False: "group"}), dtype="string")
            if people is not None:
                frame["subgroup"] = map_by_key(frame["ranker"], by_person["subgroup"]).fillna(frame["ranker"]).astype("string")
                elite = map_by_key(frame["ranker"], by_person["elite"]).astype("boolean")
            else:
                frame["subgroup"] = frame["ranker"].astype("string")
                elite = pd.Series(pd.NA, index=frame.index, dtype="boolean")
            frame["elite"] = elite.fillna(frame["ranker"] == STATUS_GROUPS[0])
        tables[name] = frame
    return {name: _ordered_columns(name, frame) for name, frame in tables.items()}


def _ordered_columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns in contract order, then the user's extra columns, then derived ones."""
    contract = [c for c in TABLES[name].column_names if c in frame]
    derived = [c for c in DERIVED_COLUMNS.get(name, ()) if c in frame and c not in contract]
    extra = [c for c in frame.columns if c not in contract and c not in derived]
    return frame[contract + extra + derived]


def load(path: str | Path, *, scheme: SubgroupScheme | None = None, max_file_bytes: int | None = None) -> Dataset:
    """Load a dataset from a folder of CSV or Parquet files, or from one ``.xlsx`` workbook.

    Every table is checked against the data contract (``docs/data-contract.md``) and every
    problem is reported at once. The input files are only read.

    Parameters
    ----------
    path : str or Path
        A folder holding ``communities.csv``, ``sessions.csv``, ... (or ``.parquet``), or a
        workbook with one sheet per table.
    scheme : SubgroupScheme, optional
        How participants map to subgroups. By default the dataset's own ``subgroups`` table if it
        has one, else :meth:`SubgroupScheme.default`.
    max_file_bytes : int, optional
        The largest file read; by default :func:`cpanalysis.io.max_file_bytes` (1 GiB, or the
        ``CPANALYSIS_MAX_FILE_MB`` environment variable). Only regular files are ever opened.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        When anything is wrong; ``error.problems`` lists each problem with its file, row, column,
        value and what was expected.

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.load(cpanalysis.sample_path())
    >>> data.summary()["communities"]
    12
    """
    frames, sources, read_problems, file_format = _io.read_files(path, max_file_bytes)
    problems = ProblemList()
    for problem in read_problems:
        problems.add(problem)
    if read_problems and not frames:
        raise DatasetError(path, problems.problems)
    return _build(frames, sources, scheme or SubgroupScheme.default(), str(path), file_format, problems)


def validate(path: str | Path, *, scheme: SubgroupScheme | None = None) -> list[Problem]:
    """Every problem in the dataset at ``path`` (an empty list when it is valid).

    Examples
    --------
    >>> import cpanalysis
    >>> cpanalysis.validate(cpanalysis.sample_path())
    []
    """
    try:
        load(path, scheme=scheme)
    except DatasetError as error:
        return error.problems
    return []


def sample_path() -> Path:
    """The folder of the bundled sample programme (``data/sample`` in a source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data" / "sample", here / "resources" / "sample"):
        if (candidate / "communities.csv").exists():
            return candidate
    raise FileNotFoundError("the bundled sample programme was not found next to the package")
