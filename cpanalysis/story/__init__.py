"""The community story: one set of sentences and chart data that the dashboard and the reports both render.

Pure library (no widgets, no HTML). Every number goes through the same definitions
(:mod:`cpanalysis.story.groups`) and the same suppression (:mod:`cpanalysis.story.hiding`), so a
sentence and the chart beside it always agree. See ``STORY_INTERFACE.md`` for the contract.
"""

from .model import GLOSSARY, LEVEL_MEANINGS, LEVELS, CommunityStory, ProgrammeStory, StorySection, level_label
from .groups import GROUP_DEFINITION, group_presence, group_rankings, story_tables
from .community import community_story, story_analysis
from .programme import programme_story

__all__ = ["GLOSSARY", "GROUP_DEFINITION", "LEVELS", "LEVEL_MEANINGS", "CommunityStory", "ProgrammeStory",
           "StorySection", "community_story", "group_presence", "group_rankings", "level_label",
           "programme_story", "story_analysis", "story_tables"]
