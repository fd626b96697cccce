"""Measures of the actions a community agrees on its chosen harms, and of their follow-up (contract v2).

- :func:`action_proposers`, :func:`action_uptake` (:mod:`.adoption`): whose proposals became actions;
- :func:`action_priority_match` (:mod:`.priorities`): do the actions address the harms that girls,
  boys and marginalised people ranked highest?
- :func:`action_ownership` (:mod:`.ownership`): does the community lead, or the agency? which actions
  involve government or services?
- :func:`action_status`, :func:`action_follow_up`, :func:`first_completion` (:mod:`.follow_up`): completion and stalling by
  cycle; time to the first completed action;
- :func:`planning_group_inclusion` (:mod:`.composition`): is the planning group itself inclusive?
- :func:`shareable_texts` (:mod:`.texts`): the only way to show the free text of actions (withheld
  unless the action is marked ``shareable``);
- :mod:`.plots` draws the computed tables (:func:`~.plots.plot_action_timeline`,
  :func:`~.plots.plot_actions_by_status`, :func:`~.plots.plot_action_leads`).

Every function takes a :class:`cpanalysis.Dataset` (or a dict of tables) and ``settings=``, returns a
tidy DataFrame, gives bootstrap intervals seeded per community, and hides small counts of people
through :func:`cpanalysis.suppress_small`.
"""

from . import plots
from .adoption import action_proposers, action_uptake
from .composition import planning_group_inclusion
from .follow_up import action_follow_up, action_status, first_completion
from .ownership import OWNERSHIP_MEASURES, action_ownership
from .priorities import action_priority_match
from .plots import STATUS_COLOURS, plot_action_leads, plot_action_timeline, plot_actions_by_status
from .texts import shareable_texts

__all__ = ["action_proposers", "action_uptake", "action_priority_match", "action_ownership", "OWNERSHIP_MEASURES",
           "action_follow_up", "action_status", "first_completion", "planning_group_inclusion",
           "shareable_texts", "plots", "STATUS_COLOURS", "plot_action_timeline", "plot_actions_by_status",
           "plot_action_leads"]
