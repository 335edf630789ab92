"""Field engine: exact Biot-Savart kernels (``segment_kernels``, ``loop_kernels``) and the
functional layer (``engine``) that applies them to a ``Coil``."""

from coildesign.fields.engine import evaluate, field, field_jacobian, vector_potential

__all__ = ["evaluate", "field", "field_jacobian", "field_map", "vector_potential"]

# field_map (fields.fieldmap, which needs SciPy's KD-tree) and every submodule (e.g.
# coildesign.fields.distributed) are attributes on first access
from coildesign._lazy import lazy_attributes  # noqa: E402 (after the public names)

__getattr__, __dir__ = lazy_attributes(__name__, {"field_map": "fieldmap"})
