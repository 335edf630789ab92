"""Target-field design: stream functions on surfaces, optimised and cut into connected wires.

``cylinder``, ``biplanar``, ``mesh`` make surfaces; ``gradient_coil`` designs a gradient coil on
one (minimum inductance or power under a field-deviation bound, solved to optimality) and returns
the connected ``Coil`` with its figures; ``harmonic_coil`` does the same for any solid harmonic
(shim coils: Z2, ZX, XY, ...; ``HarmonicTarget``). ``StreamFunctionOperators`` holds the reusable
matrices.
"""

from coildesign.design.gradient import GradientDesign, gradient_coil, surface_operators, target_field_set
from coildesign.design.harmonic import harmonic_coil
from coildesign.design.solve import InfeasibleDesignError
from coildesign.design.target import HarmonicTarget
from coildesign.surfaces import StreamFunctionOperators, Surface, biplanar, cylinder, mesh

__all__ = [
    "GradientDesign",
    "HarmonicTarget",
    "InfeasibleDesignError",
    "StreamFunctionOperators",
    "Surface",
    "biplanar",
    "cylinder",
    "gradient_coil",
    "harmonic_coil",
    "mesh",
    "surface_operators",
    "target_field_set",
]
