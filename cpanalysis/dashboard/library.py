"""Where the dashboard finds the library's public functions.

The dashboard never computes a measure itself: it calls the library. Parts of the library are
still being written (participation, dominance), so every function is looked up by name when a
dataset is loaded. A function that is not there yet is reported as *not available yet* and its
panel says so, instead of showing numbers from somewhere else.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

#: Modules searched, in order, for a public name.
MODULES = (
    "cpanalysis",
    "cpanalysis.inclusion",
    "cpanalysis.inclusion.plots",
    "cpanalysis.rankings",
    "cpanalysis.rankings.plots",
    "cpanalysis.dominance",
    "cpanalysis.dominance.plots",
)

#: Where each public name is documented to come from (shown in the "how this was computed" panel).
HOME = {
    "participation": "cpanalysis",
    "suppress_small": "cpanalysis",
    "gini": "cpanalysis",
    "subgroup_rankings": "cpanalysis",
    "aggregate": "cpanalysis",
    "ranking_methods": "cpanalysis",
    "elite_dominance": "cpanalysis",
    "reading": "cpanalysis",
    "decision_alignment": "cpanalysis",
    "counterfactual_decisions": "cpanalysis",
    "plot_alignment": "cpanalysis.dominance.plots",
    "plot_counterfactual": "cpanalysis.dominance.plots",
}


@dataclass(frozen=True)
class Found:
    """A library function found by name (``func`` is None when it is not available yet)."""

    name: str
    func: Callable | None
    module: str | None
    reason: str = ""

    @property
    def available(self) -> bool:
        return self.func is not None

    def accepts(self, keyword: str) -> bool:
        if self.func is None:
            return False
        try:
            params = inspect.signature(self.func).parameters
        except (TypeError, ValueError):  # pragma: no cover - builtins
            return False
        return keyword in params or any(p.kind is p.VAR_KEYWORD for p in params.values())

    def defaults(self) -> dict[str, Any]:
        """Keyword parameters with a numeric default (used to offer thresholds as settings)."""
        if self.func is None:
            return {}
        out = {}
        for name, p in inspect.signature(self.func).parameters.items():
            if p.default is not p.empty and isinstance(p.default, (int, float)) \
                    and not isinstance(p.default, bool):
                out[name] = p.default
        return out


def _import(module: str):
    try:
        return importlib.import_module(module), ""
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None, ""
        return None, f"{module} could not be imported: {error}"
    except Exception as error:  # a module being written may be broken for a moment
        return None, f"{module} could not be imported: {type(error).__name__}: {error}"


def find(name: str) -> Found:
    """The first callable called ``name`` in :data:`MODULES` (modules, e.g. a subpackage
    ``cpanalysis.inclusion`` shadowing its own function, are skipped)."""
    reasons = []
    for module_name in MODULES:
        module, reason = _import(module_name)
        if reason:
            reasons.append(reason)
        if module is None:
            continue
        obj = getattr(module, name, None)
        if callable(obj) and not inspect.ismodule(obj):
            return Found(name, obj, module_name)
    return Found(name, None, None, "; ".join(dict.fromkeys(reasons)) or
                 f"cpanalysis has no {name}() yet")


def find_first(*names: str) -> Found:
    """The first of several candidate names that exists (plot functions whose name is not settled)."""
    misses = []
    for name in names:
        found = find(name)
        if found.available:
            return found
        misses.append(found)
    return Found(names[0], None, None, misses[0].reason if misses else "")


class Code(str):
    """A keyword value written as code (a variable name), not as a quoted string."""


def call_text(found: Found | str, *args: str, **kwargs: Any) -> str:
    """The library call as a person would type it, e.g. ``cpanalysis.participation(data, level="community")``."""
    if isinstance(found, Found):
        module = found.module or HOME.get(found.name, "cpanalysis")
        name = found.name
    else:
        module, name = HOME.get(found, "cpanalysis"), found
    parts = list(args) + [f"{key}={value if isinstance(value, Code) else repr(value)}"
                          for key, value in kwargs.items()]
    return f"{module}.{name}({', '.join(parts)})"


def problems_frame(message: str, file: str = "") -> pd.DataFrame:
    """One problem in the shape of :meth:`cpanalysis.DatasetError.to_frame`."""
    return pd.DataFrame([{"file": file, "row": None, "column": None, "value": None,
                          "expected": None, "problem": message, "more_rows": 0}])
