"""The fields facade: one call for numpy and dask arrays of points.

``field``, ``vector_potential``, ``field_jacobian`` and ``evaluate`` hand numpy points to the
in-memory engine (``fields.engine``: plan, then execute) and dask arrays to
``fields.distributed`` (a lazy dask array, chunk by chunk on the dask workers). Options are
those of ``fields.engine.evaluate``.
"""

from __future__ import annotations

import numpy as np

from coildesign.coil import Coil
from coildesign.fields import distributed, engine


def _is_dask(points: object) -> bool:
    return type(points).__module__.startswith("dask.")


def evaluate(coil: Coil, points, current: float = 1.0, *, quantity: str = "B", **options):
    """B [T], A [T m] or dB/dr [T/m] (``quantity`` "B", "A", "dB/dr") of ``coil`` at ``points``
    [m] for ``current`` [A]: a numpy array for numpy points, a lazy dask array for dask points
    (for these only the options ``chunk_points``, ``block_pairs``, ``method``, ``tolerance``,
    ``max_memory``, ``max_pairs`` and ``client`` apply)."""
    if _is_dask(points):
        return distributed.evaluate_dask(coil, points, current, quantity=quantity, **options)
    return engine.evaluate(coil, points, current, quantity=quantity, **options)


def field(coil: Coil, points: np.ndarray, current: float = 1.0, **options) -> np.ndarray:
    """Magnetic flux density B [T], shape (M, 3), of ``coil`` carrying ``current`` [A] at
    ``points`` [m] (M, 3). Options as for ``evaluate``."""
    return evaluate(coil, points, current, quantity="B", **options)


def vector_potential(coil: Coil, points: np.ndarray, current: float = 1.0, **options) -> np.ndarray:
    """Magnetic vector potential A [T m] (Coulomb gauge), shape (M, 3)."""
    return evaluate(coil, points, current, quantity="A", **options)


def field_jacobian(coil: Coil, points: np.ndarray, current: float = 1.0, **options) -> np.ndarray:
    """Spatial Jacobian J[m, i, j] = dB_i/dx_j [T/m], shape (M, 3, 3), analytic."""
    return evaluate(coil, points, current, quantity="dB/dr", **options)


__all__ = ["evaluate", "field", "field_jacobian", "vector_potential"]
