"""How concentrated speaking is among individuals: Gini, top-10% share, Theil and its decomposition.

Silent attendees count as individuals with zero turns. The array functions (:func:`gini`,
:func:`top_share`, :func:`theil`, :func:`theil_between_test`, :func:`lorenz_curve`) work on one
set of values; :func:`speaking_concentration` computes them for every level unit at once, with
sort-and-bincount over integer codes (no loop over sessions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import NOTE_INDIVIDUAL, join_notes, prepare, scheme_order, subgroup_name

__all__ = ["gini", "top_share", "theil", "theil_between_test", "lorenz_curve", "individual_speaking",
           "speaking_concentration", "TOP_FRACTION"]

#: The fraction of speakers whose share :func:`top_share` reports by default.
TOP_FRACTION = 0.10


def _values(values, func: str) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if np.isnan(x).any():
        raise ValueError(f"{func}(): values contain missing entries")
    if (x < 0).any():
        raise ValueError(f"{func}(): values must be >= 0 (turns or seconds)")
    return x


def gini(values, sample: bool = False) -> float:
    """Gini coefficient of non-negative values (turns or seconds per individual).

    Parameters
    ----------
    values : array-like of float
        One value per individual; silent attendees are 0.
    sample : bool, default False
        False: the population form; True: the sample form, ``n / (n - 1)`` times it.

    Returns
    -------
    float
        In [0, 1 - 1/n] (population form) or [0, 1] (sample form). NaN when there are no values,
        when all are 0 (nobody spoke: the share of each is undefined), and for the sample form
        when n = 1.

    Notes
    -----
    Population form :math:`G = \\sum_i \\sum_j |x_i - x_j| / (2 n^2 \\bar x)`, computed from the
    ascending sort as :math:`G = 2 \\sum_i i x_{(i)} / (n \\sum x) - (n + 1) / n` (identical,
    O(n log n)). One individual gives 0.

    References
    ----------
    Cowell, F. (2011). Measuring Inequality, 3rd ed. Oxford University Press, ch. 2.

    Examples
    --------
    >>> from cpanalysis.inclusion import gini
    >>> gini([0, 1, 1, 2])
    0.375
    >>> round(gini([0, 1, 1, 2], sample=True), 6)
    0.5
    """
    x = _values(values, "gini")
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return float("nan")
    x = np.sort(x)
    g = 2.0 * np.dot(np.arange(1, n + 1), x) / (n * total) - (n + 1.0) / n
    g = max(g, 0.0)
    if sample:
        return float("nan") if n == 1 else float(g * n / (n - 1))
    return float(g)


def top_k(n, fraction: float = TOP_FRACTION):
    """How many individuals make the top ``fraction``: ``ceil(fraction * n)``, at least 1 when n > 0."""
    n = np.asarray(n)
    k = np.ceil(np.round(fraction * n, 9)).astype(np.int64)
    return np.where(n > 0, np.maximum(k, 1), 0)


def top_share(values, fraction: float = TOP_FRACTION) -> float:
    """Share of all turns taken by the top ``fraction`` of individuals.

    Parameters
    ----------
    values : array-like of float
    fraction : float, default 0.10

    Returns
    -------
    float
        NaN when there are no values or all are 0.

    Notes
    -----
    The top group has ``k = ceil(fraction * n)`` individuals (at least 1), the k largest values;
    ties at the boundary do not matter for the sum. So with fewer than 10 individuals the top 10%
    is the single most talkative person, with 11 to 20 it is two. Perfect equality gives k / n,
    not exactly ``fraction``, when ``fraction * n`` is not whole.

    Examples
    --------
    >>> from cpanalysis.inclusion import top_share
    >>> top_share([0, 1, 1, 2])
    0.5
    """
    x = _values(values, "top_share")
    if len(x) == 0 or x.sum() == 0:
        return float("nan")
    k = int(top_k(len(x), fraction))
    return float(np.sort(x)[::-1][:k].sum() / x.sum())


def theil(values, groups=None) -> pd.Series:
    """Theil T index and its decomposition into between- and within-subgroup parts.

    Parameters
    ----------
    values : array-like of float
        One value per individual (>= 0).
    groups : array-like, optional
        The subgroup of each individual. Without it, ``between`` is 0.

    Returns
    -------
    Series
        ``total``, ``between``, ``within`` (NaN when there are no values or all are 0).

    Notes
    -----
    With :math:`s_i = x_i / \\sum x`: :math:`T = \\sum_i s_i \\ln(n s_i)` (terms with
    :math:`s_i = 0` are 0, the limit of :math:`s \\ln s`). Between part
    :math:`\\sum_g S_g \\ln(S_g n / n_g)` with :math:`S_g` the share of subgroup g and :math:`n_g`
    its size; within = total - between. T is 0 under equality and at most ln n.

    References
    ----------
    Theil, H. (1967). Economics and Information Theory. North-Holland.
    Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
    Econometrica 48(3), 613-625.

    Examples
    --------
    >>> from cpanalysis.inclusion import theil
    >>> theil([0, 1, 1, 2], ["a", "a", "b", "b"]).round(6).tolist()
    [0.346574, 0.130812, 0.215762]
    """
    x = _values(values, "theil")
    if groups is None:
        codes = np.zeros(len(x), dtype=np.int64)
    else:
        codes = pd.factorize(np.asarray(groups, dtype=object), use_na_sentinel=False)[0]
        if len(codes) != len(x):
            raise ValueError("theil(): values and groups have different lengths")
    total, between = _theil_parts(x, codes)
    return pd.Series({"total": total, "between": between, "within": total - between}, name="theil")


def _theil_parts(x: np.ndarray, codes: np.ndarray) -> tuple[float, float]:
    n = len(x)
    S = x.sum()
    if n == 0 or S == 0:
        return float("nan"), float("nan")
    s = x / S
    pos = s > 0
    total = float(np.sum(s[pos] * np.log(n * s[pos])))
    return total, _between(s, codes, n)


def _between(s: np.ndarray, codes: np.ndarray, n: int) -> float:
    Sg = np.bincount(codes, weights=s)
    ng = np.bincount(codes)
    ok = Sg > 0
    return float(np.sum(Sg[ok] * np.log(Sg[ok] * n / ng[ok])))


def theil_between_test(values, groups, n_perm: int = 999, seed: int = 0) -> pd.Series:
    """Permutation test of the between-subgroup part of Theil's T.

    Parameters
    ----------
    values : array-like of float
    groups : array-like
    n_perm : int, default 999
    seed : int, default 0
        Seed of the ``numpy`` generator that shuffles the labels.

    Returns
    -------
    Series
        ``between`` (observed), ``p_value``, ``n_perm``.

    Notes
    -----
    Subgroup labels are shuffled over individuals (group sizes kept), the between part recomputed
    each time; :math:`p = (b + 1) / (B + 1)` where b counts permutations with a between part at
    least the observed one (minus 1e-12, for float ties). This is the idea of PySAL's
    ``TheilDSim``. NaN p-value when nobody spoke or there is one group.

    References
    ----------
    Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero.
    Statistical Applications in Genetics and Molecular Biology 9(1), art. 39.

    Examples
    --------
    >>> from cpanalysis.inclusion import theil_between_test
    >>> test = theil_between_test([0, 0, 0, 5, 6, 7], ["a", "a", "a", "b", "b", "b"], n_perm=199)
    >>> float(test["p_value"])
    0.095
    """
    x = _values(values, "theil_between_test")
    codes = pd.factorize(np.asarray(groups, dtype=object), use_na_sentinel=False)[0]
    if len(codes) != len(x):
        raise ValueError("theil_between_test(): values and groups have different lengths")
    n, S = len(x), x.sum()
    if n == 0 or S == 0 or len(np.unique(codes)) < 2:
        observed = float("nan") if n == 0 or S == 0 else 0.0
        return pd.Series({"between": observed, "p_value": float("nan"), "n_perm": n_perm}, name="theil_between")
    s = x / S
    observed = _between(s, codes, n)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_perm):
        if _between(s, rng.permutation(codes), n) >= observed - 1e-12:
            hits += 1
    return pd.Series({"between": observed, "p_value": (hits + 1) / (n_perm + 1), "n_perm": n_perm},
                     name="theil_between")


def lorenz_curve(values) -> pd.DataFrame:
    """Points of the Lorenz curve of speaking.

    Parameters
    ----------
    values : array-like of float

    Returns
    -------
    DataFrame
        ``population_share`` (cumulative share of individuals, least talkative first) and
        ``speaking_share`` (their cumulative share of turns), starting at (0, 0). ``.attrs["gini"]``
        holds the population Gini.

    Notes
    -----
    The area between the curve and the diagonal is half the Gini (population form). When nobody
    spoke, ``speaking_share`` is NaN beyond the origin.

    Examples
    --------
    >>> from cpanalysis.inclusion import lorenz_curve
    >>> lorenz_curve([0, 1, 1, 2])["speaking_share"].tolist()
    [0.0, 0.0, 0.25, 0.5, 1.0]
    """
    x = np.sort(_values(values, "lorenz_curve"))
    n, total = len(x), x.sum()
    cum = np.concatenate([[0.0], np.cumsum(x)])
    share = cum / total if total > 0 else np.where(np.arange(n + 1) == 0, 0.0, np.nan)
    out = pd.DataFrame({"population_share": np.arange(n + 1) / max(n, 1), "speaking_share": share})
    out.attrs["gini"] = gini(x) if n else float("nan")
    return out


def individual_speaking(data, *, level="session", subgroup="subgroup", formats=None) -> pd.DataFrame:
    """Turns and seconds of every individual, silent attendees included, per level unit.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
    level, subgroup, formats
        As in :func:`cpanalysis.participation`.

    Returns
    -------
    DataFrame
        Level keys, ``participant_id``, ``subgroup``, ``turns``, ``seconds`` (turns without a
        duration add nothing), ``n_sessions`` (sessions of the unit attended or spoken in).

    Notes
    -----
    Only sessions with individual data count (a roster, and every turn names a participant).
    The individuals of a unit are everyone who attended, or spoke in, one of those sessions; at a
    pooled level a person is one individual whose turns are summed over the unit's sessions.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, individual_speaking
    >>> individual_speaking(example_dataset())[["participant_id", "turns"]]
      participant_id  turns
    0             p1      0
    1             p2      2
    2             p3      1
    3             p4      1
    """
    parts, prep, _ = _individuals(data, level=level, subgroup=subgroup, formats=formats,
                                  func="individual_speaking")
    return _individual_table(parts, prep)


def _individuals(data, *, level, subgroup, formats, func):
    prep = prepare(data, level=level, subgroup=subgroup, formats=formats, func=func,
                   scheme_order=scheme_order(data, subgroup))
    P = max(len(prep.persons), 1) if prep.persons is not None else 1
    ind_a = prep.session_individual[prep.a_session] & (prep.a_person >= 0)
    ind_t = prep.session_individual[prep.t_session] & (prep.t_person >= 0)
    a_key = prep.session_unit[prep.a_session[ind_a]] * P + prep.a_person[ind_a]
    t_key = prep.session_unit[prep.t_session[ind_t]] * P + prep.t_person[ind_t]
    # the sessions each person took part in (attended or spoke), for n_sessions
    sess_keys = pd.unique(np.concatenate([prep.a_session[ind_a] * P + prep.a_person[ind_a],
                                          prep.t_session[ind_t] * P + prep.t_person[ind_t]]))
    sess_unit_key = prep.session_unit[sess_keys // P] * P + sess_keys % P
    inverse, keys = pd.factorize(np.concatenate([a_key, t_key, sess_unit_key]), sort=True)
    na, nt = len(a_key), len(t_key)
    t_inv = inverse[na:na + nt]
    k = len(keys)
    turns = np.bincount(t_inv, minlength=k).astype(np.int64) if nt else np.zeros(k, np.int64)
    dur = prep.t_duration[ind_t]
    timed = ~np.isnan(dur)
    seconds = np.bincount(t_inv[timed], weights=dur[timed], minlength=k) if timed.any() else np.zeros(k)
    n_sessions = np.bincount(inverse[na + nt:], minlength=k)
    unit, person = keys // P, keys % P
    sub = prep.person_labels[person] if prep.person_labels is not None else np.zeros(k, np.int64)
    return (unit, person, sub, turns, seconds, n_sessions), prep, k


def _individual_table(parts, prep) -> pd.DataFrame:
    unit, person, sub, turns, seconds, n_sessions = parts
    out = prep.units.loc[unit].reset_index(drop=True)
    out["participant_id"] = pd.array(prep.persons[person] if len(person) else [], dtype="string")
    out["subgroup"] = pd.array(np.array(prep.labels, dtype=object)[sub] if len(sub) else [], dtype="string")
    out["turns"] = turns
    out["seconds"] = seconds
    out["n_sessions"] = n_sessions
    return out


def _grouped_stats(unit: np.ndarray, x: np.ndarray, sub: np.ndarray, U: int, G: int, fraction: float):
    """Gini, top share, Theil total and between for every unit at once (x >= 0)."""
    n = np.bincount(unit, minlength=U).astype(float)
    S = np.bincount(unit, weights=x, minlength=U)
    order = np.lexsort((x, unit))
    xs, us = x[order], unit[order]
    start = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
    rank = np.arange(len(xs)) - start[us] + 1  # 1..n within the unit, ascending
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = np.bincount(us, weights=rank * xs, minlength=U)
        g = 2.0 * weighted / (n * S) - (n + 1.0) / n
        g = np.where(S > 0, np.maximum(g, 0.0), np.nan)
        g_sample = np.where(n > 1, g * n / (n - 1), np.nan)
        k = top_k(n.astype(np.int64), fraction)
        top = np.bincount(us, weights=xs * (rank > (n[us] - k[us])), minlength=U) / S
        top = np.where(S > 0, top, np.nan)
        s = x / S[unit]
        pos = s > 0
        t_terms = np.zeros(len(x))
        t_terms[pos] = s[pos] * np.log(n[unit][pos] * s[pos])
        total = np.where(S > 0, np.bincount(unit, weights=t_terms, minlength=U), np.nan)
        between = _grouped_between(unit, s, sub, n, U, G)
        between = np.where(S > 0, between, np.nan)
    return n, S, g, g_sample, top, total, between


def _grouped_between(unit, s, sub, n, U, G):
    cell = unit * G + sub
    Sg = np.bincount(cell, weights=s, minlength=U * G)
    ng = np.bincount(cell, minlength=U * G).astype(float)
    ok = Sg > 0
    terms = np.zeros(U * G)
    n_cell = np.repeat(n, G)
    terms[ok] = Sg[ok] * np.log(Sg[ok] * n_cell[ok] / ng[ok])
    return terms.reshape(U, G).sum(axis=1)


def speaking_concentration(data, *, level="session", subgroup="subgroup", formats=None, measure="turns",
                           fraction=TOP_FRACTION, n_perm=0, seed=0) -> pd.DataFrame:
    """Concentration of speaking among individuals (silent attendees count as 0), per level unit.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
    level, subgroup, formats
        As in :func:`cpanalysis.participation`; ``subgroup`` is the partition of the Theil
        decomposition.
    measure : {"turns", "seconds"}, default "turns"
        What is counted per individual (turns without a duration add 0 seconds).
    fraction : float, default 0.10
        The top fraction for ``top_share``.
    n_perm : int, default 0
        Permutations for the p-value of the between part (0: not computed, NaN).
    seed : int, default 0

    Returns
    -------
    DataFrame
        Level keys, ``n_individuals``, ``n_speakers``, ``total``, ``gini``, ``gini_sample``,
        ``top_share``, ``top_k``, ``theil``, ``theil_between``, ``theil_within``, ``p_between``,
        ``note``.

    Notes
    -----
    Formulas as in :func:`gini`, :func:`top_share` and :func:`theil`, computed for all units at
    once. Individuals: see :func:`individual_speaking`. Edge cases: nobody spoke (all NaN, note
    "nobody spoke"); one individual (Gini 0, sample Gini NaN, Theil 0); units whose sessions have
    only head counts (NaN, note "needs individual attendance and turns"). The permutation test
    shuffles labels within every unit at once (one pass per permutation, a random sort key per
    individual), with :math:`p = (b+1)/(B+1)` per unit.

    Examples
    --------
    >>> from cpanalysis.inclusion import example_dataset, speaking_concentration
    >>> speaking_concentration(example_dataset())[["n_individuals", "gini", "top_share"]]
       n_individuals   gini  top_share
    0              4  0.375        0.5
    """
    func = "speaking_concentration"
    if measure not in ("turns", "seconds"):
        raise ValueError(f"{func}(): measure must be 'turns' or 'seconds', not {measure!r}")
    parts, prep, k = _individuals(data, level=level, subgroup=subgroup, formats=formats, func=func)
    unit, person, sub, turns, seconds, _ = parts
    x = turns.astype(float) if measure == "turns" else seconds
    U, G = prep.n_units, max(prep.n_groups, 1)
    n, S, g, g_sample, top, total, between = _grouped_stats(unit, x, sub, U, G, fraction)
    speakers = np.bincount(unit, weights=(x > 0), minlength=U)
    p_between = np.full(U, np.nan)
    if n_perm and len(x):
        rng = np.random.default_rng(seed)
        s = np.divide(x, S[unit], out=np.zeros(len(x)), where=S[unit] > 0)
        order0 = np.argsort(unit, kind="stable")
        hits = np.zeros(U)
        for _ in range(int(n_perm)):
            perm = np.lexsort((rng.random(len(x)), unit))  # a random order within each unit
            shuffled = np.empty_like(sub)
            shuffled[order0] = sub[perm]
            b = _grouped_between(unit, s, shuffled, n, U, G)
            hits += b >= between - 1e-12
        n_groups_unit = np.bincount(np.unique(unit * G + sub) // G, minlength=U)
        p_between = np.where((S > 0) & (n_groups_unit > 1), (hits + 1) / (n_perm + 1), np.nan)
    ind_sessions = np.bincount(prep.session_unit, weights=prep.session_individual, minlength=U)
    notes = join_notes(
        (ind_sessions == 0, f"concentration {NOTE_INDIVIDUAL}"),
        ((ind_sessions > 0) & (S == 0), "nobody spoke"),
        ((n == 1), "one individual"),
        n=U,
    )
    out = prep.units.copy()
    out["n_individuals"] = n.astype(np.int64)
    out["n_speakers"] = speakers.astype(np.int64)
    out["total"] = S
    out["gini"] = g
    out["gini_sample"] = g_sample
    out["top_share"] = top
    out["top_k"] = top_k(n.astype(np.int64), fraction)
    out["theil"] = total
    out["theil_between"] = between
    out["theil_within"] = total - between
    out["p_between"] = p_between
    out["note"] = pd.array(notes, dtype="string")
    out.attrs["subgroup"] = subgroup_name(subgroup)
    out.attrs["measure"] = measure
    return out
