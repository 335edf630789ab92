"""B and A of a uniform polyline helix at many points, with one logarithm per direction.

The field engine (``coildesign.fields.engine``) evaluates, for every point and segment, the
straight-segment field and vector potential (Hanson & Hirshman, Phys. Plasmas 9, 4410 (2002),
eqs. 8-9, in the form of ``coildesign.fields.segment_kernels``)::

    B = mu0/(4 pi) 2 f (Lv x r + P1 x P2),  f = u / (R1 R2 (u^2 - L^2)),
    A = mu0/(4 pi) (Lv / L) ln((u + L)/(u - L)),  u = R1 + R2,

so that every point-segment pair costs a logarithm (``log1p``: ~10 ns a pair here, ~40 % of the
engine's time for "B+A"). For a polyline helix whose turn has a whole number N of segments
(``rf.helix_inductance.screw_motion``: segment j + N is segment j moved by one pitch along
the axis), segments j, j + N, j + 2N, ... share their direction Lv / L, so

    A = mu0/(4 pi) sum_(s < N) (Lv_s / L_s) ln( prod_k (u + L)/(u - L) at segment s + k N ),

one logarithm per point and direction (the per-turn ratios multiplied first: 5 turns, 5x fewer
logarithms). B is summed as the engine does (per pair, a handful of products, with
u^2 - L^2 = (u + L)(u - L) from the two factors the ratio needs). The ratio
(u + L)/(u - L) is formed directly: for the pairs taken here (u at least L / (1 - 0.01), the
engine's own bound for its fast path, ``segment_kernels.near_threshold``) it loses at most
~eps L / (u - L) <= 100 eps relatively, and ln(1 + delta) at delta = 2 L/(u - L) >= 2 L / u
keeps ~eps / delta, i.e. a relative error ~eps u / (2 L) that grows with the distance: points
with u > ``MAX_FAR_RATIO`` L for some segment (error above ~1e-13) are left to the engine, whose
``log1p`` keeps ~eps at any distance (checked on a bound of every pair's u:
u <= 2 sqrt(3) (max_k |p_k - o_k| + max_k |v_k - o_k|) about the sources' origin o, from the
triangle inequality and |x| <= sqrt(3) max_k |x_k|). Within that range the results equal the
engine's to ~1e-14 relative (tests).

The point-vertex distances come from one matrix product per block, R^2 = |p|^2 + |v|^2 - 2 p.v
([p, |p|^2, 1] . [-2 v, 1, |v|^2], coordinates about the sources' origin) instead of the
offsets p - v: a dot product of 5 terms whose absolute values sum to at most 2 (|p|^2 + |v|^2)
rounds by at most gamma_5 times that (N. J. Higham, Accuracy and Stability of Numerical
Algorithms, 2nd ed. (SIAM, 2002), eq. 3.5; gamma_n = n u / (1 - n u), u = 2^-53), and |p|^2,
|v|^2 by gamma_3 (|p|^2 + |v|^2), so R carries a relative error below
6.6 u (|p|^2 + |v|^2) / R^2. A block takes this form only where
max |p|^2 + max |v|^2 <= ``GRAM_RATIO`` min R^2 (a relative error of R below 5.5e-14; a sample
inside the coil of ``benchmarks/bench_rf.py``: ~40), else the exact offsets as the engine forms
them (``_exact_distances``). The planes are vertex-major (row k: vertex k against every point of
the block), so that segment j's two ends are rows j and j + 1 and every pass runs over contiguous
memory.

Half of the points for a symmetric point set: a uniform polyline helix v_k = S^k v_0
(k = 0 .. n) is mapped onto itself, vertex k onto vertex n - k, by the rotation R through pi
about the line perpendicular to its axis through its middle (the line of the midpoints of v_k
and v_(n-k): R S R = S^-1, so R v_k = S^(-k) R v_0 = S^(-k) v_n = v_(n-k)); the current then runs
the other way, and since B and A of a rotated current path are the rotated fields (a proper
rotation), B(R p) = -R B(p) and A(R p) = -R A(p). When R maps the points onto themselves (a
sample coaxial with the coil and centred on it, whose angular nodes are symmetric about that
line, as the benchmark's), only one point of each pair is evaluated. The vertices must follow R
to ``HALF_TURN_TOL`` (1e-14) of the helix size and each point's partner lie within 1e-14 of
the points' extent of its image, which moves the fields by ~1e-14 relative at most.

Where a pair is nearer than the fast-path bound (a point inside or beside the wire) or a point is
outside the engine's fast-path range, ``helix_field_and_potential`` returns None and the
caller uses the engine; so it does for more than ``engine.AUTO_THREAD_PAIRS`` point-segment
pairs (the engine's threads, memory plan and limits).
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from coildesign._runtime import one_blas_thread, prime_allocator
from coildesign.coil import Coil
from coildesign.fields import engine, segment_kernels
from coildesign.fields.segment_kernels import MU0_4PI
from coildesign.rf.helix_inductance import _helix_screw

__all__ = ["helix_field_and_potential"]

BLOCK_PAIRS = 98_304  # points x vertices per block (the engine's DEFAULT_BLOCK_PAIRS: planes that stay in L2)
TURNS_PER_LOG = 128  # turns whose ratios are multiplied before one logarithm (199^128 < 1e308)
_TURN_TOL = 1e-9  # |N alpha - 2 pi| below this: a whole number N of segments per turn
GRAM_RATIO = 75.0  # largest (max |p|^2 + max |v|^2) / min R^2 for the matrix-product distances (docstring)
HALF_TURN_TOL = 1e-14  # relative match of vertices and points under the half turn (``half_turn``)
MAX_FAR_RATIO = 1000.0  # largest u / L taken here (eps u / (2 L) ~ 1.1e-13 there; farther: the engine)


def segments_per_turn(coil: Coil) -> int | None:
    """N when ``coil`` is a uniform polyline helix (``rf.helix_inductance.is_uniform_helix``)
    whose screw angle is 2 pi / N for a whole N, else None."""
    screw = _helix_screw(coil) if isinstance(coil, Coil) else None
    if screw is None:
        return None
    turns = 2.0 * np.pi / abs(screw[1])
    n = round(turns)
    return n if n >= 1 and abs(n * abs(screw[1]) - 2.0 * np.pi) <= _TURN_TOL else None


def helix_field_and_potential(coil: Coil, points: np.ndarray) -> np.ndarray | None:
    """[B, A] (K, 6) per ampere [T/A, T m/A] of the uniform polyline helix ``coil`` at
    ``points`` (K, 3) [m] (module docstring), or None where this path does not apply (not such
    a helix, a pair nearer than the fast-path bound, a point outside the fast-path range or
    farther than ``MAX_FAR_RATIO`` segment lengths, points that are not a finite (K, 3) array):
    then use
    ``coildesign.fields.engine.evaluate(coil, points, quantity="B+A")``."""
    return _field_and_potential(coil, points, blas_limited=False)


def _field_and_potential(coil: Coil, points: np.ndarray, *, blas_limited: bool) -> np.ndarray | None:
    """``helix_field_and_potential``; ``blas_limited``: the caller already holds BLAS to one
    thread (``coildesign._runtime.one_blas_thread``: entering it costs ~40 us), else it is
    held here while the matrix products run."""
    n_turn = segments_per_turn(coil)
    if n_turn is None:
        return None
    src = engine.polyline_sources(coil)
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) == 0:
        return None  # the engine checks the points and says what is wrong
    if src is None or not src.fast_path or src.gaps is not None:
        return None
    if float(len(pts)) * len(src.length) > engine.AUTO_THREAD_PAIRS:
        return None  # large problems: the engine's threads, memory plan and limits
    local = pts - src.origin
    extent = float(np.abs(local).max())
    if not extent <= engine.FAST_PATH_RANGE:  # also NaN and infinite points: the engine
        return None
    # every pair: R <= |p - o| + |v - o| <= sqrt(3) (max_k |p_k - o_k| + max_k |v_k - o_k|) about
    # the sources' origin o, so u = R1 + R2 is at most twice that
    reach = float(np.abs(src.verts - src.origin).max())
    if 2.0 * math.sqrt(3.0) * (extent + reach) > MAX_FAR_RATIO * float(src.length.min()):
        return None  # far points: ln of the ratio would lose more than ~1e-13 (module docstring)
    # the helix's half turn maps the point set onto itself (a sample coaxial with the coil and
    # centred on it, with a symmetric quadrature): evaluate one point of each pair (module docstring)
    turn = half_turn(coil)
    partners = _partners(pts, turn)
    if partners is not None:
        first = np.flatnonzero(np.arange(len(pts)) <= partners)
        half = _evaluate(src, local[first], n_turn, blas_limited)
        if half is None:
            return None
        out = np.empty((len(pts), 6))
        # B and A at the partners: -R F (R symmetric); then the evaluated points themselves (a
        # point on the rotation's line is its own partner and keeps its evaluated value)
        out[partners[first]] = -(half.reshape(-1, 3) @ turn[2]).reshape(-1, 6)
        out[first] = half
        return out
    return _evaluate(src, local, n_turn, blas_limited)


def half_turn(coil: Coil) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(o [m], w, R): the rotation R by pi about the line through ``o`` along the unit ``w``
    (perpendicular to the axis, through the middle vertex or the middle of the middle segment:
    the line of the midpoints of vertex k and n - k) that maps vertex k of the uniform polyline
    helix ``coil`` to vertex n - k, i.e. the helix onto itself with its current reversed (``R`` =
    2 w w^T - I, the matrix of the rotation; module docstring), or None when ``coil`` is not such
    a helix or its vertices follow the rotation less closely than ``HALF_TURN_TOL`` of its size.
    Kept in the coil's cache."""
    key = "coildesign.rf.helix_fields.half_turn"
    if key in coil._cache:
        return coil._cache[key]
    result = None
    if _helix_screw(coil) is not None:
        v = np.asarray(coil.windings[0].vertices, dtype=float)
        rows = np.ascontiguousarray(v.T)  # (3, n + 1): reductions and offsets along contiguous rows
        # the midpoints of vertex k and n - k lie on the line: o their mean (= the vertices' mean),
        # w towards the middle (vertex n/2 or the middle of the middle segment, at the helix radius
        # from the axis)
        o = rows.sum(axis=1) / len(v)
        n = len(v) - 1
        w = 0.5 * (v[n // 2] + v[(n + 1) // 2]) - o
        norm = math.sqrt(float(w @ w))
        if norm > 0.0:
            w = w / norm
            turn = 2.0 * np.outer(w, w) - np.eye(3)
            size = float((rows.max(axis=1) - rows.min(axis=1)).max())
            rel = rows - o[:, None]
            if np.abs(turn @ rel - rel[:, ::-1]).max() <= HALF_TURN_TOL * size:  # R (v_k - o) = v_(n-k) - o
                result = (o, w, turn)
    coil._cache[key] = result
    return result


_KEY_DIRECTION = np.array([0.5257311121191336, 0.6881909602355868, 0.5])  # irrational ratios: no ties by symmetry


def _partners(points: np.ndarray, turn) -> np.ndarray | None:
    """Index j (K,) of the point that the half turn ``turn`` (``half_turn``) maps point i to
    (to ``HALF_TURN_TOL`` of the points' extent about its axis), or None when the point set is
    not mapped onto itself. Matched by sorting the points and their images along one direction,
    then checked point by point (a permutation that is its own inverse)."""
    if turn is None:
        return None
    o, _, rot = turn
    rel = points.T - o[:, None]  # (3, K): offsets along contiguous rows
    # keys along the direction g of the points and of their images (R p . g = p . R g, R symmetric)
    order = np.argsort(np.array([_KEY_DIRECTION, rot @ _KEY_DIRECTION]) @ rel, axis=1)
    partners = np.empty(len(points), dtype=np.intp)
    partners[order[1]] = order[0]
    if (np.abs(rot @ rel - rel[:, partners]).max() > HALF_TURN_TOL * np.abs(rel).max()
            or (partners[partners] != np.arange(len(points))).any()):
        return None
    return partners


def _evaluate(src, local: np.ndarray, n_turn: int, blas_limited: bool = False) -> np.ndarray | None:
    """[B, A] (K, 6) per ampere at ``local`` (points relative to ``src.origin``) by blocks
    (``_block``), or None when a pair is nearer than the fast-path bound (``blas_limited``: as
    in ``_field_and_potential``)."""
    vc = src.verts - src.origin
    n_seg = len(vc) - 1
    n_turn = min(n_turn, n_seg)  # less than one turn: every segment its own direction
    turns = -(-n_seg // n_turn)
    out = np.empty((len(local), 6))
    block = max(1, BLOCK_PAIRS // len(vc))
    prime_allocator()  # the block's planes (~0.7 MB each) reuse freed memory (as the engine's)
    # rows [-2 v, 1, |v|^2] (Nv, 5): with the columns [p, |p|^2, 1] of the points one matrix
    # product gives |p - v|^2 (vertex-major planes: row k holds vertex k against every point)
    gram_v = np.empty((len(vc), 5))
    np.multiply(vc, -2.0, out=gram_v[:, :3])
    gram_v[:, 3] = 1.0
    gram_v[:, 4] = np.einsum("ij,ij->i", vc, vc)
    length = src.length[:, None]
    b_rows = src.b_matrix.T  # (6, Nv - 1)
    directions = src.a_matrix[:n_turn, :3].T  # (3, n_turn)
    with contextlib.nullcontext() if blas_limited else one_blas_thread():
        for start in range(0, len(local), block):
            part = local[start:start + block]
            if not _block(part, vc, gram_v, length, src.threshold, b_rows, directions, n_turn, turns,
                          out[start:start + block]):
                return None
    out *= MU0_4PI
    return out


def _exact_distances(vc: np.ndarray, local: np.ndarray) -> np.ndarray:
    """|v_k - p_i| (Nv, m) from the exact offsets (``_block``'s vertex-major planes)."""
    r = np.square(vc[:, 0, None] - local[:, 0])
    r += np.square(vc[:, 1, None] - local[:, 1])
    r += np.square(vc[:, 2, None] - local[:, 2])
    return np.sqrt(r, out=r)


def _block(local: np.ndarray, vc: np.ndarray, gram_v: np.ndarray, length: np.ndarray,
           threshold: np.ndarray, b_rows: np.ndarray, directions: np.ndarray, n_turn: int, turns: int,
           out: np.ndarray) -> bool:
    """[B, A] / (mu0 / 4 pi) at ``local`` (points relative to the sources' origin) written into
    ``out``: the point-vertex distances on vertex-major planes (Nv, m) (row k: vertex k against
    every point, so segment j's two ends are the rows j and j + 1 and every pass is over
    contiguous memory; ``length`` (Nv - 1, 1) the segment lengths), B from the engine's per-pair
    factor summed against the segment rows ``b_rows`` (6, Nv - 1), A from the per-turn products
    of the ratios (module docstring); False when a pair is nearer than the fast-path bound (then
    nothing is valid)."""
    m, nv = len(local), len(vc)
    n_seg = nv - 1
    gram_p = np.empty((5, m))
    gram_p[:3] = local.T
    gram_p[3] = np.einsum("ij,ij->i", local, local)
    gram_p[4] = 1.0
    r = gram_v @ gram_p  # |p|^2 + |v|^2 - 2 p.v (module docstring: its rounding)
    nearest = float(r.min())
    if gram_p[3].max() + gram_v[:, 4].max() <= GRAM_RATIO * nearest:
        np.sqrt(r, out=r)
        # u = R1 + R2 >= 2 min R: no pair can be near when that exceeds every threshold
        check_near = 2.0 * np.sqrt(nearest) < threshold.max()
    else:  # the offsets themselves (exact differences): points near a vertex or far from the origin
        r = _exact_distances(vc, local)
        check_near = True
    r1, r2 = r[:-1], r[1:]
    u = r1 + r2
    if check_near and (u < threshold[:, None]).any():
        return False
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        plus = u + length  # u + L
        minus = u - length  # u - L
        # B: the engine's per-pair factor u / (R1 R2 (u^2 - L^2)) with u^2 - L^2 = (u + L)(u - L),
        # summed against its segment matrix
        den = np.multiply(r1, r2, out=r[:-1])
        den *= plus
        den *= minus
        f = np.divide(u, den, out=u)
        out[:, :3] = segment_kernels.field_from_sums((b_rows @ f).T, local, "B")
        # A: the ratios (u + L)/(u - L), multiplied over the turns, one logarithm per direction
        ratio = np.divide(plus, minus, out=plus)
    if n_seg == turns * n_turn and turns <= TURNS_PER_LOG:  # whole turns: one product over them
        product = ratio[:n_turn].copy()
        for k in range(1, turns):
            product *= ratio[k * n_turn:(k + 1) * n_turn]
        logs = np.log(product, out=product)
    else:
        logs = np.zeros((n_turn, m))
        for first in range(0, turns, TURNS_PER_LOG):  # 1 <= ratio <= 199: no product of 128 overflows
            product = np.ones((n_turn, m))
            for k in range(first, min(turns, first + TURNS_PER_LOG)):
                part = ratio[k * n_turn:min((k + 1) * n_turn, n_seg)]
                product[:len(part)] *= part  # a last partial turn multiplies its segments only
            logs += np.log(product)
    out[:, 3:] = (directions @ logs).T
    return True
