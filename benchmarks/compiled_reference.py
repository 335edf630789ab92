"""Compiled (numba) reference kernel for the magnetic field of a polyline filament.

Benchmark only: it needs numba, which is not a dependency of coildesign. It gives the
practical ceiling that coildesign's numpy segment kernels are measured against in
``bench_perf.py`` (issue 15).

Physics, per segment from P1 to P2 and a field point r, current 1 A (Hanson & Hirshman,
Phys. Plasmas 9, 4410 (2002), eq. 8, written with vectors), with ``a = r - P1``,
``b = r - P2``, ``R1 = |a|``, ``R2 = |b|``, ``Lv = P2 - P1``::

    B = mu0/(4 pi) * c * u / (v * D),   c = a x b = Lv x a,   u = R1 + R2,   v = R1 R2,
    D = R1 R2 + a.b                      where a.b >= 0,
    D = |c|^2 / (R1 R2 - a.b)            where a.b < 0.

The second form of D follows from Lagrange's identity ``R1^2 R2^2 - (a.b)^2 = |a x b|^2``
and has no cancellation beside the segment, where a and b are nearly antiparallel; this is
the same physics as ``coildesign/fields/segment_kernels.py``. Filament rule: a point on the
segment (``|c| = 0`` and ``a.b <= 0``, which includes its ends) gets no contribution from it;
a point on the line beyond the ends has ``c = 0`` and so a zero contribution as well.

The distance to each vertex is computed once per point and shared by the two segments that
meet there. Field in [T] per ampere, points and vertices in [m].
"""

from __future__ import annotations

import math

import numba
import numpy as np

from coildesign._constants import mu_0

MU0_4PI = mu_0 / (4.0 * math.pi)


def _polyline_field(points: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """B [T] at ``points`` (M, 3) [m] of 1 A along the polyline ``vertices`` (N+1, 3) [m]."""
    m = points.shape[0]
    n = vertices.shape[0] - 1
    out = np.zeros((m, 3))
    for k in numba.prange(m):
        rx, ry, rz = points[k, 0], points[k, 1], points[k, 2]
        ax = rx - vertices[0, 0]
        ay = ry - vertices[0, 1]
        az = rz - vertices[0, 2]
        r1 = math.sqrt(ax * ax + ay * ay + az * az)
        bx_sum = 0.0
        by_sum = 0.0
        bz_sum = 0.0
        for i in range(n):
            lx = vertices[i + 1, 0] - vertices[i, 0]
            ly = vertices[i + 1, 1] - vertices[i, 1]
            lz = vertices[i + 1, 2] - vertices[i, 2]
            bx = rx - vertices[i + 1, 0]
            by = ry - vertices[i + 1, 1]
            bz = rz - vertices[i + 1, 2]
            r2 = math.sqrt(bx * bx + by * by + bz * bz)
            cx = ly * az - lz * ay
            cy = lz * ax - lx * az
            cz = lx * ay - ly * ax
            c2 = cx * cx + cy * cy + cz * cz
            if c2 > 0.0:
                v = r1 * r2
                ab = ax * bx + ay * by + az * bz
                d = v + ab if ab >= 0.0 else c2 / (v - ab)
                f = (r1 + r2) / (v * d)
                bx_sum += f * cx
                by_sum += f * cy
                bz_sum += f * cz
            ax, ay, az, r1 = bx, by, bz, r2
        out[k, 0] = MU0_4PI * bx_sum
        out[k, 1] = MU0_4PI * by_sum
        out[k, 2] = MU0_4PI * bz_sum
    return out


polyline_field = numba.njit(fastmath=False, cache=False)(_polyline_field)
polyline_field_parallel = numba.njit(fastmath=False, parallel=True, cache=False)(_polyline_field)


def field(points: np.ndarray, vertices: np.ndarray, threads: int) -> np.ndarray:
    """B [T] per ampere of the polyline with ``threads`` numba threads (prange over points)."""
    numba.set_num_threads(threads)
    return polyline_field_parallel(points, vertices)


def numba_version() -> str:
    """Version string of the numba that compiled the kernels."""
    return numba.__version__


def warm_up() -> None:
    """Compile both kernels (the first call compiles; time only later calls)."""
    verts = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    pts = np.array([[0.5, 0.5, 0.5], [0.5, 0.0, 0.0]])
    polyline_field(pts, verts)
    polyline_field_parallel(pts, verts)
