"""Bare vectorized kernels for straight current segments (no classes, no validation).

Notation for one segment from P1 to P2 and a field point r (current 1 A):
``a = r - P1``, ``b = r - P2``, ``R1 = |a|``, ``R2 = |b|``, ``Lv = P2 - P1``, ``L = |Lv|``,
``u = R1 + R2``, ``v = R1 R2``, ``c = a x b = Lv x a``.

Field (Hanson & Hirshman, Phys. Plasmas 9, 4410 (2002), eq. 8, written with vectors)::

    B = mu0/(4 pi) * c * u / (v * D),    D = R1 R2 + a.b = (u^2 - L^2) / 2

The textbook denominator ``D = |a||b| + a.b`` cancels catastrophically when ``a.b < 0``
(points beside the segment, a and b nearly antiparallel); there we use the exact
identity ``|a|^2 |b|^2 - (a.b)^2 = |a x b|^2`` (Lagrange) to write
``D = |c|^2 / (R1 R2 - a.b)``, which has no cancellation, so the field keeps full
double precision down to distances of 1e-12 x L from the wire.

Vector potential (same paper, eq. 9)::

    A = mu0/(4 pi) * (Lv / L) * ln((u + L) / (u - L)),   u - L = 2 D / (u + L)

Jacobian ``J_ij = dB_i/dr_j``, differentiating the field expression analytically::

    J = mu0/(4 pi) [ f [Lv]_x + c (grad f)^T ],  f = u / (v D),
    grad f = f [ (a^ + b^)(1/u - u/D) - a^/R1 - b^/R2 ]

Inside-conductor rule (documented convention of the package): for a conductor of radius
``rw > 0`` (round wire, or the equal-area radius of a strip), a point whose distance ``d`` to
the segment (perpendicular distance where its foot lies on the segment, else distance to the
nearer end) is below ``rw`` sees the field of a uniform current density: the filament field
times ``(d/rw)^2``, exact for a long straight wire (Ampere's law), continuous at the surface
and finite at the joints of a polyline. The potential inside is the filament potential at
the surface point in the same direction from the closest point of the segment (for d = 0,
e.g. a vertex, in a direction perpendicular to the segment) plus
``mu0 I/(4 pi) (1 - d^2/rw^2)`` along the segment (the infinite-wire interior solution):
finite everywhere, including the vertices and the end caps of a round wire or strip.

Filament rule: for a filament (``rw = 0``) a point exactly on the segment (between its ends,
or on an end) gets B = 0, J = 0 and A = 0 from that segment: the self-field of a line current
is singular there, and no value is right; a finite conductor radius gives the physical value.
Points on the line through the segment but beyond its ends are not on the filament and get
their regular (finite) values.

Range: the explicit kernels scale every pair's lengths by a power of two (exact) before
squaring, use c = Lv x a (no cancellation far away) and ln((u+L)/(u-L)) = log1p(L (u+L)/D),
so they are finite and accurate from segments of 1e-300 m to points 1e300 m away.

Fast path for polylines (``polyline_block``): distances to each vertex are shared by the
two segments meeting there (the point-vertex offsets come from one exact batched matrix
product, ``point_factors``); per pair only the scalar ``f = 2u / (v (u-L)(u+L))`` is formed,
and the sum over segments is a matrix product, using ``c = Lv x r + P1 x P2``::

    B(r) = mu0/(4 pi) [ (sum_i f_i Lv_i) x r + sum_i f_i (P1_i x P2_i) ]

summed over all segment blocks before the cross product is taken once per point
(``field_from_sums``). The pairs of a block live on flat contiguous planes (the padded
layout of ``polyline_block``: one dummy pair per point row), so that every pass is a 1-d loop.

Pairs with ``u - L < NEAR_RATIO * u`` (within ~7 % of L of the segment) or ``u - L < 2 rw``
(possibly inside the conductor) are recomputed with the exact explicit formula; the relative rounding of the fast
path is then below ~1e-13 for coordinates centred on the source.
"""

from __future__ import annotations

import functools

import numpy as np

from coildesign._constants import mu_0

MU0_4PI = mu_0 / (4.0 * np.pi)
NEAR_RATIO = 0.01


def _cross(ax, ay, az, bx, by, bz):
    return ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx


def _pair_geometry(px, py, pz, p1, p2, scaled=False):
    """Per-pair quantities for explicit kernels; p1, p2 are (x, y, z) tuples of arrays.

    With ``scaled`` every length is first multiplied by a per-pair power of two ``s`` (exact
    in binary floating point) that brings max(|a|, |b|, |Lv|) to [0.5, 1): squares then
    neither overflow (points 1e160 m away) nor underflow (segments of 1e-300 m), and results
    are bit-identical wherever the unscaled form did not over- or underflow. ``s`` is
    returned under "s": B scales as 1/length (multiply by s), A is scale-free, dB/dr scales
    as 1/length^2 (multiply by s^2).
    """
    ax, ay, az = px - p1[0], py - p1[1], pz - p1[2]
    bx, by, bz = px - p2[0], py - p2[1], pz - p2[2]
    lx, ly, lz = p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]
    s = 1.0
    if scaled:
        big = functools.reduce(np.maximum, [np.abs(q) for q in (ax, ay, az, bx, by, bz, lx, ly, lz)])
        s = np.ldexp(1.0, -np.frexp(big)[1])
        ax, ay, az, bx, by, bz, lx, ly, lz = (q * s for q in (ax, ay, az, bx, by, bz, lx, ly, lz))
    r1 = np.sqrt(ax * ax + ay * ay + az * az)
    r2 = np.sqrt(bx * bx + by * by + bz * bz)
    # c = a x b = Lv x a: the second form has no cancellation when a and b are nearly parallel
    cx, cy, cz = (_cross(lx, ly, lz, ax, ay, az) if scaled else _cross(ax, ay, az, bx, by, bz))
    c2 = cx * cx + cy * cy + cz * cz
    ab = ax * bx + ay * by + az * bz
    v = r1 * r2
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(ab >= 0.0, v + ab, c2 / (v - ab))
    l2 = lx * lx + ly * ly + lz * lz
    return dict(a=(ax, ay, az), b=(bx, by, bz), lv=(lx, ly, lz), l2=l2, r1=r1, r2=r2,
                c=(cx, cy, cz), c2=c2, ab=ab, v=v, d=d, s=s)


def _inside_scale(g, wire_radius):
    """(scale, inside, on_segment, grad_scale, dist2, rw2, closest, rvec) of the inside-conductor rule.

    The distance used is to the segment itself (foot clamped to the segment), so points
    inside the conductor near a joint of two segments, beyond both segments' ends, are
    covered too; for feet on the segment it is the perpendicular distance |c|/L (computed
    from the cross product, without cancellation). ``wire_radius`` is in the units of ``g``
    (already multiplied by ``g["s"]``). ``on_segment`` marks points exactly on the filament
    (c = 0 with the foot between the ends, or on an end point).
    """
    ax, ay, az = g["a"]
    lx, ly, lz = g["lv"]
    l2 = g["l2"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ax * lx + ay * ly + az * lz) / l2
        tc = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0)
        rx, ry, rz = ax - tc * lx, ay - tc * ly, az - tc * lz  # from the closest point to the field point
        foot_on = (t >= 0.0) & (t <= 1.0)
        dist2 = np.where(foot_on, g["c2"] / l2, rx * rx + ry * ry + rz * rz)
    rw2 = np.asarray(wire_radius, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = dist2 < rw2
        safe_rw2 = np.where(rw2 > 0, rw2, 1.0)
        scale = np.where(inside, dist2 / safe_rw2, 1.0)
        grad = tuple(np.where(inside, 2.0 * rk / safe_rw2, 0.0) for rk in (rx, ry, rz))
    on_segment = ((g["c2"] == 0.0) & (g["ab"] <= 0.0)) | (g["v"] == 0.0)
    return scale, inside, on_segment, grad, dist2, rw2, tc, (rx, ry, rz)


def _log_ratio(u, length, d):
    """ln((u + L)/(u - L)) = log1p(L (u + L) / D) with u - L = 2 D/(u + L): no cancellation
    far from the segment (where the ratio tends to 1) nor near it."""
    return np.log1p(length * (u + length) / d)


def segment_field(px, py, pz, p1, p2, wire_radius=0.0):
    """B per ampere [T/A] of segments p1->p2 at points, all arrays broadcast elementwise.

    ``p1``/``p2``: tuples (x, y, z) of arrays [m]; ``wire_radius`` [m] (0: filament).
    Exact (cancellation-free, overflow-free) explicit form; returns (bx, by, bz).
    """
    g = _pair_geometry(px, py, pz, p1, p2, scaled=True)
    scale, _, on_seg, _, _, _, _, _ = _inside_scale(g, np.asarray(wire_radius, dtype=float) * g["s"])
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(on_seg, 0.0, MU0_4PI * (g["r1"] + g["r2"]) / (g["v"] * g["d"]) * scale * g["s"])
    return tuple(ck * f for ck in g["c"])


def segment_vector_potential(px, py, pz, p1, p2, wire_radius=0.0):
    """A per ampere [T m/A] of segments p1->p2 at points (explicit, cancellation-free form).

    Inside a conductor of radius rw (distance d < rw from the segment) A is the filament's
    potential at the point on the conductor surface in the same direction from the closest
    point of the segment (perpendicular to the segment when d = 0), plus the interior term
    mu0/(4 pi) (1 - d^2/rw^2) along the segment; finite everywhere, also at the vertices.
    """
    g = _pair_geometry(px, py, pz, p1, p2, scaled=True)
    rw = np.asarray(wire_radius, dtype=float) * g["s"]
    _, inside, on_seg, _, dist2, rw2, tc, (rx, ry, rz) = _inside_scale(g, rw)
    lx, ly, lz = g["lv"]
    length = np.hypot(np.hypot(lx, ly), lz)
    u = g["r1"] + g["r2"]
    with np.errstate(divide="ignore", invalid="ignore"):
        val = _log_ratio(u, length, g["d"])
        if np.any(inside):
            # surface point q = closest + rw e, e = (r - closest)/d or, for d = 0, a unit vector
            # perpendicular to the segment
            dist = np.sqrt(dist2)
            ex, ey, ez = (np.where(dist > 0, rk / np.where(dist > 0, dist, 1.0), 0.0) for rk in (rx, ry, rz))
            px_, py_, pz_ = _perpendicular(lx, ly, lz, length)
            zero = ~(dist > 0)
            ex, ey, ez = np.where(zero, px_, ex), np.where(zero, py_, ey), np.where(zero, pz_, ez)
            qx, qy, qz = (tc * lk + rw * ek for lk, ek in ((lx, ex), (ly, ey), (lz, ez)))  # relative to P1
            gq = _pair_geometry(qx, qy, qz, (0.0, 0.0, 0.0), (lx, ly, lz), scaled=True)
            surface = _log_ratio(gq["r1"] + gq["r2"], length * gq["s"], gq["d"])
            interior = 1.0 - dist2 / np.where(rw2 > 0, rw2, 1.0)
            val = np.where(inside, surface + interior, val)
        val = np.where(on_seg & ~inside, 0.0, val)
        f = MU0_4PI * val / length
    return tuple(lk * f for lk in g["lv"])


def _perpendicular(lx, ly, lz, length):
    """A unit vector perpendicular to (lx, ly, lz) of norm ``length`` (elementwise)."""
    ux, uy, uz = lx / length, ly / length, lz / length
    # cross with the coordinate axis least aligned with u
    use_x = np.abs(ux) <= np.minimum(np.abs(uy), np.abs(uz))
    use_y = ~use_x & (np.abs(uy) <= np.abs(uz))
    hx, hy, hz = use_x.astype(float), use_y.astype(float), (~use_x & ~use_y).astype(float)
    cx, cy, cz = _cross(ux, uy, uz, hx, hy, hz)
    n = np.hypot(np.hypot(cx, cy), cz)
    return cx / n, cy / n, cz / n


def segment_field_jacobian(px, py, pz, p1, p2, wire_radius=0.0):
    """Jacobian dB_i/dr_j per ampere [T/(m A)] of segments p1->p2; nested 3x3 tuple of arrays."""
    g = _pair_geometry(px, py, pz, p1, p2, scaled=True)
    scale, inside, on_line, gscale, _, _, _, _ = _inside_scale(g, np.asarray(wire_radius, dtype=float) * g["s"])
    r1, r2, v, d = g["r1"], g["r2"], g["v"], g["d"]
    u = r1 + r2
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(on_line, 0.0, MU0_4PI * u / (v * d))
        k = 1.0 / u - u / d
        ahat = [ak / r1 for ak in g["a"]]
        bhat = [bk / r2 for bk in g["b"]]
        gradf = [np.where(on_line, 0.0, f * ((ah + bh) * k - ah / r1 - bh / r2))
                 for ah, bh in zip(ahat, bhat)]
    lx, ly, lz = g["lv"]
    skew = ((0.0, -lz, ly), (lz, 0.0, -lx), (-ly, lx, 0.0))
    c = g["c"]
    jac = []
    for i in range(3):
        b_i = c[i] * f
        row = []
        for j in range(3):
            jij = skew[i][j] * f + c[i] * gradf[j]
            row.append(np.where(inside, scale * jij + b_i * gscale[j], jij) * g["s"] * g["s"])
        jac.append(tuple(row))
    return tuple(jac)


class Workspace:
    """Reusable scratch planes for ``polyline_block`` and ``polyline_jacobian_block`` (one per
    work item of the engine, reused by all its blocks).

    Fresh temporaries of a few hundred kB are mmapped and page-faulted by the allocator on
    every call, which measured slower than the arithmetic itself; reusing buffers avoids it.
    """

    def __init__(self) -> None:
        self._size = 0
        self._count = 0

    def planes(self, m: int, nv: int, count: int = 3):
        """``count`` float planes of ``m nv + 1`` elements each (the pairs of a block of m points
        and nv vertices in the padded layout of ``polyline_block``, plus one spare element) as a
        (count, m nv + 1) array with contiguous rows, and one bool (m, nv) plane."""
        n = m * nv + 1
        if self._size < n or self._count < count:
            self._size, self._count = max(n, self._size), max(count, self._count)
            self._f = np.empty((self._count, self._size))
            self._b = np.empty(self._size, dtype=bool)
        return self._f[:count, :n], self._b[:n - 1].reshape(m, nv)


def near_threshold(seg_length, wire_radius, near_ratio=NEAR_RATIO):
    """Per-segment bound on u = R1 + R2 below which a pair goes to the explicit kernel:
    u - L < near_ratio u (accuracy of the fast path) or u - L < 2 rw (the point may be inside
    the conductor: u - L <= 2 d for a point at distance d from the segment)."""
    return np.maximum(seg_length / (1.0 - near_ratio), seg_length + 2.0 * np.asarray(wire_radius))


def point_factors(points: np.ndarray) -> np.ndarray:
    """(3, M, 2) factors [x, 1] per coordinate of ``points``; with ``vertex_factors`` one
    batched matrix product gives the offsets points_m - verts_n: each entry is x 1 + 1 (-v),
    two exact products and one rounding, so it equals the subtraction bit for bit, and the
    product (one BLAS call) measured 33 us against 104 us for numpy's broadcast subtraction on
    65 x 1,001 pairs."""
    pf = np.ones((3, len(points), 2))
    pf[:, :, 0] = points.T
    return pf


def vertex_factors(verts: np.ndarray) -> np.ndarray:
    """(3, 2, Nv) factors [1, -v] per coordinate of ``verts`` (``point_factors``)."""
    vf = np.ones((3, 2, len(verts)))
    np.negative(verts.T, out=vf[:, 1, :])
    return vf


def padded(values: np.ndarray, fill) -> np.ndarray:
    """Per-segment ``values`` (Nv-1, ...) of a vertex block followed by ``fill`` (broadcast to
    one row) for the dummy pair of the padded layout (``polyline_block``)."""
    values = np.asarray(values)
    out = np.empty((len(values) + 1,) + values.shape[1:], dtype=values.dtype)
    out[:-1] = values
    out[-1] = fill
    return out


def _vertex_distances(points: np.ndarray, verts: np.ndarray, planes: np.ndarray,
                      factors: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """|points_m - verts_k| in the padded layout: ``planes[0]`` (returned), flat, element
    m Nv + k for point m and vertex k, and a spare last element set to 1 (the dummy pair of
    the last point stays finite). The offsets come from one batched matrix product of
    ``factors`` (``point_factors``, ``vertex_factors``; computed here when None) into the first
    three planes, the squares from one call: few numpy calls per block, few hand-offs of the
    GIL between engine threads."""
    pf, vf = (point_factors(points), vertex_factors(verts)) if factors is None else factors
    n = len(points) * len(verts)
    xyz = planes[:3, :n]
    np.matmul(pf, vf, out=xyz.reshape(3, len(points), len(verts)))
    np.square(xyz, out=xyz)
    x = xyz[0]
    x += xyz[1]
    x += xyz[2]
    np.sqrt(x, out=x)
    planes[0, n] = 1.0
    return planes[0]


def polyline_block(points, verts, seg_matrix, seg_length, threshold, gaps=None, quantity="B", workspace=None,
                   sums=None, accumulate=False, factors=None):
    """Fast-path sums over a block of polyline segments at a block of points.

    ``points`` (M, 3) and ``verts`` (Nv, 3) [m], both expressed relative to the same origin
    near the sources; segment i joins verts[i] -> verts[i+1]. Per pair of the padded layout
    (the block's Nv-1 segments and the dummy pair, ``padded`` with the value in brackets):
    ``seg_matrix`` (Nv, 6) holds per segment ``w_i * [Lv_i, P1_i x P2_i]`` for B or
    ``w_i * [Lv_i / L_i, 0]`` for A, with zero rows for gaps between windings (0);
    ``seg_length`` (Nv,) [m] (0), ``threshold`` (Nv,) from ``near_threshold`` (-inf) and
    ``gaps`` (Nv,) bool, the vertex pairs that are not segments (joins between windings;
    False), or None.

    Padded layout: the pairs are formed on flat (M Nv,) planes, pair m Nv + i joining vertex i
    and vertex i + 1 of the flat vertex-distance plane, so that every pass is one contiguous
    1-d loop (numpy's 2-d strided loops over (M, Nv-1) views of an (M, Nv) plane measured
    3x slower: 78 against 25 us per pass on 98 x 1,001 pairs); the last pair of each point's
    row (i = Nv - 1, towards the next point's first vertex) is a dummy, never near, set to 0
    and multiplied by the matrix's zero row. The sums are ``np.dot`` products of contiguous
    arrays: numpy's ``matmul`` held the GIL for these six columns (two engine threads ran
    its products one after the other: 10.6 us per product on one thread, 21.2 us for two on
    two threads; ``np.dot`` 10.2 and 10.6 us).

    ``quantity`` "B+A": both in one pass over the shared distances, ``seg_matrix`` (Nv, 12) the
    B matrix followed by the A matrix, ``sums`` (M, 12) the B sums followed by the A sums.

    Returns ``(sums (M, 6), near)``: ``sums = sum_i f_i seg_matrix_i`` with ``f = u / (R1 R2
    (u^2 - L^2))`` for B (half the module doc's f) or ``ln((u + L)/(u - L))`` for A, to be
    added over segment blocks and turned into the field once per point (``field_from_sums``),
    so that a block makes few numpy calls (each call is a hand-off of the GIL between engine
    threads: 16k-pair blocks, 4x the calls of 64k, took 1.65x as long on two threads and the
    same on one); written into ``sums`` when given (added to it if ``accumulate``); ``near``
    is None or an (M, Nv) bool array of pairs (gaps included) that were left out; the caller
    adds the near segments with the explicit kernel.
    """
    ws = workspace if workspace is not None else Workspace()
    m, nv = len(points), len(verts)
    n = m * nv
    both = quantity == "B+A"
    planes, near = ws.planes(m, nv, 4 if both else 3)
    r = _vertex_distances(points, verts, planes, factors)
    r1, r2 = r[:n], r[1:]
    u = np.add(r1, r2, out=planes[1, :n])
    u2 = u.reshape(m, nv)
    np.less(u2, threshold, out=near)
    if gaps is not None:
        near |= gaps
    any_near = bool(near.any())
    factors = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if quantity in ("B", "B+A"):
            # f / 2 = u / (R1 R2 (u^2 - L^2)); the factor 2 is applied in field_from_sums
            den = np.multiply(u, u, out=planes[2, :n])
            den2 = den.reshape(m, nv)
            den2 -= seg_length * seg_length
            den *= r1
            den *= r2
            factors.append(np.divide(u, den, out=den))
        if quantity != "B":
            # ln((u + L)/(u - L)) = log1p(2 L/(u - L)): keeps full precision far from the segment
            f = planes[3 if both else 2, :n]
            f2 = f.reshape(m, nv)
            np.subtract(u2, seg_length, out=f2)
            np.divide(2.0 * seg_length, f2, out=f2)
            np.log1p(f, out=f)
            factors.append(f)
    if sums is None:
        sums = np.empty((m, seg_matrix.shape[1]))
        accumulate = False
    width = 6  # columns of the sums per quantity
    for k, f in enumerate(factors):
        f = f.reshape(m, nv)
        f[:, -1] = 0.0  # the dummy pairs
        if any_near:
            np.copyto(f, 0.0, where=near)
        part = seg_matrix if not both else seg_matrix[:, k * width:(k + 1) * width]
        if accumulate:
            sums[:, k * width:(k + 1) * width] += np.dot(f, part)
        elif both:
            sums[:, k * width:(k + 1) * width] = np.dot(f, part)
        else:
            np.dot(f, part, out=sums)
    return sums, (near if any_near else None)


def field_from_sums(sums: np.ndarray, points: np.ndarray, quantity: str = "B") -> np.ndarray:
    """B = 2 (g_L x r + g_Q) or A = g_L (without mu0/(4 pi)) at ``points`` (M, 3) (the origin of
    ``polyline_block``) from the summed ``sums`` (M, 6) = [g_L, g_Q] of ``polyline_block``;
    the cross product written out (np.cross costs ~20 us per call). "B+A": (M, 6) [B, A] from
    the (M, 12) sums of both."""
    if quantity == "B+A":
        return np.hstack([field_from_sums(sums[:, :6], points, "B"), sums[:, 6:9]])
    if quantity != "B":
        return sums[:, :3].copy()
    x, y, z = points[:, 0], points[:, 1], points[:, 2]
    res = sums[:, 3:].copy()
    res[:, 0] += sums[:, 1] * z - sums[:, 2] * y
    res[:, 1] += sums[:, 2] * x - sums[:, 0] * z
    res[:, 2] += sums[:, 0] * y - sums[:, 1] * x
    res *= 2.0
    return res


NEAR_RATIO_J = 0.05
EXTENT_RATIO_J = 0.3


def jacobian_threshold(seg_length, wire_radius):
    """Per-segment part of the near test of ``polyline_jacobian_block``: ``u - L <
    NEAR_RATIO_J u`` or ``u - L < 2 rw`` (see ``near_threshold``)."""
    return near_threshold(seg_length, wire_radius, NEAR_RATIO_J)


def jacobian_matrices(verts, weights):
    """Per-segment matrices of ``polyline_jacobian_block`` for vertices ``verts`` (Nv, 3) [m]
    (centred on the sources) and ``weights`` (Nv-1,): ``(8 w Lv (Nv, 3), M1, M2 (Nv, 27))``
    with ``Mk = 32 w [0, Lv, Q, Lv Pk^T, Q Pk^T]`` (``Q = P1 x P2``; outer products row-major;
    the three zero columns hold the place of F in the block's sums; the powers of two undo the
    block's f / 8 and g / 32, exactly) and a zero last row for the padded layout's dummy pair."""
    p1, p2 = verts[:-1], verts[1:]
    lv = (p2 - p1) * (32.0 * weights[:, None])
    q = np.cross(p1, p2) * (32.0 * weights[:, None])
    zero = np.zeros((len(lv), 3))
    mats = [np.hstack([zero, lv, q, (lv[:, :, None] * pk[:, None, :]).reshape(-1, 9),
                       (q[:, :, None] * pk[:, None, :]).reshape(-1, 9)]) for pk in (p1, p2)]
    return padded(lv * 0.25, 0.0), padded(mats[0], 0.0), padded(mats[1], 0.0)


def polyline_jacobian_block(points, verts, matrices, seg_length, threshold, gaps=None, workspace=None,
                            factors=None):
    """Fast-path Jacobian sums dB_i/dr_j (without mu0/(4 pi)) of polyline segments at points.

    Same structure as ``polyline_block`` (vertex distances shared by neighbouring segments,
    sums over segments as matrix products). With ``f = 2u / (v (u^2 - L^2))`` (module
    doc), ``grad f = g1 a + g2 b`` where ``g1 = f (k - 1/R1) / R1``, ``g2 = f (k - 1/R2) / R2``,
    ``k = 1/u - 2u / (u^2 - L^2)`` (the analytic gradient of the module doc, with a^ = a/R1;
    k < 0, so g1 and g2 have no cancellation). With ``c = Lv x r + Q``, ``Q = P1 x P2`` and
    ``grad f = s r - (g1 P1 + g2 P2)``, ``s = g1 + g2``::

        J = [F]x + (S_L x r) r^T + S_Q r^T - [W_{:,b} x r]_b - V

    with the per-point sums ``F = sum f Lv``, ``S_L = sum s Lv``, ``S_Q = sum s Q``,
    ``W = sum (g1 Lv P1^T + g2 Lv P2^T)``, ``V = sum (g1 Q P1^T + g2 Q P2^T)``: matrix products
    with 3, 24 and 24 columns (``jacobian_matrices``). The expanded terms exceed the pair's
    contribution by up to ~((|r| + R1) / d)^2 (d: distance to the segment, d >= (u - L) / 2),
    so pairs with ``u - L < EXTENT_RATIO_J |r|``, within ``NEAR_RATIO_J`` of the segment or
    possibly inside the conductor (``threshold`` from ``jacobian_threshold``) are left to the
    caller's explicit kernel. The test depends on the point and the segment only, so results
    do not depend on how points are blocked or chunked. Measured against the explicit kernel
    on every pair (tests/fields/test_segment_kernels.py): below 1e-13 of the sum of the pairs'
    absolute contributions.

    ``points`` (M, 3), ``verts`` (Nv, 3) [m] centred on the sources (the origin of the
    matrices); ``matrices`` from ``jacobian_matrices``. Returns ``(sums (M, 27), near)``:
    ``sums = [F, S]`` with ``S = sum (g1 M1 + g2 M2)`` (``S_L``, ``S_Q``, ``W``, ``V`` in that
    order), to be added over segment blocks and assembled once per point
    (``jacobian_from_sums``); ``near`` None or the (M, Nv) bool array of pairs (gaps
    included) left out. ``seg_length``, ``threshold`` and ``gaps`` per pair of the padded
    layout, (Nv,), as for ``polyline_block``.
    """
    ws = workspace if workspace is not None else Workspace()
    lv, m1, m2 = matrices
    m, nv = len(points), len(verts)
    n = m * nv
    planes, near = ws.planes(m, nv, 5)
    r = _vertex_distances(points, verts, planes, factors)
    r1, r2 = r[:n], r[1:]
    u = np.add(r1, r2, out=planes[1, :n])
    t = planes[2, :n]  # u - L
    f, g1 = planes[3, :n], planes[4, :n]  # g2 goes to u's plane once u is used up (five work planes)
    u2, t2, f2, g12 = (a.reshape(m, nv) for a in (u, t, f, g1))
    np.subtract(u2, seg_length, out=t2)
    # near: u - L < max(EXTENT_RATIO_J |r|, threshold - L); one comparison when the point
    # term is the larger for every pair of the block (the same decision pair by pair)
    reach = np.sqrt(np.einsum("ij,ij->i", points, points)) * EXTENT_RATIO_J
    excess = threshold - seg_length
    if reach.min() >= excess[:-1].max():
        np.less(t2, reach[:, None], out=near)
    else:
        np.maximum(reach[:, None], excess, out=f2)
        np.less(t2, f2, out=near)
    near[:, -1] = False  # the dummy pairs
    if gaps is not None:
        near |= gaps
    any_near = bool(near.any())
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # halved reciprocals keep every factor of 2 out of the passes: f / 8 and g / 32 are
        # formed (exact powers of two, undone in the matrices), two passes fewer than f, k, g
        half = np.divide(0.5, r, out=r)  # 1/(2R) in the plane of r, not needed after u
        i1, i2 = half[:n], half[1:]
        np.add(u2, seg_length, out=f2)
        t *= f  # u^2 - L^2 = (u - L)(u + L), without cancellation
        np.divide(u, t, out=t)  # h = u / (u^2 - L^2)
        np.multiply(t, i1, out=f)
        f *= i2  # f / 8 = h / (4 R1 R2)
        np.divide(0.5, u, out=u)
        u -= t  # k / 2 = 1/(2u) - h
        np.subtract(u, i1, out=g1)
        g1 *= f
        g1 *= i1  # g1 / 32 = (f / 8) (k / 2 - 1/(2 R1)) / (2 R1)
        u -= i2
        u *= f
        u *= i2  # g2 / 32 in u's plane
    g22 = u2  # g2 / 32
    for arr in (f2, g12, g22):
        arr[:, -1] = 0.0  # the dummy pairs (zero rows of the matrices)
        if any_near:
            np.copyto(arr, 0.0, where=near)
    sums = np.dot(g12, m1)  # (M, 27): M1, M2 carry three zero columns for F
    sums += np.dot(g22, m2)
    sums[:, :3] += np.dot(f2, lv)
    return sums, (near if any_near else None)


def jacobian_from_sums(sums: np.ndarray, points: np.ndarray) -> np.ndarray:
    """J (M, 3, 3), J_ij = dB_i/dr_j without mu0/(4 pi), at ``points`` (M, 3) (the origin of the
    matrices) from the summed ``sums`` = [F, S] of ``polyline_jacobian_block``:
    J = [F]x + (S_L x r) r^T + S_Q r^T - [W_{:,b} x r]_b - V."""
    big, s = sums[:, :3], sums[:, 3:]
    sl, sq = s[:, 0:3], s[:, 3:6]
    w = s[:, 6:15].reshape(-1, 3, 3)
    jac = -s[:, 15:24].reshape(-1, 3, 3)
    x, y, z = points[:, 0], points[:, 1], points[:, 2]
    slr = np.stack([sl[:, 1] * z - sl[:, 2] * y, sl[:, 2] * x - sl[:, 0] * z, sl[:, 0] * y - sl[:, 1] * x], axis=1)
    jac += (slr + sq)[:, :, None] * points[:, None, :]
    jac[:, 0, :] -= w[:, 1, :] * z[:, None] - w[:, 2, :] * y[:, None]  # [W_{:,b} x r]_a
    jac[:, 1, :] -= w[:, 2, :] * x[:, None] - w[:, 0, :] * z[:, None]
    jac[:, 2, :] -= w[:, 0, :] * y[:, None] - w[:, 1, :] * x[:, None]
    fx, fy, fz = big[:, 0], big[:, 1], big[:, 2]
    jac[:, 0, 1] -= fz
    jac[:, 0, 2] += fy
    jac[:, 1, 0] += fz
    jac[:, 1, 2] -= fx
    jac[:, 2, 0] -= fy
    jac[:, 2, 1] += fx
    return jac
