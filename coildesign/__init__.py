"""coildesign: gradient and RF microcoil design and analysis for MR microscopy.

SI units everywhere (m, A, T, H, ohm, Hz, K). B0 is along +z unless stated.
"""

from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import MATERIALS, Material, RectangularStrip, RoundWire
from coildesign.fields import field, field_jacobian, vector_potential
from coildesign.interop import to_magpylib

__version__ = "0.1.0"


def sweep(func, parameters, **options):
    """Parameter sweep of a design function: ``coildesign.studies.sweep`` (imported on first use)."""
    from coildesign.studies import sweep as run

    return run(func, parameters, **options)


def optimize(func, bounds, **options):
    """Mixed-integer design optimisation: ``coildesign.studies.optimize`` (imported on first use)."""
    from coildesign.studies import optimize as run

    return run(func, bounds, **options)


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
    "optimize",
    "sweep",
    "to_magpylib",
    "vector_potential",
]
