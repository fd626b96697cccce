"""Small-cell suppression for every table that is shown or exported.

A count below the threshold can point at a handful of identifiable people (three girls in a
meeting, two of whom never spoke). :func:`suppress_small` hides such counts *and every value
computed from them*, and records what it hid; :func:`suppression_report` reads that record.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..settings import FROM_SETTINGS, Settings, resolve_settings
from ._common import _check

__all__ = ["suppress_small", "suppression_report", "TIED_COLUMNS", "UNIT_TOTALS"]

_PARITY = ["parity", "parity_ci_low", "parity_ci_high", "parity_time", "enough_data"]

#: Which columns are computed from which count column (a hidden count hides them too).
TIED_COLUMNS: dict[str, tuple[str, ...]] = {
    "n_attendees": ("presence_share", "representation_ratio", *_PARITY),
    "n_attendees_unit": ("presence_share", "representation_ratio", *_PARITY),
    "n_turns": ("voice_share_turns", "n_turns_timed", "seconds", "voice_share_time", *_PARITY,
                "n_interruptions_recorded", "n_interrupted", "interruptions_per_turn"),
    "n_turns_unit": ("voice_share_turns", "voice_share_time", *_PARITY),
    "n_attendees_individual": ("n_silent", "silence_rate"),
    "n_silent": ("silence_rate",),
    "n_proposals": ("proposal_share", "n_harms_proposed", "n_harms_adopted", "uptake"),
    "n_interrupted": ("interruptions_per_turn",),
    "n_members": ("planning_share", "ratio_to_meeting", "ratio_to_population"),
    "n_individuals": ("n_speakers", "total", "gini", "gini_sample", "top_share", "top_k", "theil",
                      "theil_between", "theil_within", "p_between"),
    "n_speakers": ("top_share", "top_k"),
}

#: Count columns whose unit total is shown in another column (used for complementary suppression).
UNIT_TOTALS: dict[str, str] = {"n_attendees": "n_attendees_unit", "n_turns": "n_turns_unit"}


def _key_columns(table: pd.DataFrame) -> list[str]:
    if "subgroup" not in table.columns:
        return []
    return list(table.columns[: table.columns.get_loc("subgroup")])


def suppress_small(table: pd.DataFrame, threshold: int = FROM_SETTINGS, *, counts: Sequence[str] | None = None,
                   tied: Mapping[str, Sequence[str]] | None = None, marker=pd.NA,
                   suppress_zero: bool = False, complementary: bool = True,
                   settings: Settings | None = None) -> pd.DataFrame:
    """Hide counts below ``threshold`` and the values computed from them.

    Parameters
    ----------
    table : DataFrame
        A result table (for example from :func:`cpanalysis.participation`).
    threshold : int, default ``settings.min_count`` (5)
        Counts ``0 < count < threshold`` are hidden (and 0 when ``suppress_zero``).
    counts : list of str, optional
        The count columns to check; by default every column of ``tied`` present in the table.
    tied : mapping, optional
        ``{count column: columns computed from it}``; :data:`TIED_COLUMNS` by default.
    marker : scalar, default pd.NA
        What a hidden cell shows. With the default, integer columns become nullable ``Int64``;
        any other marker (e.g. ``"<5"``) turns the touched columns into ``object``.
    suppress_zero : bool, default False
        Also hide zeros. Off by default: "nobody of this subgroup came" is the finding the
        measures exist to show, and a zero does not single anyone out.
    complementary : bool, default True
        When exactly one subgroup's count is hidden in a unit whose total is shown
        (:data:`UNIT_TOTALS`), also hide the smallest other non-zero count of that unit, so the
        hidden one cannot be recovered by subtraction.
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`); ``min_count`` is the threshold.

    Returns
    -------
    DataFrame
        A copy with hidden cells set to ``marker``. ``.attrs["suppressed"]`` records every hidden
        cell (arrays ``position``, ``column``, ``reason``) and ``.attrs["suppression"]`` the
        settings and ``n_hidden``; read them as a table with :func:`suppression_report`.

    Notes
    -----
    Primary suppression: a count column below the threshold. Secondary: every column tied to a
    hidden count. Complementary suppression is done only for the unit totals listed in
    :data:`UNIT_TOTALS` (one pass, not an optimal pattern); shares of other subgroups can still
    narrow a hidden value down, so published tables should show counts or shares, not both.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.inclusion import suppress_small, suppression_report
    >>> t = pd.DataFrame({"subgroup": ["girls", "boys"], "n_attendees": [3, 12],
    ...                   "presence_share": [0.2, 0.8]})
    >>> s = suppress_small(t, complementary=False)
    >>> s["n_attendees"].tolist()
    [<NA>, 12]
    >>> suppression_report(s)[["subgroup", "column", "reason"]]
      subgroup          column                     reason
    0    girls     n_attendees      n_attendees = 3 (< 5)
    1    girls  presence_share  computed from n_attendees
    """
    _check("suppress_small", table, counts or [], table="table")
    threshold = resolve_settings(settings, min_count=threshold).min_count
    tied = dict(TIED_COLUMNS if tied is None else tied)
    if counts is None:
        counts = [c for c in tied if c in table.columns]
    hide = {}  # column -> boolean mask
    rec_rows: list[np.ndarray] = []
    rec_columns: list[np.ndarray] = []
    rec_reasons: list[np.ndarray] = []

    def _mark(column: str, mask: np.ndarray, reason) -> None:
        if column not in table.columns or not mask.any():
            return
        new = mask & ~hide.get(column, np.zeros(len(table), bool))
        if not new.any():
            return
        hide[column] = hide.get(column, np.zeros(len(table), bool)) | new
        positions = np.flatnonzero(new)
        rec_rows.append(positions)
        rec_columns.append(np.full(len(positions), column, dtype=object))
        rec_reasons.append(np.array([reason(p) for p in positions] if callable(reason)
                                    else [reason] * len(positions), dtype=object))

    primary = {}
    for column in counts:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        small = (values < threshold) & ((values > 0) | suppress_zero)
        small &= ~np.isnan(values)
        primary[column] = small
        _mark(column, small, lambda pos, c=column, v=values: f"{c} = {v[pos]:g} (< {threshold})")

    keys = _key_columns(table)
    if complementary:
        for column, total in UNIT_TOTALS.items():
            if column not in hide or total not in table.columns or hide.get(total, np.zeros(1, bool)).all():
                continue
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            unit = table.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys \
                else np.zeros(len(table), np.int64)
            hidden_per_unit = np.bincount(unit, weights=hide[column], minlength=unit.max() + 1 if len(unit) else 0)
            single = hidden_per_unit[unit] == 1
            candidate = single & ~hide[column] & (values > 0)
            if not candidate.any():
                continue
            rank_value = np.where(candidate, values, np.inf)
            frame = pd.DataFrame({"unit": unit, "v": rank_value})
            smallest = frame.groupby("unit")["v"].transform("min").to_numpy()
            first = frame.assign(ok=(rank_value == smallest) & candidate).groupby("unit")["ok"].cumsum().to_numpy()
            extra = candidate & (rank_value == smallest) & (first == 1)
            _mark(column, extra, f"complementary: the only other hidden {column} of its unit could be "
                                 f"recovered from {total}")

    for column in list(hide):
        for dependent in tied.get(column, ()):
            _mark(dependent, hide[column], f"computed from {column}")

    out = table.copy()
    for column, mask in hide.items():
        if marker is pd.NA:
            if pd.api.types.is_integer_dtype(out[column]):
                out[column] = out[column].astype("Int64")
            elif pd.api.types.is_bool_dtype(out[column]):
                out[column] = out[column].astype("boolean")
            elif pd.api.types.is_float_dtype(out[column]) and not pd.api.types.is_extension_array_dtype(out[column]):
                out[column] = out[column].astype("Float64")
        else:
            out[column] = out[column].astype(object)
        out.loc[mask, column] = marker
    out.attrs = dict(table.attrs)
    rows = np.concatenate(rec_rows) if rec_rows else np.zeros(0, np.int64)
    # compact arrays, not one dict per cell: pandas deep-copies attrs along with every derived frame
    out.attrs["suppressed"] = {"position": rows,
                               "column": np.concatenate(rec_columns) if rec_columns else np.zeros(0, object),
                               "reason": np.concatenate(rec_reasons) if rec_reasons else np.zeros(0, object)}
    out.attrs["suppression"] = {"threshold": threshold, "counts": list(counts), "suppress_zero": suppress_zero,
                                "complementary": complementary, "n_hidden": int(len(rows))}
    return out


def suppression_report(table: pd.DataFrame) -> pd.DataFrame:
    """What :func:`suppress_small` hid in ``table``, one row per hidden cell.

    Parameters
    ----------
    table : DataFrame
        A table returned by :func:`suppress_small`.

    Returns
    -------
    DataFrame
        ``row`` (index label), the table's key columns and ``subgroup`` when it has them,
        ``column``, ``reason``. Empty when nothing was hidden.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.inclusion import suppress_small, suppression_report
    >>> len(suppression_report(suppress_small(pd.DataFrame({"n_attendees": [7, 9]}))))
    0
    """
    if "suppressed" not in table.attrs:
        raise ValueError("suppression_report(): this table has not been through suppress_small()")
    keys = _key_columns(table) + (["subgroup"] if "subgroup" in table.columns else [])
    record = table.attrs["suppressed"]
    positions = np.asarray(record["position"], dtype=np.int64)
    out = table[keys].iloc[positions].reset_index(drop=True) if keys else pd.DataFrame(index=range(len(positions)))
    out.insert(0, "row", table.index[positions])
    out["column"] = pd.array(record["column"], dtype="string")
    out["reason"] = pd.array(record["reason"], dtype="string")
    out.attrs = {}
    return out
