"""Field evaluation on dask arrays of points: the same call scales from a laptop to a cluster.

``coildesign.field(coil, points)`` (and ``vector_potential``, ``field_jacobian``: the facade
``coildesign.fields.api``) hand a dask array of points to ``evaluate_dask``: the result is a dask
array with the same chunks along the points, each chunk computed by the in-memory engine
(``fields.engine.evaluate``, one thread per task; the parallelism comes from the dask workers).
The coil enters the task graph once: scattered to every worker (``Client.scatter(...,
broadcast=True)``) when a ``distributed`` client is active, else as a single graph key that every
chunk references. Nothing is computed until ``.compute()`` (or ``.to_zarr``, ``.store``, ...), so
a field map of 10^9 points never needs 10^9 x 3 numbers in the memory of one machine.

``fields.fieldmap.field_map_dask`` builds a field map on this back end. dask is imported only
when a dask array is used.
"""

from __future__ import annotations

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, require_coil
from coildesign.fields.engine import QUANTITIES, evaluate


def _block(points: np.ndarray, coil: Coil, current: float, quantity: str, options: dict) -> np.ndarray:
    return evaluate(coil, points, current, quantity=quantity, threads=1, progress=False, **options)


def _coil_reference(coil: Coil, client: object):
    import dask

    if client is None:
        try:
            from distributed import get_client

            client = get_client()
        except (ImportError, ValueError):
            client = None
    if client is not None:
        return client.scatter(coil, broadcast=True, hash=False)
    return dask.delayed(coil, pure=True)


def evaluate_dask(coil: Coil, points, current: float = 1.0, *, quantity: str = "B", client: object = None,
                  **options):
    """B [T], A [T m] or dB/dr [T/m] of ``coil`` at the dask array ``points`` [m] (M, 3) as a
    dask array (M, 3) or (M, 3, 3), chunked like ``points`` along the points (module docstring).

    ``client``: the ``distributed.Client`` to scatter the coil with (default: the active one, if
    any). ``options`` go to ``fields.engine.evaluate`` for each chunk (``threads`` and
    ``progress`` are fixed to 1 / off per chunk).
    """
    import dask.array as da

    require_coil("coil", coil)
    if not isinstance(points, da.Array) or points.ndim != 2 or points.shape[1] != 3:
        check._fail("points", "a dask array of shape (M, 3)", getattr(points, "shape", points), TypeError)
    cur = check.finite("current", current)
    check.choice("quantity", quantity, QUANTITIES)
    for fixed in ("threads", "progress"):
        options.pop(fixed, None)
    pts = points.rechunk({1: 3}).astype(float)
    ref = _coil_reference(coil, client)
    if quantity == "dB/dr":
        return pts.map_blocks(_block, ref, cur, quantity, options, dtype=float, new_axis=2,
                              chunks=(pts.chunks[0], (3,), (3,)))
    width = 6 if quantity == "B+A" else 3
    return pts.map_blocks(_block, ref, cur, quantity, options, dtype=float, chunks=(pts.chunks[0], (width,)))
