"""Everything the dashboard shows or exports passes through here: small counts hidden, staff pseudonymised.

:func:`hide_small_counts` is the dashboard's ONE route to the library's suppression
(:func:`cpanalysis.suppress_small`), so a stronger mechanism replaces it in one place. The tables the
dashboard shows have count columns the library's default ties do not know (``n_rankers``, the elite
counts of the dominance table, the members of a ranking unit); :data:`EXTRA_TIES` says which values
each of them hides.
"""

from __future__ import annotations

import re

import pandas as pd

from cpanalysis.inclusion.suppression import TIED_COLUMNS, suppress_small
from cpanalysis.settings import Settings

#: Count columns of rankings and dominance tables, and the values computed from those people.
EXTRA_TIES: dict[str, tuple[str, ...]] = {
    # one girl's ranking must not be readable from a session's or a community's ranking table
    "n_rankers": ("rank", "score", "position", "top_harm"),
    "n_elite_present": ("elite_presence_share", "elite_voice_share", "voice_parity", "parity_ci_low",
                        "parity_ci_high", "voice_ratio_adjusted", "voice_ratio_ci_low", "voice_ratio_ci_high",
                        "elite_proposal_share", "proposal_parity", "proposal_ratio_adjusted",
                        "proposal_ratio_ci_low", "elite_adopted_share", "uptake_ratio"),
    "n_elite_rankers": ("alignment_elites", "gap", "gap_ci_low", "gap_ci_high"),
    "n_nonelite_rankers": ("alignment_nonelite",),
    "n_adopted": ("elite_adopted_share", "uptake_ratio"),
    "n_people_ranking": ("top_harm", "top_harm_label", "top_harm_in_decision", "distance", "alignment",
                         "top_harm_priority", "first_choice_position", "top_harm_position"),
    "n_people": ("presence_share", "voice_share", "rank", "score", "top_harm", "top_harm_label",
                 "top_harm_in_decision", "top_harm_position"),
}

#: Columns that name staff; replaced by pseudonyms in everything shown or exported.
STAFF_COLUMNS = ("facilitator_id",)


def ties() -> dict[str, tuple[str, ...]]:
    """The library's ties with :data:`EXTRA_TIES` added (a column tied to several counts hides with any)."""
    out = {k: tuple(v) for k, v in TIED_COLUMNS.items()}
    for count, columns in EXTRA_TIES.items():
        out[count] = tuple(dict.fromkeys(out.get(count, ()) + columns))
    return out


def hide_small_counts(table: pd.DataFrame | None, settings: Settings) -> pd.DataFrame | None:
    """``table`` with counts of people below ``settings.min_count`` hidden, and what they computed.

    Parameters
    ----------
    table : DataFrame or None
        Any table the dashboard shows or exports.
    settings : Settings
        ``min_count`` is the threshold.

    Returns
    -------
    DataFrame or None
        A copy (hidden cells are missing values); staff identifiers are pseudonymised.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis import Settings
    >>> t = pd.DataFrame({"subgroup": ["girls", "boys"], "harm_id": ["neglect", "neglect"],
    ...                   "rank": [1, 2], "n_rankers": [1, 9]})
    >>> hide_small_counts(t, Settings())["rank"].tolist()
    [<NA>, 2]
    """
    if table is None:
        return None
    table = pseudonymise_staff(table)
    tied = ties()
    counts = [c for c in tied if c in table.columns]
    if not counts:
        return table
    if "subgroup" not in table.columns:
        # suppress_small reads the columns before "subgroup" as the unit's keys; a table without one
        # is suppressed row by row (complementary suppression needs a subgroup column).
        return suppress_small(table, settings=settings, tied=tied, counts=counts, complementary=False)
    return suppress_small(table, settings=settings, tied=tied, counts=counts)


def pseudonymise_staff(table: pd.DataFrame) -> pd.DataFrame:
    """Staff identifiers replaced by ``facilitator 1``, ``facilitator 2``... (numbered in sorted order).

    Examples
    --------
    >>> import pandas as pd
    >>> pseudonymise_staff(pd.DataFrame({"facilitator_id": ["Ana Silva", "B", "Ana Silva"]}))["facilitator_id"].tolist()
    ['facilitator 1', 'facilitator 2', 'facilitator 1']
    """
    present = [c for c in STAFF_COLUMNS if c in table.columns]
    if not present:
        return table
    out = table.copy()
    for column in present:
        values = out[column].astype(object)
        known = sorted({str(v) for v in values if not _missing(v)})
        codes = {v: f"facilitator {i}" for i, v in enumerate(known, start=1)}
        out[column] = [None if _missing(v) else codes[str(v)] for v in values]
    out.attrs = dict(table.attrs)
    return out


def without_paths(text: str) -> str:
    """``text`` with absolute file paths reduced to their last part (no home folders in exports).

    Examples
    --------
    >>> without_paths("loaded /home/ana/field/data/sample")
    'loaded sample'
    """
    return re.sub(r"(?:[A-Za-z]:)?[/\\](?:[^/\\\s]+[/\\])*([^/\\\s]+)", r"\1", str(text))


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
