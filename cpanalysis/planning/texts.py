"""The free text of actions, only where the dataset marks it shareable."""

from __future__ import annotations

import pandas as pd

from ._common import check_columns, table_of

__all__ = ["shareable_texts"]

#: What is shown instead of a description or note that is not shareable.
WITHHELD = "(not shared)"


def shareable_texts(data) -> pd.DataFrame:
    """The actions' descriptions and their updates' notes, withheld unless the action is shareable.

    Every view, report or export that shows the text of actions must take it from here: the
    ``description`` of an action and the ``note`` of its updates are shown only when the action's
    ``shareable`` column is true; a missing ``shareable`` (or no such column) means not shareable.

    Parameters
    ----------
    data : Dataset or dict of DataFrame
        Needs ``actions`` (``action_id``; ``description``, ``shareable`` optional); ``action_updates``
        optional.

    Returns
    -------
    DataFrame
        One row per action and per update: ``action_id``, ``date`` (NaT for the action's own row),
        ``field`` (``description`` or ``note``), ``text`` (the text, or ``"(not shared)"``),
        ``shareable``. Rows without text are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from cpanalysis.planning import shareable_texts
    >>> actions = pd.DataFrame({"action_id": ["A1", "A2"], "description": ["Meet the chief", "Visit families"],
    ...                         "shareable": [True, None]})
    >>> shareable_texts({"actions": actions})[["action_id", "text"]]
      action_id            text
    0        A1  Meet the chief
    1        A2    (not shared)
    """
    actions = table_of(data, "actions")
    check_columns("shareable_texts", actions, ["action_id"], table="actions")
    share = (actions["shareable"].astype("boolean").fillna(False) if "shareable" in actions
             else pd.Series(False, index=actions.index)).to_numpy(dtype=bool)
    by_action = pd.Series(share, index=actions["action_id"].to_numpy()).groupby(level=0).first()
    parts = []
    if "description" in actions:
        parts.append(pd.DataFrame({"action_id": actions["action_id"].to_numpy(), "date": pd.NaT,
                                   "field": "description", "raw": actions["description"].to_numpy(),
                                   "shareable": share}))
    updates = table_of(data, "action_updates")
    if updates is not None and "note" in updates:
        parts.append(pd.DataFrame({"action_id": updates["action_id"].to_numpy(),
                                   "date": pd.to_datetime(updates["date"]).to_numpy(), "field": "note",
                                   "raw": updates["note"].to_numpy(),
                                   "shareable": updates["action_id"].map(by_action).fillna(False).to_numpy(dtype=bool)}))
    if not parts:
        return pd.DataFrame(columns=["action_id", "date", "field", "text", "shareable"])
    out = pd.concat(parts, ignore_index=True)
    out = out[pd.Series(out["raw"]).notna().to_numpy()].reset_index(drop=True)
    out["text"] = pd.array(out["raw"].where(out["shareable"], WITHHELD).astype(str).to_numpy(), dtype="string")
    return out[["action_id", "date", "field", "text", "shareable"]]
