"""The reference site builds with warnings as errors, documents the public API, and loads nothing from the web.

One Sphinx build (as ``make docs`` runs it) into a temporary folder, from a copy of ``docs/`` so
that the pages it writes (``docs/api``) stay out of the working tree.
"""

import importlib.util
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys

import pytest

import cpanalysis
from conftest import ROOT

pytestmark = pytest.mark.slow   # one Sphinx build, about 20 s

# The entry points named in the README and the issue that asked for the site.
ENTRY_POINTS = ["load", "participation", "subgroup_rankings", "aggregate", "elite_dominance", "reading",
                "simulate", "suppress_small", "validate", "kendall_w", "bootstrap_rankings", "Dataset"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    source, out = tmp / "docs", tmp / "html"
    shutil.copytree(ROOT / "docs", source, ignore=shutil.ignore_patterns("_build", "api"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
                             str(source), str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, f"sphinx failed:\n{result.stdout}\n{result.stderr}"
    return out


def _public_modules():
    return [m.name for m in pkgutil.walk_packages(cpanalysis.__path__, "cpanalysis.")
            if not any(part.startswith("_") for part in m.name.split("."))]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_each_entry_point_has_a_page(site, name):
    page = site / "api" / f"cpanalysis.{name}.html"
    assert page.exists()
    assert f'id="cpanalysis.{name}"' in page.read_text(encoding="utf-8")


def test_every_function_and_class_of_import_cpanalysis_has_a_page(site):
    missing = [name for name in cpanalysis.__all__
               if (inspect.isfunction(getattr(cpanalysis, name)) or inspect.isclass(getattr(cpanalysis, name)))
               and getattr(cpanalysis, name).__module__.startswith("cpanalysis.")
               and not (site / "api" / f"cpanalysis.{name}.html").exists()]
    assert missing == []


def test_every_public_module_has_a_page(site):
    missing = [name for name in _public_modules()
               if f'id="module-{name}"' not in (site / "api" / f"{name}.html").read_text(encoding="utf-8")]
    assert missing == []


def test_method_notes_and_architecture_are_in_the_site(site):
    for page in ("data-contract", "field-to-report", "architecture", "power-curve"):
        assert (site / f"{page}.html").exists(), page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"version {cpanalysis.__version__}" in re.sub(r"<[^>]+>", "", index)   # how to cite
    for page in ("architecture.html", "data-contract.html", "api/index.html"):
        assert f'href="{page}' in index


def test_no_page_loads_anything_from_the_web(site):
    loads = re.compile(r"<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", re.I)
    css_imports = re.compile(r"(?:@import|url\()\s*[\"']?(?:https?:)?//", re.I)
    found = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            pattern = loads if path.suffix == ".html" else css_imports
            found += [f"{path.relative_to(site)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []
    assert "mathjax" not in (site / "api" / "cpanalysis.gini.html").read_text(encoding="utf-8").lower()
    assert "<math" in (site / "api" / "cpanalysis.gini.html").read_text(encoding="utf-8")  # the formula, as MathML


def _api_extension():
    spec = importlib.util.spec_from_file_location("cpanalysis_api", ROOT / "docs" / "_ext" / "cpanalysis_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_references_in_docstrings_find_the_one_place_an_object_is_documented():
    catalogue = _api_extension().Catalogue()
    # `aggregate` written in cpanalysis.rankings.bootstrap is the top-level entry point cpanalysis.aggregate
    assert catalogue.lookup("aggregate", ["cpanalysis.rankings.bootstrap"])[1] == "cpanalysis.aggregate"
    assert catalogue.lookup("cpanalysis.rankings.aggregate", [])[1] == "cpanalysis.aggregate"
    # not exported at the top: documented in the module that defines it
    assert catalogue.lookup("topk_distance", ["cpanalysis.dominance"])[1] == "cpanalysis.dominance.signals.topk_distance"
    # a method, and a constant read through the package that re-exports it
    assert catalogue.lookup("Dataset.from_tables", ["cpanalysis"])[1] == "cpanalysis.Dataset.from_tables"
    assert catalogue.lookup("cpanalysis.contract.TABLES", [])[1] == "cpanalysis.contract.TABLES"
    assert catalogue.lookup("no_such_function", ["cpanalysis.rankings"]) == (None, None)
