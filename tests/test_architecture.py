"""The package's shape: no public name shared by a module and a function, and plots reachable as attributes."""

import importlib
import inspect
import pkgutil

import cpanalysis


def _modules():
    return [m.name for m in pkgutil.walk_packages(cpanalysis.__path__, "cpanalysis.")]


def test_no_public_function_or_class_shares_its_name_with_a_module():
    module_names = {name.rsplit(".", 1)[1] for name in _modules()}
    clashes = []
    for name in _modules() + ["cpanalysis"]:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            if getattr(value, "__module__", "").startswith("cpanalysis") and attr in module_names:
                clashes.append(f"{name}.{attr}")
    assert clashes == []


def test_subpackage_plots_are_attributes_after_importing_the_package():
    for package in ("inclusion", "rankings", "dominance"):
        assert inspect.ismodule(getattr(cpanalysis, package).plots)
    planning = importlib.import_module("cpanalysis.planning")   # not imported by the package; plots come with it
    assert inspect.ismodule(planning.plots)
    assert inspect.isfunction(planning.plot_action_timeline)
    assert inspect.isfunction(cpanalysis.participation)
    assert inspect.isfunction(cpanalysis.simulate)
    assert inspect.ismodule(cpanalysis.simulation)
