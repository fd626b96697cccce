"""Small-cell suppression for everything that is shown or exported: tables, charts and sentences.

A count below the threshold can point at a handful of identifiable people (three girls in a
meeting, two of whom never spoke), and a group's ranking made by one girl is that girl's own
answers. One declared registry, :data:`COUNT_COLUMNS`, names every column that counts people (or
events of a few people, such as turns) and the columns computed from it. :func:`suppress_small`
hides such counts *and every value computed from them* and records what it hid;
:func:`safe_table` does that in one call and refuses what cannot be made safe;
:func:`count_phrase` and :func:`share_phrase` put the same rule into sentences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..settings import FROM_SETTINGS, SAFE_MIN_COUNT, Settings, resolve_settings
from ._common import _check

__all__ = ["suppress_small", "suppression_report", "safe_table", "count_phrase", "share_phrase",
           "hidden_text", "CountColumn", "COUNT_COLUMNS", "TIED_COLUMNS", "UNIT_TOTALS", "RANKING_COLUMNS"]

logger = logging.getLogger(__name__)

_PARITY = ("parity", "parity_ci_low", "parity_ci_high", "parity_time", "enough_data")
_ELITE_VOICE = ("elite_presence_share", "elite_voice_share", "voice_parity", "parity_ci_low", "parity_ci_high",
                "voice_ratio_adjusted", "voice_ratio_ci_low", "voice_ratio_ci_high",
                "elite_proposal_share", "proposal_parity", "proposal_ratio_adjusted", "proposal_ratio_ci_low",
                "proposal_ratio_ci_high", "elite_adopted_share", "uptake_ratio", "uptake_ratio_ci_low",
                "uptake_ratio_ci_high")
_POSITIONS = ("rank", "score", "position", "p_first", "position_median", "position_low", "position_high")
_ALIGNMENT = ("distance", "alignment", "top_harm", "top_harm_priority", "first_choice_position")
_PLANNING_INTERVALS = ("planning_ci_low", "planning_ci_high", "ratio_ci_low", "ratio_ci_high")


@dataclass(frozen=True)
class CountColumn:
    """A column that counts people (or the events of a few people) and what is computed from it.

    Attributes
    ----------
    meaning : str
        What the column counts, in words.
    tied : tuple of str
        Columns computed from it: hidden wherever the count is hidden.
    made_by : str
        Which outputs carry the column (for the reader of the registry).
    totals : tuple of str
        Columns that show the unit's total of this count or let it be worked out: a total column
        (``n_attendees_unit``), or a share of that total on any row (``count / share``), or a
        ratio of such a share to a shown reference. Where a table has one of them, one hidden
        count of a unit could be recovered by subtraction, so :func:`suppress_small` hides more
        (complementary suppression).
    by_default : bool
        Checked in every table that has the column (True), or only where a measure names it in
        ``counts=`` (a count that is of people in one table and of things in others).
    """

    meaning: str
    tied: tuple[str, ...] = ()
    made_by: str = ""
    totals: tuple[str, ...] = ()
    by_default: bool = True


#: Every column of the library's outputs that counts people, with the columns computed from it.
#: A new output with a new count of people adds its column here (tests check the outputs).
COUNT_COLUMNS: dict[str, CountColumn] = {
    "n_attendees": CountColumn("attendances of the subgroup (person-sessions)",
                               ("presence_share", "representation_ratio", *_PARITY,
                                # often equal to n_attendees: a count hidden to protect another would show
                                "n_attendees_individual"), "participation",
                               totals=("n_attendees_unit", "presence_share", "representation_ratio")),
    "n_attendees_unit": CountColumn("attendances of the unit", ("presence_share", "representation_ratio", *_PARITY),
                                    "participation"),
    "n_turns": CountColumn("speaking turns (of a few people when small)",
                           ("voice_share_turns", "n_turns_timed", "seconds", "voice_share_time", *_PARITY,
                            "n_interruptions_recorded", "n_interrupted", "interruptions_per_turn"),
                           "participation, elite_dominance", totals=("n_turns_unit", "voice_share_turns")),
    "n_turns_unit": CountColumn("speaking turns of the unit", ("voice_share_turns", "voice_share_time", *_PARITY),
                                "participation"),
    "n_attendees_individual": CountColumn("attendances with individual data", ("n_silent", "silence_rate"),
                                          "participation"),
    "n_silent": CountColumn("attendees who never spoke", ("silence_rate",), "participation"),
    "n_proposals": CountColumn("proposals (of a few people when small)",
                               ("proposal_share", "n_harms_proposed", "n_harms_adopted", "uptake",
                                "elite_proposal_share", "proposal_parity", "proposal_ratio_adjusted",
                                "proposal_ratio_ci_low", "proposal_ratio_ci_high"),
                               "participation, elite_dominance", totals=("proposal_share",)),
    "n_interrupted": CountColumn("turns that were interrupted", ("interruptions_per_turn",), "participation"),
    "n_members": CountColumn("members of a planning group, or rankers of a unit",
                             ("planning_share", "ratio_to_meeting", "ratio_to_population", *_PLANNING_INTERVALS,
                              *_ALIGNMENT),
                             "planning_group_composition, planning_group_inclusion, decision_alignment",
                             totals=("planning_share", "ratio_to_meeting", "ratio_to_population",
                                     *_PLANNING_INTERVALS)),
    "n_actions": CountColumn("agreed actions credited to a proposer class (of a few people when small)",
                             ("action_share", "ci_low", "ci_high"), "action_proposers",
                             totals=("action_share", "ci_low", "ci_high"), by_default=False),
    "n_individuals": CountColumn("people present with individual data",
                                 ("n_speakers", "total", "gini", "gini_sample", "top_share", "top_k", "theil",
                                  "theil_between", "theil_within", "p_between"), "speaking_concentration"),
    "n_speakers": CountColumn("people who spoke", ("top_share", "top_k"), "speaking_concentration"),
    "n_rankers": CountColumn("people (or group lists) behind a ranking", _POSITIONS,
                             "subgroup_rankings, aggregate, bootstrap_rankings"),
    "n_elite_rankers": CountColumn("elite individual rankers", ("alignment_elites", "gap", "gap_ci_low",
                                                                "gap_ci_high"), "elite_dominance"),
    "n_nonelite_rankers": CountColumn("non-elite individual rankers", ("alignment_nonelite", "gap", "gap_ci_low",
                                                                       "gap_ci_high"), "elite_dominance"),
    "n_elite": CountColumn("elite people of a community", ("elite_share_rankers",), "elite_dominance"),
    "n_elite_present": CountColumn("elites present at community meetings", _ELITE_VOICE, "elite_dominance"),
    "n_adopted": CountColumn("proposals naming a decided harm", ("elite_adopted_share", "uptake_ratio",
                                                                 "uptake_ratio_ci_low", "uptake_ratio_ci_high"),
                             "elite_dominance"),
    "n_people": CountColumn("distinct people of a subgroup present", ("presence_share", "voice_share"),
                            "dominance voice tables", totals=("presence_share",)),
    "count": CountColumn("people counted (population, head counts)", (), "population, attendance_counts"),
}

#: Which columns are computed from which count column (a hidden count hides them too); read from
#: :data:`COUNT_COLUMNS` (the counts checked in every table that has them).
TIED_COLUMNS: dict[str, tuple[str, ...]] = {name: c.tied for name, c in COUNT_COLUMNS.items() if c.by_default}

#: For each count column, the columns that show its unit's total or let it be worked out (a total
#: column, a share of the total, a ratio of that share, an interval of it); read from :data:`COUNT_COLUMNS`.
#: Where a table has any of them, :func:`suppress_small` makes sure no hidden count of a unit can be
#: recovered by subtraction (complementary suppression).
UNIT_TOTALS: dict[str, tuple[str, ...]] = {name: c.totals for name, c in COUNT_COLUMNS.items() if c.totals}

#: Columns that carry a group's ranking of the harms: one person's answers when the group is one
#: person, so :func:`safe_table` refuses a table that has them without a count of the people behind them.
RANKING_COLUMNS: tuple[str, ...] = (*_POSITIONS, *_ALIGNMENT, "alignment_elites", "alignment_nonelite")

#: Columns that key a row by a person: such a table shows people's own answers.
_PERSON_KEYS = ("participant_id",)
#: Columns that name the item of a ranking (rows of a hidden ranking are put in this order).
_ITEM_COLUMNS = ("harm_id", "item", "label", "unit")


#: Columns that name the class of a row (a subgroup, a proposer class, a class of speakers): the
#: columns before it key the unit whose total the classes share.
_CLASS_COLUMNS = ("subgroup", "proposer", "speaker")


def _class_column(table: pd.DataFrame) -> str | None:
    return next((c for c in _CLASS_COLUMNS if c in table.columns), None)


def _key_columns(table: pd.DataFrame) -> list[str]:
    name = _class_column(table)
    if name is None:
        return []
    return list(table.columns[: table.columns.get_loc(name)])


def _determined(hidden: np.ndarray, visible: np.ndarray, threshold: int, low: int) -> bool:
    """Whether someone who knows the unit's total can work out a hidden count of it exactly.

    They know the sum of the hidden counts (total minus the shown ones) and that each is at least
    ``low`` (1, as a zero is shown) and at most the larger of ``threshold - 1`` (a small count) and
    the smallest shown positive count (a count hidden to protect another is the smallest other one).
    With ``k`` hidden counts of sum ``S`` within ``[low, high]``, one is pinned exactly when
    ``k == 1``, ``S == k * low`` or ``S == k * high``.
    """
    k = hidden.size
    if k == 0:
        return False
    if k == 1:
        return True
    shown = visible[visible > 0]
    high = max(threshold - 1, shown.min()) if shown.size else np.inf
    total = hidden.sum()
    return bool(total == k * low or total == k * high)


def _complementary(values: np.ndarray, hidden: np.ndarray, unit: np.ndarray, threshold: int,
                   low: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells to hide so that no hidden count of a unit can be recovered from the unit's total.

    In each unit with a hidden count, the smallest shown positive count is hidden as well (the first
    one in row order among equals), again and again, until no hidden count is pinned
    (:func:`_determined`). A unit where every positive count is hidden and one still is pinned has
    its total hidden instead (the second array: rows of such units).
    """
    extra = np.zeros(len(values), bool)
    total_hidden = np.zeros(len(values), bool)
    counted = ~np.isnan(values)
    rows_of = pd.Series(np.arange(len(values))).groupby(unit).indices
    for u in np.unique(unit[hidden]):
        rows = rows_of[u]
        mine = hidden[rows].copy()
        while True:
            shown = counted[rows] & ~mine
            if not _determined(values[rows][mine & counted[rows]], values[rows][shown], threshold, low):
                break
            candidates = np.flatnonzero(shown & (values[rows] > 0))
            if not candidates.size:
                total_hidden[rows] = True
                break
            pick = candidates[np.argmin(values[rows][candidates])]
            mine[pick] = True
            extra[rows[pick]] = True
    return extra, total_hidden


def _as_columns(counts, func: str) -> list[str] | None:
    """``counts`` as a list of column names: one name, any sequence, array or Index (None stays None)."""
    if counts is None:
        return None
    if isinstance(counts, str):
        return [counts]
    try:
        names = list(counts)
    except TypeError:
        raise TypeError(f"{func}(): counts must be a column name or a list of column names, "
                        f"not {type(counts).__name__}") from None
    return [str(c) if not isinstance(c, str) else c for c in names]


def _settings(settings, threshold, allow_small_counts) -> Settings:
    """The settings with the call's threshold; a threshold under 5 is logged (the choice was explicit)."""
    s = resolve_settings(settings, min_count=threshold, allow_small_counts=allow_small_counts)
    if s.min_count < SAFE_MIN_COUNT:
        logger.warning("cpanalysis: counts are hidden only below %d (fewer than the safe %d), by the explicit "
                       "choice allow_small_counts=True; outputs made now record it", s.min_count, SAFE_MIN_COUNT)
    return s


def hidden_text(settings: Settings | None = None, *, threshold=FROM_SETTINGS) -> str:
    """What a hidden value says in a chart or a sentence: ``"hidden (fewer than 5)"``.

    Parameters
    ----------
    settings : Settings, optional
        ``min_count`` is the threshold.
    threshold : int, optional
        Overrides ``settings.min_count``.

    Returns
    -------
    str

    Examples
    --------
    >>> hidden_text()
    'hidden (fewer than 5)'
    """
    s = resolve_settings(settings, min_count=threshold,
                         allow_small_counts=True if threshold is not FROM_SETTINGS else None)
    return f"hidden (fewer than {s.min_count})"


def suppress_small(table: pd.DataFrame, threshold: int = FROM_SETTINGS, *, counts: Sequence[str] | None = None,
                   tied: Mapping[str, Sequence[str]] | None = None, marker=pd.NA,
                   suppress_zero: bool = False, complementary: bool = True,
                   settings: Settings | None = None, allow_small_counts: bool = FROM_SETTINGS) -> pd.DataFrame:
    """Hide counts below ``threshold`` and the values computed from them.

    Parameters
    ----------
    table : DataFrame
        A result table (for example from :func:`cpanalysis.participation`).
    threshold : int, default ``settings.min_count`` (5)
        Counts ``0 < count < threshold`` are hidden (and 0 when ``suppress_zero``). Below 5 only
        with ``allow_small_counts=True``; that choice is logged as a warning and recorded.
    counts : str or list of str, optional
        The count columns to check, by name (a column of any name can be declared here, e.g.
        ``"count"``); by default every column of ``tied`` present in the table.
    tied : mapping, optional
        ``{count column: columns computed from it}``; :data:`TIED_COLUMNS` by default.
    marker : scalar, default pd.NA
        What a hidden cell shows. With the default, integer columns become nullable ``Int64``;
        any other marker (e.g. ``"<5"``) turns the touched columns into ``object``.
    suppress_zero : bool, default False
        Also hide zeros. Off by default: "nobody of this subgroup came" is the finding the
        measures exist to show, and a zero does not single anyone out.
    complementary : bool, default True
        Where the table shows a unit's total or lets it be worked out (:data:`UNIT_TOTALS`: a
        total column, a share of the total, a ratio or interval of that share), also hide the
        smallest other positive counts of that unit until no hidden count can be recovered by
        subtraction (or, when none is left, the columns that give the total away). Units are the
        rows sharing the columns before the class column (``subgroup``, ``proposer`` or
        ``speaker``); a table without a class column is not a partition of units and is left as is.
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`); ``min_count`` is the threshold.
    allow_small_counts : bool, default ``settings.allow_small_counts`` (False)
        The explicit choice that a threshold below 5 needs.

    Returns
    -------
    DataFrame
        A copy with hidden cells set to ``marker``. ``.attrs["suppressed"]`` records every hidden
        cell (arrays ``position``, ``column``, ``reason``) and ``.attrs["suppression"]`` the
        threshold, ``below_safe_minimum`` (a threshold under 5 was chosen), ``n_hidden`` and a
        sentence ``statement`` for exports; read the cells as a table with :func:`suppression_report`.

    Notes
    -----
    Primary suppression: a count column below the threshold. Secondary: every column tied to a
    hidden count (and, for a tied count, what is tied to it). Complementary: someone who knows a
    unit's total ``T`` (from a total column, or ``n / share`` of any shown row) knows the sum ``S``
    of its hidden counts; each hidden count is at least 1 (zeros are shown) and at most the larger
    of ``threshold - 1`` and the smallest shown positive count. The smallest shown positive counts
    are hidden too until no hidden count is pinned by that (one hidden count alone always is; two
    hidden 1s are, as ``S = 2``). The classes are taken to partition the unit, which is the safe
    assumption when they overlap (the sum of the rows then only bounds the total). Not an optimal
    pattern: it may hide more than needed; bounds narrower than exact values are not prevented,
    nor subtraction across tables (a community's rows against a programme row elsewhere).

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
    >>> suppress_small(pd.DataFrame({"count": [2, 40]}))["count"].tolist()
    [<NA>, 40]

    With the shares shown, the planning group's total is 9 / 0.9 = 10, so a lone hidden elite
    count would be 10 - 9 - 0 = 1: the general count is hidden too.

    >>> g = pd.DataFrame({"community_id": ["C01"] * 3, "subgroup": ["elite", "general", "marginalised"],
    ...                   "n_members": [1, 9, 0], "planning_share": [0.1, 0.9, 0.0]})
    >>> suppress_small(g)[["n_members", "planning_share"]].to_numpy().tolist()
    [[<NA>, <NA>], [<NA>, <NA>], [0, 0.0]]
    """
    counts = _as_columns(counts, "suppress_small")
    _check("suppress_small", table, counts or [], table="table")
    s = _settings(settings, threshold, allow_small_counts)
    threshold = s.min_count
    tied = dict(TIED_COLUMNS if tied is None else tied)
    if counts is None:
        counts = [c for c in tied if c in table.columns
                  and (c not in COUNT_COLUMNS or COUNT_COLUMNS[c].by_default)]
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

    for column in counts:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        small = (values < threshold) & ((values > 0) | suppress_zero)
        small &= ~np.isnan(values)
        _mark(column, small, lambda pos, c=column, v=values: f"{c} = {v[pos]:g} (< {threshold})")

    keys = _key_columns(table)
    if complementary and _class_column(table) is not None:
        unit = table.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys \
            else np.zeros(len(table), np.int64)
        for column in counts:
            derive = [c for c in UNIT_TOTALS.get(column, ()) if c in table.columns]
            if column not in hide or not derive:
                continue
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            extra, total_hidden = _complementary(values, hide[column], unit, threshold, 0 if suppress_zero else 1)
            _mark(column, extra, f"complementary: the unit's total can be worked out from {', '.join(derive)}, "
                                 f"so one hidden {column} alone could be recovered by subtraction")
            for name in derive:
                _mark(name, total_hidden, f"complementary: the unit's total of {column} would give its hidden "
                                          f"{column} away")

    # a tied column that is itself a count hides what is computed from it in turn
    n_marked = -1
    while n_marked != sum(int(m.sum()) for m in hide.values()):
        n_marked = sum(int(m.sum()) for m in hide.values())
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
            elif not pd.api.types.is_extension_array_dtype(out[column]) and out[column].dtype != object:
                out[column] = out[column].astype(object)
        else:
            out[column] = out[column].astype(object)
        out.loc[mask, column] = marker
    out.attrs = dict(table.attrs)
    rows = np.concatenate(rec_rows) if rec_rows else np.zeros(0, np.int64)
    # compact arrays, not one dict per cell: pandas deep-copies attrs along with every derived frame
    out.attrs["suppressed"] = {"position": rows,
                               "column": np.concatenate(rec_columns) if rec_columns else np.zeros(0, object),
                               "reason": np.concatenate(rec_reasons) if rec_reasons else np.zeros(0, object)}
    below = threshold < SAFE_MIN_COUNT
    out.attrs["suppression"] = {
        "threshold": threshold, "counts": list(counts), "suppress_zero": suppress_zero,
        "complementary": complementary, "n_hidden": int(len(rows)), "below_safe_minimum": below,
        "statement": (f"Counts of people below {threshold} and every value computed from them are hidden"
                      + (f" (a threshold below the safe {SAFE_MIN_COUNT}, chosen explicitly)." if below else "."))}
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


def _refuse_person_rows(table: pd.DataFrame) -> None:
    """A table with one row per person shows people's own answers: refuse it."""
    person = [c for c in _PERSON_KEYS if c in table.columns]
    if "ranker" in table.columns and "ranker_type" in table.columns:
        if (table["ranker_type"].astype("string") == "individual").fillna(False).any():
            person.append("ranker")
    if person:
        raise ValueError(f"safe_table(): this table has a row per person ({', '.join(person)}): it would show "
                         "one person's own answers. Aggregate it by group first (for example with "
                         "cpanalysis.participation or cpanalysis.subgroup_rankings).")


def _refuse_unknown_rankings(table: pd.DataFrame, tied: Mapping[str, Sequence[str]], counts) -> None:
    """A ranking column without the count of the people behind it cannot be checked: refuse it."""
    available = set(counts) if counts is not None else {c for c in tied if c in table.columns}
    unchecked = [c for c in RANKING_COLUMNS if c in table.columns
                 and not any(c in tied.get(k, ()) for k in available)]
    if unchecked:
        raise ValueError(f"safe_table(): the table has {', '.join(unchecked)} (a group's ranking) but no column "
                         "counting the people behind it (such as n_rankers or n_members), so a ranking made by "
                         "one person cannot be told apart; keep that count in the table.")


def _unorder_hidden_rankings(out: pd.DataFrame) -> pd.DataFrame:
    """Rows of a group whose ranking is hidden, put in the order of their item, so their order tells nothing."""
    record = out.attrs.get("suppressed", {})
    hidden = np.zeros(len(out), dtype=bool)
    if "position" in record:  # the rows whose count of rankers was hidden, whatever the marker
        is_rankers = np.asarray(record["column"], dtype=object) == "n_rankers"
        hidden[np.asarray(record["position"], dtype=np.int64)[is_rankers]] = True
    if not hidden.any() or not any(c in out.columns for c in _POSITIONS):
        return out
    item = next((c for c in _ITEM_COLUMNS if c in out.columns), None)
    if item is None:
        raise ValueError("safe_table(): a ranking from too few people is hidden, but the table names no item "
                         f"column ({', '.join(_ITEM_COLUMNS)}) by which its rows could be reordered.")
    keys = _key_columns(out) + (["subgroup"] if "subgroup" in out.columns else [])
    block = out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys else np.zeros(len(out), int)
    first = pd.Series(np.arange(len(out))).groupby(block).transform("min").to_numpy()
    item_key = np.where(hidden, out[item].astype("string").fillna("").to_numpy(dtype=object), "")
    within = np.where(hidden, 0, np.arange(len(out)))
    order = np.lexsort((within, item_key, first))
    moved = out.iloc[order]
    record = dict(record)
    if "position" in record:
        new_position = np.empty(len(order), np.int64)
        new_position[order] = np.arange(len(order))
        record["position"] = new_position[np.asarray(record["position"], dtype=np.int64)]
    moved.attrs = {**out.attrs, "suppressed": record}
    return moved


def safe_table(table: pd.DataFrame, *, settings: Settings | None = None, counts: Sequence[str] | None = None,
               tied: Mapping[str, Sequence[str]] | None = None, marker=pd.NA,
               complementary: bool = True) -> pd.DataFrame:
    """The table made safe to show or export, in one call, or an error saying why it cannot be.

    Parameters
    ----------
    table : DataFrame
        Any result table of the library (participation, rankings, dominance ...).
    settings : Settings, optional
        ``min_count`` (and ``allow_small_counts``) as in :func:`suppress_small`.
    counts, tied, marker, complementary
        As in :func:`suppress_small` (the registry :data:`COUNT_COLUMNS` by default).

    Returns
    -------
    DataFrame
        :func:`suppress_small`'s output, where additionally the rows of a group whose ranking is
        hidden are put in the order of their item (harm), so that their order does not give the
        ranking away; ``.attrs["safe"]`` is True.

    Raises
    ------
    ValueError
        When the table has a row per person (``participant_id``, or individual rankers): no
        output may show one person's answers; or when it carries a group's ranking
        (:data:`RANKING_COLUMNS`) without the count of the people behind it.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.inclusion import safe_table
    >>> t = pd.DataFrame({"subgroup": ["girls", "girls", "men", "men"], "harm_id": ["b", "a", "a", "b"],
    ...                   "rank": [1, 2, 1, 2], "n_rankers": [1, 1, 8, 8]})
    >>> safe_table(t)[["subgroup", "harm_id", "rank"]]
      subgroup harm_id  rank
    1    girls       a  <NA>
    0    girls       b  <NA>
    2      men       a     1
    3      men       b     2
    """
    _check("safe_table", table, [], table="table")
    tied = dict(TIED_COLUMNS if tied is None else tied)
    counts = _as_columns(counts, "safe_table")
    _refuse_person_rows(table)
    _refuse_unknown_rankings(table, tied, counts)
    out = suppress_small(table, counts=counts, tied=tied, marker=marker, complementary=complementary,
                         settings=settings)
    out = _unorder_hidden_rankings(out)
    out.attrs["safe"] = True
    return out


def count_phrase(n, settings: Settings | None = None, *, noun: str = "") -> str:
    """A count of people in a sentence, by the rule of the tables: ``"fewer than 5"`` or ``"12"``.

    Parameters
    ----------
    n : int or float
        The count (the true one: this function decides whether it can be shown).
    settings : Settings, optional
        ``min_count`` is the threshold.
    noun : str, optional
        Appended after the number (``"girls"`` gives ``"fewer than 5 girls"``).

    Returns
    -------
    str
        ``"fewer than <threshold>"`` for ``0 < n < threshold``; the number otherwise (``"an
        unknown number"`` when missing).

    Examples
    --------
    >>> count_phrase(3), count_phrase(12, noun="girls"), count_phrase(0)
    ('fewer than 5', '12 girls', '0')
    """
    s = resolve_settings(settings)
    tail = f" {noun}" if noun else ""
    if n is None or pd.isna(n):
        return "an unknown number" + tail
    if 0 < n < s.min_count:
        return f"fewer than {s.min_count}{tail}"
    return f"{int(n):,}{tail}" if float(n).is_integer() else f"{n:,}{tail}"


def share_phrase(share, n, settings: Settings | None = None, *, digits: int = 0) -> str:
    """A share in a sentence, hidden when the count of people it comes from is hidden.

    Parameters
    ----------
    share : float
        The share (0 to 1).
    n : int
        The count of people the share is computed from (a group's size, its rankers ...).
    settings : Settings, optional
        ``min_count`` is the threshold.
    digits : int, default 0
        Decimals of the percentage.

    Returns
    -------
    str
        ``"42%"``, or ``"not shown (fewer than 5 people)"`` for ``0 < n < threshold``, or ``"not
        known"`` when the share is missing.

    Examples
    --------
    >>> share_phrase(0.4234, 12), share_phrase(0.5, 2)
    ('42%', 'not shown (fewer than 5 people)')
    """
    s = resolve_settings(settings)
    if n is not None and not pd.isna(n) and 0 < n < s.min_count:
        return f"not shown (fewer than {s.min_count} people)"
    if share is None or pd.isna(share):
        return "not known"
    return f"{100 * float(share):.{digits}f}%"
