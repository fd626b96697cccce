"""Who is present and who is heard: the public participation measures, one row per (level unit, subgroup).

All measures are computed at a *level*: one row per (level unit, subgroup). The level units are
``"session"`` (keys ``community_id, cycle, session_id, format``), ``"community"`` (``community_id``),
``"cycle"`` (``community_id, cycle``), ``"programme"`` (no key: everything pooled), or any list of
session columns (``["cycle"]`` gives the programme by cycle, ``["community_id", "format"]`` ...).

Roll-up. Counts are *pooled* over the sessions of a unit: attendees are person-sessions (someone
who attended three meetings counts three times, exactly as a head count would), turns and seconds
are summed, and every share is a ratio of pooled counts, never a mean of session shares. So a
long, well attended meeting weighs more than a short one.

The measures are computed by job in :mod:`.presence` (presence, representation), :mod:`.voice`
(voice, parity, silence, interruptions), :mod:`cpanalysis.inclusion.intervals` (parity intervals) and :mod:`.agenda`
(proposals and uptake); this module puts them in one table and selects columns for each function.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..settings import FROM_SETTINGS, Settings, resolve_settings
from ._common import Cells, join_notes, prepare, scheme_order, subgroup_name
from .agenda import agenda_columns
from .presence import presence_columns, representation_columns
from .voice import MIN_ATTENDEES, MIN_TURNS, interruption_columns, silence_columns, voice_columns

__all__ = [
    "participation", "presence_share", "representation_ratio", "voice_share", "voice_parity",
    "silence_rate", "proposal_uptake", "interruptions", "MIN_TURNS", "MIN_ATTENDEES",
]

_COUNT_COLUMNS = ("n_attendees", "n_attendees_unit", "n_turns", "n_turns_unit", "n_turns_timed",
                  "n_attendees_individual", "n_proposals", "n_harms_proposed", "n_harms_adopted",
                  "n_interruptions_recorded", "n_interrupted")


def _compute(data, *, level, subgroup, formats, population=None, n_boot=999, seed=0, ci=0.95,
             all_subgroups=True, func="participation") -> pd.DataFrame:
    prep = prepare(data, level=level, subgroup=subgroup, formats=formats, func=func,
                   scheme_order=scheme_order(data, subgroup))
    U, G = prep.n_units, prep.n_groups
    cells = Cells.of(prep)
    n = cells.n
    presence = presence_columns(prep, cells)
    attendees, unit_att = presence["n_attendees"], presence["n_attendees_unit"]
    voice, voice_notes = voice_columns(prep, cells, attendees, presence["presence_share"], n_boot=n_boot,
                                       seed=seed, ci=ci)
    silence, silence_notes = silence_columns(prep, cells)
    representation, rep_notes = representation_columns(data, prep, presence["presence_share"], subgroup=subgroup,
                                                       population=population, func=func)
    agenda = agenda_columns(data, prep, cells, func)
    interrupted, int_notes = interruption_columns(prep, cells)
    notes = join_notes((unit_att == 0, "nobody attended"), *voice_notes, *silence_notes, *rep_notes, *int_notes,
                       n=n)

    out = prep.units.loc[np.repeat(np.arange(U), G)].reset_index(drop=True)
    out["subgroup"] = pd.array(np.tile(np.array(prep.labels, dtype=object), U), dtype="string")
    columns = {**presence, **representation, **voice, **silence, **agenda, **interrupted}
    order = ["n_attendees", "n_attendees_unit", "presence_share", "population_share", "representation_ratio",
             "n_turns", "n_turns_unit", "voice_share_turns", "n_turns_timed", "seconds", "voice_share_time",
             "parity", "parity_ci_low", "parity_ci_high", "parity_time", "enough_data",
             "n_attendees_individual", "n_silent", "silence_rate",
             "n_proposals", "proposal_share", "n_harms_proposed", "n_harms_adopted", "uptake",
             "n_interruptions_recorded", "n_interrupted", "interruptions_per_turn"]
    for name in order:
        out[name] = columns[name]
    for name in _COUNT_COLUMNS:
        out[name] = out[name].astype("int64")
    n_silent = silence["n_silent"]
    out["n_silent"] = pd.array(np.where(np.isnan(n_silent), None, n_silent), dtype="Int64") \
        if np.isnan(n_silent).any() else n_silent.astype("int64")
    out["note"] = pd.array(notes, dtype="string")
    if not all_subgroups:
        out = out[(attendees > 0) | (voice["n_turns"] > 0)].reset_index(drop=True)
    out.attrs["subgroup"] = subgroup_name(subgroup)
    out.attrs["level"] = level if isinstance(level, str) else list(level)
    out.attrs["n_boot"] = n_boot
    return out


_DOC_PARAMS = """
    data : Dataset or dict of DataFrame
        A :class:`cpanalysis.Dataset` (or a dict of its tables with the derived columns).
    level : {"session", "community", "cycle", "programme"} or list of str
        The level units (see the module notes): a named level or a list of session columns.
    subgroup : str or list of str, default "subgroup"
        The column that names the subgroup (``"subgroup"``, ``"status"``, ``"gender"``, ``"elite"``,
        ...), taken from the participant when the row names one. A list makes intersections: the
        labels are joined with ``|`` and a boolean column reads as its name or ``non-<name>``
        (``["gender", "age_group", "elite"]`` gives ``"female|child|elite"``).
    formats : str or list of str, optional
        Keep only sessions of these formats (for example ``"community_meeting"``); all by default.
"""


def participation(data, *, level="community", subgroup="subgroup", formats=None, population=None,
                  n_boot=FROM_SETTINGS, seed=FROM_SETTINGS, ci=FROM_SETTINGS, all_subgroups=True,
                  settings: Settings | None = None) -> pd.DataFrame:
    """Every participation measure, one row per (level unit, subgroup).

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        A :class:`cpanalysis.Dataset` (or a dict of its tables with the derived columns).
    level : {"session", "community", "cycle", "programme"} or list of str, default "community"
        ``"session"`` keys rows by ``community_id, cycle, session_id, format``; ``"community"`` by
        ``community_id``; ``"cycle"`` by ``community_id, cycle``; ``"programme"`` pools everything.
        A list of session columns is also accepted (``["cycle"]``: the programme by cycle).
    subgroup : str or list of str, default "subgroup"
        The column naming the subgroup (``"subgroup"``, ``"status"``, ``"gender"``, ``"elite"`` ...),
        read from the participant when the row names one. A list makes intersections: values joined
        with ``|``, a boolean column reads as its name or ``non-<name>`` (``["gender", "age_group",
        "elite"]`` gives labels such as ``"female|child|elite"``). Rows with a missing component are
        labelled ``"unknown"``. Head counts (``attendance_counts``) only carry ``subgroup``.
    formats : str or list of str, optional
        Keep only sessions of these formats, e.g. ``"community_meeting"``. All formats by default
        (small groups convened for one subgroup then count in the pooled presence).
    population : DataFrame, optional
        ``community_id``, the subgroup column(s) and ``count``. Defaults to the dataset's
        ``population`` table. Without it ``representation_ratio`` is NA and the note says why.
    n_boot : int or None, default ``settings.n_boot`` (999)
        Replicates of the person-level bootstrap for the parity interval (0: no interval; None:
        the normal approximation to that bootstrap's limit on the log scale, deterministic and
        much faster when there are many units, e.g. ``level="session"`` on a large programme).
    seed : int, default ``settings.seed`` (0)
        Seed of the bootstrap.
    ci : float, default ``settings.ci`` (0.95)
        Coverage of the interval.
    all_subgroups : bool, default True
        One row for every subgroup seen anywhere in the kept sessions, in every unit (absent
        subgroups get zero counts, which is itself a finding). False keeps only subgroups that
        attended or spoke in the unit.
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`) for the arguments left out.

    Returns
    -------
    DataFrame
        The level key columns, then ``subgroup`` and:

        - ``n_attendees`` (attendance person-sessions of g), ``n_attendees_unit``, ``presence_share``;
        - ``population_share``, ``representation_ratio`` (presence / population share);
        - ``n_turns``, ``n_turns_unit``, ``voice_share_turns``;
        - ``n_turns_timed``, ``seconds``, ``voice_share_time`` (over turns with a duration);
        - ``parity`` (voice share by turns / presence share), ``parity_ci_low``, ``parity_ci_high``,
          ``parity_time`` (by time), ``enough_data``;
        - ``n_attendees_individual``, ``n_silent``, ``silence_rate``;
        - ``n_proposals``, ``proposal_share``, ``n_harms_proposed``, ``n_harms_adopted``, ``uptake``;
        - ``n_interruptions_recorded``, ``n_interrupted``, ``interruptions_per_turn``;
        - ``note``: every reason a value is missing or fragile, joined by ``"; "`` (empty when none).

        ``.attrs`` holds ``subgroup``, ``level`` and ``n_boot``.

    Notes
    -----
    With :math:`a_g` attendees, :math:`t_g` turns and :math:`d_g` seconds of subgroup g pooled over
    the unit's sessions (roll-up: person-sessions, turns and seconds are summed, never averaged):

    - presence share :math:`a_g / \\sum a`; representation ratio presence / :math:`N_g / \\sum N`
      (population of the communities the unit spans; NA when the population share is 0);
    - voice share :math:`t_g / \\sum t`, time share :math:`d_g / \\sum d`;
    - parity :math:`(t_g/\\sum t) / (a_g/\\sum a)`: 1 = heard in proportion to presence;
    - silence rate: attendance rows (person-sessions) of g whose person took no turn in that
      session, over attendance rows of g;
    - proposal share: turns of kind ``proposal`` naming a harm, g's share of them; uptake: of the
      distinct (community, harm) pairs g proposed in the unit, the share in the community's
      ``decisions`` (any priority);
    - interruptions per turn: turns of g marked ``interrupted`` over turns of g where
      ``interrupted`` is recorded.

    Parity interval: percentile bootstrap over *people*, stratified by unit: each unit's people
    (all their attendances and turns in the unit) are drawn with replacement, as many as it has,
    so a person who takes many turns moves the interval as one person, not as many independent
    turns. Turns that name nobody are their own draws; head counts are held fixed. Each unit has
    its own random stream (from ``seed`` and the unit's key): adding units changes no other unit's
    interval. Replicates in which nobody of g was drawn give no parity and are left out.
    With few people a percentile bootstrap is too narrow, so the interval is the *expanded*
    percentile interval (Hesterberg 2015): percentiles at :math:`\\Phi(\\mp q)`, with
    :math:`q = t_{m-1}\\sqrt{m/(m-1)}` for the :math:`m` people of g in the unit.
    ``n_boot=None`` gives :math:`\\hat p \\exp(\\pm q \\hat\\sigma)`, with :math:`\\hat\\sigma^2` the
    sum over the unit's people of their squared (centred) influence on :math:`\\log p`,
    :math:`t_{gc}/t_g - t_c/T - a_{gc}/a_g + a_c/A`: the delta-method limit of the same
    bootstrap. A subgroup that never spoke gets [0, 0]. Coverage is checked by simulation in
    ``tests/test_participation_intervals.py``. ``enough_data`` is False below
    ``MIN_TURNS = 20`` turns in the unit or ``MIN_ATTENDEES = 5`` attendees of g.

    Edge cases: nobody attended, nobody spoke (shares and parity NA), a subgroup absent (presence
    0, voice 0, parity NA), one attendee (presence 1, parity 1 if they spoke), turns of zero
    duration (count as turns, add 0 seconds), missing durations in some rows (time share computed
    over timed turns only, ``n_turns_timed`` says how many; NA when none or the total is 0).
    Silence needs individual data: a session counts only if it has a roster and every turn names a
    participant; units with none get NA and the note "silence rate needs individual attendance and
    turns". A session with both a roster and head counts uses the roster.

    References
    ----------
    Karpowitz, C. F., Mendelberg, T. & Shaker, L. (2012). Gender inequality in deliberative
    participation. American Political Science Review 106(3), 533-547.
    Hesterberg, T. C. (2015). What teachers should know about the bootstrap. The American
    Statistician 69(4), 371-386 (the expanded percentile interval).

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.inclusion import example_dataset
    >>> table = cpanalysis.participation(example_dataset(), level="community", n_boot=0)
    >>> table[["subgroup", "presence_share", "voice_share_turns", "parity"]].round(3)
      subgroup  presence_share  voice_share_turns  parity
    0    girls            0.25               0.00     0.0
    1    women            0.25               0.25     1.0
    2      men            0.25               0.50     2.0
    3   elders            0.25               0.25     1.0
    """
    n_boot, seed, ci = _bootstrap_settings(settings, n_boot, seed, ci)
    return _compute(data, level=level, subgroup=subgroup, formats=formats, population=population,
                    n_boot=n_boot, seed=seed, ci=ci, all_subgroups=all_subgroups)


def _bootstrap_settings(settings, n_boot, seed, ci) -> tuple:
    """``n_boot``, ``seed`` and ``ci`` as given, or from ``settings`` (``n_boot=None`` is kept: it means
    the normal limit of the bootstrap)."""
    s = resolve_settings(settings, seed=seed, ci=ci)
    return (s.n_boot if n_boot is FROM_SETTINGS else n_boot), s.seed, s.ci


def _keys(table: pd.DataFrame) -> list[str]:
    end = table.columns.get_loc("subgroup")
    return list(table.columns[: end + 1])


def _select(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    out = table[_keys(table) + list(columns) + ["note"]].copy()
    out.attrs = dict(table.attrs)
    return out


def presence_share(data, *, level="session", subgroup="subgroup", formats=None) -> pd.DataFrame:
    """Presence share of each subgroup: attendees_g / attendees.

    Parameters
    ----------%s
    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_attendees``, ``n_attendees_unit``, ``presence_share``, ``note``.

    Notes
    -----
    Attendees are attendance rows (roster) or head counts (``attendance_counts``), pooled as
    person-sessions over the unit's sessions. Shares sum to 1 in every unit with attendees; NA in
    a unit nobody attended. See :func:`participation`.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, presence_share
    >>> presence_share(example_dataset())["presence_share"].tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, n_boot=0, func="presence_share")
    return _select(t, ["n_attendees", "n_attendees_unit", "presence_share"])


def representation_ratio(data, *, level="community", subgroup="subgroup", formats=None,
                         population=None) -> pd.DataFrame:
    """Representation ratio: presence share / population share of the subgroup.

    Parameters
    ----------%s    population : DataFrame, optional
        ``community_id``, the subgroup column(s), ``count``; the dataset's ``population`` by default.

    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_attendees``, ``presence_share``, ``population_share``,
        ``representation_ratio``, ``note``.

    Notes
    -----
    A unit spanning several communities (``"programme"``) compares with their summed population.
    NA when there is no population (the note says so) or the population share is 0. 1 means
    present in proportion to the population; 0 means absent.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.inclusion import example_dataset, representation_ratio
    >>> pop = pd.DataFrame({"community_id": ["c1"] * 4, "subgroup": ["girls", "men", "women", "elders"],
    ...                     "count": [50, 20, 20, 10]})
    >>> representation_ratio(example_dataset(), population=pop)["representation_ratio"].tolist()
    [0.5, 1.25, 1.25, 2.5]
    """
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, population=population, n_boot=0,
                 func="representation_ratio")
    return _select(t, ["n_attendees", "presence_share", "population_share", "representation_ratio"])


def voice_share(data, *, level="session", subgroup="subgroup", formats=None) -> pd.DataFrame:
    """Voice share by turns (turns_g / turns) and by time (seconds_g / seconds).

    Parameters
    ----------%s
    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_turns``, ``n_turns_unit``, ``voice_share_turns``,
        ``n_turns_timed``, ``seconds``, ``voice_share_time``, ``note``.

    Notes
    -----
    Time share is computed over the turns that have a duration (``n_turns_timed`` of them; a
    note says so when some are missing); NA when no turn has one or the durations sum to 0.
    Zero-duration turns count as turns and add 0 seconds. NA when nobody spoke.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, voice_share
    >>> voice_share(example_dataset())[["subgroup", "voice_share_turns", "voice_share_time"]]
      subgroup  voice_share_turns  voice_share_time
    0    girls               0.00          0.000000
    1    women               0.25          0.142857
    2      men               0.50          0.857143
    3   elders               0.25          0.000000
    """
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, n_boot=0, func="voice_share")
    return _select(t, ["n_turns", "n_turns_unit", "voice_share_turns", "n_turns_timed", "seconds",
                       "voice_share_time"])


def voice_parity(data, *, level="session", subgroup="subgroup", formats=None, n_boot=FROM_SETTINGS,
                 seed=FROM_SETTINGS, ci=FROM_SETTINGS, settings: Settings | None = None) -> pd.DataFrame:
    """Voice parity (voice share / presence share) with a seeded bootstrap interval.

    Parameters
    ----------%s    n_boot : int or None, default ``settings.n_boot`` (999)
        Replicates of the bootstrap over people (0: no interval; None: its normal limit).
    seed : int, default ``settings.seed`` (0)
    ci : float, default ``settings.ci`` (0.95)
    settings : Settings, optional
        Analysis defaults (:class:`cpanalysis.Settings`) for the arguments left out.

    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_attendees``, ``n_turns``, ``presence_share``,
        ``voice_share_turns``, ``parity``, ``parity_ci_low``, ``parity_ci_high``,
        ``voice_share_time``, ``parity_time``, ``enough_data``, ``note``.

    Notes
    -----
    Parity is 1 when g is heard in proportion to its presence. The interval resamples the unit's
    people, each with all their attendances and turns (see :func:`participation`); ``enough_data`` is False below 20
    turns in the unit or 5 attendees of g. NA when g is absent or nobody spoke.

    References
    ----------
    Karpowitz, Mendelberg & Shaker (2012), APSR 106(3) ("proportion talk").

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, voice_parity
    >>> voice_parity(example_dataset(), n_boot=0)["parity"].tolist()
    [0.0, 1.0, 2.0, 1.0]
    """
    n_boot, seed, ci = _bootstrap_settings(settings, n_boot, seed, ci)
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, n_boot=n_boot, seed=seed, ci=ci,
                 func="voice_parity")
    return _select(t, ["n_attendees", "n_turns", "presence_share", "voice_share_turns", "parity",
                       "parity_ci_low", "parity_ci_high", "voice_share_time", "parity_time", "enough_data"])


def silence_rate(data, *, level="session", subgroup="subgroup", formats=None) -> pd.DataFrame:
    """Share of the subgroup's attendees who never spoke.

    Parameters
    ----------%s
    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_attendees_individual``, ``n_silent``, ``silence_rate``, ``note``.

    Notes
    -----
    Counted over attendance rows (person-sessions) of sessions with individual data (a roster,
    and every turn names a participant): silent = took no turn in that session. From head counts
    it cannot be computed: NA and the note "silence rate needs individual attendance and turns".

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, silence_rate
    >>> silence_rate(example_dataset())["silence_rate"].tolist()
    [1.0, 0.0, 0.0, 0.0]
    """
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, n_boot=0, func="silence_rate")
    return _select(t, ["n_attendees_individual", "n_silent", "silence_rate"])


def proposal_uptake(data, *, level="community", subgroup="subgroup", formats=None) -> pd.DataFrame:
    """Agenda setting: each subgroup's share of proposals, and the uptake of its proposed harms.

    Parameters
    ----------%s
    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_proposals``, ``proposal_share``, ``n_harms_proposed``,
        ``n_harms_adopted``, ``uptake``, ``note``.

    Notes
    -----
    A proposal is a turn of kind ``"proposal"`` that names a harm. Uptake = distinct (community,
    harm) pairs g proposed in the unit that appear in the community's ``decisions`` (any
    priority) / distinct pairs g proposed. NA when g proposed nothing.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, proposal_uptake
    >>> proposal_uptake(example_dataset())[["subgroup", "proposal_share", "uptake"]]
      subgroup  proposal_share  uptake
    0    girls             0.0     NaN
    1    women             0.5     0.0
    2      men             0.5     1.0
    3   elders             0.0     NaN
    """
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, n_boot=0, func="proposal_uptake")
    return _select(t, ["n_proposals", "proposal_share", "n_harms_proposed", "n_harms_adopted", "uptake"])


def interruptions(data, *, level="session", subgroup="subgroup", formats=None) -> pd.DataFrame:
    """Interruptions per turn by subgroup: turns of g that were interrupted / turns of g.

    Parameters
    ----------%s
    Returns
    -------
    DataFrame
        Level keys, ``subgroup``, ``n_interruptions_recorded``, ``n_interrupted``,
        ``interruptions_per_turn``, ``note``.

    Notes
    -----
    Only turns where ``interrupted`` is recorded count, in both numerator and denominator; NA
    when none is recorded (the note says "interruptions not recorded" when the column is absent).

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, interruptions
    >>> interruptions(example_dataset())["interruptions_per_turn"].tolist()
    [nan, 1.0, 0.0, 0.0]
    """
    t = _compute(data, level=level, subgroup=subgroup, formats=formats, n_boot=0, func="interruptions")
    return _select(t, ["n_interruptions_recorded", "n_interrupted", "interruptions_per_turn"])


for _f in (presence_share, representation_ratio, voice_share, voice_parity, silence_rate, proposal_uptake,
           interruptions):
    _f.__doc__ = _f.__doc__ % _DOC_PARAMS.rstrip(" ")
