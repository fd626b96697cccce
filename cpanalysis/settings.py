"""Every analysis default in one place: :class:`Settings`.

The library functions, the dashboard and the report all take a :class:`Settings`; each field's
label and meaning are declared once below and produce the class docstring, the dashboard's
settings panel and the settings table that reports and exports carry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import pandas as pd

__all__ = ["FROM_SETTINGS", "SAFE_MIN_COUNT", "Settings", "register_name_check", "resolve_settings",
           "settings_table"]


class _FromSettings:
    """Default of a keyword argument that takes its value from the ``settings`` argument."""

    def __repr__(self) -> str:
        return "<from settings>"


#: Default of keyword arguments whose value comes from ``settings`` (see :func:`resolve_settings`).
FROM_SETTINGS = _FromSettings()

#: Field name -> function raising ValueError for an unknown name. Layers above this module register
#: their checks here (rankings registers its method names), so settings imports none of them.
_NAME_CHECKS: dict = {}


def register_name_check(field_name: str, check) -> None:
    """Check the values of a name field (e.g. ``ranking_method``) with ``check`` when Settings are made.

    Examples
    --------
    >>> from cpanalysis.settings import register_name_check, _NAME_CHECKS
    >>> "ranking_method" in _NAME_CHECKS  # registered by cpanalysis.rankings
    True
    """
    _NAME_CHECKS[field_name] = check


#: The smallest threshold of hidden counts that needs no explicit choice (``allow_small_counts``).
SAFE_MIN_COUNT = 5


def _setting(default, label: str, meaning: str, *, low=None, high=None, kind: str = "") -> Any:
    """A dataclass field with its plain-words label, meaning and allowed range (used for checks and help)."""
    return field(default=default, metadata={"label": label, "meaning": meaning, "low": low, "high": high,
                                            "kind": kind})


@dataclass(frozen=True)
class Settings:
    # The docstring is built from the fields' metadata below (see _document), so it is written once.
    ranking_method: str = _setting(
        "borda", "Ranking method",
        "How the rankings of several people are combined into one order of harms (a name of "
        ":func:`cpanalysis.ranking_methods`). Used for each group's own ranking, the community's "
        "consensus and the counterfactual decisions.", kind="method")
    ranking_weighting: str = _setting(
        "subgroup", "Weighting of groups",
        "``\"subgroup\"``: every subgroup weighs the same in a combined ranking, however many people it "
        "has; ``\"ranker\"``: every person weighs the same.", kind="choice")
    min_count: int = _setting(
        5, "Hide counts below",
        "Counts of people below this number, and every value computed from them, are hidden in "
        "everything shown or exported (tables, charts and sentences). Below 5 only with "
        "``allow_small_counts``.", low=1, high=1_000_000)
    allow_small_counts: bool = _setting(
        False, "Allow hiding fewer than 5",
        "An explicit choice to hide counts below a threshold under 5 (``min_count`` 1 to 4); without it "
        "such a threshold is refused. Every table made with it records the choice and a warning is "
        "logged each time it is applied.", kind="flag")
    alpha: float = _setting(
        0.05, "Significance level",
        "Level of the tests of elite influence. A community reads \"some sign\" when its q-value "
        "(Benjamini-Hochberg over the communities analysed) is at most this, so among the communities "
        "flagged, at most this share is expected to have no elite influence.", low=0.0001, high=0.5)
    n_perm: int = _setting(
        2000, "Relabellings per test",
        "``B``: random relabellings of elite status per permutation test; exact enumeration is used "
        "instead when there are at most this many distinct relabellings.", low=1, high=1_000_000)
    n_boot: int = _setting(
        999, "Bootstrap resamples",
        "Resamples for every bootstrap interval (participation parities, rankings, dominance).",
        low=0, high=1_000_000)
    ci: float = _setting(
        0.95, "Interval coverage",
        "Coverage of the bootstrap intervals (0.95: 95% intervals).", low=0.5, high=0.999)
    seed: int = _setting(
        0, "Random seed",
        "Seed of every random draw (bootstrap and permutations): the same data and settings give the "
        "same numbers.", low=0, high=2**32 - 1)
    tie_penalty: float = _setting(
        0.5, "Penalty for a tie",
        "Fagin's penalty ``p`` for a pair of harms the decision orders but a person ties (two harms "
        "the person left unlisted are tied).", low=0.0, high=1.0)
    alpha_clear: float = _setting(
        0.01, "Level of a clear sign",
        "A community whose q-value (Benjamini-Hochberg over the communities analysed) is at most this "
        "reads \"clear sign\"; at most the significance level, \"some sign\".", low=0.0001, high=0.5)
    min_detectability: float = _setting(
        0.5, "Least detectability to read no sign",
        "When the test finds nothing and would have seen strong influence less often than this (the "
        "community's detectability), the reading is \"cannot tell\" instead of \"no sign\".",
        low=0.0, high=1.0)
    influence_moderate: float = _setting(
        1.0, "Moderate influence (standard deviations)",
        "Detectability at moderate influence: the power of the community's test when every elite's "
        "measures (alignment with the decision, turns, proposals, adopted proposals per meeting) are "
        "this many within-group standard deviations above what they would be without influence. "
        "Default 1: on simulated communities the mean detectability at 1 matches the test's measured "
        "power at the simulator's elite_influence 0.5 (docs/dominance.md).",
        low=0.0, high=20.0)
    influence_strong: float = _setting(
        2.0, "Strong influence (standard deviations)",
        "The same for strong influence (default 2: matches the measured power at the simulator's "
        "elite_influence 1.0).",
        low=0.0, high=20.0)
    stratify: bool = _setting(
        True, "Compare elites within their own groups",
        "Relabel elite status only within strata (``dominance_strata``), so that the test stays exact "
        "when elites are mostly men and elders; off: one stratum per community.", kind="flag")
    dominance_strata: tuple = _setting(
        ("subgroup", "marginalised", "stratum"), "Strata of the elite test",
        "Participant columns whose combinations are the strata within which elite status is "
        "relabelled and non-elites are compared with elites (columns a dataset lacks are skipped; a "
        "dataset may declare its own strata in a ``stratum`` column).", kind="columns")
    voice_formats: tuple = _setting(
        ("community_meeting",), "Sessions where presence and voice are shown",
        "Session formats whose presence and voice the community story, the dashboard and the report "
        "show for each group: the open meetings everybody may attend (a small group convened for "
        "girls would make girls look present everywhere).", kind="formats")
    elite_test_formats: tuple = _setting(
        ("community_meeting", "small_group"), "Sessions where the elite test compares voice",
        "Session formats where the presence, voice and proposals of elites are compared with those of "
        "non-elite people of their own group in the elite test: the open meetings and the small groups "
        "(elites sit in the small group of their own subgroup). Planning-group meetings are left out: "
        "who sits there is itself chosen.", kind="formats")

    def __post_init__(self):
        problems = [p for p in (self._check(f) for f in fields(self)) if p]
        if not problems and self.min_count < SAFE_MIN_COUNT and not self.allow_small_counts:
            problems.append(f"min_count {self.min_count} is below {SAFE_MIN_COUNT}: counts of fewer than "
                            f"{SAFE_MIN_COUNT} people can single children out, so a lower threshold needs the "
                            "explicit choice allow_small_counts=True (it is logged and recorded in every export)")
        if problems:
            raise ValueError("Settings: " + "; ".join(problems))

    def _check(self, f) -> str:
        value, meta = getattr(self, f.name), f.metadata
        if meta["kind"] == "method":
            check = _NAME_CHECKS.get(f.name)
            if not isinstance(value, str):
                return f"{f.name} must be a method name, not {value!r}"
            try:
                if check is not None:
                    check(value)
            except (ValueError, TypeError) as exc:
                return f"{f.name}: {exc}"
            return ""
        if meta["kind"] == "choice":
            return "" if value in ("ranker", "subgroup") else \
                f"{f.name} must be 'ranker' or 'subgroup', not {value!r}"
        if meta["kind"] == "flag":
            return "" if isinstance(value, bool) else f"{f.name} must be True or False, not {value!r}"
        if meta["kind"] == "columns":
            ok = isinstance(value, tuple) and all(isinstance(v, str) for v in value)
            return "" if ok else f"{f.name} must be a tuple of participant column names, not {value!r}"
        if meta["kind"] == "formats":
            from .contract import SESSION_FORMATS  # the contract's categories (same layer, no cycle)

            ok = isinstance(value, tuple) and value and all(v in SESSION_FORMATS for v in value)
            return "" if ok else (f"{f.name} must be a non-empty tuple of session formats "
                                  f"({', '.join(SESSION_FORMATS)}), not {value!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return f"{f.name} must be a number, not {value!r}"
        if isinstance(f.default, int) and not float(value).is_integer():
            return f"{f.name} must be a whole number, not {value!r}"
        if not meta["low"] <= value <= meta["high"]:
            return f"{f.name} must lie between {meta['low']} and {meta['high']}, not {value!r}"
        return ""

    def replace(self, **changes) -> "Settings":
        """A copy with ``changes`` applied (unknown names are an error).

        Examples
        --------
        >>> Settings().replace(alpha=0.1).alpha
        0.1
        """
        return resolve_settings(self, **changes)

    def as_dict(self) -> dict:
        """The settings as a plain dict (for JSON sidecars and report parameters).

        Examples
        --------
        >>> Settings().as_dict()["ranking_method"]
        'borda'
        """
        out = asdict(self)
        out["voice_formats"] = list(self.voice_formats)
        out["elite_test_formats"] = list(self.elite_test_formats)
        out["dominance_strata"] = list(self.dominance_strata)
        return out

    @classmethod
    def from_dict(cls, values: dict) -> "Settings":
        """Settings from :meth:`as_dict` output (lists become tuples).

        Examples
        --------
        >>> Settings.from_dict(Settings(seed=3).as_dict()) == Settings(seed=3)
        True
        """
        values = dict(values)
        for name in ("voice_formats", "elite_test_formats", "dominance_strata"):
            if name in values:
                values[name] = tuple(values[name])
        return resolve_settings(None, **values)


def resolve_settings(settings: Settings | None = None, **overrides) -> Settings:
    """The settings to use: ``settings`` (or the defaults) with keyword ``overrides`` applied.

    Overrides whose value is ``None`` or :data:`FROM_SETTINGS` are ignored, so a function can
    pass its own keyword arguments straight through (an argument the caller did not give keeps
    the settings' value).

    Parameters
    ----------
    settings : Settings, optional
        The base; :class:`Settings` defaults when None.
    **overrides
        Field names of :class:`Settings` and their new values.

    Returns
    -------
    Settings

    Examples
    --------
    >>> resolve_settings(n_boot=10).n_boot
    10
    >>> resolve_settings(Settings(seed=4), seed=None).seed
    4
    """
    base = settings if settings is not None else Settings()
    if not isinstance(base, Settings):
        raise TypeError(f"settings must be a cpanalysis.Settings, not {type(base).__name__}")
    names = {f.name for f in fields(Settings)}
    unknown = set(overrides) - names
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(names)}")
    changes = {k: v for k, v in overrides.items() if v is not None and v is not FROM_SETTINGS}
    return replace(base, **changes) if changes else base


def settings_table(settings: Settings | None = None) -> pd.DataFrame:
    """The settings as a table a person can read: name, label, value, default and meaning.

    Reports and exports carry this table, so that every number can be traced to its settings.

    Parameters
    ----------
    settings : Settings, optional
        Defaults when None.

    Returns
    -------
    DataFrame
        Columns ``setting``, ``label``, ``value``, ``default``, ``meaning``.

    Examples
    --------
    >>> settings_table().set_index("setting").loc["min_count", "value"]
    '5'
    """
    s = settings if settings is not None else Settings()
    rows = []
    for f in fields(Settings):
        rows.append({"setting": f.name, "label": f.metadata["label"], "value": _show(getattr(s, f.name)),
                     "default": _show(f.default), "meaning": f.metadata["meaning"].replace("``", "")})
    return pd.DataFrame(rows)


def _show(value) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def _document(cls) -> str:
    lines = ["Every analysis default of cpanalysis, in one frozen object.",
             "",
             "The library functions (``settings=`` keyword), the dashboard and the report all take it;",
             "an explicit keyword argument of a function overrides the matching field for that call.",
             "",
             "Parameters",
             "----------"]
    for f in fields(cls):
        default = f.default
        lines.append(f"{f.name} : {type(default).__name__}, default {default!r}")
        lines.append(f"    {f.metadata['label']}. {f.metadata['meaning']}")
    lines += ["",
              "Examples",
              "--------",
              ">>> from cpanalysis import Settings",
              ">>> s = Settings(ranking_method=\"kemeny\", alpha=0.1)",
              ">>> s.ranking_method, s.min_count",
              "('kemeny', 5)",
              ">>> Settings(alpha=7)",
              "Traceback (most recent call last):",
              "...",
              "ValueError: Settings: alpha must lie between 0.0001 and 0.5, not 7"]
    return "\n".join(lines)


Settings.__doc__ = _document(Settings)
