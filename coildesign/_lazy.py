"""Lazy attributes of packages (PEP 562 module ``__getattr__``): every submodule of a package,
and chosen names defined in submodules, become attributes on first access, so that
``import coildesign as cd; cd.rf.snr.snr(...)`` works without importing every submodule (and
SciPy, scikit-rf, ...) at ``import coildesign``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable


def submodule_names(package: str) -> tuple[str, ...]:
    """Public submodules and subpackages of the imported package ``package`` (sorted)."""
    path = importlib.import_module(package).__path__
    return tuple(sorted(m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_")))


def lazy_attributes(package: str, names: dict[str, str] | None = None
                    ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for the package ``package``: a submodule name imports that
    submodule; a key of ``names`` (attribute -> submodule) imports the submodule and returns
    its attribute of the same name; anything else raises AttributeError as usual."""
    names = dict(names or {})

    def __getattr__(name: str) -> object:
        if name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
            setattr(importlib.import_module(package), name, value)
            return value
        if not name.startswith("_") and name in submodule_names(package):
            return importlib.import_module(f"{package}.{name}")  # the import binds it on the package
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        module = importlib.import_module(package)
        return sorted(set(vars(module)) | set(names) | set(submodule_names(package)))

    return __getattr__, __dir__
