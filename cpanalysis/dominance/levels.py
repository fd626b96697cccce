"""Reading levels of a community, decided from its test results (the step between testing and wording)."""

from __future__ import annotations

import numpy as np

from ..settings import Settings, resolve_settings

__all__ = ["LEVELS", "reading_level"]

#: Reading levels, from the strongest sign of elite influence to none, then "cannot tell".
LEVELS = ("clear sign", "some sign", "no sign", "cannot tell")


def _true(v) -> bool:
    return v is True or (isinstance(v, (bool, np.bool_)) and bool(v))


def _number(v) -> float:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return np.nan
    return v


def reading_level(row: dict, settings: Settings | None = None) -> str:
    """The reading level of one community from its combined test.

    Rule (thresholds are settings):

    * ``cannot tell``: the community could not be tested (no elite, or no stratum with both
      elite and non-elite people with data); or the test found nothing (``q > alpha``) and its
      detectability at strong influence is below ``min_detectability``: silence would mean
      little;
    * ``clear sign``: ``q_value <= alpha_clear``;
    * ``some sign``: ``q_value <= alpha``;
    * ``no sign``: otherwise.

    A significant test is read as a sign whatever the detectability: the level of the test does
    not depend on power. ``q_value`` is the Benjamini-Hochberg q-value of the community's own
    test among the communities analysed, so a community is never flagged by its neighbours'
    evidence (they only change how strict the threshold is).

    Examples
    --------
    >>> reading_level({"q_value": 0.004, "detectability_strong": 0.2})
    'clear sign'
    >>> reading_level({"q_value": 0.3, "detectability_strong": 0.2})
    'cannot tell'
    >>> reading_level({"q_value": 0.3, "detectability_strong": 0.9})
    'no sign'
    """
    s = resolve_settings(settings)
    q = _number(row.get("q_value"))
    if np.isnan(q):
        return "cannot tell"
    if q <= s.alpha_clear:
        return "clear sign"
    if q <= s.alpha:
        return "some sign"
    det = _number(row.get("detectability_strong"))
    if np.isnan(det) or det < s.min_detectability:
        return "cannot tell"
    return "no sign"
