"""Who is present and who is heard: presence, representation, voice, parity, silence, agenda setting.

All measures are computed at a *level*: one row per (level unit, subgroup). The level units are
``"session"`` (keys ``community_id, cycle, session_id, format``), ``"community"`` (``community_id``),
``"cycle"`` (``community_id, cycle``), ``"programme"`` (no key: everything pooled), or any list of
session columns (``["cycle"]`` gives the programme by cycle, ``["community_id", "format"]`` ...).

Roll-up. Counts are *pooled* over the sessions of a unit: attendees are person-sessions (someone
who attended three meetings counts three times, exactly as a head count would), turns and seconds
are summed, and every share is a ratio of pooled counts, never a mean of session shares. So a
long, well attended meeting weighs more than a short one.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..settings import FROM_SETTINGS, Settings, resolve_settings
from ._common import (NOTE_INDIVIDUAL, Prepared, _check, _table, join_notes, make_labels, prepare,
                      scheme_order, subgroup_columns, subgroup_name)

__all__ = [
    "participation", "presence_share", "representation_ratio", "voice_share", "voice_parity",
    "silence_rate", "proposal_uptake", "interruptions", "planning_group_composition",
    "MIN_TURNS", "MIN_ATTENDEES",
]

#: Below this many turns in a unit, a parity interval is flagged ``enough_data = False``.
MIN_TURNS = 20
#: Below this many attendees of a subgroup in a unit, parity is flagged ``enough_data = False``.
MIN_ATTENDEES = 5


def _div(num, den) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _bincount(codes: np.ndarray, weights=None, *, n: int) -> np.ndarray:
    if len(codes) == 0:
        return np.zeros(n, dtype=float if weights is not None else np.int64)
    return np.bincount(codes, weights=weights, minlength=n)


def _binomial_interval(n_turns, share, presence, *, n_boot, seed, ci):
    """Percentile interval of parity under resampling the unit's turns (attendance fixed).

    Resampling the ``T`` turns of a unit with replacement makes the subgroup's count a
    Binomial(T, t_g / T) draw, so each cell needs only one binomial per replicate. ``n_boot=None``
    gives the limit of infinitely many replicates (binomial quantiles, no randomness).
    """
    low = np.full(len(share), np.nan)
    high = np.full(len(share), np.nan)
    ok = (n_turns > 0) & (presence > 0) & np.isfinite(share)
    if not ok.any() or n_boot == 0:
        return low, high
    T = n_turns[ok].astype(np.int64)
    p = np.clip(share[ok], 0.0, 1.0)
    alpha = (1.0 - ci) / 2.0
    if n_boot is None:
        lo_count = stats.binom.ppf(alpha, T, p)
        hi_count = stats.binom.ppf(1.0 - alpha, T, p)
    else:
        rng = np.random.default_rng(seed)
        lo_count = np.empty(len(T))
        hi_count = np.empty(len(T))
        step = max(1, 4_000_000 // int(n_boot))
        for start in range(0, len(T), step):
            sl = slice(start, start + step)
            draws = rng.binomial(T[sl], p[sl], size=(int(n_boot), len(T[sl])))
            lo_count[sl], hi_count[sl] = np.percentile(draws, [100 * alpha, 100 * (1 - alpha)], axis=0)
    low[ok] = lo_count / T / presence[ok]
    high[ok] = hi_count / T / presence[ok]
    return low, high


def _population_share(data, prep: Prepared, subgroup, population, func: str):
    """Population share of each (unit, subgroup) cell; ``None`` and a reason when unavailable."""
    cols = subgroup_columns(subgroup)
    if population is None:
        population = _table(data, "population")
        if population is None:
            return None, "no population table"
    _check(func, population, ["community_id", "count"], table="population")
    if not all(c in population.columns for c in cols):
        return None, f"the population table has no {subgroup_name(subgroup)} column"
    pop = pd.DataFrame({
        "community": prep.communities.get_indexer(pd.Index(population["community_id"].astype("string"))),
        "label": make_labels(population, cols),
        "count": population["count"].fillna(0).to_numpy(dtype=float),
    })
    pop = pop[pop["community"] >= 0]
    label_index = pd.Index(prep.labels, dtype=object)
    pop["sub"] = label_index.get_indexer(pop["label"].to_numpy(dtype=object))
    C, G, U = len(prep.communities), prep.n_groups, prep.n_units
    by_cg = np.zeros((C, G))
    known = pop[pop["sub"] >= 0]
    np.add.at(by_cg, (known["community"].to_numpy(), known["sub"].to_numpy()), known["count"].to_numpy())
    total_c = np.bincount(pop["community"].to_numpy(), weights=pop["count"].to_numpy(), minlength=C)
    # the communities a unit spans: sum their populations
    pairs = np.unique(prep.session_unit * max(C, 1) + prep.session_community)
    pu, pc = pairs // max(C, 1), pairs % max(C, 1)
    by_ug = np.zeros((U, G))
    np.add.at(by_ug, pu, by_cg[pc])
    total_u = np.bincount(pu, weights=total_c[pc], minlength=U)
    return _div(by_ug, total_u[:, None]).ravel(), None


def _compute(data, *, level, subgroup, formats, population=None, n_boot=999, seed=0, ci=0.95,
             all_subgroups=True, func="participation") -> pd.DataFrame:
    prep = prepare(data, level=level, subgroup=subgroup, formats=formats, func=func,
                   scheme_order=scheme_order(data, subgroup))
    U, G = prep.n_units, prep.n_groups
    n = U * G
    a_unit = prep.session_unit[prep.a_session]
    t_unit = prep.session_unit[prep.t_session]
    a_cell = a_unit * G + prep.a_sub
    t_cell = t_unit * G + prep.t_sub

    # presence
    attendees = _bincount(a_cell, prep.a_weight.astype(float), n=n)
    att_unit = attendees.reshape(U, G).sum(axis=1)
    presence = _div(attendees, np.repeat(att_unit, G))

    # voice by turns
    turns = _bincount(t_cell, n=n).astype(float)
    turns_unit = np.repeat(turns.reshape(U, G).sum(axis=1), G)
    voice = _div(turns, turns_unit)

    # voice by time: over turns with a recorded duration
    timed = ~np.isnan(prep.t_duration)
    n_timed = _bincount(t_cell[timed], n=n).astype(float)
    seconds = _bincount(t_cell[timed], prep.t_duration[timed], n=n)
    seconds_unit = np.repeat(seconds.reshape(U, G).sum(axis=1), G)
    n_timed_unit = np.repeat(n_timed.reshape(U, G).sum(axis=1), G)
    turns_unit_all = turns_unit
    voice_time = _div(seconds, seconds_unit)

    # parity and its interval
    parity = np.where(presence > 0, _div(voice, presence), np.nan)
    parity_time = np.where(presence > 0, _div(voice_time, presence), np.nan)
    low, high = _binomial_interval(turns_unit, voice, presence, n_boot=n_boot, seed=seed, ci=ci)
    enough = (turns_unit >= MIN_TURNS) & (attendees >= MIN_ATTENDEES)

    # silence: attendance rows of sessions with individual data
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
    n_att_ind = _bincount(a_cell[ind_row], n=n).astype(float)
    n_silent = _bincount(a_cell[ind_row & ~spoke], n=n).astype(float)
    silence = _div(n_silent, n_att_ind)
    sess_unit_count = np.bincount(prep.session_unit, minlength=U)
    ind_unit_count = np.bincount(prep.session_unit, weights=prep.session_individual, minlength=U)
    no_individual = np.repeat(ind_unit_count == 0, G)
    partial_individual = np.repeat((ind_unit_count > 0) & (ind_unit_count < sess_unit_count), G)
    n_silent = np.where(no_individual, np.nan, n_silent)

    # proposals and uptake
    prop = prep.t_proposal
    n_prop = _bincount(t_cell[prop], n=n).astype(float)
    prop_unit = np.repeat(n_prop.reshape(U, G).sum(axis=1), G)
    proposal_share = _div(n_prop, prop_unit)
    n_harms_proposed = np.zeros(n)
    n_harms_adopted = np.zeros(n)
    decisions = _table(data, "decisions")
    if prop.any():
        H = max(len(prep.harms), 1)
        C = max(len(prep.communities), 1)
        comm = prep.session_community[prep.t_session[prop]]
        pair = comm * H + prep.t_harm[prop]
        keys = pd.unique(t_cell[prop] * (C * H) + pair)
        cell_of_key, pair_of_key = keys // (C * H), keys % (C * H)
        adopted_pairs = np.zeros(C * H, dtype=bool)
        if decisions is not None and len(decisions):
            _check(func, decisions, ["community_id", "harm_id"], table="decisions")
            dc = prep.communities.get_indexer(pd.Index(decisions["community_id"].astype("string")))
            dh = prep.harms.get_indexer(pd.Index(decisions["harm_id"].astype("string")))
            ok = (dc >= 0) & (dh >= 0)
            adopted_pairs[dc[ok] * H + dh[ok]] = True
        n_harms_proposed = np.bincount(cell_of_key, minlength=n).astype(float)
        n_harms_adopted = np.bincount(cell_of_key, weights=adopted_pairs[pair_of_key], minlength=n)
    uptake = _div(n_harms_adopted, n_harms_proposed)
    if decisions is None:
        uptake[:] = np.nan

    # interruptions
    rec = ~np.isnan(prep.t_interrupted)
    n_int_rec = _bincount(t_cell[rec], n=n).astype(float)
    n_interrupted = _bincount(t_cell[rec], prep.t_interrupted[rec], n=n)
    interruptions = _div(n_interrupted, n_int_rec)

    # representation
    pop_share, pop_reason = _population_share(data, prep, subgroup, population, func)
    if pop_share is None:
        pop_share = np.full(n, np.nan)
    representation = np.where(pop_share > 0, _div(presence, pop_share), np.nan)

    # notes
    unit_att = np.repeat(att_unit, G)
    notes = join_notes(
        (unit_att == 0, "nobody attended"),
        ((attendees == 0) & (turns == 0) & (unit_att > 0), "subgroup absent"),
        ((attendees == 0) & (turns > 0), "spoke but no recorded attendance"),
        ((turns_unit_all == 0) & (unit_att > 0), "nobody spoke"),
        ((turns_unit_all > 0) & ~enough & (attendees > 0),
         f"too few for a reliable parity (under {MIN_TURNS} turns or {MIN_ATTENDEES} attendees)"),
        (prep.has_durations & (n_timed_unit < turns_unit_all) & (n_timed_unit > 0),
         "time share over turns with a duration only"),
        ((turns_unit_all > 0) & (n_timed_unit == 0), "no durations recorded"),
        ((n_timed_unit > 0) & (seconds_unit == 0), "recorded durations sum to zero"),
        (no_individual, f"silence rate {NOTE_INDIVIDUAL}"),
        (partial_individual, "silence rate over sessions with individual data only"),
        (np.full(n, pop_reason is not None), f"representation: {pop_reason}"),
        (np.full(n, prep.has_interrupted is False), "interruptions not recorded"),
        n=n,
    )

    out = prep.units.loc[np.repeat(np.arange(U), G)].reset_index(drop=True)
    out["subgroup"] = pd.array(np.tile(np.array(prep.labels, dtype=object), U), dtype="string")
    columns = {
        "n_attendees": attendees, "n_attendees_unit": unit_att, "presence_share": presence,
        "population_share": pop_share, "representation_ratio": representation,
        "n_turns": turns, "n_turns_unit": turns_unit_all, "voice_share_turns": voice,
        "n_turns_timed": n_timed, "seconds": seconds, "voice_share_time": voice_time,
        "parity": parity, "parity_ci_low": low, "parity_ci_high": high, "parity_time": parity_time,
        "enough_data": enough,
        "n_attendees_individual": n_att_ind, "n_silent": n_silent,
        "silence_rate": np.where(no_individual, np.nan, silence),
        "n_proposals": n_prop, "proposal_share": proposal_share,
        "n_harms_proposed": n_harms_proposed, "n_harms_adopted": n_harms_adopted, "uptake": uptake,
        "n_interruptions_recorded": n_int_rec, "n_interrupted": n_interrupted,
        "interruptions_per_turn": interruptions,
    }
    for name, values in columns.items():
        out[name] = values
    for name in ("n_attendees", "n_attendees_unit", "n_turns", "n_turns_unit", "n_turns_timed",
                 "n_attendees_individual", "n_proposals", "n_harms_proposed", "n_harms_adopted",
                 "n_interruptions_recorded", "n_interrupted"):
        out[name] = out[name].astype("int64")
    out["n_silent"] = pd.array(np.where(np.isnan(n_silent), None, n_silent), dtype="Int64") \
        if np.isnan(n_silent).any() else n_silent.astype("int64")
    out["note"] = pd.array(notes, dtype="string")
    if not all_subgroups:
        out = out[(attendees > 0) | (turns > 0)].reset_index(drop=True)
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
        Bootstrap replicates for the parity interval (0: no interval; None: the exact limit of
        infinitely many replicates, from binomial quantiles: deterministic and much faster when
        there are many units, e.g. ``level="session"`` on a large programme).
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

    Parity interval: percentile bootstrap over the unit's turns, attendance held fixed (a roster is
    a census of who came). Resampling T turns makes g's count Binomial(T, t_g/T), so every cell is
    drawn at once (seeded ``numpy`` generator). Turns are treated as independent; when a few people
    take many turns the interval is too narrow. ``enough_data`` is False below
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
    the exact limit)."""
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
        Replicates (0: no interval; None: exact binomial-quantile limit).
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
    turns with attendance fixed (see :func:`participation`); ``enough_data`` is False below 20
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


def planning_group_composition(data, *, subgroup="subgroup", reference="community_meeting",
                               population=None) -> pd.DataFrame:
    """Who sits on each community's planning group, against the community.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
    subgroup : str or list of str, default "subgroup"
        As in :func:`participation`.
    reference : str, default "community_meeting"
        The session format whose pooled presence share is the comparison.
    population : DataFrame, optional
        As in :func:`participation`; the dataset's ``population`` table by default.

    Returns
    -------
    DataFrame
        ``community_id``, ``subgroup``, ``n_members``, ``planning_share``, ``meeting_share``,
        ``population_share``, ``ratio_to_meeting`` (planning / meeting share),
        ``ratio_to_population`` (planning / population share), ``basis``, ``note``.

    Notes
    -----
    Members are the distinct participants who attended any ``planning_group`` session of the
    community (``basis = "members"``); from head counts, the counts pooled over planning-group
    sessions (``basis = "head counts"``). Ratios are NA when the reference share is 0 or missing.
    Communities without planning-group sessions have no rows.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, planning_group_composition
    >>> table = planning_group_composition(example_dataset(planning_group=True))
    >>> table[["subgroup", "n_members", "planning_share", "meeting_share", "ratio_to_meeting"]]
      subgroup  n_members  planning_share  meeting_share  ratio_to_meeting
    0    women          1             0.5           0.25               2.0
    1      men          1             0.5           0.25               2.0
    2    girls          0             0.0           0.25               0.0
    3   elders          0             0.0           0.25               0.0
    """
    func = "planning_group_composition"
    sessions = _table(data, "sessions")
    _check(func, sessions, ["session_id", "community_id", "format"], table="sessions")
    order = scheme_order(data, subgroup)
    plan = prepare(data, level="community", subgroup=subgroup, formats="planning_group", func=func,
                   scheme_order=order)
    comm = _compute(data, level="community", subgroup=subgroup, formats=reference, population=population,
                    n_boot=0, func=func)
    labels = list(dict.fromkeys(plan.labels + comm["subgroup"].dropna().astype(str).tolist()))
    label_index = pd.Index(labels, dtype=object)
    U, G = plan.n_units, len(labels)
    a_unit = plan.session_unit[plan.a_session]
    a_sub = label_index.get_indexer(np.array(plan.labels, dtype=object)[plan.a_sub]) if len(plan.a_sub) \
        else np.zeros(0, np.int64)
    roster = plan.a_person >= 0
    n_persons = max(len(plan.persons), 1) if plan.persons is not None else 1
    # distinct members from the roster, pooled head counts otherwise
    member_keys = np.unique((a_unit[roster] * G + a_sub[roster]) * n_persons + plan.a_person[roster])
    members = np.bincount(member_keys // n_persons, minlength=U * G).astype(float) if len(member_keys) \
        else np.zeros(U * G)
    members += np.bincount(a_unit[~roster] * G + a_sub[~roster], weights=plan.a_weight[~roster],
                           minlength=U * G) if (~roster).any() else 0
    by_unit = np.repeat(members.reshape(U, G).sum(axis=1), G)
    unit_has_roster = np.bincount(a_unit[roster], minlength=U) > 0 if roster.any() else np.zeros(U, bool)
    out = plan.units.loc[np.repeat(np.arange(U), G)].reset_index(drop=True)
    out["subgroup"] = pd.array(np.tile(np.array(labels, dtype=object), U), dtype="string")
    out["n_members"] = members.astype("int64")
    out["planning_share"] = _div(members, by_unit)
    ref = comm.set_index(["community_id", "subgroup"])
    idx = pd.MultiIndex.from_arrays([out["community_id"], out["subgroup"]])
    out["meeting_share"] = ref["presence_share"].reindex(idx).to_numpy(dtype=float, na_value=np.nan)
    out["population_share"] = ref["population_share"].reindex(idx).to_numpy(dtype=float, na_value=np.nan)
    out["ratio_to_meeting"] = np.where(out["meeting_share"] > 0, _div(out["planning_share"], out["meeting_share"]),
                                       np.nan)
    out["ratio_to_population"] = np.where(out["population_share"] > 0,
                                          _div(out["planning_share"], out["population_share"]), np.nan)
    out["basis"] = pd.array(np.repeat(np.where(unit_has_roster, "members", "head counts"), G), dtype="string")
    notes = join_notes(
        (np.isnan(out["meeting_share"].to_numpy()), f"no {reference} attendance to compare with"),
        (np.isnan(out["population_share"].to_numpy()), "no population share"),
        n=len(out),
    )
    out["note"] = pd.array(notes, dtype="string")
    out.attrs["subgroup"] = subgroup_name(subgroup)
    return out
