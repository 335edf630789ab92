"""Current-carrying surfaces and their stream-function operators (shared by ``design`` and ``eddy``).

``cylinder``, ``biplanar``, ``sphere`` (closed), ``mesh`` make triangle-mesh ``Surface`` objects;
``StreamFunctionOperators`` maps stream-function vertex values to fields [T/A], inductance [H]
and resistance [ohm]; ``quadrature`` holds the triangle rules and the closed-form potential of a
uniform triangle they rest on.
"""

from coildesign.surfaces.closed import sphere
from coildesign.surfaces.operators import StreamFunctionOperators
from coildesign.surfaces.surfaces import Surface, biplanar, cylinder, mesh

__all__ = ["StreamFunctionOperators", "Surface", "biplanar", "cylinder", "mesh", "sphere"]
