"""Field evaluation on dask arrays of points: the same call scales from a laptop to a cluster.

``coildesign.field(coil, points)`` (and ``vector_potential``, ``field_jacobian``) hand a dask array
of points to ``evaluate_dask``: the result is a dask array with the same chunks along the points,
each chunk computed by the in-memory engine (``fields.engine.evaluate``, one thread per task; the
parallelism comes from the dask workers). The coil enters the task graph once: scattered to every
worker (``Client.scatter(..., broadcast=True)``) when a ``distributed`` client is active, else as a
single graph key that every chunk references. Nothing is computed until ``.compute()`` (or
``.to_zarr``, ``.store``, ...), so a field map of 10^9 points never needs 10^9 x 3 numbers in the
memory of one machine.

``field_map_dask`` builds the points of a regular grid lazily, chunk by chunk (in the VTK order of
``coildesign.fields.fieldmap.FieldMap``: x fastest), and returns a ``FieldMap`` whose arrays are
dask arrays. dask is imported only here, when a dask array is used.
"""

from __future__ import annotations

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil
from coildesign.fields.engine import evaluate
from coildesign.fields.fieldmap import FieldMap, empty_field_map

DEFAULT_CHUNK_POINTS = 262_144


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

    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    if not isinstance(points, da.Array) or points.ndim != 2 or points.shape[1] != 3:
        check._fail("points", "a dask array of shape (M, 3)", getattr(points, "shape", points), TypeError)
    cur = check.finite("current", current)
    check.choice("quantity", quantity, ("B", "A", "J"))
    for fixed in ("threads", "progress"):
        options.pop(fixed, None)
    pts = points.rechunk({1: 3}).astype(float)
    ref = _coil_reference(coil, client)
    if quantity == "J":
        return pts.map_blocks(_block, ref, cur, quantity, options, dtype=float, new_axis=2,
                              chunks=(pts.chunks[0], (3,), (3,)))
    return pts.map_blocks(_block, ref, cur, quantity, options, dtype=float, chunks=(pts.chunks[0], (3,)))


def _grid_block(block_info=None, *, origin, spacing, shape) -> np.ndarray:
    start, stop = block_info[None]["array-location"][0]
    idx = np.arange(start, stop)
    nx, ny, _ = shape
    i, j, k = idx % nx, (idx // nx) % ny, idx // (nx * ny)
    return np.c_[origin[0] + spacing[0] * i, origin[1] + spacing[1] * j, origin[2] + spacing[2] * k]


def grid_points(fieldmap: FieldMap, chunk_points: int = DEFAULT_CHUNK_POINTS):
    """The points of ``fieldmap``'s grid [m] as a lazily generated dask array (N, 3), x fastest."""
    import dask.array as da

    n = int(np.prod(fieldmap.shape))
    size = check.positive_int("chunk_points", chunk_points)
    chunks = (tuple([size] * (n // size) + ([n % size] if n % size else [])), (3,))
    return da.map_blocks(_grid_block, dtype=float, chunks=chunks, origin=np.asarray(fieldmap.origin, dtype=float),
                         spacing=np.asarray(fieldmap.spacing, dtype=float), shape=tuple(fieldmap.shape))


def field_map_dask(
    coil: Coil,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    size: float | tuple[float, float, float] = 1e-3,
    n: int | tuple[int, int, int] = 21,
    *,
    current: float = 1.0,
    quantities: tuple[str, ...] = ("B",),
    chunk_points: int = DEFAULT_CHUNK_POINTS,
    client: object = None,
    **options,
) -> FieldMap:
    """``fields.fieldmap.field_map`` with lazy dask arrays: same grid, same array names ("B",
    "|B|", "A", "dB/dr"), nothing computed until asked (module docstring)."""
    import dask.array as da

    fm, quantities = empty_field_map(coil, center, size, n, quantities, in_memory=False)
    pts = grid_points(fm, chunk_points)
    for q in quantities:
        kind = {"B": "B", "A": "A", "dB/dr": "J"}[q]
        val = evaluate_dask(coil, pts, current, quantity=kind, client=client, **options)
        if q == "dB/dr":
            val = val.reshape(val.shape[0], 9)
        fm.add(q, val)
        if q == "B":
            fm.add("|B|", da.sqrt((val**2).sum(axis=1)))
    return fm
