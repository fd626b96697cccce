"""The settings panel's rows: each :class:`cpanalysis.Settings` field with its label and meaning in
words, and a checked change (out-of-range values refused with the message Settings gives)."""

from __future__ import annotations

import re
from dataclasses import fields

from cpanalysis import Settings
from cpanalysis.contract import SESSION_FORMATS
from cpanalysis.rankings import ranking_methods

#: The smallest "hide counts below" allowed without an explicit, logged choice.
SAFE_MIN_COUNT = 5


def setting_rows() -> list[dict]:
    """One dict per setting: ``name``, ``label``, ``meaning``, ``kind``, ``low``, ``high``, ``default``.

    Examples
    --------
    >>> rows = {r["name"]: r for r in setting_rows()}
    >>> rows["alpha"]["label"]
    'Significance level'
    """
    out = []
    for f in fields(Settings):
        meta = f.metadata
        out.append({"name": f.name, "label": meta["label"], "meaning": _plain(meta["meaning"]),
                    "kind": meta["kind"] or ("int" if isinstance(f.default, int) else "float"),
                    "low": meta["low"], "high": meta["high"], "default": f.default})
    return out


def _plain(text: str) -> str:
    """Docstring markup removed (``code``, :func:`name`)."""
    return re.sub(r":\w+:`~?([^`]+)`", r"\1", text).replace("``", "")


def choices(name: str) -> list:
    if name == "ranking_method":
        return ranking_methods()
    if name == "ranking_weighting":
        return [("every group weighs the same", "subgroup"), ("every person weighs the same", "ranker")]
    if name in ("voice_formats", "elite_test_formats"):
        return [(f.replace("_", " ") + "s", f) for f in SESSION_FORMATS]
    return []


def change_setting(settings: Settings, name: str, value, *, small_counts_confirmed: bool = False
                   ) -> tuple[Settings, str]:
    """``settings`` with ``name`` set to ``value``, or the same settings and a message saying why not.

    Examples
    --------
    >>> s, message = change_setting(Settings(), "alpha", 7)
    >>> s.alpha, message
    (0.05, 'Significance level must lie between 0.0001 and 0.5 (you typed 7); the results still use 0.05.')
    >>> change_setting(Settings(), "min_count", 3)[1].startswith("Counts below 5")
    True
    """
    label = next(r["label"] for r in setting_rows() if r["name"] == name)
    if name == "min_count" and isinstance(value, (int, float)) and value < SAFE_MIN_COUNT \
            and not small_counts_confirmed:
        return settings, (f"Counts below {SAFE_MIN_COUNT} can identify a child. Tick the box to show them "
                          f"anyway; the choice is recorded in every export. Still hiding below "
                          f"{settings.min_count}.")
    if isinstance(value, list):
        value = tuple(value)  # a multiple choice (session formats)
    changes = {name: value}
    if name == "min_count" and isinstance(value, (int, float)) and value < SAFE_MIN_COUNT:
        changes["allow_small_counts"] = True  # ticked above: the explicit choice, logged by the model
    try:
        return settings.replace(**changes), ""
    except (ValueError, TypeError) as error:
        meta = next(r for r in setting_rows() if r["name"] == name)
        why = str(error).split(": ", 1)[-1]
        if meta["low"] is not None:
            why = f"{label} must lie between {meta['low']} and {meta['high']} (you typed {value})"
        else:
            why = f"{label}: {why.split(': ', 1)[-1]}"
        return settings, f"{why}; the results still use {getattr(settings, name)}."
