"""Field engine: exact Biot-Savart kernels (``segment_kernels``, ``loop_kernels``), the
in-memory engine that plans and executes their sums over a ``Coil`` (``engine``), the dask
back end (``distributed``) and the facade that dispatches between them (``api``)."""

from coildesign.fields.api import evaluate, field, field_jacobian, vector_potential

__all__ = ["evaluate", "field", "field_jacobian", "field_map", "vector_potential"]

# every submodule is an attribute on first access (e.g. coildesign.fields.distributed), as in the
# package root: import coildesign stays fast
import importlib as _importlib  # noqa: E402
import pkgutil as _pkgutil  # noqa: E402


def _submodules() -> set[str]:
    return {m.name for m in _pkgutil.iter_modules(__path__) if not m.name.startswith("_")}


def __getattr__(name: str):
    """A public submodule, or ``field_map`` (of ``fieldmap``, which needs SciPy's KD-tree),
    imported on first attribute access (PEP 562)."""
    if name == "field_map":
        return _importlib.import_module(f"{__name__}.fieldmap").field_map
    if name in _submodules():
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _submodules() | {"field_map"})
