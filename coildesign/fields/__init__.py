"""Field engine: exact Biot-Savart kernels (``segment_kernels``, ``loop_kernels``), the
in-memory engine that plans and executes their sums over a ``Coil`` (``engine``), the dask
back end (``distributed``) and the facade that dispatches between them (``api``)."""

from coildesign.fields.api import evaluate, field, field_jacobian, vector_potential

__all__ = ["evaluate", "field", "field_jacobian", "field_map", "vector_potential"]

# field_map (fields.fieldmap, which needs SciPy's KD-tree) and every submodule (e.g.
# coildesign.fields.distributed) are attributes on first access
from coildesign._lazy import lazy_attributes  # noqa: E402 (after the public names)

__getattr__, __dir__ = lazy_attributes(__name__, {"field_map": "fieldmap"})
