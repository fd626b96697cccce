"""The story's objects (frozen dataclasses), its reading levels and its glossary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: The reading levels a story shows, strongest first (the dominance issue's levels).
LEVELS = ("clear sign", "some sign", "no sign", "cannot tell")

#: Today's levels of :func:`cpanalysis.elite_dominance` and the story level each one reads as.
OLD_LEVELS = {"strong signals": "clear sign", "some signals": "some sign", "no signal": "no sign",
              "not assessable": "cannot tell"}

#: One line per reading level, for badges and the glossary.
LEVEL_MEANINGS = {
    "clear sign": "Several measures point the same way: the decision followed the elites more than the other groups.",
    "some sign": "One measure suggests that the elites weighed more than the other groups; worth checking.",
    "no sign": "No measure suggests that the elites steered the decision (weak steering can still be missed).",
    "cannot tell": "The data recorded are not enough to say whether the elites steered the decision.",
}

GLOSSARY = {
    "elites": "People the community sees as powerful (leaders, wealthy families, officials...). In this "
              "story they form their own group, whatever their age and gender.",
    "group": "Girls, boys, women, men, elders (or the programme's own subgroups) without their elite members, "
             "plus the elites.",
    "presence share": "A group's share of the people present (each person counted once per session attended).",
    "voice share": "A group's share of the speaking turns.",
    "parity": "Voice share divided by presence share: 1 means a group was heard in proportion to its presence; "
              "below 1, less; above 1, more.",
    "Gini": "How unequally speaking is spread among the people present: 0 = everyone spoke equally, "
            "1 = one person did all the talking.",
    "top priority": "The harm a group put first once all its lists are combined.",
    "decision": "The harms the community chose to act on, in the order of priority it gave them.",
    "counterfactual": "The decision the rankings of people who are not elites would have given on their own.",
    "hidden (fewer than 5)": "A number about fewer people than the privacy threshold is not shown, so that no "
                             "one can be recognised.",
    "p-value": "How often a gap at least this large would appear by chance if elite status made no difference "
               "(small = unlikely by chance).",
    "q-value": "A p-value corrected for looking at many communities at once.",
    "detectability": "How often the test would notice elite steering of a given strength with this "
                     "community's numbers.",
    **{f"reading: {level}": meaning for level, meaning in LEVEL_MEANINGS.items()},
}


def level_label(level) -> str:
    """The story's reading level for a level of :func:`cpanalysis.elite_dominance` (today's levels
    are mapped; the new ones pass through).

    Examples
    --------
    >>> level_label("strong signals"), level_label("some sign")
    ('clear sign', 'some sign')
    """
    text = str(level) if level is not None and not (isinstance(level, float) and level != level) else ""
    if text in LEVELS:
        return text
    return OLD_LEVELS.get(text, "cannot tell")


@dataclass(frozen=True)
class StorySection:
    """One part of a story: a heading, plain sentences and the exact numbers its chart draws.

    ``table`` and ``chart_data`` are already safe (small counts hidden); ``chart`` names the
    chart-data builder (``"presence_voice"``, ``"priorities"``, ...), ``alt`` says in one line what
    the chart shows. ``missing`` lists what this section cannot show with the data recorded.
    """

    key: str
    heading: str
    sentences: tuple
    table: pd.DataFrame | None = None
    chart: str | None = None
    chart_data: pd.DataFrame | None = None
    alt: str = ""
    missing: tuple = ()
    ignores_filters: bool = False


@dataclass(frozen=True)
class CommunityStory:
    """The story of one community (see :func:`cpanalysis.story.community_story`)."""

    community_id: str
    title: str
    scope: str
    filters: dict
    sections: tuple
    level: str
    glossary: dict
    settings: object = None
    decision: tuple = ()
    top_harms: dict = field(default_factory=dict)

    def section(self, key: str) -> StorySection:
        """The section named ``key`` (``"decision"``, ``"voices"``, ...)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"this story has no section {key!r}; it has {[s.key for s in self.sections]}")

    @property
    def level_meaning(self) -> str:
        return LEVEL_MEANINGS.get(self.level, "")

    def text(self) -> str:
        """The whole story as plain text (for exports and the community's reading)."""
        lines = [self.title, self.scope, f"Reading: {self.level}. {self.level_meaning}", ""]
        for s in self.sections:
            lines += [s.heading, *s.sentences, ""]
        return "\n".join(lines).rstrip() + "\n"


@dataclass(frozen=True)
class ProgrammeStory:
    """The programme's story (see :func:`cpanalysis.story.programme_story`)."""

    headlines: tuple
    overview: pd.DataFrame
    communities: pd.DataFrame
    scope: str
    glossary: dict
    settings: object = None
    stories: dict = field(default_factory=dict)
