"""Problems found in a dataset, reported the way a person reads their own files."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: How many rows of one problem (same file, column and check) are listed before the rest is counted.
ROWS_LISTED_PER_PROBLEM = 20


@dataclass(frozen=True)
class Source:
    """Where a table came from, so that a row index can be told as the user sees it.

    ``unit`` is ``line`` for CSV (the header is line 1), ``row`` for a spreadsheet (the header is
    row 1) and ``row`` for Parquet or in-memory tables (the first data row is row 1).
    """

    file: str
    unit: str = "row"
    first_data_row: int = 1
    encoding: str | None = None
    separator: str | None = None
    #: The line of each data row when rows and lines do not simply follow each other (blank lines,
    #: quoted line breaks, rows left out because they were ragged); ``None`` otherwise.
    line_numbers: np.ndarray | None = field(default=None, compare=False, repr=False)

    def where(self, index: int) -> str:
        if self.line_numbers is not None and 0 <= int(index) < len(self.line_numbers):
            return f"{self.unit} {int(self.line_numbers[int(index)])}"
        return f"{self.unit} {int(index) + self.first_data_row}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what was found and what was expected."""

    file: str
    message: str
    row: str | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    more_rows: int = 0

    def __str__(self) -> str:
        parts = [self.file]
        if self.row:
            parts.append(self.row)
        if self.column:
            parts.append(f'column "{self.column}"')
        text = ", ".join(parts) + ": " + self.message
        if self.value is not None:
            text += f' (found "{self.value}")'
        if self.expected:
            text += f"; expected {self.expected}"
        if self.more_rows:
            text += f" [and {self.more_rows:,} more rows with the same problem]"
        return text


@dataclass
class ProblemList:
    """Collects problems, listing at most ``ROWS_LISTED_PER_PROBLEM`` rows of each kind."""

    problems: list[Problem] = field(default_factory=list)
    _flagged: dict = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def add_rows(
        self,
        source: Source,
        mask: pd.Series,
        values: pd.Series | None,
        *,
        column: str | None,
        message: str,
        expected: str | None = None,
    ) -> None:
        """Add one problem per flagged row (up to the listing limit), skipping cells already flagged."""
        mask = mask.fillna(False).astype(bool)
        key = (source.file, column)
        already = self._flagged.get(key)
        if already is not None:
            mask &= ~mask.index.isin(already)
        flagged = mask.index[mask.to_numpy()]
        if len(flagged) == 0:
            return
        self._flagged[key] = flagged if already is None else already.union(flagged)
        listed = flagged[:ROWS_LISTED_PER_PROBLEM]
        for position, index in enumerate(listed):
            value = None
            if values is not None:
                raw = values.loc[index]
                value = "" if raw is None or (not isinstance(raw, str) and pd.isna(raw)) else str(raw)
            more = len(flagged) - len(listed) if position == len(listed) - 1 else 0
            self.problems.append(
                Problem(source.file, message, row=source.where(index), column=column, value=value,
                        expected=expected, more_rows=more)
            )

    def flagged(self, file: str, column: str | None) -> pd.Index:
        """Row indexes already reported for this file and column."""
        return self._flagged.get((file, column), pd.Index([]))

    def __len__(self) -> int:
        return len(self.problems)

    def __iter__(self):
        return iter(self.problems)


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """Problems grouped by file (in the order files were first mentioned), then by row."""
    file_rank: dict[str, int] = {}
    for problem in problems:
        file_rank.setdefault(problem.file, len(file_rank))

    def row_number(problem: Problem) -> int:
        return int(problem.row.rsplit(" ", 1)[-1]) if problem.row else 0

    return sorted(problems, key=lambda p: (file_rank[p.file], row_number(p)))


class DatasetError(ValueError):
    """Raised when a dataset cannot be loaded; ``problems`` lists everything that is wrong."""

    def __init__(self, path, problems: list[Problem]):
        self.path = str(path)
        self.problems = _in_reading_order(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"{len(self.problems)} problem(s) in {self.path}:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table (file, row, column, value, expected, message), e.g. for a dashboard."""
        return pd.DataFrame(
            [
                {"file": p.file, "row": p.row, "column": p.column, "value": p.value,
                 "expected": p.expected, "problem": p.message, "more_rows": p.more_rows}
                for p in self.problems
            ],
            columns=["file", "row", "column", "value", "expected", "problem", "more_rows"],
        )
