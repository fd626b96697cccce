"""The library's results for one dataset and one :class:`cpanalysis.Settings`, computed once and cached.

Every number the dashboard shows comes from a call here to a public library function; a table the
dataset cannot give (head counts only, scores only, no turns, no elites) is ``None`` with the reason
in words a facilitator understands, in ``LibraryResults.missing``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpanalysis import (Settings, aggregate, individual_speaking, participation, speaking_concentration,
                        subgroup_rankings)
from cpanalysis.dominance.core import analyse
from cpanalysis.story import story_analysis

#: Why a panel is empty, in plain words (keys are the panels' names).
WHY = {
    "status": "The data hold head counts by group only, not who each person is, so elites cannot be "
              "told apart from the others here.",
    "individuals": "The data do not say who spoke each time (no speaking turns by person), so how "
                   "evenly people spoke cannot be shown.",
    "turns": "No speaking turns were recorded, so who was heard cannot be shown; presence is shown.",
    "rankings": "No harm rankings were recorded in the chosen sessions.",
    "elites": "Nobody in the data is marked as elite, so the elites' influence cannot be assessed.",
}


def rank_columns(data) -> dict[str, Any]:
    """``rank=``/``score=`` for the ranking functions: ranks when recorded, else scores."""
    rankings = data.rankings
    if rankings is not None and "rank" in rankings and rankings["rank"].notna().any():
        return {}
    if rankings is not None and "score" in rankings:
        return {"rank": None, "score": "score"}
    return {}


class LibraryResults:
    """Cached library results for ``data`` under ``settings``."""

    def __init__(self, data, settings: Settings):
        self.data, self.settings = data, settings
        self._cache: dict[Any, Any] = {}
        self.missing: dict[str, str] = {}
        self.has_turns = data.turns is not None and len(data.turns) > 0
        self.has_people = data.participants is not None and data.attendance is not None
        self.has_elites = bool(self.has_people and data.participants["elite"].fillna(False).astype(bool).any())
        if not self.has_people:
            self.missing["status"] = WHY["status"]
        if not self.has_turns or not self.has_people:
            self.missing["individuals"] = WHY["individuals"]
        if not self.has_elites:
            self.missing["elites"] = WHY["elites"] if self.has_people else WHY["status"]

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def participation(self, formats: str | None, level: str, subgroup: str = "subgroup") -> pd.DataFrame | None:
        """:func:`cpanalysis.participation` (``None`` when the data cannot give it; see ``missing``)."""
        if subgroup == "status" and not self.has_people:
            return None
        return self._cached(("participation", formats, level, subgroup), lambda: participation(
            self.data, level=level, subgroup=subgroup, formats=formats, settings=self.settings))

    def concentration(self, formats: str | None, level: str) -> pd.DataFrame | None:
        """:func:`cpanalysis.speaking_concentration` (Gini), ``None`` without turns by person."""
        if "individuals" in self.missing:
            return None
        return self._cached(("concentration", formats, level),
                            lambda: speaking_concentration(self.data, level=level, formats=formats))

    def individuals(self, formats: str | None, level: str) -> pd.DataFrame | None:
        """:func:`cpanalysis.individual_speaking`, ``None`` without turns by person."""
        if "individuals" in self.missing:
            return None
        return self._cached(("individuals", formats, level),
                            lambda: individual_speaking(self.data, level=level, formats=formats))

    def dominance(self) -> dict:
        """The dominance analysis of every community (what :func:`cpanalysis.elite_dominance` and
        :func:`cpanalysis.reading` compute; its ``table`` is ``elite_dominance(data, settings=...)``)."""
        return self._cached("dominance", lambda: analyse(self.data, self.settings))

    def story(self, cycle: str | None = None, formats: str | None = None, codes_only: bool = False) -> dict:
        """:func:`cpanalysis.story.story_analysis` for the filters (the community story's numbers:
        the same definitions as the reports), keyed on ``codes_only`` as well.

        ``codes_only`` changes only the analysis's ``names`` (each community named by its id, as
        ``story_analysis(..., codes_only=True)`` does): the codes-only analysis shares every other
        table with the named one, so switching the option never recomputes the measures.
        """
        cycle_value = None if cycle is None else int(cycle)
        named = self._cached(("story", cycle_value, formats), lambda: story_analysis(
            self.data, self.settings, cycle=cycle_value, formats=formats))
        if not codes_only:
            return named
        return self._cached(("story", cycle_value, formats, "codes_only"),
                            lambda: {**named, "names": {c: c for c in named["names"]}})

    def levels(self) -> pd.Series:
        """Each community's reading level (:func:`cpanalysis.elite_dominance`; filters never apply)."""
        dominance = self.story()["dominance"]
        if dominance is None:
            return pd.Series("not assessable", index=self.data.communities["community_id"].astype(str))
        return dominance["level"].rename(index=str)

    def group_rankings(self, sessions: tuple[str, ...]) -> pd.DataFrame | None:
        """:func:`cpanalysis.subgroup_rankings` over ``sessions`` (``None`` when nothing was ranked there)."""
        rankings = self.data.rankings
        if rankings is None or not rankings["session_id"].isin(sessions).any():
            return None
        return self._cached(("group_rankings", sessions), lambda: subgroup_rankings(
            self.data, settings=self.settings, session_id=list(sessions), **rank_columns(self.data)))

    def consensus(self, sessions: tuple[str, ...]) -> pd.DataFrame | None:
        """:func:`cpanalysis.aggregate` of every ranking made in ``sessions`` (the settings' method)."""
        rankings = self.data.rankings
        rows = rankings[rankings["session_id"].isin(sessions)] if rankings is not None else None
        if rows is None or rows.empty:
            return None
        return self._cached(("consensus", sessions), lambda: aggregate(
            rows, settings=self.settings, **rank_columns(self.data)))

    # ---- actions (contract v2): cpanalysis.planning, cached ---------------------------------------------
    @property
    def has_actions(self) -> bool:
        """The dataset has an ``actions`` table (contract v2); a v1 dataset has none."""
        return self.data.tables.get("actions") is not None

    def planning(self, name: str, communities: tuple[str, ...] | None = None, cycle: str | None = None,
                 **kwargs) -> pd.DataFrame:
        """``cpanalysis.planning.<name>`` on the actions of ``communities`` agreed in ``cycle`` (all by default).

        Only the ``actions`` table is narrowed: the updates and sessions stay whole, so "as of" dates
        (the dataset's latest follow-up) and each community's first session do not move with the filters.
        """
        from cpanalysis import planning

        def compute():
            tables = dict(self.data.tables)
            actions = tables["actions"]
            keep = pd.Series(True, index=actions.index)
            if communities is not None:
                keep &= actions["community_id"].astype(str).isin(communities)
            if cycle is not None:
                keep &= actions["cycle"].astype(str) == str(cycle)
            tables["actions"] = actions[keep].reset_index(drop=True)
            if name in ("action_status", "shareable_texts"):
                return getattr(planning, name)(tables, **kwargs)
            return getattr(planning, name)(tables, settings=self.settings, **kwargs)

        key = ("planning", name, communities, cycle, tuple(sorted(kwargs.items())))
        return self._cached(key, compute)
