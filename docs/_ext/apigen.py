"""Generate the API reference pages (reStructuredText) of every public name of coildesign.

Pure Python (no Sphinx import), so that ``tests/test_api_docs.py`` can check the generated lists
against ``__all__`` without building the site. ``conf.py`` calls :func:`write_api` at build time.

Public names of a module: its ``__all__`` when it defines one, else the functions and classes
defined in it whose names do not start with an underscore. Each object is documented once, on
the page of the module that defines it; a package page lists the names it re-exports (its
``__all__``) with links to those pages.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

PACKAGE = "coildesign"


def public_modules(package: str = PACKAGE) -> list[str]:
    """Names of the package and every submodule whose dotted path has no private part."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return sorted(names)


def public_names(module_name: str) -> list[str]:
    """The public names of one module (``__all__``, else what it defines; see the module doc)."""
    module = importlib.import_module(module_name)
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return sorted(declared)
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", None) == module_name:
            out.append(name)
    return sorted(out)


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    if inspect.ismodule(obj):
        return "module"
    return "data"


def _home(module_name: str, name: str) -> tuple[str, str]:
    """(module, kind) of the page that documents ``module_name.name``: where it is defined."""
    obj = getattr(importlib.import_module(module_name), name)
    if inspect.ismodule(obj):
        return obj.__name__, "module"
    if inspect.isclass(obj) or inspect.isfunction(obj):
        home = getattr(obj, "__module__", module_name)
        # a name re-exported from a private module is documented where it is public
        if any(part.startswith("_") for part in home.split(".")) or name not in public_names(home):
            home = module_name
        return home, _kind(obj)
    return module_name, _kind(obj)


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def module_page(module_name: str) -> str:
    """The reStructuredText page of one module: docstring, summary table, then each object it owns."""
    names = public_names(module_name)
    owned, listed = [], []
    for name in names:
        home, kind = _home(module_name, name)
        if home == module_name and kind != "module":
            owned.append((name, kind))
        else:
            listed.append((name, home, kind))
    lines = [f".. _api-{module_name}:", "", _title(module_name),
             f".. automodule:: {module_name}", "   :no-members:", "", f".. currentmodule:: {module_name}", ""]
    summary = [name for name, kind in owned if kind in ("class", "function")]
    table = [(name, module_name, kind) for name, kind in owned if kind not in ("class", "function")] + listed
    if summary:
        lines += ["Public names", "-" * 12, "", ".. autosummary::", ""] + [f"   {name}" for name in summary] + [""]
    if table:
        title = "Other public names" if summary else "Public names"
        lines += [title, "-" * len(title), "", ".. list-table::", "   :widths: 30 70", "   :header-rows: 1", "",
                  "   * - name", "     - documented at"]
        for name, home, kind in table:
            ref = f":mod:`{home}`" if kind == "module" else f":py:{_role(kind)}:`{home}.{name}`"
            lines += [f"   * - ``{name}``", f"     - {ref}"]
        lines.append("")
    if owned:
        lines += ["Reference", "-" * 9, ""]
        for name, kind in owned:
            if kind == "class":
                lines += [f".. autoclass:: {name}", "   :members:", ""]
            elif kind == "function":
                lines += [f".. autofunction:: {name}", ""]
            else:
                lines += _data_entry(module_name, name)
    return "\n".join(lines)


def _data_entry(module_name: str, name: str) -> list[str]:
    """A constant: its type and size or value (the module docstring describes it)."""
    value = getattr(importlib.import_module(module_name), name)
    kind = type(value).__name__
    if isinstance(value, dict):
        keys = ", ".join(f"``{k}``" for k in list(value)[:12]) + (", ..." if len(value) > 12 else "")
        text = f"A ``dict`` of {len(value)} entries, keys {keys}."
    elif isinstance(value, (tuple, list, set, frozenset)):
        text = f"A ``{kind}`` of {len(value)} items: " + ", ".join(f"``{v!r}``" for v in list(value)[:12]) + "."
    else:
        text = f"``{value!r}``"
    return [f".. py:data:: {name}", f"   :type: {kind}", "", f"   {text}", ""]


def _role(kind: str) -> str:
    return {"class": "class", "function": "func", "data": "data", "module": "mod"}[kind]


def index_page(modules: list[str]) -> str:
    lines = [".. _api-reference:", "", _title("API reference"),
             "Every public name of coildesign: the ``__all__`` of the package, of each subpackage and of",
             "each module that declares one; for the other modules, the functions and classes they",
             "define. Each object is documented on the page of the module that defines it; package",
             "pages link their re-exported names there.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    lines += [f"   {m}" for m in modules]
    return "\n".join(lines) + "\n"


def write_api(outdir: str | Path) -> dict[str, list[str]]:
    """Write ``index.rst`` and one page per public module into ``outdir``; return {module: names}.

    Files are rewritten only when their text changes, so incremental builds stay incremental.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    modules = public_modules()
    pages = {"index.rst": index_page(modules)}
    listing = {}
    for m in modules:
        pages[f"{m}.rst"] = module_page(m)
        listing[m] = public_names(m)
    for fname, text in pages.items():
        path = out / fname
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    for stale in out.glob("*.rst"):
        if stale.name not in pages:
            stale.unlink()
    return listing
