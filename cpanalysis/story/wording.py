"""Small helpers for the story's plain words (percentages, lists, ordinals, hidden values)."""

from __future__ import annotations

from .hiding import is_hidden


def pct(x) -> str:
    """``0.078`` -> ``"8%"`` (a hidden value never reaches here).

    Examples
    --------
    >>> pct(0.078), pct(0.004), pct(0)
    ('8%', 'under 1%', '0%')
    """
    x = float(x)
    if 0 < x < 0.005:
        return "under 1%"
    return f"{100 * x:.0f}%"


def ordinal(n) -> str:
    """``2`` -> ``"2nd"``.

    Examples
    --------
    >>> [ordinal(i) for i in (1, 2, 3, 4, 11, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '22nd']
    """
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def join(items) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``.

    Examples
    --------
    >>> join(["girls"]), join(["girls", "boys", "men"])
    ('girls', 'girls, boys and men')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def group_name(group: str, *, capital: bool = False) -> str:
    """How a group is named in a sentence (``"elites"`` -> ``"the elites"``).

    Examples
    --------
    >>> group_name("elites"), group_name("girls", capital=True)
    ('the elites', 'Girls')
    """
    text = "the elites" if group == "elites" else str(group)
    return text[:1].upper() + text[1:] if capital else text


def hidden_text(settings) -> str:
    """What a hidden cell shows in tables.

    Examples
    --------
    >>> from cpanalysis import Settings
    >>> hidden_text(Settings())
    'hidden (fewer than 5)'
    """
    return f"hidden (fewer than {settings.min_count})"


def cell(value, settings, fmt=str, *, hidden: bool = True) -> str:
    """A table cell: the formatted value, the hidden text (a hidden row) or "not recorded".

    Examples
    --------
    >>> from cpanalysis import Settings
    >>> import pandas as pd
    >>> cell(0.25, Settings(), pct), cell(pd.NA, Settings(), pct)
    ('25%', 'hidden (fewer than 5)')
    >>> cell(pd.NA, Settings(), pct, hidden=False)
    'not recorded'
    """
    if is_hidden(value):
        return hidden_text(settings) if hidden else "not recorded"
    return fmt(value)
