"""Self inductance of a uniform polyline helix from its screw symmetry (fast, same method).

A polyline helix whose vertices are v_k = S^k v_0 for one screw motion S (rotation by alpha
about the coil axis through a point c, then translation by tau along it) has n congruent
segments: segment j is S^j(segment 0). ``coildesign.analysis.inductance.inductance`` computes
L = (1/I) sum_i sum_j phi_ij, phi_ij the flux of source segment j's centre-line filament
through the copies of segment i displaced by the geometric mean distance g of the wire
(Maxwell, Treatise vol. 2 art. 691-693; averaged over K directions cos(2 pi k/K) N +
sin(2 pi k/K) B around the wire, N the principal normal, B the binormal; Dengler, Adv.
Electromagn. 5, 1 (2016) for the curve-integral form), which needs n^2 segment-piece pairs.
With frames that move with the screw (N_i = S^i N_0, B_i = S^i B_0, so the displaced copies are
screw images of each other too) phi_ij depends on j - i only: phi_ij = phi(j - i) with
phi(d) the flux of the (virtual) segment S^d(segment 0) through the displaced copies of
segment 0, and

    L = sum_(d = -(n-1))^(n-1) (n - |d|) phi(d),

2n - 1 piece-segment integrals instead of n^2. N_0 is the discrete principal normal of
``analysis.inductance`` (t_(+1) - t_(-1) projected off the segment, with the neighbours
S^(+-1)(segment 0)), so interior segments get exactly that module's frames; only the two end
segments differ (there the general path uses one-sided differences). The terms:

- d = 0: a displaced copy sees its own segment as a parallel coextensive filament at distance
  g, M = mu0/(2 pi) [l asinh(l/g) - sqrt(l^2 + g^2) + g] (Grover, Inductance Calculations
  (1946), ch. 2), exactly;
- d != 0: the exact vector potential of a straight filament,
  A = (mu0 / 4 pi) t ln[(R1 + R2 + l)/(R1 + R2 - l)] (R1, R2 the distances to its ends; the
  denominator rationalised as ((R1 + R2)^2 - l^2)/(R1 + R2 + l)), integrated along the
  displaced piece by Gauss-Legendre (``order`` nodes) on panels graded geometrically towards
  the point of the piece closest to the source (halving down to 2^-40 of the piece) wherever
  the source is closer than the piece is long, one panel elsewhere.

Evaluation: every source by the single-panel rule on (nodes x chain vertices) planes, the
distances to a vertex shared by the two sources that meet there (``_far_flux``); the few sources
that can come closer than one piece length (|mid_d - mid_0| < 2 l + g) again piece by piece with
the graded panels (``_flux``), so the result is that of the piece-by-piece sum to rounding
(2e-16 relative on the test helices). On that plane the logarithm is taken of the ratio itself,
ln rho, rho = (u + l)/(u - l): u + l, u - l and their quotient round by at most 3 units
u_r = 2^-53 in all, an absolute error of ln rho, and ln rho >= 2 l/(u + l) (ln(1 + x) >=
x/(1 + x) at x = 2 l/(u - l)), so the relative error stays below u_r (1.5 (u/l + 1) + 1), at most
~152 u_r = 1.7e-14 while u <= ``FAR_LOG_RATIO`` l (= 100 l; ~55 l for the microcoil of
``benchmarks/bench_rf.py``: L changed by < 6e-16); beyond that, log1p(2 l/(u - l)) as before
(~u_r at any distance; np.log costs ~10 ns an element here, log1p ~17 ns).

Half of the sources: the rotation R by pi about a line that meets the axis at right angles
reverses the screw (R S R = S^-1), so the line through the middle of the two segments 0 and d
maps segment 0 onto segment d and back, both reversed (the two reversals cancel in the flux), the
principal normal onto the principal normal and the binormal onto minus the binormal: the K
directions cos(2 pi k/K) N + sin(2 pi k/K) B go into the same set (k -> K - k) and the
Gauss-Legendre nodes into their mirror images (x -> 1 - x). Hence phi(-d) = phi(d), found equal
to 3e-15 of max |phi| in floating point, except where ``_flux``'s graded panels break a tie
between a source's two ends differently for d and -d (the source one turn away, straight above
the piece): there the two differ by the quadrature error, < 1e-15 at the default order 8 but up
to 2e-11 of max |phi| at order 5 (L then moves by up to 2.4e-12; at order 8 by < 1e-15). So
L = n phi(0) + 2 sum_(d = 1)^(n-1) (n - d) phi(d), taken when segment 0 is the screw image step
itself (|v1 - S v0| <= 1e-14 of the coil size; a helix recognised only to the 1e-9 tolerance keeps
both sides).

Accuracy: that of ``analysis.inductance`` (O(g^2/R^2) for a smooth helix); the two differ by
the end-segment frames and the panel layout only (<= 1e-9 relative in the tests; 2e-11 for the
5-turn microsolenoid of ``benchmarks/bench_rf.py``). Cost: ~1-2 ms for 5 turns of 64 points,
~30-50x less CPU time than the general path (bench_rf).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil, Winding
from coildesign.conductors import RoundWire
from coildesign.fields import segment_kernels

__all__ = ["helix_inductance", "is_uniform_helix", "screw_motion"]

_TOL = 1e-9  # relative tolerance (of the coil size) for recognising a uniform helix
_LEVELS = 40  # geometric grading of near panels down to 2^-40 of the piece
_SYMMETRY_TOL = 1e-14  # |v1 - S v0| relative to the helix size for phi(-d) = phi(d)
FAR_LOG_RATIO = 100.0  # largest u / l for which ``_far_flux`` takes ln of the ratio (module docstring)


@functools.cache
def _gauss(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1] (read-only; numpy's leggauss costs ~35 us)."""
    x, w = np.polynomial.legendre.leggauss(order)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


def _rotate(points: np.ndarray, axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """``points`` (3, 1) or (3, K) (columns) rotated by ``angle`` (K,) [rad] about the unit
    ``axis`` through the origin: (3, K), Rodrigues' formula on vectors,
    R x = x cos a + (k x x) sin a + k (k . x)(1 - cos a) (no (K, 3, 3) matrices; one point is
    broadcast, not copied; coordinates as rows, so that every operation runs along contiguous
    memory)."""
    x0, x1, x2 = np.asarray(points, dtype=float)
    a0, a1, a2 = (float(a) for a in axis)
    cos, sin = np.cos(angle), np.sin(angle)
    along = (a0 * x0 + a1 * x1 + a2 * x2) * (1.0 - cos)  # (k . x)(1 - cos a)
    out = np.empty((3, len(cos)))
    for i, (xi, cross) in enumerate(((x0, a1 * x2 - a2 * x1), (x1, a2 * x0 - a0 * x2), (x2, a0 * x1 - a1 * x0))):
        np.add(xi * cos + cross * sin, (a0, a1, a2)[i] * along, out=out[i])
    return out


def screw_motion(winding: Winding, axis) -> tuple[np.ndarray, float, float] | None:
    """(c, alpha, tau): the screw motion S (rotation by ``alpha`` [rad] about the line through
    ``c`` [m] along the unit ``axis``, then translation by ``tau`` [m] along it) with vertex
    v_(k+1) = S v_k for every vertex of the open polyline ``winding``, or None when there is
    none (to 1e-9 of the winding's size)."""
    if not isinstance(winding, Winding) or winding.closed:
        return None
    v = np.asarray(winding.vertices, dtype=float)
    if len(v) < 4:
        return None
    # the 3-vector algebra on Python floats (numpy's per-call cost on 3-vectors exceeds the work)
    ax = [float(a) for a in np.asarray(axis, dtype=float)]
    norm = math.sqrt(ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2])
    ux, uy, uz = ax[0] / norm, ax[1] / norm, ax[2] / norm
    size = _size(v)
    (x0, y0, z0), (x1, y1, z1), (x2, y2, z2) = v[:3].tolist()
    e0 = (x1 - x0, y1 - y0, z1 - z0)
    e1 = (x2 - x1, y2 - y1, z2 - z1)
    tau = e0[0] * ux + e0[1] * uy + e0[2] * uz
    along1 = e1[0] * ux + e1[1] * uy + e1[2] * uz
    p0 = (e0[0] - tau * ux, e0[1] - tau * uy, e0[2] - tau * uz)
    p1 = (e1[0] - along1 * ux, e1[1] - along1 * uy, e1[2] - along1 * uz)
    p0_norm = math.sqrt(p0[0] * p0[0] + p0[1] * p0[1] + p0[2] * p0[2])
    if p0_norm <= _TOL * size:
        return None
    cross = (p0[1] * p1[2] - p0[2] * p1[1], p0[2] * p1[0] - p0[0] * p1[2], p0[0] * p1[1] - p0[1] * p1[0])
    alpha = math.atan2(cross[0] * ux + cross[1] * uy + cross[2] * uz,
                       p0[0] * p1[0] + p0[1] * p1[1] + p0[2] * p1[2])
    if abs(alpha) <= 1e-12:
        return None
    # v1 = R (v0 - c) + c + tau u  =>  (I - R) c = v1 - tau u - R v0, solved for c in the plane
    # normal to u (orthonormal basis f1 = p0 / |p0|, f2 = u x f1), where I - R is
    # [[1 - cos, sin], [-sin, 1 - cos]] (determinant 2 (1 - cos))
    f1 = (p0[0] / p0_norm, p0[1] / p0_norm, p0[2] / p0_norm)
    f2 = (uy * f1[2] - uz * f1[1], uz * f1[0] - ux * f1[2], ux * f1[1] - uy * f1[0])
    cos, sin = math.cos(alpha), math.sin(alpha)
    u_v0 = ux * x0 + uy * y0 + uz * z0
    k_v0 = (uy * z0 - uz * y0, uz * x0 - ux * z0, ux * y0 - uy * x0)
    rot_v0 = [q * cos + kq * sin + uq * u_v0 * (1.0 - cos) for q, kq, uq in zip((x0, y0, z0), k_v0, (ux, uy, uz))]
    rhs = (x1 - tau * ux - rot_v0[0], y1 - tau * uy - rot_v0[1], z1 - tau * uz - rot_v0[2])
    b1 = rhs[0] * f1[0] + rhs[1] * f1[1] + rhs[2] * f1[2]
    b2 = rhs[0] * f2[0] + rhs[1] * f2[1] + rhs[2] * f2[2]
    det = (1.0 - cos) ** 2 + sin * sin
    c1 = ((1.0 - cos) * b1 - sin * b2) / det
    c2 = (sin * b1 + (1.0 - cos) * b2) / det
    c = np.array([c1 * f1[0] + c2 * f2[0], c1 * f1[1] + c2 * f2[1], c1 * f1[2] + c2 * f2[2]])
    u = np.array([ux, uy, uz])
    k = np.arange(len(v), dtype=float)
    expected = _rotate((v[0] - c)[:, None], u, k * alpha) + c[:, None] + u[:, None] * (k * tau)
    if np.abs(expected - v.T).max() > _TOL * size:
        return None
    return c, alpha, tau


def _size(v: np.ndarray) -> float:
    """The largest extent max_k (max v_k - min v_k) [m] of the points ``v`` (N, 3) (reduced
    along contiguous rows)."""
    rows = np.ascontiguousarray(v.T)
    return float((rows.max(axis=1) - rows.min(axis=1)).max())


def _unit(a: list[float]) -> list[float]:
    """The 3-vector ``a`` (Python floats) over its length."""
    norm = math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])
    return [x / norm for x in a]


def _potential_along(t: np.ndarray, piece0: np.ndarray, dl: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A . dl [Wb/A] at the points piece0 + t dl of the pieces: the vector potential per ampere
    of the straight filaments a -> b projected on the piece direction ``dl``. ``piece0``, ``dl``,
    ``a``, ``b``: (P, 3); ``t``: (P, Q) or (Q,) piece parameters; result (P, Q). Computed
    component by component on contiguous arrays (structure of arrays)."""
    t = np.broadcast_to(t, (len(piece0), t.shape[-1]))
    px = (piece0[:, 0] - a[:, 0])[:, None] + t * dl[:, 0, None]
    py = (piece0[:, 1] - a[:, 1])[:, None] + t * dl[:, 1, None]
    pz = (piece0[:, 2] - a[:, 2])[:, None] + t * dl[:, 2, None]
    d = b - a
    dx, dy, dz = d[:, 0, None], d[:, 1, None], d[:, 2, None]
    qx, qy, qz = px - dx, py - dy, pz - dz
    length = np.sqrt(np.sum(d * d, axis=1))[:, None]
    r1 = np.sqrt(px * px + py * py + pz * pz)
    r2 = np.sqrt(qx * qx + qy * qy + qz * qz)
    pq = px * qx + py * qy + pz * qz
    s = r1 + r2
    # (R1 + R2)^2 - l^2 = 2 (R1 R2 + p.q), which cancels near the filament (p.q < 0): there use
    # R1 R2 + p.q = |p x q|^2 / (R1 R2 - p.q)
    r12 = r1 * r2
    gap = r12 + pq
    near = pq < 0
    if near.any():
        cx, cy, cz = py * qz - pz * qy, pz * qx - px * qz, px * qy - py * qx
        gap = np.where(near, (cx * cx + cy * cy + cz * cz) / np.where(near, r12 - pq, 1.0), gap)
    tdl = np.sum(d * dl, axis=1)[:, None] / length
    return (mu_0 / (4.0 * np.pi)) * np.log((s + length) ** 2 / (2.0 * gap)) * tdl


def _flux(piece0: np.ndarray, piece1: np.ndarray, src0: np.ndarray, src1: np.ndarray, order: int,
          far_values: np.ndarray | None = None) -> np.ndarray:
    """int A_src . dl along the pieces (P, 3) -> (P, 3) of the sources (P, 3) [Wb/A].
    ``far_values`` (P,): the single-panel rule's values (``_far_flux``, the same rule to
    rounding), kept for the pieces at least one piece length from their source instead of
    evaluating that rule again."""
    x, w = _gauss(order)
    dl = piece1 - piece0
    length = np.sqrt(np.einsum("ij,ij->i", dl, dl))
    mid = 0.5 * (src0 + src1)

    # the source's distance from the piece, estimated from its ends and mid-point (stacked: (3, P, 3))
    cand = np.stack([src0, src1, mid]) - piece0
    params = np.clip(np.einsum("cij,ij->ci", cand, dl) / (length**2), 0.0, 1.0)
    r = cand - params[:, :, None] * dl
    dists = np.sqrt(np.einsum("cij,cij->ci", r, r))
    nearest = np.argmin(dists, axis=0)
    sigma = dists[nearest, np.arange(len(length))]
    t_star = params[nearest, np.arange(len(length))]
    out = np.zeros(len(length))
    far = sigma >= length
    if far_values is not None:
        out[far] = far_values[far]
    elif far.any():
        out[far] = _potential_along(x, piece0[far], dl[far], src0[far], src1[far]) @ w
    near = ~far
    if near.any():
        # panels graded towards t*: break points t* +- 2^-m (m = 0 .. levels) clipped to [0, 1]
        # (coinciding break points give empty panels of zero weight), down to a few panels
        # below the source distance
        levels = int(min(_LEVELS, np.ceil(np.log2(length[near] / np.maximum(sigma[near], 1e-300 * length[near]))).max()
                         + 4))
        steps = 2.0 ** -np.arange(max(levels, 1) + 1)
        ts = t_star[near][:, None]
        edges = np.sort(np.clip(np.hstack([ts - steps, ts, ts + steps, np.zeros_like(ts), np.ones_like(ts)]), 0.0,
                                1.0), axis=1)
        lo, width = edges[:, :-1], np.diff(edges, axis=1)
        tt = (lo[:, :, None] + width[:, :, None] * x).reshape(len(ts), -1)  # (P, nodes)
        ww = (width[:, :, None] * w).reshape(len(ts), -1)
        out[near] = np.sum(ww * _potential_along(tt, piece0[near], dl[near], src0[near], src1[near]), axis=1)
    return out


def _far_flux(offsets: np.ndarray, piece: np.ndarray, chain: np.ndarray, order: int) -> np.ndarray:
    """int A_src . dl [Wb/A] along the pieces ``offsets[k] + [0, 1] piece`` (K pieces; ``offsets``
    (K, 3), ``piece`` (3,) [m]) for every source filament chain[j] -> chain[j + 1] (``chain``
    (J + 1, 3) [m], the same origin): (K, J), by ``order``-point Gauss-Legendre along each piece
    on one panel (``_flux``'s rule for a source at least one piece length away), with
    A . dl = (mu0 / 4 pi) ln((u + l)/(u - l)) (t . dl), u = R1 + R2 (the form of ``_potential_along``;
    ln of the ratio while u <= ``FAR_LOG_RATIO`` l, else log1p(2 l / (u - l)), module docstring). The
    distances to the chain's vertices are shared by the two filaments that meet there (structure of
    arrays: (nodes, vertices) planes)."""
    x, w = _gauss(order)
    nodes = (offsets[:, None, :] + x[None, :, None] * piece).reshape(-1, 3)  # (K Q, 3)
    m, nv = len(nodes), len(chain)
    # node-vertex offsets by one batched product, equal to the subtraction bit for bit
    # (``segment_kernels.point_factors``), then the padded layout of ``polyline_block``: flat
    # planes, pair m nv + j joins vertex j and j + 1 of node m (contiguous 1-d passes; the last
    # pair of each row is a dummy, dropped)
    xyz = np.matmul(segment_kernels.point_factors(nodes), segment_kernels.vertex_factors(chain))
    np.square(xyz, out=xyz)
    r = np.empty(m * nv + 1)
    np.add(xyz[0].ravel(), xyz[1].ravel(), out=r[:-1])
    r[:-1] += xyz[2].ravel()
    r[-1] = 0.0  # the spare element: the last dummy pair's u is a node-vertex distance, like every other
    np.sqrt(r, out=r)
    edges = np.diff(chain, axis=0)
    lengths = np.sqrt(np.einsum("ij,ij->i", edges, edges))
    tiled = np.tile(np.append(lengths, 0.0), m)  # per pair of the flat layout (the dummy pairs: 0)
    u = np.add(r[:-1], r[1:], out=xyz[0].ravel())
    with np.errstate(divide="ignore", invalid="ignore"):  # (dummy pairs only)
        # u <= max u over the flat layout, whose dummy pairs are sums of two node-vertex distances too
        if u.max() <= FAR_LOG_RATIO * lengths.min():
            # ln of the ratio itself: relative error <= u (1.5 (u/l + 1) + 1) (module docstring)
            ratio = np.add(u, tiled, out=xyz[1].ravel())
            u -= tiled
            ratio /= u
            f = np.log(ratio, out=ratio)
        else:
            u -= tiled
            f = np.log1p(np.divide(2.0 * tiled, u, out=u), out=u)
    f = f.reshape(m, nv)[:, :-1]
    tdl = (mu_0 / (4.0 * np.pi)) * (edges @ piece) / lengths
    return (w @ f.reshape(len(offsets), len(x), -1)) * tdl


def _helix_screw(coil: Coil):
    """``screw_motion`` of a one-winding round-wire coil about its axis (None if not a helix;
    kept in the coil's cache)."""
    key = "coildesign.rf.helix_inductance.screw"
    if key not in coil._cache:
        ws = coil.windings
        coil._cache[key] = (screw_motion(ws[0], coil.axis) if len(ws) == 1 and isinstance(ws[0], Winding)
                            and isinstance(ws[0].cross_section, RoundWire) and coil.axis is not None
                            and ws[0].turns == 1 else None)
    return coil._cache[key]


def is_uniform_helix(coil: Coil) -> bool:
    """True when ``coil`` is one open polyline of round wire whose vertices follow one screw
    motion about ``coil.axis`` (``helix_inductance`` applies)."""
    return isinstance(coil, Coil) and _helix_screw(coil) is not None


def helix_inductance(coil: Coil, *, internal: bool = True, order: int = 8, gmd_points: int = 6) -> float:
    """Self inductance L [H] of a one-winding uniform polyline helix of round wire (module
    docstring): the method of ``coildesign.analysis.inductance.inductance`` (same
    ``internal``, ``order``, ``gmd_points``) summed over the screw symmetry.

    Raises ValueError when ``coil`` is not one open polyline of round wire whose vertices are
    images of each other under one screw motion about ``coil.axis`` (use
    ``analysis.inductance`` for those).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    if not isinstance(internal, (bool, np.bool_)):
        check._fail("internal", "True or False", internal, TypeError)
    order = check.positive_int("order", order, minimum=2, maximum=64)
    k_pts = check.positive_int("gmd_points", gmd_points, minimum=1, maximum=64)
    key = ("coildesign.rf.helix_inductance", bool(internal), order, k_pts)
    if key in coil._cache:
        return coil._cache[key]
    screw = _helix_screw(coil)
    if screw is None:
        check._fail("coil", "one open polyline of round wire whose vertices follow one screw motion about "
                    "coil.axis (a uniform helix)", coil)
    c, alpha, tau = screw
    w = coil.windings[0]
    weight = float(coil.weights[0])
    u = np.asarray(coil.axis, dtype=float) / np.linalg.norm(coil.axis)
    v = np.asarray(w.vertices, dtype=float)
    n = len(v) - 1
    g = w.cross_section.radius * (np.exp(-0.25) if internal else 1.0)

    def images(lowest: int) -> tuple[np.ndarray, np.ndarray]:
        """S^k(v0) and S^k(v1) for k = lowest .. n in one rotation (source d joins the chain's
        points d - lowest and d - lowest + 1)."""
        k = np.arange(lowest, n + 1, dtype=float)
        kk = np.concatenate([k, k])
        both = (_rotate(np.repeat((v[:2] - c).T, len(k), axis=1), u, kk * alpha)
                + c[:, None] + u[:, None] * (kk * tau)).T
        return both[:len(k)], both[len(k):]

    chain, ends1 = images(-1)
    seg = v[1] - v[0]
    # the frame of segment 0 on Python floats (numpy's per-call cost on 3-vectors exceeds the work)
    (x0, y0, z0), (x1, y1, z1) = v[:2].tolist()
    t0 = [x1 - x0, y1 - y0, z1 - z0]
    length = math.sqrt(t0[0] * t0[0] + t0[1] * t0[1] + t0[2] * t0[2])
    t0 = [a / length for a in t0]
    prev = _unit([a - b for a, b in zip((x0, y0, z0), chain[0].tolist())])  # v0 - S^-1(v0)
    nxt = _unit([a - b for a, b in zip(ends1[2].tolist(), (x1, y1, z1))])  # S(v1) - v1
    raw = [a - b for a, b in zip(nxt, prev)]
    along = raw[0] * t0[0] + raw[1] * t0[1] + raw[2] * t0[2]
    nrm = _unit([a - along * t for a, t in zip(raw, t0)])
    bin_ = [t0[1] * nrm[2] - t0[2] * nrm[1], t0[2] * nrm[0] - t0[0] * nrm[2], t0[0] * nrm[1] - t0[1] * nrm[0]]
    phis = 2.0 * np.pi * np.arange(k_pts) / k_pts
    offsets = g * (np.cos(phis)[:, None] * np.array(nrm) + np.sin(phis)[:, None] * np.array(bin_))  # (K, 3)
    # phi(-d) = phi(d) when the segment is exactly the screw image step v1 = S v0 (module
    # docstring: the half turn): the sources d >= 0 only, the others counted twice
    step_error = max(abs(a - b) for a, b in zip(chain[2].tolist(), (x1, y1, z1)))
    symmetric = step_error <= _SYMMETRY_TOL * _size(v)
    if symmetric:
        chain, ends1, d = chain[1:], ends1[1:], np.arange(n)
    else:
        chain, ends1 = images(-(n - 1))
        d = np.arange(-(n - 1), n)
    flux = _far_flux(offsets, seg, chain - v[0], order)  # (K, sources), every source by the far rule
    # sources that may come closer than one piece length to a displaced piece (sigma < length in
    # ``_flux``; then |mid_d - mid_0| < 2 length + g) are recomputed piece by piece by ``_flux``
    mids = 0.5 * (chain[:-1] + chain[1:]) - (v[0] + 0.5 * seg)
    close = np.flatnonzero((np.einsum("ij,ij->i", mids, mids) < (1.01 * (2.0 * length + g)) ** 2) & (d != 0))
    if len(close):
        m = len(close)
        p0 = (v[0] + offsets).repeat(m, axis=0)
        p1 = (v[1] + offsets).repeat(m, axis=0)
        s0 = np.tile(chain[close], (k_pts, 1))
        s1 = np.tile(ends1[close], (k_pts, 1))
        flux[:, close] = _flux(p0, p1, s0, s1, order, flux[:, close].ravel()).reshape(k_pts, m)
    phi = flux.mean(axis=0)
    phi[d == 0] = mu_0 / (2.0 * np.pi) * (length * np.arcsinh(length / g) - np.hypot(length, g) + g)
    counts = (n - np.abs(d)) * (np.where(d > 0, 2.0, 1.0) if symmetric else 1.0)
    total = float(np.sum(counts * phi)) * weight**2
    coil._cache[key] = total
    return total
