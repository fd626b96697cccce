"""cpanalysis: is community planning for child protection really inclusive?

Each block of imports below belongs to one part of the library; keep additions inside the block
of the module they come from.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("cpanalysis")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

# --- data contract, loading, validation, simulation ---
from .contract import CONTRACT_VERSION, TABLES
from .dataset import Dataset, load, sample_path, validate
from .problems import DatasetError, Problem
from .subgroups import SubgroupScheme

# --- participation and inclusiveness measures ---

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

__all__ = [name for name in dir() if not name.startswith("_")]
