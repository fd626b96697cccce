"""Does the decision follow the elites? Signals, tests, counterfactuals and plain-language readings.

Estimators are in :mod:`.signals` and :mod:`.permutation`, the entry points in :mod:`.core`,
readings in :mod:`.wording`; plots in :mod:`cpanalysis.dominance.plots` (imported on demand).
"""

from .settings import DominanceSettings
from .signals import counterfactual_decisions, decision_alignment, topk_distance, voice_signals
from .permutation import p_value, permutation_test, pooled_permutation_test
from .wording import LEVELS, reading, reading_level
from .core import elite_dominance, programme_dominance
from . import plots  # matplotlib is imported only when a plot is drawn

__all__ = ["DominanceSettings", "LEVELS", "counterfactual_decisions", "decision_alignment", "elite_dominance",
           "p_value", "permutation_test", "pooled_permutation_test", "programme_dominance", "reading",
           "reading_level", "topk_distance", "voice_signals"]
