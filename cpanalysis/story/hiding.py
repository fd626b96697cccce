"""The one place the story hides small counts (so the mechanism can be swapped in one line).

Every table, chart and sentence of a story goes through :func:`hide_small_counts`; sentences ask
:func:`is_hidden` before they print a number about a group.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..inclusion.suppression import suppress_small
from ..settings import Settings


def hide_small_counts(table: pd.DataFrame, settings: Settings, *, counts: Sequence[str],
                      tied: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """``table`` with counts of people below ``settings.min_count`` (and the values computed from
    them) set to NA, through :func:`cpanalysis.suppress_small`.

    A column ``hidden`` says which rows had a count hidden (their NA cells read "hidden", other
    NA cells "not recorded"). Only ``0 < n < min_count`` is hidden, as in the library: "nobody of this group came" is a
    finding and singles nobody out.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis import Settings
    >>> t = pd.DataFrame({"group": ["girls", "men"], "n_people": [3, 9], "share": [0.2, 0.8]})
    >>> hide_small_counts(t, Settings(), counts=["n_people"], tied={"n_people": ["share"]})["share"].tolist()
    [<NA>, 0.8]
    """
    present = [c for c in counts if c in table.columns]
    if not len(table) or not present:
        out = table.copy()
        out["hidden"] = False
        return out
    tied = {k: tuple(v) for k, v in tied.items() if k in present}
    out = suppress_small(table, counts=present, tied=tied, complementary=False, settings=settings)
    record = out.attrs["suppressed"]
    hidden = np.zeros(len(out), bool)
    hidden[np.asarray(record["position"], dtype=np.int64)[np.isin(record["column"], present)]] = True
    out["hidden"] = hidden
    return out


def is_hidden(value) -> bool:
    """True when a cell was hidden (or is missing): such a value is never printed.

    Examples
    --------
    >>> is_hidden(pd.NA), is_hidden(0.4)
    (True, False)
    """
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
