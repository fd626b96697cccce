"""The API pages, written from the package itself at each build, and links that find their target.

Every public function, class and constant is documented once, under one name:

- ``cpanalysis.X`` when the top-level package exports it (an entry point: a page of its own);
- otherwise under the public module that defines it (``cpanalysis.rankings.plots.plot_x``);
  objects defined in a private module (``_core``) are documented under the package that exports them.

Module and package pages are generated into ``api/`` (git-ignored), so a new module or function
appears without editing the docs. References such as ``:func:`aggregate``` or
``:func:`cpanalysis.rankings.aggregate``` are resolved by looking the name up in the package and
linking to where that object is documented; a reference to a cpanalysis object that is documented
nowhere is a build warning (an error under ``-W``).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "cpanalysis"
#: Section of the reference for the modules directly under the package.
LOADING_TITLE = "Data contract, loading, simulation, forms and the command line"


def _public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def _first_line(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def _constants(module) -> list[str]:
    """Upper-case names assigned at the top of a module's source (not imported)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id.isupper() and not target.id.startswith("_"):
                names.append(target.id)
    return names


class Catalogue:
    """Where each object of the package is documented."""

    def __init__(self):
        root = importlib.import_module(PACKAGE)
        self.root = root
        names = [PACKAGE] + [m.name for m in pkgutil.walk_packages(root.__path__, PACKAGE + ".")]
        self.modules = {name: importlib.import_module(name) for name in names}
        self.public_modules = [name for name in names if _public(name) and name != PACKAGE]
        self.entry_points = [n for n in getattr(root, "__all__", [])
                             if (inspect.isfunction(getattr(root, n)) or inspect.isclass(getattr(root, n)))
                             and getattr(root, n).__module__.startswith(PACKAGE + ".")]
        self.canonical: dict[int, str] = {}   # id(function or class) -> documented name
        self.home: dict[str, list[tuple[str, object]]] = {name: [] for name in self.public_modules}
        self.constants: dict[str, list[str]] = {}
        for name in self.entry_points:
            self.canonical[id(getattr(root, name))] = f"{PACKAGE}.{name}"
        for module_name, module in self.modules.items():
            for attr, value in vars(module).items():
                if attr.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                    continue
                defined_in = getattr(value, "__module__", "") or ""
                if defined_in != module_name:
                    continue
                home = self._home_module(module_name)
                if home is None:
                    continue
                if home != module_name and getattr(self.modules[home], attr, None) is not value:
                    continue   # a helper of a private module that its package does not export
                self.home[home].append((attr, value))
                self.canonical.setdefault(id(value), f"{home}.{attr}")
        for module_name in self.public_modules:
            self.constants[module_name] = _constants(self.modules[module_name])

    def _home_module(self, module_name: str) -> str | None:
        """The public module whose page documents what ``module_name`` defines."""
        parts = module_name.split(".")
        while parts and not _public(".".join(parts)):
            parts.pop()
        home = ".".join(parts)
        if home == PACKAGE:      # the top-level package defines no function of its own
            return None
        return home

    # --- pages ---------------------------------------------------------------------------------

    def groups(self) -> list[tuple[str, str, list[str]]]:
        """(page name, title, modules) for each part of the reference."""
        loading = [m for m in self.public_modules if m.count(".") == 1 and not hasattr(self.modules[m], "__path__")]
        groups = [("loading", LOADING_TITLE, loading)]
        for name in self.public_modules:
            if hasattr(self.modules[name], "__path__"):
                inside = [m for m in self.public_modules if m.startswith(name + ".")]
                groups.append((name, f"``{name}``", [name] + inside))
        return groups

    def module_page(self, module_name: str) -> str:
        title = f"``{module_name}``"
        lines = [title, "=" * len(title), "", f".. automodule:: {module_name}", ""]
        entries = sorted(self.home[module_name], key=lambda item: self._source_order(item[1]))
        linked = [(a, v) for a, v in entries if self.canonical[id(v)] != f"{module_name}.{a}"]
        documented = [(a, v) for a, v in entries if self.canonical[id(v)] == f"{module_name}.{a}"]
        if linked:
            lines += ["Entry points defined here (each has its own page):", ""]
            for attr, value in linked:
                role = "class" if inspect.isclass(value) else "func"
                lines.append(f"- :{role}:`{self.canonical[id(value)]}` -- {_first_line(value)}")
            lines.append("")
        for attr, value in documented:
            if inspect.isclass(value):
                lines += [f".. autoclass:: {module_name}.{attr}", "   :members:", ""]
            else:
                lines += [f".. autofunction:: {module_name}.{attr}", ""]
        for constant in self.constants[module_name]:
            lines += [f".. autodata:: {module_name}.{constant}", "   :no-value:", ""]
        return "\n".join(lines)

    @staticmethod
    def _source_order(value) -> int:
        try:
            return inspect.getsourcelines(value)[1]
        except (OSError, TypeError):
            return 0

    def entry_page(self, name: str) -> str:
        value = getattr(self.root, name)
        title = f"``{PACKAGE}.{name}``"
        directive = "autoclass" if inspect.isclass(value) else "autofunction"
        options = ["   :members:"] if inspect.isclass(value) else []
        return "\n".join([title, "=" * len(title), "", f".. currentmodule:: {PACKAGE}", "",
                          f".. {directive}:: {name}", *options, "",
                          f"Defined in :mod:`{self._home_module(value.__module__)}`.", ""])

    def pages(self) -> dict[str, str]:
        pages = {}
        groups = self.groups()
        index = ["API reference", "=============", "",
                 "Generated from the docstrings of the installed package at each build.",
                 "Each object is documented once: the entry points of ``import cpanalysis`` each have a page,",
                 "everything else is on the page of the module that defines it.", "",
                 ".. toctree::", "   :maxdepth: 2", "", "   entry-points"]
        index += [f"   {page}" for page, _, _ in groups]
        pages["index"] = "\n".join(index) + "\n"
        entry = ["Entry points", "============", "",
                 "The functions and classes of ``import cpanalysis``, as ``cpanalysis.__all__`` lists them.", "",
                 ".. toctree::", "   :hidden:", ""]
        entry += [f"   {PACKAGE}.{name}" for name in self.entry_points]
        entry += ["", ".. list-table::", "   :header-rows: 1", "", "   * - name", "     - what"]
        for name in self.entry_points:
            value = getattr(self.root, name)
            role = "class" if inspect.isclass(value) else "func"
            entry += [f"   * - :{role}:`{PACKAGE}.{name}`", f"     - {_first_line(value) or ' '}"]
        pages["entry-points"] = "\n".join(entry) + "\n"
        for name in self.entry_points:
            pages[f"{PACKAGE}.{name}"] = self.entry_page(name)
        for page, title, modules in groups:
            if page == "loading":
                text = [title, "=" * len(title), "",
                        "The modules directly under ``cpanalysis``: the data contract, everything that reads,",
                        "checks or makes a dataset, and the ``cpanalysis`` command (see :doc:`/architecture`).", ""]
                listed = modules
            else:   # the package's own page: its docstring and what it defines, then its modules
                text = [self.module_page(page)]
                listed = [m for m in modules if m != page]
            for module_name in listed:
                pages[module_name] = self.module_page(module_name)
            if listed:
                text += ["", "Modules", "-------", "", ".. toctree::", "   :maxdepth: 1", ""]
                text += [f"   {m}" for m in listed]
            pages[page] = "\n".join(text) + "\n"
        return pages

    # --- references ------------------------------------------------------------------------------

    def lookup(self, target: str, contexts: list[str], class_name: str | None = None):
        """(object, documented name) for a reference written in one of the modules ``contexts``.

        The name is looked up as written, then in each context module and its parent packages
        (as Python would see it there), so ``aggregate`` written in ``cpanalysis.rankings.bootstrap``
        finds ``cpanalysis.rankings.aggregate``. (None, None) when nothing has that name.
        """
        candidates = [target]
        for module_name in contexts:
            parts = module_name.split(".")
            if class_name:
                candidates.append(f"{module_name}.{class_name}.{target}")
            for i in range(len(parts), 0, -1):
                candidates.append(".".join(parts[:i]) + "." + target)
        candidates.append(f"{PACKAGE}.{target}")
        for candidate in candidates:
            found = self._resolve_path(candidate)
            if found is not None:
                return found
        return None, None

    def _resolve_path(self, path: str):
        parts = path.split(".")
        for i in range(len(parts), 0, -1):
            module_name = ".".join(parts[:i])
            if module_name not in self.modules:
                continue
            owner, value = None, self.modules[module_name]
            for attr in parts[i:]:
                if not hasattr(value, attr):
                    return None
                owner, value = value, getattr(value, attr)
            if inspect.ismodule(value):
                return value, value.__name__
            if id(value) in self.canonical:
                return value, self.canonical[id(value)]
            if owner is not None and inspect.isclass(owner) and id(owner) in self.canonical:
                return value, f"{self.canonical[id(owner)]}.{parts[-1]}"
            if inspect.ismodule(owner):
                for home, names in self.constants.items():
                    if parts[-1] in names and getattr(self.modules[home], parts[-1]) is value:
                        return value, f"{home}.{parts[-1]}"
            return value, None
        return None


_CATALOGUE: Catalogue | None = None


def write_pages(app) -> None:
    global _CATALOGUE
    _CATALOGUE = Catalogue()
    folder = Path(app.srcdir) / "api"
    folder.mkdir(exist_ok=True)
    pages = _CATALOGUE.pages()
    for old in folder.glob("*.rst"):
        if old.stem not in pages:
            old.unlink()
    for name, text in pages.items():
        path = folder / f"{name}.rst"
        if not path.exists() or path.read_text() != text:   # unchanged pages stay unchanged for Sphinx
            path.write_text(text)


def _fits(role: str | None, value) -> bool:
    """Whether what the name found is the kind of thing the role asks for."""
    if role == "mod":
        return inspect.ismodule(value)
    if role in ("func", "meth", "class", "exc", "data", "attr", "const"):
        return not inspect.ismodule(value)
    return True


def resolve_reference(app, env, node, contnode):
    if node.get("refdomain") != "py" or _CATALOGUE is None:
        return None
    target = node["reftarget"]
    contexts = [node["py:module"]] if node.get("py:module") else []
    entry = node["refdoc"].removeprefix("api/" + PACKAGE + ".")
    if entry in _CATALOGUE.entry_points:   # a docstring shown on an entry point's page: read it where it was written
        contexts.insert(0, getattr(_CATALOGUE.root, entry).__module__)
    value, documented = _CATALOGUE.lookup(target, contexts, node.get("py:class"))
    if value is not None and not _fits(node.get("reftype"), value):
        value, documented = None, None   # e.g. :mod:`reading` found only a function of that name
    defined_in = getattr(value, "__module__", "") or "" if not inspect.ismodule(value) else value.__name__
    ours = target.startswith(PACKAGE + ".") or (
        value is not None and defined_in.startswith(PACKAGE)
        and (inspect.isroutine(value) or inspect.isclass(value) or inspect.ismodule(value)))
    if documented is not None:
        domain = env.get_domain("py")
        found = domain.resolve_xref(env, node["refdoc"], app.builder, "obj", documented, node, contnode)
        if found is not None:
            return found
    if not node.hasattr("refexplicit"):   # a type in a signature, not a reference written in a docstring
        return None
    first = target.split(".")[0]
    unknown = value is None and first not in sys.modules and not hasattr(builtins, first)
    if ours or unknown:
        logger.warning("reference to %r: no page documents %s", target,
                       documented or "anything of that name in cpanalysis", location=node,
                       type="cpanalysis", subtype="ref")
    return None


def setup(app):
    app.connect("builder-inited", write_pages)
    app.connect("missing-reference", resolve_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
