"""The dashboard's filters (district, cycle, session format) and the rows and sessions they select."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ALL = "All"

#: Session formats in words.
FORMAT_WORDS = {"community_meeting": "community meetings", "small_group": "small groups",
                "home_visit": "home visits", "planning_group": "planning groups"}


@dataclass(frozen=True)
class Filters:
    """The filters chosen; ``ALL`` means no filter.

    ``district`` is the district as shown (its code with the codes-only option); ``recorded_district``
    the value the data hold, when it differs (rows are selected by it, words and exports show ``district``).

    Examples
    --------
    >>> Filters(cycle="1", session_format="planning_group").words()
    'cycle 1, planning groups only'
    >>> Filters().words()
    'all districts, cycles and session formats'
    """

    district: str = ALL
    cycle: str = ALL
    session_format: str = ALL
    recorded_district: str | None = None

    @property
    def district_value(self) -> str:
        """The district as recorded in the data (what rows are selected by)."""
        return self.district if self.recorded_district is None else self.recorded_district

    @property
    def formats(self) -> str | None:
        """The ``formats=`` argument of the library's participation functions."""
        return None if self.session_format == ALL else self.session_format

    @property
    def level(self) -> str:
        """The participation level that keeps the cycle apart when a cycle is chosen."""
        return "community" if self.cycle == ALL else "cycle"

    def words(self) -> str:
        parts = []
        if self.district != ALL:
            parts.append(str(self.district))
        if self.cycle != ALL:
            parts.append(f"cycle {self.cycle}")
        if self.session_format != ALL:
            parts.append(f"{FORMAT_WORDS.get(self.session_format, self.session_format)} only")
        return ", ".join(parts) if parts else "all districts, cycles and session formats"

    def active(self) -> bool:
        return (self.district, self.cycle, self.session_format) != (ALL, ALL, ALL)

    def as_dict(self) -> dict:
        return {"district": self.district, "cycle": self.cycle, "session_format": self.session_format}


def sessions_in(data, filters: Filters, community_id: str | None = None) -> pd.DataFrame:
    """The sessions the filters keep (of one community when ``community_id`` is given)."""
    sessions = data.sessions
    mask = pd.Series(True, index=sessions.index)
    if community_id is not None:
        mask &= sessions["community_id"].astype(str) == str(community_id)
    if filters.cycle != ALL:
        mask &= sessions["cycle"].astype(str) == filters.cycle
    if filters.session_format != ALL:
        mask &= sessions["format"].astype(str) == filters.session_format
    if filters.district != ALL and "district" in data.communities:
        inside = data.communities.loc[data.communities["district"].astype(str) == filters.district_value,
                                      "community_id"]
        mask &= sessions["community_id"].isin(inside)
    return sessions[mask]


def rows_of(table: pd.DataFrame | None, filters: Filters, *, community=None, session=None) -> pd.DataFrame | None:
    """Rows of a library table for the chosen cycle, community or session."""
    if table is None:
        return None
    mask = pd.Series(True, index=table.index)
    if filters.cycle != ALL and "cycle" in table:
        mask &= table["cycle"].astype(str) == filters.cycle
    if community is not None and "community_id" in table:
        mask &= table["community_id"].astype(str) == str(community)
    if session is not None and "session_id" in table:
        mask &= table["session_id"].astype(str) == str(session)
    return table[mask]


def scope_words(data, filters: Filters, community_id: str) -> str:
    """Which sessions a community's numbers count, in words (stated on every panel).

    Examples
    --------
    >>> import cpanalysis
    >>> data = cpanalysis.simulate(2, seed=1)
    >>> scope_words(data, Filters(cycle="1"), "C01").startswith("C01: ")
    True
    """
    chosen = sessions_in(data, filters, community_id)
    if chosen.empty:
        return f"{community_id}: no session matches the filters ({filters.words()})."
    cycles = sorted({str(c) for c in chosen["cycle"].dropna()})
    formats = [FORMAT_WORDS.get(f, f) for f in sorted(chosen["format"].dropna().astype(str).unique())]
    cycle_words = f"cycle {cycles[0]}" if len(cycles) == 1 else f"cycles {', '.join(cycles)}"
    return (f"{community_id}: {len(chosen)} session{'s' if len(chosen) != 1 else ''} of {cycle_words} "
            f"({', '.join(formats)}); filters: {filters.words()}.")
