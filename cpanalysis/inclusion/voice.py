"""Who is heard: voice shares (turns, time), parity and its interval, silence, interruptions.

Turns and seconds are pooled over the unit's sessions; every share is a ratio of pooled counts
(see :mod:`cpanalysis.inclusion.measures`). Parity intervals come from
:mod:`cpanalysis.inclusion.intervals` (a bootstrap over people).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import NOTE_INDIVIDUAL, Cells, Prepared, _bincount, _div
from .intervals import parity_interval

__all__ = ["MIN_TURNS", "MIN_ATTENDEES"]

#: Below this many turns in a unit, a parity interval is flagged ``enough_data = False``.
MIN_TURNS = 20
#: Below this many attendees of a subgroup in a unit, parity is flagged ``enough_data = False``.
MIN_ATTENDEES = 5


def voice_columns(prep: Prepared, cells: Cells, attendees: np.ndarray, presence: np.ndarray, *, n_boot, seed,
                  ci) -> tuple[dict, list]:
    """Voice by turns and time, parity, its interval and ``enough_data``, with their notes."""
    G, n = prep.n_groups, cells.n
    turns = _bincount(cells.t_cell, n=n).astype(float)
    turns_unit = cells.unit_total(turns, G)
    voice = _div(turns, turns_unit)
    # voice by time: over turns with a recorded duration
    timed = ~np.isnan(prep.t_duration)
    n_timed = _bincount(cells.t_cell[timed], n=n).astype(float)
    seconds = _bincount(cells.t_cell[timed], prep.t_duration[timed], n=n)
    seconds_unit = cells.unit_total(seconds, G)
    n_timed_unit = cells.unit_total(n_timed, G)
    voice_time = _div(seconds, seconds_unit)
    parity = np.where(presence > 0, _div(voice, presence), np.nan)
    parity_time = np.where(presence > 0, _div(voice_time, presence), np.nan)
    low, high = parity_interval(prep, n_boot=n_boot, seed=seed, ci=ci)
    enough = (turns_unit >= MIN_TURNS) & (attendees >= MIN_ATTENDEES)
    unit_att = cells.unit_total(attendees, G)
    notes = [
        ((attendees == 0) & (turns == 0) & (unit_att > 0), "subgroup absent"),
        ((attendees == 0) & (turns > 0), "spoke but no recorded attendance"),
        ((turns_unit == 0) & (unit_att > 0), "nobody spoke"),
        ((turns_unit > 0) & ~enough & (attendees > 0),
         f"too few for a reliable parity (under {MIN_TURNS} turns or {MIN_ATTENDEES} attendees)"),
        (prep.has_durations & (n_timed_unit < turns_unit) & (n_timed_unit > 0),
         "time share over turns with a duration only"),
        ((turns_unit > 0) & (n_timed_unit == 0), "no durations recorded"),
        ((n_timed_unit > 0) & (seconds_unit == 0), "recorded durations sum to zero"),
    ]
    columns = {
        "n_turns": turns, "n_turns_unit": turns_unit, "voice_share_turns": voice,
        "n_turns_timed": n_timed, "seconds": seconds, "voice_share_time": voice_time,
        "parity": parity, "parity_ci_low": low, "parity_ci_high": high, "parity_time": parity_time,
        "enough_data": enough,
    }
    return columns, notes


def silence_columns(prep: Prepared, cells: Cells) -> tuple[dict, list]:
    """Attendance rows with individual data, the silent ones and the rate, with their notes."""
    G, U, n = prep.n_groups, prep.n_units, cells.n
    ind_row = prep.session_individual[prep.a_session] & (prep.a_person >= 0)
    spoke = np.zeros(len(prep.a_session), dtype=bool)
    n_persons = len(prep.persons) if prep.persons is not None else 0
    if ind_row.any():
        t_named = prep.t_person >= 0
        t_keys = np.sort(pd.unique(prep.t_session[t_named] * max(n_persons, 1) + prep.t_person[t_named]))
        a_keys = prep.a_session * max(n_persons, 1) + prep.a_person
        pos = np.searchsorted(t_keys, a_keys)
        pos = np.minimum(pos, max(len(t_keys) - 1, 0))
        spoke = (t_keys[pos] == a_keys) if len(t_keys) else spoke
    n_att_ind = _bincount(cells.a_cell[ind_row], n=n).astype(float)
    n_silent = _bincount(cells.a_cell[ind_row & ~spoke], n=n).astype(float)
    silence = _div(n_silent, n_att_ind)
    sess_unit_count = np.bincount(prep.session_unit, minlength=U)
    ind_unit_count = np.bincount(prep.session_unit, weights=prep.session_individual, minlength=U)
    no_individual = np.repeat(ind_unit_count == 0, G)
    partial_individual = np.repeat((ind_unit_count > 0) & (ind_unit_count < sess_unit_count), G)
    n_silent = np.where(no_individual, np.nan, n_silent)
    notes = [(no_individual, f"silence rate {NOTE_INDIVIDUAL}"),
             (partial_individual, "silence rate over sessions with individual data only")]
    return {"n_attendees_individual": n_att_ind, "n_silent": n_silent,
            "silence_rate": np.where(no_individual, np.nan, silence)}, notes


def interruption_columns(prep: Prepared, cells: Cells) -> tuple[dict, list]:
    """Turns with the record, interrupted turns and interruptions per turn, with their note."""
    rec = ~np.isnan(prep.t_interrupted)
    n_rec = _bincount(cells.t_cell[rec], n=cells.n).astype(float)
    n_interrupted = _bincount(cells.t_cell[rec], prep.t_interrupted[rec], n=cells.n)
    notes = [(np.full(cells.n, prep.has_interrupted is False), "interruptions not recorded")]
    return {"n_interruptions_recorded": n_rec, "n_interrupted": n_interrupted,
            "interruptions_per_turn": _div(n_interrupted, n_rec)}, notes
