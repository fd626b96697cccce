"""Community and district names as the dashboard shows them: the one place every view and export asks.

With the codes-only option on, a community is shown by its ``community_id`` (the story analysis's
``names``, :func:`cpanalysis.story.story_analysis` with ``codes_only=True``, the same as the reports'
``--codes-only``) and a district by a code ``D01``, ``D02`` ... The contract has no district code
column (``communities.district`` is free text), so the codes are those of
:func:`cpanalysis.privacy.place_codes`: numbered in the order of each district's first community id,
hence stable for a dataset whatever is filtered or shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cpanalysis.privacy import codes_only, codes_only_text, place_codes

from .results import LibraryResults

#: The option's label, as shown next to its box and written in every export's sidecar.
CODES_ONLY_LABEL = "Use codes instead of village and district names (for files that leave the organisation)"

#: What exports say when the option is off.
AS_RECORDED = "Village and district names are shown as recorded."


@dataclass(frozen=True)
class PlaceNames:
    """How communities and districts are named on screen and in exports.

    ``communities``: ``community_id`` -> shown name; ``districts``: district as recorded -> shown name.
    """

    codes_only: bool
    communities: dict[str, str]
    districts: dict[str, str]
    _data: object = field(default=None, repr=False, compare=False)

    def community(self, community_id) -> str:
        return self.communities.get(str(community_id), str(community_id))

    def district(self, recorded) -> str:
        return self.districts.get(str(recorded), str(recorded))

    def recorded_district(self, shown: str) -> str:
        """The district as recorded in the data for a shown name or code (itself when unknown)."""
        for recorded, label in self.districts.items():
            if label == shown:
                return recorded
        return shown

    def text(self, words: str) -> str:
        """``words`` (a dataset label, a note) with every community and district name replaced by
        its code when codes only are asked for; unchanged otherwise."""
        if not self.codes_only or self._data is None:
            return words
        return codes_only_text(words, self._data)

    def coded(self, table: pd.DataFrame | None) -> pd.DataFrame | None:
        """Any table shown or exported with every cell that is (or holds) a community or district
        name replaced by its code when codes only are asked for (:func:`cpanalysis.privacy.codes_only`:
        catches a name in a column the dashboard does not know, e.g. an extra column of ``sessions``)."""
        if table is None or not self.codes_only or self._data is None:
            return table
        return codes_only(table, self._data)

    def words(self) -> str:
        """What the option did, in words (status line, panels, export sidecars)."""
        if self.codes_only:
            return ("Codes only: communities are named by their code and districts by D01, D02... "
                    "(no village or district name).")
        return AS_RECORDED

    def table(self, table: pd.DataFrame | None) -> pd.DataFrame | None:
        """A communities-like table with ``name`` and ``district`` as shown (with codes only, the
        ``name`` column, then a copy of ``community_id``, is left out and districts are coded)."""
        if table is None:
            return None
        out = table.copy()
        if "name" in out and self.codes_only:
            out = out.drop(columns="name")  # a missing name stays missing otherwise (shown as "–")
        if "district" in out:
            out["district"] = [d if pd.isna(d) else self.district(d) for d in out["district"]]
        return out


def place_names(results: LibraryResults, codes_only: bool = False) -> PlaceNames:
    """The names the dashboard shows for ``results``' dataset.

    Examples
    --------
    >>> import cpanalysis
    >>> from cpanalysis.dashboard.results import LibraryResults
    >>> data = cpanalysis.simulate(2, seed=3)
    >>> results = LibraryResults(data, cpanalysis.Settings(n_perm=200, n_boot=50))
    >>> place_names(results).community("C01") == data.communities["name"].iloc[0]
    True
    >>> coded = place_names(results, codes_only=True)
    >>> coded.community("C01"), sorted(set(coded.districts.values()))[0]
    ('C01', 'D01')
    """
    data = results.data
    names = results.story(codes_only=codes_only)["names"]
    communities = data.communities
    recorded = [str(d) for d in pd.unique(communities["district"].dropna())] if "district" in communities else []
    if codes_only:
        codes = place_codes(data)
        districts = {d: codes.get(d, d) for d in recorded}
    else:
        districts = {d: d for d in recorded}
    return PlaceNames(bool(codes_only), dict(names), districts, data)
