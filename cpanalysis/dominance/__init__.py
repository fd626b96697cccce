"""Does the decision follow the elites? One calibrated test per community, its size, its limits, and readings.

Person-level evidence is built in :mod:`.evidence`, combined into one relabelling test in
:mod:`.combination`, described with valid intervals in :mod:`.intervals`, sized by the elite
weight of :mod:`.weight`; :mod:`.core` assembles the entry points, :mod:`.levels` decides the
reading level and :mod:`.wording` explains it (imports flow one way). :mod:`.signals` holds the
distances, alignment and counterfactual tables, :mod:`.elite_voice` the elite voice tables; :mod:`.permutation` the single-measure
gap test; :mod:`.calibration` the simulation checks; plots in :mod:`cpanalysis.dominance.plots`
(imported on demand). The model, null, calibration and power are written up in docs/dominance.md.
"""

from .signals import counterfactual_decisions, decision_alignment, topk_distance
from .elite_voice import voice_signals
from .permutation import p_value, permutation_test, pooled_permutation_test
from .combination import bh_qvalues
from .levels import LEVELS, reading_level
from .wording import reading
from .core import elite_dominance, programme_dominance
from . import plots  # matplotlib is imported only when a plot is drawn

__all__ = ["LEVELS", "bh_qvalues", "counterfactual_decisions", "decision_alignment", "elite_dominance",
           "p_value", "permutation_test", "pooled_permutation_test", "programme_dominance", "reading",
           "reading_level", "topk_distance", "voice_signals"]
