"""Field engine: exact Biot-Savart kernels (``segment_kernels``, ``loop_kernels``) and the
functional layer (``engine``) that applies them to a ``Coil``."""

from coildesign.fields.engine import evaluate, field, field_jacobian, vector_potential

__all__ = ["evaluate", "field", "field_jacobian", "vector_potential"]
