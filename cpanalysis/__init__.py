"""cpanalysis: is community planning for child protection really inclusive?

Each block of imports below belongs to one part of the library; keep additions inside the block
of the module they come from.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("cpanalysis")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

# --- settings: every analysis default ---
from .settings import Settings, resolve_settings, settings_table

# --- data contract, loading, validation, simulation ---
from .contract import CONTRACT_VERSION, TABLES
from .dataset import Dataset, load, sample_path, validate
from .problems import DatasetError, Problem
from .subgroups import SubgroupScheme
from .simulation import simulate, simulate_tables, SAMPLE_ARGS

# --- participation and inclusiveness measures ---
from .inclusion import (gini, individual_speaking, interruptions, lorenz_curve, participation,
                            planning_group_composition, presence_share, proposal_uptake,
                            representation_ratio, safe_table, silence_rate, speaking_concentration, suppress_small,
                            suppression_report, theil, theil_between_test, top_share, voice_parity,
                            voice_share)

# --- harm rankings ---
from .rankings import (  # noqa: E402
    aggregate,
    bootstrap_rankings,
    bradley_terry,
    kendall_w,
    pairwise_agreement,
    pairwise_to_rankings,
    ranking_method_info,
    ranking_methods,
    subgroup_matrix,
    subgroup_rankings,
)

# --- elite dominance ---
from .dominance import (  # noqa: E402
    counterfactual_decisions,
    decision_alignment,
    elite_dominance,
    programme_dominance,
    reading,
)

__all__ = [name for name in dir() if not name.startswith("_")]
