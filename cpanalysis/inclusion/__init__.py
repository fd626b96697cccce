"""Participation and inclusiveness: who is present, who is heard, who sets the agenda.

The formulas are those of ``METRICS.md`` ("Participation"). The public measures are in
:mod:`.measures` (computed by job in :mod:`.presence`, :mod:`.voice`, :mod:`.intervals`,
:mod:`.agenda`) and :mod:`.planning` and :mod:`.concentration`; small-cell suppression in
:mod:`.suppression`, and
plots, which only draw already computed tables, in :mod:`.plots` (matplotlib is imported only
when a plot is drawn).
"""

from ._example import example_dataset, example_tables
from .concentration import (TOP_FRACTION, gini, individual_speaking, lorenz_curve, speaking_concentration,
                            theil, theil_between_test, top_share)
from .measures import (MIN_ATTENDEES, MIN_TURNS, interruptions, participation, presence_share, proposal_uptake,
                       representation_ratio, silence_rate, voice_parity, voice_share)
from .planning import planning_group_composition
from .plots import OKABE_ITO, plot_lorenz, plot_parity_cycles, plot_presence_voice
from .suppression import (COUNT_COLUMNS, RANKING_COLUMNS, TIED_COLUMNS, UNIT_TOTALS, CountColumn, count_phrase,
                          hidden_text, safe_table, share_phrase, suppress_small, suppression_report)

__all__ = [
    "participation", "presence_share", "representation_ratio", "voice_share", "voice_parity",
    "silence_rate", "proposal_uptake", "interruptions", "planning_group_composition",
    "gini", "top_share", "theil", "theil_between_test", "lorenz_curve", "individual_speaking",
    "speaking_concentration", "suppress_small", "suppression_report", "safe_table", "count_phrase", "share_phrase",
    "hidden_text", "CountColumn", "COUNT_COLUMNS", "RANKING_COLUMNS",
    "plot_presence_voice", "plot_lorenz", "plot_parity_cycles",
    "example_dataset", "example_tables",
    "MIN_TURNS", "MIN_ATTENDEES", "TOP_FRACTION", "TIED_COLUMNS", "UNIT_TOTALS", "OKABE_ITO",
]
