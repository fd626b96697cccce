"""Sphinx configuration of the cpanalysis reference (``make docs``). Builds offline: nothing is fetched."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
if (HERE.parent / "cpanalysis").is_dir():
    sys.path.insert(0, str(HERE.parent))  # document this checkout's package, not another installed copy

import cpanalysis  # noqa: E402

project = "cpanalysis"
author = "cpanalysis contributors"
copyright = "cpanalysis contributors"
release = cpanalysis.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_parser",
    "cpanalysis_api",   # writes api/ from the package; resolves references to where an object is documented
    "mathml_math",      # formulas as MathML in the page (no MathJax from a CDN)
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "_templates", "figures/*.csv", "**/.ipynb_checkpoints"]

# --- autodoc and numpydoc
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = False
numpydoc_show_class_members = False    # methods are documented by autoclass :members:
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# --- Markdown pages (docs/*.md)
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath", "substitution"]
myst_substitutions = {"version": release}

# --- HTML: the default theme, nothing from the web
html_theme = "alabaster"
html_math_renderer = "mathml"
html_theme_options = {
    "description": "Is community planning for child protection really inclusive?",
    "fixed_sidebar": True,
    "show_relbars": True,
}
html_title = f"cpanalysis {release}"
html_static_path = []
html_last_updated_fmt = None
html_show_sphinx = False
