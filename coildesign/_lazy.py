"""Lazy attributes of subpackages (PEP 562 module ``__getattr__``/``__dir__``): every public
submodule of a package, and chosen names defined in its submodules, become attributes on first
access, so ``import coildesign as cd; cd.rf.snr.snr(...)`` works without importing every
submodule (and SciPy, scikit-rf, ...) at ``import coildesign``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable


def lazy_submodules(package: str, path: Iterable[str], names: dict[str, str] | None = None
                    ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for the package ``package`` (its ``__name__``) whose
    ``__path__`` is ``path``: a public submodule name imports that submodule; a key of ``names``
    (attribute -> submodule) imports the submodule and returns its attribute of that name."""
    extra = dict(names or {})

    def submodules() -> set[str]:
        return {m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_")}

    def __getattr__(name: str) -> object:
        if name in extra:
            return getattr(importlib.import_module(f"{package}.{extra[name]}"), name)
        if name in submodules():
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(importlib.import_module(package))) | submodules() | set(extra))

    return __getattr__, __dir__
