"""Harm rankings: aggregation methods, subgroup rankings, agreement and uncertainty.

Every aggregation method lives in one registry (:func:`ranking_methods`,
:func:`ranking_method_info`) and is called through :func:`aggregate` with one call shape.
Plots are in :mod:`cpanalysis.rankings.plots` (imported on demand, matplotlib only there).
"""

from .registry import ranking_method_info, ranking_methods, REGISTRY as RANKING_METHODS, get_method as _get_method
from . import methods as _methods  # noqa: F401  (fills the registry)
from ..settings import register_name_check as _register_name_check
from .convert import pairwise_to_rankings
from .core import aggregate, bradley_terry, subgroup_matrix, subgroup_rankings
from .agreement import kendall_w, pairwise_agreement
from .bootstrap import bootstrap_rankings
_register_name_check("ranking_method", _get_method)
from . import plots  # matplotlib is imported only when a plot is drawn

__all__ = [
    "RANKING_METHODS",
    "aggregate",
    "bootstrap_rankings",
    "bradley_terry",
    "kendall_w",
    "pairwise_agreement",
    "pairwise_to_rankings",
    "ranking_method_info",
    "ranking_methods",
    "subgroup_matrix",
    "subgroup_rankings",
]
