"""Does the decision follow the elites? Signals, tests, counterfactuals and plain-language readings.

Estimators are in :mod:`.signals` and :mod:`.permutation`, the entry points in :mod:`.core`,
reading levels in :mod:`.levels` and words in :mod:`.wording` (imports flow one way: signals
and permutation prepare and test, core assembles, levels decide, wording explains); plots in :mod:`cpanalysis.dominance.plots` (imported on demand).
"""

from .signals import counterfactual_decisions, decision_alignment, topk_distance, voice_signals
from .permutation import p_value, permutation_test, pooled_permutation_test
from .levels import LEVELS, reading_level
from .wording import reading
from .core import elite_dominance, programme_dominance
from . import plots  # matplotlib is imported only when a plot is drawn

__all__ = ["LEVELS", "counterfactual_decisions", "decision_alignment", "elite_dominance",
           "p_value", "permutation_test", "pooled_permutation_test", "programme_dominance", "reading",
           "reading_level", "topk_distance", "voice_signals"]
