"""coildesign: gradient and RF microcoil design and analysis for MR microscopy.

SI units everywhere (m, A, T, H, ohm, Hz, K). B0 is along +z unless stated.

The subpackages ``geometries``, ``analysis``, ``rf`` and ``export`` (and every other public
submodule, e.g. ``workflow``) are attributes of the package (``import coildesign as cd;
cd.geometries.solenoid(...)``) but are imported on first use (PEP 562 module ``__getattr__``),
so ``import coildesign`` stays fast. So are their submodules (``cd.rf.snr``,
``cd.rf.sensitivity``, ``cd.analysis.handbook``, ``cd.fields.field_map``, ...).

Progress bars of long computations appear only on a terminal or in a notebook; switch them for
the whole package with ``coildesign.set_progress("always" | "never" | "auto")`` or the
environment variable ``COILDESIGN_PROGRESS``.
"""

from __future__ import annotations

import importlib
import importlib.util

from coildesign import _progress
from coildesign._version import __version__ as __version__
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import MATERIALS, Material, RectangularStrip, RoundWire
from coildesign.fields import field, field_jacobian, vector_potential

_SUBPACKAGES = ("analysis", "design", "export", "fields", "geometries", "interop", "rf", "studies")


def sweep(func, parameters, **options):
    """Parameter sweep of a design function: ``coildesign.studies.sweep`` (imported on first use)."""
    from coildesign.studies import sweep as run

    return run(func, parameters, **options)


def optimize(func, bounds, **options):
    """Mixed-integer design optimisation: ``coildesign.studies.optimize`` (imported on first use)."""
    from coildesign.studies import optimize as run

    return run(func, bounds, **options)


def set_progress(mode: bool | str | None = "auto") -> None:
    """Progress bars of the whole package: True / "always", False / "never", "auto" (only on a
    terminal or in a notebook; the default), None (back to the environment variable
    ``COILDESIGN_PROGRESS``); see ``coildesign._progress``."""
    _progress.set_progress(mode)


__all__ = [
    "Coil",
    "LoopWinding",
    "MATERIALS",
    "Material",
    "RectangularStrip",
    "RoundWire",
    "Winding",
    "field",
    "field_jacobian",
    "from_magpylib",
    "optimize",
    "set_progress",
    "sweep",
    "to_magpylib",
    "vector_potential",
]


def __getattr__(name: str):
    """Import a public submodule on first attribute access (PEP 562); ``from_magpylib`` and
    ``to_magpylib`` come from ``interop`` (which imports SciPy's rotations) on first use."""
    if name in ("from_magpylib", "to_magpylib"):
        from coildesign import interop

        return getattr(interop, name)
    if name in _SUBPACKAGES or (not name.startswith("_") and importlib.util.find_spec(f"coildesign.{name}")):
        module = importlib.import_module(f"coildesign.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'coildesign' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBPACKAGES))
