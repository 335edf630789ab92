"""Target-field design: stream functions on surfaces, optimised and cut into connected wires.

``cylinder``, ``biplanar``, ``mesh`` make surfaces; ``gradient_coil`` designs a gradient coil on
one (minimum inductance or power under a field-deviation bound, solved to optimality) and returns
the connected ``Coil`` with its figures. ``StreamFunctionOperators`` holds the reusable matrices.
"""

from coildesign.design.gradient import GradientDesign, gradient_coil, surface_operators, target_field_set
from coildesign.design.solve import InfeasibleDesignError
from coildesign.surfaces import StreamFunctionOperators, Surface, biplanar, cylinder, mesh

__all__ = [
    "GradientDesign",
    "InfeasibleDesignError",
    "StreamFunctionOperators",
    "Surface",
    "biplanar",
    "cylinder",
    "gradient_coil",
    "mesh",
    "surface_operators",
    "target_field_set",
]
