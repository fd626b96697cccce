"""Shared machinery of the participation measures: input checks, subgroup labels, level units.

Every public function of :mod:`cpanalysis.inclusion` calls :func:`_check` first and then, for
dataset-level measures, :func:`_prepare`, which turns the dataset's tables into integer codes
(level unit, subgroup, person, session) so that every measure is a ``np.bincount`` over those codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

#: Named levels and the session columns that key them.
LEVELS: dict[str, tuple[str, ...]] = {
    "session": ("community_id", "cycle", "session_id", "format"),
    "community": ("community_id",),
    "cycle": ("community_id", "cycle"),
    "programme": (),
}

#: The label separator for intersections of several subgroup columns.
SEPARATOR = "|"
#: The label of rows whose subgroup is not recorded.
UNKNOWN = "unknown"

NOTE_INDIVIDUAL = "needs individual attendance and turns"


def _check(func: str, frame: pd.DataFrame | None, columns: Iterable[str], *, table: str = "data") -> None:
    """Raise a ``ValueError`` naming ``func`` and the first missing column of ``frame``.

    This is the one input check every public function of the participation package calls first.
    """
    if frame is None:
        raise ValueError(f"{func}(): the dataset has no {table} table")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{func}(): {table} must be a pandas DataFrame, not {type(frame).__name__}")
    for column in columns:
        if column not in frame.columns:
            raise ValueError(f"{func}(): column {column!r} is missing from {table} "
                             f"(it has {', '.join(map(str, frame.columns))})")


def _table(data, name: str):
    """A table of a :class:`~cpanalysis.Dataset` or of a dict of DataFrames (``None`` when absent)."""
    if isinstance(data, dict):
        return data.get(name)
    tables = getattr(data, "tables", None)
    if isinstance(tables, dict):
        return tables.get(name)
    raise TypeError("expected a cpanalysis.Dataset or a dict of DataFrames, "
                    f"not {type(data).__name__}")


def subgroup_columns(subgroup: str | Sequence[str]) -> list[str]:
    """The subgroup argument as a list of column names."""
    if isinstance(subgroup, str):
        return [subgroup]
    cols = list(subgroup)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ValueError("subgroup must be a column name or a non-empty list of column names")
    return cols


def subgroup_name(subgroup: str | Sequence[str]) -> str:
    """How the subgroup scheme is described in ``.attrs["subgroup"]``: ``"gender|age_group|elite"``."""
    return SEPARATOR.join(subgroup_columns(subgroup))


def make_labels(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One text label per row: the columns' values joined by ``|``.

    A boolean column contributes its own name when true and ``non-<name>`` when false (so
    ``["gender", "age_group", "elite"]`` gives labels such as ``"female|child|elite"``). A row with
    any component missing gets the label ``"unknown"``.
    """
    parts = []
    missing = np.zeros(len(frame), dtype=bool)
    for col in columns:
        values = frame[col]
        if pd.api.types.is_bool_dtype(values):
            na = values.isna().to_numpy()
            flag = values.fillna(False).to_numpy(dtype=bool)
            text = np.where(flag, col, "non-" + col).astype(object)
        else:
            na = values.isna().to_numpy()
            text = values.astype("string").fillna("").to_numpy(dtype=object)
        missing |= na
        parts.append(text)
    if len(parts) == 1:
        out = parts[0].astype(object)
    else:
        out = parts[0].astype(object)
        for p in parts[1:]:
            out = out + SEPARATOR + p
    out = np.asarray(out, dtype=object)
    out[missing] = UNKNOWN
    return out


def level_keys(level: str | Sequence[str], func: str) -> list[str]:
    """The session columns that key a level: a named level or a list of session columns."""
    if isinstance(level, str):
        if level not in LEVELS:
            raise ValueError(f"{func}(): level must be one of {', '.join(LEVELS)} or a list of session "
                             f"columns, not {level!r}")
        return list(LEVELS[level])
    return list(level)


@dataclass
class Prepared:
    """The dataset as integer codes (see the module docstring)."""

    units: pd.DataFrame          # one row per level unit (key columns), row i is unit code i
    labels: list[str]            # subgroup labels, code g is labels[g]
    session_unit: np.ndarray     # per kept session: its unit code
    session_individual: np.ndarray  # per kept session: roster attendance and every turn names a speaker
    session_community: np.ndarray   # per kept session: community code
    communities: pd.Index
    # attendance rows (roster rows and tally rows together)
    a_session: np.ndarray
    a_sub: np.ndarray
    a_weight: np.ndarray         # 1 for roster rows, the head count for tally rows
    a_person: np.ndarray         # person code, -1 for tally rows
    # turns
    t_session: np.ndarray
    t_sub: np.ndarray
    t_person: np.ndarray         # -1 when the turn names no participant
    t_duration: np.ndarray       # float, NaN when not recorded
    t_proposal: np.ndarray       # bool: kind == "proposal" and a harm is named
    t_harm: np.ndarray           # harm code, -1 when none
    t_interrupted: np.ndarray    # float: 1, 0 or NaN when not recorded
    harms: pd.Index
    has_durations: bool
    has_interrupted: bool
    has_kind: bool
    person_labels: np.ndarray | None  # per person code: subgroup code
    persons: pd.Index | None

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_groups(self) -> int:
        return len(self.labels)


def _arrow(values) -> "object":
    import pyarrow as pa

    if isinstance(values, pd.Index):
        values = pd.Series(values)
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = pa.array(values.astype("string"))
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string()) if not pa.types.is_null(arr.type) else pa.array(values.astype("string"))
    return arr


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Positions of ``values`` in ``index`` (-1 when missing or unknown), hashed in Arrow."""
    import pyarrow.compute as pc

    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(index) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    found = pc.index_in(_arrow(values), value_set=_arrow(pd.Series(index, dtype="string")))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def prepare(data, *, level, subgroup, formats, func: str, scheme_order: Sequence[str] = ()) -> Prepared:
    """Check the dataset and turn it into codes for the measures (see :class:`Prepared`)."""
    cols = subgroup_columns(subgroup)
    keys = level_keys(level, func)
    sessions = _table(data, "sessions")
    _check(func, sessions, ["session_id", "community_id", *keys], table="sessions")
    attendance = _table(data, "attendance")
    counts = _table(data, "attendance_counts")
    turns = _table(data, "turns")
    people = _table(data, "participants")
    if attendance is None and counts is None:
        raise ValueError(f"{func}(): the dataset has neither an attendance nor an attendance_counts table")

    if formats is not None:
        formats = [formats] if isinstance(formats, str) else list(formats)
        _check(func, sessions, ["format"], table="sessions")
        sessions = sessions[sessions["format"].isin(formats).to_numpy()]
    sessions = sessions.reset_index(drop=True)
    session_index = pd.Index(sessions["session_id"].astype("string"))

    # level units
    if keys:
        key_frame = sessions[keys]
        unit_codes = key_frame.groupby(keys, sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
        first = pd.Series(np.arange(len(sessions))).groupby(unit_codes).first().to_numpy()
        units = key_frame.iloc[first].reset_index(drop=True)
    else:
        unit_codes = np.zeros(len(sessions), dtype=np.int64)
        units = pd.DataFrame(index=range(1 if len(sessions) else 0))
    communities = pd.Index(pd.unique(sessions["community_id"].astype("string")))
    session_community = _codes(sessions["community_id"], communities)

    # people and their labels
    persons = person_label_text = None
    if people is not None and "participant_id" in people:
        persons = pd.Index(people["participant_id"].astype("string"))
        person_cols = [c for c in cols if c in people.columns]
        if len(person_cols) == len(cols):
            person_label_text = make_labels(people, cols)

    # Row labels: from the participant when the row names one (as codes, no text per row),
    # otherwise from the row's own columns (tallies, unnamed speakers).
    a_session, a_own, a_weight, a_person = [], [], [], []
    if attendance is not None and len(attendance):
        _check(func, attendance, ["session_id", "participant_id"], table="attendance")
        s = _codes(attendance["session_id"], session_index)
        p = _codes(attendance["participant_id"], persons) if persons is not None else \
            np.full(len(attendance), -1, dtype=np.int64)
        keep = s >= 0
        if person_label_text is None:
            for col in cols:
                _check(func, attendance, [col], table="attendance (or participants)")
        a_session.append(s[keep]); a_own.append(_own_labels(attendance, cols, keep & ((p < 0) | (person_label_text is None)), keep))
        a_weight.append(np.ones(int(keep.sum()), dtype=np.int64)); a_person.append(p[keep])
    if counts is not None and len(counts):
        _check(func, counts, ["session_id", "count", *cols], table="attendance_counts "
               "(head counts carry only the subgroup)")
        s = _codes(counts["session_id"], session_index)
        w = counts["count"].fillna(0).to_numpy(dtype=np.int64)
        keep = s >= 0
        if a_session:  # a roster wins over a tally for the same session
            keep &= ~np.isin(s, a_session[0])
        a_session.append(s[keep]); a_own.append(_own_labels(counts, cols, keep, keep)); a_weight.append(w[keep])
        a_person.append(np.full(int(keep.sum()), -1, dtype=np.int64))
    a_session = np.concatenate(a_session) if a_session else np.zeros(0, np.int64)
    a_own = np.concatenate(a_own) if a_own else np.zeros(0, object)
    a_weight = np.concatenate(a_weight) if a_weight else np.zeros(0, np.int64)
    a_person = np.concatenate(a_person) if a_person else np.zeros(0, np.int64)

    # turns
    n_sessions = len(sessions)
    if turns is not None and len(turns):
        _check(func, turns, ["session_id"], table="turns")
        t_session = _codes(turns["session_id"], session_index)
        keep = t_session >= 0
        t_session = t_session[keep]
        if "participant_id" in turns and persons is not None:
            t_person = _codes(turns["participant_id"], persons)[keep]
        else:
            t_person = np.full(len(t_session), -1, dtype=np.int64)
        unnamed = np.zeros(len(turns), dtype=bool)
        unnamed[np.flatnonzero(keep)[(t_person < 0) | (person_label_text is None)]] = True
        if all(c in turns.columns for c in cols):
            t_own = _own_labels(turns, cols, unnamed, keep)
        else:
            if person_label_text is None:
                missing = [c for c in cols if c not in turns.columns]
                _check(func, turns, missing, table="turns (or participants)")
            t_own = np.where(t_person < 0, UNKNOWN, None).astype(object)
        has_durations = "duration_s" in turns.columns
        t_duration = turns["duration_s"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)[keep] \
            if has_durations else np.full(len(t_session), np.nan)
        has_kind = "kind" in turns.columns
        harm_table = _table(data, "harms")
        if "harm_id" in turns:
            if harm_table is not None and "harm_id" in harm_table:
                harms = pd.Index(harm_table["harm_id"].astype("string"))
            else:
                harms = pd.Index(pd.unique(turns["harm_id"].dropna().astype("string")))
            t_harm = _codes(turns["harm_id"], harms)[keep]
        else:
            harms = pd.Index([], dtype="string")
            t_harm = np.full(len(t_session), -1, np.int64)
        if has_kind:
            t_proposal = (turns["kind"] == "proposal").fillna(False).to_numpy(dtype=bool)[keep] & (t_harm >= 0)
        else:
            t_proposal = np.zeros(len(t_session), dtype=bool)
        has_interrupted = "interrupted" in turns.columns
        t_interrupted = turns["interrupted"].astype("boolean").astype("Float64").to_numpy(
            dtype=float, na_value=np.nan)[keep] if has_interrupted else np.full(len(t_session), np.nan)
        named = np.bincount(t_session, weights=(t_person >= 0), minlength=n_sessions)
        all_turns = np.bincount(t_session, minlength=n_sessions)
        turns_named = named == all_turns
    else:
        t_session = t_person = t_harm = np.zeros(0, np.int64)
        t_own = np.zeros(0, object)
        t_duration = t_interrupted = np.zeros(0, float)
        t_proposal = np.zeros(0, bool)
        harms = pd.Index([], dtype="string")
        has_durations = has_interrupted = has_kind = False
        turns_named = np.ones(n_sessions, dtype=bool)

    # subgroup codes: the scheme's order first, then the rest sorted, "unknown" last
    a_named = (a_person >= 0) & (person_label_text is not None)
    t_named = (t_person >= 0) & (person_label_text is not None)
    seen_set = set(pd.unique(a_own[~a_named])) | set(pd.unique(t_own[~t_named]))
    if person_label_text is not None:
        used = np.zeros(len(person_label_text), dtype=bool)
        used[a_person[a_named]] = True
        used[t_person[t_named]] = True
        seen_set |= set(pd.unique(person_label_text[used]))
    seen_set.discard(None)
    labels = [s for s in scheme_order if s in seen_set]
    labels += sorted(s for s in seen_set - set(labels) - {UNKNOWN})
    if UNKNOWN in seen_set:
        labels.append(UNKNOWN)
    label_index = pd.Index(labels, dtype=object)
    person_labels = label_index.get_indexer(person_label_text).astype(np.int64) \
        if person_label_text is not None else None

    def _row_codes(person, own, named):
        out = np.empty(len(person), dtype=np.int64)
        if person_labels is not None:
            out[named] = person_labels[person[named]]
        out[~named] = label_index.get_indexer(own[~named].astype(object))
        return out

    a_sub = _row_codes(a_person, a_own, a_named)
    t_sub = _row_codes(t_person, t_own, t_named)

    roster = np.zeros(n_sessions, dtype=bool)
    roster[a_session[a_person >= 0]] = True
    session_individual = roster & turns_named

    return Prepared(
        units=units, labels=labels, session_unit=unit_codes, session_individual=session_individual,
        session_community=session_community, communities=communities,
        a_session=a_session, a_sub=a_sub, a_weight=a_weight, a_person=a_person,
        t_session=t_session, t_sub=t_sub, t_person=t_person, t_duration=t_duration,
        t_proposal=t_proposal, t_harm=t_harm, t_interrupted=t_interrupted, harms=harms,
        has_durations=has_durations, has_interrupted=has_interrupted, has_kind=has_kind,
        person_labels=person_labels, persons=persons,
    )


def _own_labels(frame: pd.DataFrame, columns, needed: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Labels from the frame's own columns for the ``needed`` rows, ``None`` elsewhere; rows ``keep`` only."""
    out = np.full(len(frame), None, dtype=object)
    if needed.any():
        if all(c in frame.columns for c in columns):
            out[needed] = make_labels(frame[needed], columns)
        else:
            out[needed] = UNKNOWN
    return out[keep]


def scheme_order(data, subgroup) -> tuple[str, ...]:
    """The dataset scheme's subgroup order when the plain ``subgroup`` column is used."""
    if subgroup_columns(subgroup) == ["subgroup"]:
        scheme = getattr(data, "scheme", None)
        if scheme is not None:
            return tuple(scheme.subgroups)
    return ()


def join_notes(*parts: np.ndarray, n: int) -> np.ndarray:
    """Row-wise ``"; "``-joined notes from boolean masks paired with texts: ``join_notes((mask, text), ...)``."""
    out = np.full(n, "", dtype=object)
    for mask, text in parts:
        if not np.any(mask):
            continue
        add = np.where(out[mask] == "", text, out[mask] + "; " + text)
        out[mask] = add
    return out


def _div(num, den) -> np.ndarray:
    """``num / den`` elementwise, NaN where ``den`` is not positive."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _bincount(codes: np.ndarray, weights=None, *, n: int) -> np.ndarray:
    """``np.bincount`` with ``n`` bins that also accepts no codes at all."""
    if len(codes) == 0:
        return np.zeros(n, dtype=float if weights is not None else np.int64)
    return np.bincount(codes, weights=weights, minlength=n)


@dataclass
class Cells:
    """Where each attendance row and turn falls: its (unit, subgroup) cell code, ``unit * G + subgroup``."""

    n: int                # number of cells
    a_cell: np.ndarray
    t_cell: np.ndarray

    @classmethod
    def of(cls, prep: "Prepared") -> "Cells":
        G = prep.n_groups
        return cls(n=prep.n_units * G, a_cell=prep.session_unit[prep.a_session] * G + prep.a_sub,
                   t_cell=prep.session_unit[prep.t_session] * G + prep.t_sub)

    def unit_total(self, values: np.ndarray, G: int) -> np.ndarray:
        """Each cell's unit total of ``values`` (repeated over the unit's subgroups)."""
        return np.repeat(values.reshape(-1, G).sum(axis=1), G) if G else values
