"""Field engine: exact Biot-Savart kernels (``segment_kernels``, ``loop_kernels``), the
in-memory engine that plans and executes their sums over a ``Coil`` (``engine``), the dask
back end (``distributed``) and the facade that dispatches between them (``api``)."""

from coildesign._lazy import lazy_submodules
from coildesign.fields.api import evaluate, field, field_jacobian, vector_potential

__all__ = ["evaluate", "field", "field_jacobian", "field_map", "vector_potential"]

# every public submodule is an attribute on first access (import coildesign stays fast)
__getattr__, __dir__ = lazy_submodules(__name__, __path__, {"field_map": "fieldmap"})
