"""Reading levels of a community, decided from its test results (the step between testing and wording)."""

from __future__ import annotations

import numpy as np

from ..settings import Settings

__all__ = ["LEVELS", "reading_level"]

#: Reading levels, from the weakest to the strongest, then "not assessable".
LEVELS = ("no signal", "some signals", "strong signals", "not assessable")

def _true(v) -> bool:
    return v is True or (isinstance(v, (bool, np.bool_)) and bool(v))


def reading_level(row: dict, settings: Settings | None = None) -> str:
    """The reading level of one community from its signals.

    Rule (documented default):

    * ``not assessable``: neither the gap nor the voice signals could be computed;
    * ``strong signals``: the gap test signals (p < alpha and gap > 0) and at least one other
      signal agrees (the non-elite counterfactual would not put the same harm first, or a voice
      signal: parity, proposals or adopted proposals);
    * ``some signals``: the gap test signals alone, or at least one voice signal;
    * ``no signal``: otherwise. A counterfactual that differs is reported but is not a signal on
      its own (non-elite rankings are noisy; a different top choice happens often in inclusive
      communities too).
    """
    gap_ok = _true(row.get("gap_assessable"))
    voice_ok = _true(row.get("voice_assessable"))
    if not gap_ok and not voice_ok:
        return "not assessable"
    gap = _true(row.get("gap_signal"))
    n_voice = sum(_true(row.get(k)) for k in ("voice_signal", "proposal_signal", "adopted_signal"))
    if gap and (n_voice >= 1 or _true(row.get("first_differs"))):
        return "strong signals"
    if gap or n_voice >= 1:
        return "some signals"
    return "no signal"
