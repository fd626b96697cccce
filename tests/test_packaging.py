"""The project's set-up files agree with each other."""

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

from conftest import ROOT


def _requirement(text: str) -> tuple[str, str]:
    """('name', 'specifier') with the name normalised as pip does (PEP 503)."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", text)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def _environment_dependencies() -> set[tuple[str, str]]:
    """The runtime dependencies of environment.yml: conda ones and pip ones, without python, pip and the package."""
    found = set()
    for line in (ROOT / "environment.yml").read_text().splitlines():
        item = re.match(r"^\s*-\s+(\S.*?)\s*(#.*)?$", line)
        if not item or item.group(1).endswith(":") or item.group(1).startswith("-e"):
            continue
        name, spec = _requirement(item.group(1))
        if name not in ("python", "pip", "conda-forge"):
            found.add((name, spec))
    return found


def test_environment_yml_lists_the_runtime_dependencies_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from_pyproject = {_requirement(dep) for dep in project["dependencies"]}
    assert _environment_dependencies() == from_pyproject


def test_oracle_libraries_stay_in_the_test_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_requirement(dep)[0] for dep in project["dependencies"]}
    test_extra = {_requirement(dep)[0] for dep in project["optional-dependencies"]["test"]}
    assert {"pref-voting", "inequality"} <= test_extra
    assert not {"pref-voting", "inequality", "pytest"} & runtime


@pytest.mark.parametrize("command", ["run", "test"])
def test_makefile_has_the_two_quick_start_commands(command):
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{command}:", makefile, re.M)
    assert f"make {command}" in (ROOT / "README.md").read_text()


def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
