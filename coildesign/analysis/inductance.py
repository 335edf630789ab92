"""Self and mutual inductance of arbitrary windings from the field engine's vector potential.

Mutual inductance (Neumann)
---------------------------
M_ab = (1/I) sum_m w_m n_m oint_m A_a . dl  (F. E. Neumann 1845; [Grover]; Jackson,
Classical Electrodynamics 3rd ed., sec. 5.17): A_a is the vector potential of coil a's centre-line
filaments per ampere, weights w and turns n included (``coildesign.vector_potential``, exact
segment and loop kernels), and the line integral runs along every winding m of coil b, scaled by
its weight w_m and turns n_m. The weights of both coils therefore multiply.

Quadrature. Each straight segment of coil b is a piece with ``order`` Gauss-Legendre nodes; each
circle (``LoopWinding``) is ``loop_points / order`` arcs with Gauss-Legendre nodes in the angle.
Gauss-Legendre on a piece of length h converges geometrically as long as the integrand has no
singularity within ~h of it (Bernstein ellipse; error ~ rho^(-2 order), rho >= 4.2 when the
distance is >= h: ~1e-10 for order 8). The singularities of the potential of a straight source
segment, continued to complex positions along the target line, sit at its two end points and
(for non-parallel lines whose common perpendicular meets the source segment) at distance
delta / sin(theta) from the point of closest approach (delta the distance of the lines, theta
their angle): a parallel neighbour at distance p is singular only near its ends, a crossing one
near the crossing. A source whose singularity distance sigma is below the piece length is
"near": its contribution is removed from the coarse nodes and integrated instead on panels
bisected until each is no longer than ``REFINE`` x sigma (geometric grading towards end points,
crossings and touching points; at most ``MAX_LEVELS`` bisections), with the exact kernels
evaluated directly. Circles are handled the same way with chord distances (minus the sagitta);
a source circle coaxial with a target circle contributes a constant integrand and is never near.
The far part is one engine call on the coarse nodes, chunked (``CHUNK_NODES``) so that memory
stays bounded; for straight pieces and straight sources it is instead a dense sum over node
blocks and the source vertex chain (``_copies_coarse``) that leaves the near pairs out rather
than subtracting them, and adds the K displaced copies of a piece (below) under one logarithm:
they are translations of the piece, so they share its line elements, and sum_k ln r_k =
ln prod_k r_k for the K log ratios of the segment potential. M_ab = M_ba to ~1e-12 (tested).
Coincident paths (overlapping filaments) have an infinite Neumann integral and are refused.

Self inductance (geometric mean distance)
-----------------------------------------
L = (1/I^2) int A . J dV over the conductor. For a straight conductor with uniform current this
is exactly the mutual inductance of two filaments at the geometric mean distance (GMD) g of the
cross-section from itself (Maxwell, Treatise vol. 2 art. 691-693; Rosa, Bull. Bur. Stand. 4, 301
(1908); [Grover]): L = (1/I) int A_filament(x + g e) . dl. Here every path is displaced by
g in ``gmd_points`` = K directions e_k = cos(2 pi k/K) N + sin(2 pi k/K) B around it (N the
principal normal, towards the centre of curvature, B the binormal; for a polyline N is the
discrete curvature direction t_(j+1) - t_(j-1) projected off the segment) and the K results are
averaged:

- round wire of radius a: g = a e^(-1/4) with uniform current (``internal=True``, low
  frequency; ln(1/g) = ln(1/a) + 1/4 is the internal inductance mu0/(8 pi) per metre), g = a
  with the current on the surface (``internal=False``, strong skin effect);
- rectangular strip w x t: Maxwell's exact GMD of a rectangle from itself (art. 691-692),
  ln g = ln d - (w^2/12t^2) ln(1 + t^2/w^2) - (t^2/12w^2) ln(1 + w^2/t^2)
  + (2w/3t) atan(t/w) + (2t/3w) atan(w/t) - 25/12, d = sqrt(w^2 + t^2) (g ~ 0.2235 (w + t),
  Rosa & Grover 1912), for both values of ``internal`` (the strip's high-frequency current
  crowding is not modelled).

Why a ring of K = 6 points: (1) the first-order curvature terms of the potential near a curved
wire (~ g cos(phi) / R_curvature) cancel between opposite points, so the error is O(g^2/R^2)
(Dengler, "Self inductance of a wire loop as a curve integral", Adv. Electromagn. 5, 1 (2016),
arXiv:1204.1486: second order for smooth loops, first order at sharp corners); (2) by the mean
value property of the 2-D potential ln|x - x0|, the average over K equally spaced points of a
neighbour conductor's potential (another turn at distance p) equals its value on that
conductor's axis, as it should for round wires, up to (1/K) ln(1 - (g/p)^K): for touching
wires at high frequency (g/p = 1/2) 2.6e-3 in the logarithm for K = 6, against 1.6e-2 for K = 4
and -0.69 for a single displaced point (measured on tightly wound rings: K = 4 leaves ~1e-3,
K = 6 ~1e-4, no better with more points). The exact straight-segment self term is used: a
displaced copy of a segment of length l sees its own segment as a parallel coextensive filament
at distance g, so that term is mu0/(2 pi) [l asinh(l/g) - sqrt(l^2 + g^2) + g] (Grover 1946)
exactly. Displaced copies keep the length of their path (translated segments; displaced
circles use R d(theta)), which keeps a fine polygon converging to the exact circle.

Coils of several windings (one winding per turn, e.g. the winding packs of
``coildesign.geometries``): L = sum_k L_kk + 2 sum_(k<l) M_kl. Only each winding's own term
L_kk uses the displaced paths above; distinct windings are the Neumann integral between their
centre lines, which is exact for round wires that do not touch (the GMD of two separate round
wires with uniform current is their centre distance, Maxwell art. 693). Displacing every path
instead (one displaced copy against all sources) biases each distinct pair by O(g^2/R^2): the
2-D mean value property holds for ln r but A_phi of a ring obeys (lap - 1/r^2) A_phi = 0, so
the average over the K displaced rings is A_phi (1 + g^2/(4 R^2)) (+4e-4 for g/R = 0.04,
measured). Windings whose paths run along each other (coincident filaments) are evaluated
together by the displaced paths, where they see each other at the GMD like one conductor.
Within one winding (a helix drawn as one polyline) the displaced-path average applies to its
distinct turns as well, with the O(g^2/R^2) bias just stated.

Accuracy (measured in tests/analysis/test_inductance.py): a circular loop of round wire agrees with the
O(a^2/R^2) expansion mu0 R [(1 + a^2/8R^2) ln(8R/a) - 7/4 + a^2/24R^2] to 0.02-0.07 (a/R)^2;
coaxial loops with Maxwell's formula to 1e-12; a straight wire (also split into segments) with
the exact GMD partial inductance to 1e-14; a rectangle with Grover's partial-inductance sum to
1e-5; stacked rings of round wire (pitch/diameter 1 to 2) with the exact ring sum (Maxwell's
formula for distinct rings + Wien's single-ring expansion) to 4e-6 - 9e-5; a 1000-segment helix
with Nagaoka + Rosa to 5e-4. A filament (no cross-section) has an infinite self inductance and is
refused.

[Grover] F. W. Grover, Inductance Calculations (1946).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil, LoopWinding, frame
from coildesign.conductors import RectangularStrip, RoundWire
from coildesign.fields import loop_kernels, vector_potential
from coildesign.fields.segment_kernels import MU0_4PI, NEAR_RATIO, point_factors, vertex_factors
from coildesign.symmetry import orbits, stabiliser, winding_orbits

__all__ = ["inductance", "inductance_matrix", "mutual_inductance", "geometric_mean_distance"]

GAUSS_ORDER = 8  # Gauss-Legendre nodes per piece / panel
LOOP_POINTS = 256  # coarse nodes per circle (arcs = LOOP_POINTS / order)
GMD_POINTS = 6  # displaced paths averaged for self inductance
REFINE = 1.0  # panel length <= REFINE x singularity distance
MAX_LEVELS = 40  # bisections of a piece at most (panel >= 2^-40 of the piece)
MAX_PANELS = 20000  # panels per piece before the paths are declared overlapping
LOOP_CHORDS = 256  # chords approximating a source circle for distance estimates
CHUNK_NODES = 1 << 15  # coarse nodes per engine call
CHUNK_PAIRS = 1 << 10  # (panel, source) pairs per direct-kernel batch: work arrays of ~8k elements stay in
# cache and in the allocator's free lists (batches of 16k pairs measured ~1.7x slower per pair)
SIGMA_PAIRS = 1 << 12  # pairs per batch of singularity distances (same reason; 131k at once ~3x slower)
LOOP_BATCH = 64  # source circles per batch of chord distances
DENSE_PAIRS = 1 << 15  # (node, vertex) pairs per block of the displaced-copy sum (cache-sized)
DENSE_SOURCES = 1 << 16  # source segments above which the copies go to the field engine (bounded memory:
# the dense sum holds 9 planes of at least one row of nodes x all vertices)
OVERLAP_TOL = 1e-9  # relative distance below which two paths are taken as coincident


# ---------------------------------------------------------------------------- GMD
def geometric_mean_distance(cross_section: RoundWire | RectangularStrip, *, internal: bool = True) -> float:
    """Geometric mean distance [m] of a conductor cross-section from itself (see module
    docstring): a e^(-1/4) (round wire, uniform current), a (round wire, ``internal=False``),
    Maxwell's exact expression for a w x t rectangle (either value of ``internal``)."""
    if isinstance(cross_section, RoundWire):
        return float(cross_section.radius * (np.exp(-0.25) if internal else 1.0))
    if isinstance(cross_section, RectangularStrip):
        w, t = float(cross_section.width), float(cross_section.thickness)
        ln_g = (np.log(np.hypot(w, t)) - w * w / (12 * t * t) * np.log1p(t * t / (w * w))
                - t * t / (12 * w * w) * np.log1p(w * w / (t * t))
                + 2 * w / (3 * t) * np.arctan(t / w) + 2 * t / (3 * w) * np.arctan(w / t) - 25.0 / 12.0)
        return float(np.exp(ln_g))
    check._fail("cross_section", "a RoundWire or RectangularStrip", cross_section, TypeError)


def _parallel_mutual(length: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """mu0/(2 pi) [l asinh(l/d) - sqrt(l^2 + d^2) + d] (coextensive parallel filaments)."""
    return mu_0 / (2 * np.pi) * (length * np.arcsinh(length / distance) - np.hypot(length, distance) + distance)


# ---------------------------------------------------------------------------- geometry helpers
def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


def _segment_distance(p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Least distance between segments p0-p1 and q0-q1 (broadcast over leading axes; Ericson,
    Real-Time Collision Detection (2005), sec. 5.1.9)."""
    d1, d2, r = p1 - p0, q1 - q0, p0 - q0
    a, e, f = _dot(d1, d1), _dot(d2, d2), _dot(d2, r)
    c, b = _dot(d1, r), _dot(d1, d2)
    den = a * e - b * b
    safe_a = np.where(a > 0, a, 1.0)
    safe_e = np.where(e > 0, e, 1.0)
    s = np.where(den > 1e-14 * a * e, np.clip((b * f - c * e) / np.where(den > 0, den, 1.0), 0.0, 1.0), 0.0)
    t = (b * s + f) / safe_e
    s = np.where(t < 0, np.clip(-c / safe_a, 0.0, 1.0), np.where(t > 1, np.clip((b - c) / safe_a, 0.0, 1.0), s))
    t = np.clip(t, 0.0, 1.0)
    return np.linalg.norm(p0 + s[..., None] * d1 - q0 - t[..., None] * d2, axis=-1)


def _segment_sigma(a0: np.ndarray, a1: np.ndarray, s0: np.ndarray, s1: np.ndarray,
                   overlap: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Singularity distance [m] of a straight source segment s0-s1 seen from target panel a0-a1
    (module docstring), and a mask of coincident (overlapping collinear) pairs (None unless
    ``overlap``); inputs (N, 3), worked in structure of arrays."""
    ax, ay, az = a0[:, 0], a0[:, 1], a0[:, 2]
    sx, sy, sz = s0[:, 0], s0[:, 1], s0[:, 2]
    d1x, d1y, d1z = a1[:, 0] - ax, a1[:, 1] - ay, a1[:, 2] - az
    d2x, d2y, d2z = s1[:, 0] - sx, s1[:, 1] - sy, s1[:, 2] - sz
    h2 = d1x * d1x + d1y * d1y + d1z * d1z
    l2 = d2x * d2x + d2y * d2y + d2z * d2z
    safe_h2 = np.where(h2 > 0, h2, 1.0)

    def point_distance(px, py, pz):  # distance of points p from the panel
        rx, ry, rz = px - ax, py - ay, pz - az
        t = np.clip((rx * d1x + ry * d1y + rz * d1z) / safe_h2, 0.0, 1.0)
        rx, ry, rz = rx - t * d1x, ry - t * d1y, rz - t * d1z
        return np.sqrt(rx * rx + ry * ry + rz * rz)

    sigma = np.minimum(point_distance(sx, sy, sz), point_distance(s1[:, 0], s1[:, 1], s1[:, 2]))
    cx, cy, cz = d1y * d2z - d1z * d2y, d1z * d2x - d1x * d2z, d1x * d2y - d1y * d2x
    den = cx * cx + cy * cy + cz * cz
    wx, wy, wz = ax - sx, ay - sy, az - sz
    nonpar = den > 1e-20 * h2 * l2
    safe = np.where(nonpar, den, 1.0)
    b = d1x * d2x + d1y * d2y + d1z * d2z
    d = d1x * wx + d1y * wy + d1z * wz
    e = d2x * wx + d2y * wy + d2z * wz
    tau = (b * e - l2 * d) / safe
    mu = (h2 * e - b * d) / safe
    delta = np.abs(wx * cx + wy * cy + wz * cz) / np.sqrt(safe)
    sin = np.sqrt(safe / np.where(h2 * l2 > 0, h2 * l2, 1.0))
    along = np.sqrt(h2) * np.maximum(0.0, np.maximum(-tau, tau - 1.0))
    active = nonpar & (mu >= 0.0) & (mu <= 1.0)
    pinch = np.where(active, np.hypot(along, delta / np.where(active, sin, 1.0)), np.inf)
    sigma = np.minimum(sigma, pinch)
    if not overlap:
        return sigma, None
    # coincident: parallel, on the same line, projections overlapping over a finite length
    scale = np.sqrt(h2) + np.sqrt(l2)
    ox, oy, oz = wy * d1z - wz * d1y, wz * d1x - wx * d1z, wx * d1y - wy * d1x
    off_line = np.sqrt(ox * ox + oy * oy + oz * oz) / np.sqrt(safe_h2)
    t0 = -d / safe_h2  # s0 projected on the panel, in panel fractions
    t1 = ((s1[:, 0] - ax) * d1x + (s1[:, 1] - ay) * d1y + (s1[:, 2] - az) * d1z) / safe_h2
    lo, hi = np.maximum(np.minimum(t0, t1), 0.0), np.minimum(np.maximum(t0, t1), 1.0)
    overlap = ~nonpar & (off_line <= OVERLAP_TOL * scale) & (hi - lo > OVERLAP_TOL)
    return sigma, overlap


# ---------------------------------------------------------------------------- data
@dataclass(frozen=True)
class _Sources:
    """Centre-line filaments of a coil: straight segments and circles (weights x turns)."""

    filament: Coil
    s0: np.ndarray  # (Ns, 3)
    s1: np.ndarray  # (Ns, 3)
    sw: np.ndarray  # (Ns,)
    lc: np.ndarray  # (Nl, 3) centres
    lf: np.ndarray  # (Nl, 3, 3) frames, rows e1, e2, normal
    lr: np.ndarray  # (Nl,) radii
    lw: np.ndarray  # (Nl,)
    size: float  # bounding-box diagonal [m]
    index: dict = field(default_factory=dict)  # lazily built search trees of the segments


@dataclass(frozen=True)
class _Pieces:
    """Quadrature pieces of a target path: straight (kind 0) or circular arcs (kind 1)."""

    kind: np.ndarray  # (P,) 0 or 1
    q0: np.ndarray  # (P, 3) straight start
    q1: np.ndarray  # (P, 3) straight end
    centre: np.ndarray  # (P, 3) arc circle centre
    frame: np.ndarray  # (P, 3, 3) arc frame rows e1, e2, normal
    radius: np.ndarray  # (P,) arc circle radius
    dl_radius: np.ndarray  # (P,) radius used for dl (length-preserving displaced circles)
    theta0: np.ndarray  # (P,)
    theta1: np.ndarray  # (P,)
    weight: np.ndarray  # (P,) target weight x turns / number of displaced paths
    own: np.ndarray  # (P,) own source segment index (self inductance) or -1
    offset: np.ndarray  # (P,) displacement g [m] (for the exact own-segment term)
    group: np.ndarray  # (P,) index of the path piece this piece is a displaced copy of
    copy: np.ndarray  # (P,) which of the displaced copies (0 .. copies - 1)

    @property
    def n(self) -> int:
        return len(self.kind)


def _filament(coil: Coil) -> Coil:
    """The coil with every conductor replaced by its centre-line filament (cached)."""
    if "filament" not in coil._cache:
        coil._cache["filament"] = Coil([replace(w, cross_section=None) for w in coil.windings], coil.weights,
                                       name=coil.name)
    return coil._cache["filament"]


def _sources(coil: Coil) -> _Sources:
    key = "coildesign.analysis.inductance.sources"
    if key in coil._cache:
        return coil._cache[key]
    s0, s1, sw, lc, lf, lr, lw, pts = [], [], [], [], [], [], [], []
    for w, wt in zip(coil.windings, coil.weights):
        scale = float(wt) * w.turns
        if isinstance(w, LoopWinding):
            lc.append(w.center)
            lf.append(frame(w.normal))
            lr.append(w.radius)
            lw.append(scale)
            pts += [w.center - w.radius, w.center + w.radius]
        else:
            v = w.vertices
            s0.append(v[:-1])
            s1.append(v[1:])
            sw.append(np.full(len(v) - 1, scale))
            pts.append(v)
    s0 = np.vstack(s0) if s0 else np.zeros((0, 3))
    s1 = np.vstack(s1) if s1 else np.zeros((0, 3))
    allp = np.vstack([np.atleast_2d(p) for p in pts])
    src = _Sources(_filament(coil), s0, s1, np.concatenate(sw) if sw else np.zeros(0),
                   np.array(lc).reshape(-1, 3), np.array(lf).reshape(-1, 3, 3), np.array(lr, dtype=float),
                   np.array(lw, dtype=float), float(np.linalg.norm(allp.max(axis=0) - allp.min(axis=0))))
    coil._cache[key] = src
    return src


def _polyline_frames(v: np.ndarray, closed: bool, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit tangent, principal normal (towards the discrete centre of curvature) and binormal
    of each segment of a polyline with vertices ``v`` (N+1, 3)."""
    lv = np.diff(v, axis=0)
    t = lv / np.linalg.norm(lv, axis=1)[:, None]
    n = len(t)
    if closed and n > 2:
        prev, nxt = np.roll(t, 1, axis=0), np.roll(t, -1, axis=0)
    else:
        prev = np.vstack([t[:1], t[:-1]])
        nxt = np.vstack([t[1:], t[-1:]])
    raw = nxt - prev
    nrm = raw - _dot(raw, t)[:, None] * t
    size = np.linalg.norm(nrm, axis=1)
    fallback = axis[None, :] - (t @ axis)[:, None] * t
    fsize = np.linalg.norm(fallback, axis=1)
    helper = np.where(np.abs(t[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    other = np.cross(t, helper)
    fallback = np.where(fsize[:, None] > 1e-6, fallback, other)
    fallback /= np.linalg.norm(fallback, axis=1)[:, None]
    nrm = np.where(size[:, None] > 1e-9, nrm / np.maximum(size, 1e-300)[:, None], fallback)
    return t, nrm, np.cross(t, nrm)


def _pieces(coil: Coil, offsets: list[float], k_points: int, order: int, loop_points: int,
            own: bool) -> _Pieces:
    """Quadrature pieces along the windings of ``coil`` displaced by ``offsets[k]`` in
    ``k_points`` directions (one undisplaced path when the offset is 0)."""
    axis = coil.axis if coil.axis is not None else np.array([0.0, 0.0, 1.0])
    n_arc = max(4, -(-loop_points // order))
    rows: dict[str, list] = {k: [] for k in ("kind", "q0", "q1", "centre", "frame", "radius", "dl_radius",
                                             "theta0", "theta1", "weight", "own", "offset",
                                             "group", "copy")}
    seg_base = group_base = 0
    for w, wt, g in zip(coil.windings, coil.weights, offsets):
        kk = k_points if g > 0 else 1
        phis = 2 * np.pi * np.arange(kk) / kk
        scale = float(wt) * w.turns / kk
        if isinstance(w, LoopWinding):
            f = frame(w.normal)
            th = 2 * np.pi * np.arange(n_arc + 1) / n_arc
            for k, phi in enumerate(phis):
                rows["group"].append(group_base + np.arange(n_arc))
                rows["copy"].append(np.full(n_arc, k))
                r = w.radius - g * np.cos(phi)  # +N points inwards
                c = w.center + g * np.sin(phi) * w.normal
                rows["kind"].append(np.ones(n_arc, dtype=int))
                p0 = c + r * (np.cos(th[:-1])[:, None] * f[0] + np.sin(th[:-1])[:, None] * f[1])
                p1 = c + r * (np.cos(th[1:])[:, None] * f[0] + np.sin(th[1:])[:, None] * f[1])
                rows["q0"].append(p0)
                rows["q1"].append(p1)
                rows["centre"].append(np.tile(c, (n_arc, 1)))
                rows["frame"].append(np.tile(f, (n_arc, 1, 1)))
                rows["radius"].append(np.full(n_arc, r))
                rows["dl_radius"].append(np.full(n_arc, w.radius))
                rows["theta0"].append(th[:-1])
                rows["theta1"].append(th[1:])
                rows["weight"].append(np.full(n_arc, scale))
                rows["own"].append(np.full(n_arc, -1))
                rows["offset"].append(np.full(n_arc, g))
            group_base += n_arc
            continue
        v = w.vertices
        m = len(v) - 1
        t, nrm, bi = _polyline_frames(v, w.closed, axis)
        for k, phi in enumerate(phis):
            rows["group"].append(group_base + np.arange(m))
            rows["copy"].append(np.full(m, k))
            shift = g * (np.cos(phi) * nrm + np.sin(phi) * bi)
            rows["kind"].append(np.zeros(m, dtype=int))
            rows["q0"].append(v[:-1] + shift)
            rows["q1"].append(v[1:] + shift)
            rows["centre"].append(np.zeros((m, 3)))
            rows["frame"].append(np.tile(np.eye(3), (m, 1, 1)))
            for key in ("radius", "dl_radius", "theta0", "theta1"):
                rows[key].append(np.zeros(m))
            rows["weight"].append(np.full(m, scale))
            rows["own"].append(seg_base + np.arange(m) if own and g > 0 else np.full(m, -1))
            rows["offset"].append(np.full(m, g))
        seg_base += m
        group_base += m
    cat = {k: np.concatenate(vals) for k, vals in rows.items()}
    return _Pieces(**cat)


# ---------------------------------------------------------------------------- nodes
def _panel_geometry(pc: _Pieces, idx: np.ndarray, t0: np.ndarray, t1: np.ndarray):
    """Chord end points (P, 3), length [m] and sagitta [m] of panels [t0, t1] of pieces idx."""
    kind = pc.kind[idx]
    q0, q1 = pc.q0[idx], pc.q1[idx]
    a0 = q0 + t0[:, None] * (q1 - q0)
    a1 = q0 + t1[:, None] * (q1 - q0)
    length = np.linalg.norm(a1 - a0, axis=1)
    sag = np.zeros(len(idx))
    arc = kind == 1
    if arc.any():
        ia = idx[arc]
        dth = pc.theta1[ia] - pc.theta0[ia]
        th0 = pc.theta0[ia] + t0[arc] * dth
        th1 = pc.theta0[ia] + t1[arc] * dth
        f = pc.frame[ia]
        r = pc.radius[ia][:, None]
        c = pc.centre[ia]
        a0[arc] = c + r * (np.cos(th0)[:, None] * f[:, 0] + np.sin(th0)[:, None] * f[:, 1])
        a1[arc] = c + r * (np.cos(th1)[:, None] * f[:, 0] + np.sin(th1)[:, None] * f[:, 1])
        half = 0.5 * (th1 - th0)
        length[arc] = pc.dl_radius[ia] * (th1 - th0)
        sag[arc] = pc.radius[ia] * (1.0 - np.cos(half))
    return a0, a1, length, sag


@functools.lru_cache(maxsize=16)
def _gauss_legendre(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (numpy's, computed once per order)."""
    return np.polynomial.legendre.leggauss(order)


def _nodes(pc: _Pieces, idx: np.ndarray, t0: np.ndarray, t1: np.ndarray, order: int):
    """Gauss-Legendre nodes (P, order, 3) and weighted line elements dl (P, order, 3) [m]."""
    x, gw = _gauss_legendre(order)
    tau = t0[:, None] + (t1 - t0)[:, None] * 0.5 * (x[None, :] + 1.0)
    wt = (t1 - t0)[:, None] * 0.5 * gw[None, :]
    q0, q1 = pc.q0[idx], pc.q1[idx]
    pts = q0[:, None, :] + tau[..., None] * (q1 - q0)[:, None, :]
    dl = wt[..., None] * (q1 - q0)[:, None, :]
    arc = pc.kind[idx] == 1
    if arc.any():
        ia = idx[arc]
        dth = (pc.theta1[ia] - pc.theta0[ia])[:, None]
        th = pc.theta0[ia][:, None] + tau[arc] * dth
        f = pc.frame[ia]
        cos, sin = np.cos(th)[..., None], np.sin(th)[..., None]
        e1, e2 = f[:, None, 0], f[:, None, 1]
        pts[arc] = pc.centre[ia][:, None, :] + pc.radius[ia][:, None, None] * (cos * e1 + sin * e2)
        dl[arc] = (pc.dl_radius[ia][:, None] * dth * wt[arc])[..., None] * (-sin * e1 + cos * e2)
    return pts, dl


# ---------------------------------------------------------------------------- direct kernels
def _loop_potential(pts: np.ndarray, centre: np.ndarray, frame: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """A per ampere of filament circles (E,) at points (E, q, 3) -> (E, q, 3)."""
    rel = pts - centre[:, None, :]
    loc = np.einsum("eij,eqj->eqi", frame, rel)
    ax, ay, az = loop_kernels.loop_vector_potential(loc[..., 0], loc[..., 1], loc[..., 2], radius[:, None], 0.0)
    return np.einsum("eji,eqj->eqi", frame, np.stack([ax, ay, az], axis=-1))


def _log_argument(ax, ay, az, lx, ly, lz):
    """(L, u, D) for node offsets a = x - s0 from a source segment's start and its vector Lv:
    ln((u + L)/(u - L)) = log1p(L (u + L) / D) with u = R1 + R2, D = R1 R2 + a.b, or
    |a x b|^2 / (R1 R2 - a.b) where a.b < 0 (cancellation-free; a x b = Lv x a, b = a - Lv;
    Hanson & Hirshman, Phys. Plasmas 9, 4410 (2002), eq. 9)."""
    bx, by, bz = ax - lx, ay - ly, az - lz
    r1 = np.sqrt(ax * ax + ay * ay + az * az)
    r2 = np.sqrt(bx * bx + by * by + bz * bz)
    length = np.sqrt(lx * lx + ly * ly + lz * lz)
    ab = ax * bx + ay * by + az * bz
    v = r1 * r2
    cx, cy, cz = ly * az - lz * ay, lz * ax - lx * az, lx * ay - ly * ax
    pos = ab >= 0.0
    den = np.where(pos, v + ab, (cx * cx + cy * cy + cz * cz) / np.where(pos, 1.0, v - ab))
    return length, r1 + r2, den


def _segment_flux(pts: np.ndarray, dl: np.ndarray, src: _Sources, j: np.ndarray) -> np.ndarray:
    """sum over nodes of (w_j A_j) . dl for node sets (E, q, 3) and source segments j (E,):
    the explicit cancellation-free form of ``segment_kernels.segment_vector_potential``
    (``_log_argument``), structure of arrays, without that kernel's conductor rule (filaments
    here) and power-of-two range scaling (inductance geometry: squared lengths stay normal)."""
    s0, lv = src.s0[j], src.s1[j] - src.s0[j]
    lx, ly, lz = (lv[:, k, None] for k in range(3))
    length, u, den = _log_argument(*(pts[..., k] - s0[:, k, None] for k in range(3)), lx, ly, lz)
    with np.errstate(divide="ignore"):
        lam = np.log1p(length * (u + length) / den)
    lam = np.where(den > 0.0, lam, 0.0)  # a node on the filament: no value (segment_kernels)
    lam *= dl[..., 0] * lx + dl[..., 1] * ly + dl[..., 2] * lz
    return MU0_4PI * src.sw[j] / length[:, 0] * lam.sum(axis=1)


def _pair_flux(pts: np.ndarray, dl: np.ndarray, src: _Sources, kind: np.ndarray, j: np.ndarray) -> np.ndarray:
    """sum over nodes of (w_j A_j) . dl for pairs (E,) of node sets (E, q, 3) and sources."""
    out = np.zeros(len(kind))
    for start in range(0, len(kind), CHUNK_PAIRS):
        sl = slice(start, start + CHUNK_PAIRS)
        kd, jj, p, d = kind[sl], j[sl], pts[sl], dl[sl]
        val = np.zeros(len(kd))
        seg = kd == 0
        if seg.all():
            val = _segment_flux(p, d, src, jj)
        elif seg.any():
            val[seg] = _segment_flux(p[seg], d[seg], src, jj[seg])
        lp = ~seg
        if lp.any():
            jl = jj[lp]
            a = _loop_potential(p[lp], src.lc[jl], src.lf[jl], src.lr[jl])
            val[lp] = src.lw[jl] * np.einsum("eqi,eqi->e", a, d[lp])
        out[sl] = val
    return out


# ---------------------------------------------------------------------------- near pairs
def _coaxial(pc: _Pieces, i: np.ndarray, src: _Sources, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(coaxial, coincident) masks for arc pieces i against source circles j."""
    arc = pc.kind[i] == 1
    n_t, n_s = pc.frame[i, 2], src.lf[j, 2]
    parallel = np.linalg.norm(np.cross(n_t, n_s), axis=1) < 1e-12
    dc = pc.centre[i] - src.lc[j]
    on_axis = np.linalg.norm(np.cross(dc, n_s), axis=1) <= 1e-12 * src.lr[j]
    coax = arc & parallel & on_axis
    same = coax & (np.abs(_dot(dc, n_s)) <= OVERLAP_TOL * src.lr[j]) & (
        np.abs(pc.radius[i] - src.lr[j]) <= OVERLAP_TOL * src.lr[j])
    return coax, same


def _loop_chords(src: _Sources, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    th = 2 * np.pi * np.arange(LOOP_CHORDS + 1) / LOOP_CHORDS
    f = src.lf[j]
    r = src.lr[j][:, None, None]
    pts = src.lc[j][:, None, :] + r * (np.cos(th)[None, :, None] * f[:, None, 0]
                                       + np.sin(th)[None, :, None] * f[:, None, 1])
    sag = src.lr[j] * (1.0 - np.cos(np.pi / LOOP_CHORDS))
    return pts[:, :-1], pts[:, 1:], sag


def _sigma(pc: _Pieces, idx: np.ndarray, t0: np.ndarray, t1: np.ndarray, src: _Sources, kind: np.ndarray,
           j: np.ndarray, overlap: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sigma, panel length, coincident) for pairs of panels [t0, t1] of pieces idx and sources
    (coincidence tested only if ``overlap``: the panels of ``_refined`` belong to pairs tested
    whole before)."""
    a0, a1, length, sag = _panel_geometry(pc, idx, t0, t1)
    sigma = np.full(len(idx), np.inf)
    bad = np.zeros(len(idx), dtype=bool)
    seg = kind == 0
    for start in range(0, len(idx), SIGMA_PAIRS):
        sel = start + np.flatnonzero(seg[start:start + SIGMA_PAIRS])
        if len(sel):
            jj = j[sel]
            sg, ov = _segment_sigma(a0[sel], a1[sel], src.s0[jj], src.s1[jj], overlap)
            sigma[sel] = sg - sag[sel]
            if overlap:
                bad[sel] = ov & (sag[sel] == 0.0)
    lp = np.flatnonzero(~seg)
    for start in range(0, len(lp), LOOP_BATCH):
        sel = lp[start:start + LOOP_BATCH]
        c0, c1, csag = _loop_chords(src, j[sel])
        dist = _segment_distance(a0[sel][:, None, :], a1[sel][:, None, :], c0, c1).min(axis=1)
        sigma[sel] = dist - csag - sag[sel]
    return np.maximum(sigma, 0.0), length, bad


def _segment_index(src: _Sources) -> list[tuple[np.ndarray, cKDTree, float]]:
    """KD-trees of segment midpoints, one per octave of segment length: (members, tree, max half)."""
    if "trees" not in src.index:
        trees = []
        if len(src.s0):
            smid = 0.5 * (src.s0 + src.s1)
            half = 0.5 * np.linalg.norm(src.s1 - src.s0, axis=1)
            bucket = np.floor(np.log2(half / half.max())).clip(-60, 0).astype(int)
            for b in np.unique(bucket):
                sel = np.flatnonzero(bucket == b)
                trees.append((sel, cKDTree(smid[sel]), float(half[sel].max())))
        src.index["trees"] = trees
    return src.index["trees"]


def _candidates(pc: _Pieces, src: _Sources, idx: np.ndarray,
                margin: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (piece i in idx, source kind, source j) that may be near: the piece's singularity
    distance to the source may be below the piece length / REFINE; with ``margin`` [m] also for
    any translate of the piece by up to ``margin``."""
    a0, a1, length, sag = _panel_geometry(pc, idx, np.zeros(len(idx)), np.ones(len(idx)))
    mid = 0.5 * (a0 + a1)
    reach = 0.5 * length + length / REFINE + sag + margin
    out_i, out_k, out_j = [], [], []
    if len(src.s0):
        smid = 0.5 * (src.s0 + src.s1)
        half = 0.5 * np.linalg.norm(src.s1 - src.s0, axis=1)
        for sel, tree, hmax in _segment_index(src):
            radius = reach + hmax * (1 + 1e-12)
            lists = tree.query_ball_point(mid, radius, return_sorted=False)
            counts = np.fromiter(map(len, lists), dtype=int, count=len(lists))
            found = int(counts.sum())
            if found == 0:
                continue
            ii = np.repeat(np.arange(len(idx)), counts)
            jj = sel[np.fromiter(itertools.chain.from_iterable(lists), dtype=int, count=found)]
            keep = np.linalg.norm(mid[ii] - smid[jj], axis=1) <= reach[ii] + half[jj] * (1 + 1e-12)
            out_i.append(idx[ii[keep]])
            out_j.append(jj[keep])
            out_k.append(np.zeros(int(keep.sum()), dtype=int))
    if len(src.lr):
        step = max(1, (1 << 18) // len(src.lr))
        for start in range(0, len(idx), step):
            sl = slice(start, start + step)
            rel = mid[sl][:, None, :] - src.lc[None, :, :]
            z = np.einsum("pli,li->pl", rel, src.lf[:, 2])
            rho = np.linalg.norm(rel - z[..., None] * src.lf[None, :, 2], axis=2)
            dist = np.hypot(rho - src.lr[None, :], z)
            pi, lj = np.nonzero(dist <= reach[sl][:, None] * (1 + 1e-12))
            out_i.append(idx[sl][pi])
            out_j.append(lj)
            out_k.append(np.ones(len(pi), dtype=int))
    if not out_i:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    return np.concatenate(out_i), np.concatenate(out_k), np.concatenate(out_j)


class _CoincidentPaths(ValueError):
    """Two filament paths run along each other (infinite Neumann integral)."""


def _overlap_error(names: tuple[str, str]) -> None:
    try:
        check._fail(names[1], f"a path that does not run along {names[0]}'s conductor path (coincident filaments "
                    "have an infinite Neumann integral; for a coil with itself use inductance())",
                    "coincident paths")
    except ValueError as exc:
        raise _CoincidentPaths(str(exc)) from None


# ---------------------------------------------------------------------------- the integral
def _flux(src: _Sources, pc: _Pieces, order: int, names: tuple[str, str]) -> float:
    """sum over pieces of weight x oint (sum of source potentials) . dl [H], computed in blocks of
    pieces so that the work arrays stay bounded; the displaced copies of a path's pieces are
    summed together (``_copies_coarse``) when ``_copy_groups`` allows it."""
    total = np.zeros(pc.n)
    active = np.flatnonzero(pc.weight != 0.0)
    grid = _copy_groups(pc, src, active)
    if grid is not None:
        per_block = max(1, CHUNK_NODES // (order * grid.shape[1]))
        for start in range(0, len(grid), per_block):
            _grouped_block(src, pc, grid[start:start + per_block], order, names, total)
    else:
        per_block = max(1, CHUNK_NODES // order)
        for start in range(0, len(active), per_block):
            _flux_block(src, pc, active[start:start + per_block], order, names, total)
    return float(np.sum(pc.weight * total))


def _near_pairs(pc: _Pieces, src: _Sources, idx: np.ndarray, names: tuple[str, str],
                candidates: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (piece i in idx, source kind, source j) to be integrated on refined panels: the
    candidates (``_candidates`` of idx unless given) whose singularity distance is below the
    piece length / REFINE, without the own segments of displaced copies (exact term) and coaxial
    circles (constant integrand)."""
    ci, ck, cj = _candidates(pc, src, idx) if candidates is None else candidates
    if len(ci):
        drop = (ck == 0) & (pc.own[ci] == cj)
        loops = np.flatnonzero(ck == 1)
        if len(loops):
            coax, same = _coaxial(pc, ci[loops], src, cj[loops])
            if same.any():
                _overlap_error(names)
            drop[loops] |= coax
        ci, ck, cj = ci[~drop], ck[~drop], cj[~drop]
        sig, length, bad = _sigma(pc, ci, np.zeros(len(ci)), np.ones(len(ci)), src, ck, cj)
        if bad.any():
            _overlap_error(names)
        near = length > REFINE * sig
        ci, ck, cj = ci[near], ck[near], cj[near]
    return ci, ck, cj


def _own_exact(pc: _Pieces, src: _Sources, own_i: np.ndarray, total: np.ndarray) -> None:
    """Add the own segment of each displaced copy ``own_i`` exactly: parallel coextensive
    filaments at distance g (``_parallel_mutual``)."""
    if len(own_i):
        lengths = np.linalg.norm(pc.q1[own_i] - pc.q0[own_i], axis=1)
        total[own_i] += src.sw[pc.own[own_i]] * _parallel_mutual(lengths, pc.offset[own_i])


def _flux_block(src: _Sources, pc: _Pieces, idx: np.ndarray, order: int, names: tuple[str, str],
                total: np.ndarray) -> None:
    """Add the flux through pieces ``idx`` to ``total``: engine on coarse nodes, near sources
    swapped for refined panels, own segments exact."""
    ci, ck, cj = _near_pairs(pc, src, idx, names)
    own_i = idx[pc.own[idx] >= 0]  # the own segment of a displaced copy is always treated exactly
    # far part: the engine on the coarse nodes (one panel per piece)
    pts, dl = _nodes(pc, idx, np.zeros(len(idx)), np.ones(len(idx)), order)
    a = vector_potential(src.filament, pts.reshape(-1, 3), progress=False).reshape(pts.shape)
    total[idx] += np.einsum("pqi,pqi->p", a, dl)
    # minus the near sources (own segments included) at the coarse nodes
    pi = np.concatenate([ci, own_i])
    if len(pi):
        pk = np.concatenate([ck, np.zeros(len(own_i), dtype=int)])
        pj = np.concatenate([cj, pc.own[own_i]])
        for s in range(0, len(pi), CHUNK_PAIRS):
            sl = slice(s, s + CHUNK_PAIRS)
            pts, dl = _nodes(pc, pi[sl], np.zeros(len(pi[sl])), np.ones(len(pi[sl])), order)
            np.subtract.at(total, pi[sl], _pair_flux(pts, dl, src, pk[sl], pj[sl]))
    _own_exact(pc, src, own_i, total)
    # plus the other near sources on refined panels
    total += _refined(pc, src, ci, ck, cj, order, names)


# ---------------------------------------------------------------------------- displaced copies
def _copy_groups(pc: _Pieces, src: _Sources, active: np.ndarray) -> np.ndarray | None:
    """(G, K) indices of the K >= 2 displaced copies of each path piece (rows in piece order,
    columns by copy) when ``_copies_coarse`` applies: straight pieces, straight sources only,
    at most ``DENSE_SOURCES`` of them, and equal weights within each row (the mirror fold of
    ``_folded`` may break that); else None.
    Undisplaced paths (K = 1) stay with the field engine, which is faster per pair there (17
    against 19-26 ns measured on the benchmark Gy wires, one thread)."""
    if (len(active) == 0 or len(src.lr) or len(src.s0) == 0 or len(src.s0) > DENSE_SOURCES
            or np.any(pc.kind[active] != 0)):
        return None
    k = int(pc.copy[active].max()) + 1
    if k < 2 or len(active) % k:
        return None
    grid = active[np.lexsort((pc.copy[active], pc.group[active]))].reshape(-1, k)
    if (np.any(pc.group[grid] != pc.group[grid[:, :1]]) or np.any(pc.copy[grid] != np.arange(k))
            or np.any(pc.weight[grid] != pc.weight[grid[:, :1]])):
        return None
    return grid


def _chain(src: _Sources) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The source segments as one vertex chain (cached): vertices (Nv, 3), the pair index of
    each segment (Ns,) (pair p joins vertices p and p + 1), per pair the length L (Nv,) and
    w Lv / L (Nv, 3), and the segment of each pair (Nv,); pairs that join two windings and the
    last (dummy) pair have L = 0, zero direction and segment -1."""
    if "chain" not in src.index:
        s0, s1 = src.s0, src.s1
        ns = len(s0)
        brk = np.zeros(ns, dtype=int)
        brk[1:] = np.any(s0[1:] != s1[:-1], axis=1)
        pair = np.arange(ns) + np.cumsum(brk)
        nv = ns + 1 + int(brk.sum())
        verts = np.empty((nv, 3))
        verts[pair + 1] = s1
        verts[pair] = s0
        lv = s1 - s0
        length = np.zeros(nv)
        length[pair] = np.sqrt(lv[:, 0] * lv[:, 0] + lv[:, 1] * lv[:, 1] + lv[:, 2] * lv[:, 2])
        unit = np.zeros((nv, 3))
        unit[pair] = (src.sw / length[pair])[:, None] * lv
        seg = np.full(nv, -1)
        seg[pair] = np.arange(ns)
        src.index["chain"] = (verts, pair, length, unit, seg)
    return src.index["chain"]


def _copies_coarse(pc: _Pieces, src: _Sources, grid: np.ndarray, skip_i: np.ndarray, skip_j: np.ndarray,
                   order: int) -> np.ndarray:
    """Coarse-node flux (G,) of all straight sources through the K displaced copies of each row
    of ``grid`` (the sum over the copies), leaving out the pairs (piece skip_i, segment skip_j).

    The K copies of a piece are translations of it, so their Gauss nodes share the line
    elements dl and their potentials add under one weight: for each node set and source
    segment, sum_k ln((u_k + L)/(u_k - L)) = log1p(Delta) with 1 + Delta = prod_k (1 + d_k),
    d_k = 2 L / (u_k - L) (the log form of Hanson & Hirshman, Phys. Plasmas 9, 4410 (2002),
    eq. 9), Delta accumulated as Delta + d + Delta d (all terms positive: no cancellation).
    The Gauss-Legendre rule is symmetric (node b and node q - 1 - b have the same weight, hence
    the same dl), so the two products of such a node pair are multiplied too: one logarithm per
    2K distances instead of 2K. Vertex distances in the padded layout of
    ``segment_kernels.polyline_block`` (u_k = R1 + R2 of pair p from vertices p and p + 1).
    For even K the copies come in opposite pairs x +- s_k about the path's node x, and
    R^2 = (|x - v|^2 + |s_k|^2) +- 2 s_k . (x - v) shares |x - v|^2 between all K copies (offsets
    x - v exact from one matrix product, as in ``polyline_block``). Pairs with u - L <
    NEAR_RATIO u take d from the cancellation-free ``_log_argument``; left out pairs and the
    chain's joins get d = 0."""
    verts, pair_of, length, unit, seg = _chain(src)
    n_g, k_copies = grid.shape
    nv = len(verts)
    slot = np.full(pc.n, -1)
    slot[grid.ravel()] = np.arange(grid.size)
    pos = slot[skip_i]
    keep = pos >= 0
    skip_row, skip_copy, skip_col = pos[keep] // k_copies, pos[keep] % k_copies, pair_of[skip_j[keep]]
    by_row = np.argsort(skip_row, kind="stable")  # the left out pairs of a block of rows: one slice
    skip_row, skip_copy, skip_col = skip_row[by_row], skip_copy[by_row], skip_col[by_row]
    pts, dl = _nodes(pc, grid.ravel(), np.zeros(grid.size), np.ones(grid.size), order)
    # nodes reordered 0, 1, .., h - 1, q - 1, q - 2, .., q - h (, h): node b and node q - 1 - b, which
    # have the same line element (symmetric rule), sit h node rows apart in a block
    h = order // 2
    perm = np.concatenate([np.arange(h), np.arange(order - 1, order - 1 - h, -1), np.arange(h, h + order % 2)])
    pts = pts.reshape(n_g, k_copies, order, 3)[:, :, perm]
    dl = dl.reshape(n_g, k_copies, order, 3)[:, 0][:, perm]
    half = k_copies // 2 if k_copies % 2 == 0 else 0
    if half:  # path nodes x and the doubled shifts 2 s_k of the first half of the copies
        centre = pts.mean(axis=1)
        shift2 = 2.0 * (pts[:, :half] - centre[:, None])
        g2 = pc.offset[grid[:, 0]] ** 2

    def node_rows(a: np.ndarray) -> np.ndarray:  # (groups, order, 3) -> (order x groups, 3), node-major
        return a.transpose(1, 0, 2).reshape(-1, 3)
    vf = vertex_factors(verts)
    two_l = 2.0 * length
    threshold = length / (1.0 - NEAR_RATIO)  # u below it: u - L < NEAR_RATIO u
    block = max(1, DENSE_PAIRS // (order * nv))
    size = min(block, n_g) * order * nv
    work = np.empty((9, size + 1))  # allocated once: fresh large temporaries cost page faults
    flags = np.empty(size, dtype=bool)
    out = np.zeros(n_g)
    for g0 in range(0, n_g, block):
        g1 = min(n_g, g0 + block)
        mb = (g1 - g0) * order
        n = mb * nv
        inside = slice(*np.searchsorted(skip_row, [g0, g1]))
        rows = ((skip_row[inside] - g0)[:, None] + (g1 - g0) * np.arange(order)).ravel()
        cols = np.repeat(skip_col[inside], order)
        copies = np.repeat(skip_copy[inside], order)
        xyz = work[:3, :n]
        r = work[3, :n + 1]
        r[n] = 1.0
        r2 = r[:n].reshape(mb, nv)
        acc, d, prod, base, dot = (work[4 + i, :n].reshape(mb, nv) for i in range(5))
        close = flags[:n].reshape(mb, nv)
        if half:
            np.matmul(point_factors(node_rows(centre[g0:g1])), vf, out=xyz.reshape(3, mb, nv))
            ox, oy, oz = (c.reshape(mb, nv) for c in xyz)
            np.multiply(ox, ox, out=base)
            base += np.square(oy, out=prod)
            base += np.square(oz, out=prod)
            base += np.tile(g2[g0:g1], order)[:, None]

        for step in range(k_copies):
            if not half:
                k = step
                np.matmul(point_factors(node_rows(pts[g0:g1, k])), vf, out=xyz.reshape(3, mb, nv))
                np.square(xyz, out=xyz)
                sq = xyz[0]
                sq += xyz[1]
                sq += xyz[2]
                np.sqrt(sq, out=r[:n])
            elif step % 2 == 0:  # copy k = step / 2 at x + s_k
                k = step // 2
                sk = node_rows(shift2[g0:g1, k])
                np.multiply(ox, sk[:, 0:1], out=dot)
                dot += np.multiply(oy, sk[:, 1:2], out=prod)
                dot += np.multiply(oz, sk[:, 2:3], out=prod)
                np.sqrt(np.add(base, dot, out=r2), out=r2)
            else:  # its opposite copy k + K/2 at x - s_k
                k = step // 2 + half
                np.sqrt(np.subtract(base, dot, out=r2), out=r2)
            p = node_rows(pts[g0:g1, k])
            u = np.add(r[:n], r[1:], out=prod.reshape(-1)).reshape(mb, nv)
            np.less(u, threshold, out=close)
            d = acc if step == 0 else work[5, :n].reshape(mb, nv)  # the first copy's d is Delta itself
            np.subtract(u, length, out=d)
            with np.errstate(divide="ignore", invalid="ignore"):
                np.divide(two_l, d, out=d)
            if close.any():
                ci, cc = np.nonzero(close)
                j = seg[cc]
                off = p[ci] - src.s0[j]
                lv = src.s1[j] - src.s0[j]
                ln, uu, den = _log_argument(off[:, 0], off[:, 1], off[:, 2], lv[:, 0], lv[:, 1], lv[:, 2])
                with np.errstate(divide="ignore", invalid="ignore"):
                    d[ci, cc] = np.where(den > 0.0, ln * (uu + ln) / np.where(den > 0.0, den, 1.0), 0.0)
            d[:, -1] = 0.0  # the dummy pairs
            sel = copies == k
            d[rows[sel], cols[sel]] = 0.0
            if step:
                np.multiply(acc, d, out=prod)
                acc += d
                acc += prod
        # the two nodes of a symmetric pair under one logarithm too: rows b and b + h
        nb = g1 - g0
        m2 = h * nb
        first, second = acc[:m2], acc[m2:2 * m2]
        np.multiply(first, second, out=prod[:m2])
        first += second
        first += prod[:m2]
        lines = node_rows(dl[g0:g1])
        lam = _log1p(first, prod[:m2], base[:m2], dot[:m2])
        flux = np.einsum("hgi,hgi->g", np.dot(lam, unit).reshape(h, nb, 3), lines[:m2].reshape(h, nb, 3))
        if order % 2:
            lam = _log1p(acc[2 * m2:], prod[:nb], base[:nb], dot[:nb])
            flux += np.einsum("gi,gi->g", np.dot(lam, unit), lines[2 * m2:])
        out[g0:g1] = MU0_4PI * flux
    return out


def _log1p(x: np.ndarray, out: np.ndarray, w: np.ndarray, e: np.ndarray) -> np.ndarray:
    """log(1 + x) for x >= 0 from one plain logarithm, ~2x faster than numpy's log1p here:
    log(w) - ((w - 1) - x) / w with w = 1 + x rounded, i.e. log(w) + log(1 + e) to first order in
    the representation error e = (1 + x - w) / w, |e| <= 2^-53 (w - 1 is exact; cf. Goldberg,
    ACM Comput. Surv. 23, 5 (1991), Theorem 4); x = 0 gives 0, w = 1 gives x."""
    np.add(x, 1.0, out=w)
    np.log(w, out=out)
    np.subtract(w, 1.0, out=e)
    e -= x
    e /= w
    out -= e
    return out


def _grouped_block(src: _Sources, pc: _Pieces, grid: np.ndarray, order: int, names: tuple[str, str],
                   total: np.ndarray) -> None:
    """``_flux_block`` for the displaced copies ``grid`` (``_copy_groups``): the coarse sum over
    the copies (``_copies_coarse``, near and own pairs left out) is added to each row's first
    copy (equal weights), the own segments exactly, the near pairs on refined panels."""
    idx = grid.ravel()
    # candidates once per row: the copies are translates of the first by up to 2 g
    first = grid[:, 0]
    row = np.empty(pc.n, dtype=int)
    row[first] = np.arange(len(first))
    c0, k0, j0 = _candidates(pc, src, first, 2.0 * pc.offset[first])
    k_copies = grid.shape[1]
    ci, ck, cj = _near_pairs(pc, src, idx, names, (grid[row[c0]].ravel(), np.repeat(k0, k_copies),
                                                   np.repeat(j0, k_copies)))
    own_i = idx[pc.own[idx] >= 0]
    total[grid[:, 0]] += _copies_coarse(pc, src, grid, np.concatenate([ci, own_i]),
                                        np.concatenate([cj, pc.own[own_i]]), order)
    _own_exact(pc, src, own_i, total)
    total += _refined(pc, src, ci, ck, cj, order, names)


def _refined(pc: _Pieces, src: _Sources, pi: np.ndarray, pk: np.ndarray, pj: np.ndarray, order: int,
             names: tuple[str, str]) -> np.ndarray:
    """Per-piece flux of the near sources (pairs pi, pk, pj), each pair on its own panels of the
    piece, bisected until no panel is longer than REFINE x its singularity distance. The pairs
    are near (``_near_pairs``: the whole piece is longer than REFINE x sigma), so every piece is
    bisected at once, without testing it again."""
    out = np.zeros(pc.n)
    if len(pi) == 0:
        return out
    # panels: (pair, t0, t1), the halves of every piece (the first bisection)
    n = len(pi)
    pan = np.concatenate([np.arange(n), np.arange(n)])
    t0, t1 = np.concatenate([np.zeros(n), np.full(n, 0.5)]), np.concatenate([np.full(n, 0.5), np.ones(n)])
    done = []
    for _level in range(1, MAX_LEVELS + 1):  # panels of 2^-level pieces
        sig, length, _ = _sigma(pc, pi[pan], t0, t1, src, pk[pan], pj[pan], overlap=False)
        split = (length > REFINE * sig) & (t1 - t0 > 2.0**-MAX_LEVELS)
        done.append((pan[~split], t0[~split], t1[~split]))
        if not split.any():
            break
        mid = 0.5 * (t0[split] + t1[split])
        pan = np.concatenate([pan[split], pan[split]])
        t0, t1 = np.concatenate([t0[split], mid]), np.concatenate([mid, t1[split]])
        if np.bincount(pan).max() > MAX_PANELS:
            _overlap_error(names)
    fpan = np.concatenate([d[0] for d in done])
    f0 = np.concatenate([d[1] for d in done])
    f1 = np.concatenate([d[2] for d in done])
    for start in range(0, len(fpan), CHUNK_PAIRS):
        sl = slice(start, start + CHUNK_PAIRS)
        pair = fpan[sl]
        pts, dl = _nodes(pc, pi[pair], f0[sl], f1[sl], order)
        np.add.at(out, pi[pair], _pair_flux(pts, dl, src, pk[pair], pj[pair]))
    return out


# ---------------------------------------------------------------------------- public API
def _check_options(order: object, loop_points: object, gmd_points: object) -> tuple[int, int, int]:
    # upper bounds: Gauss-Legendre beyond 64 nodes gains nothing in double precision, and the
    # work grows with the square of order and loop_points
    return (check.positive_int("order", order, minimum=2, maximum=64),
            check.positive_int("loop_points", loop_points, minimum=8, maximum=65536),
            check.positive_int("gmd_points", gmd_points, minimum=1, maximum=64))


def mutual_inductance(coil_a: Coil, coil_b: Coil, *, order: int = GAUSS_ORDER,
                      loop_points: int = LOOP_POINTS) -> float:
    """Mutual inductance M_ab [H] between two coils (Neumann integral).

    Parameters
    ----------
    coil_a, coil_b : Coil
        The two coils; every winding's weight and turns enter (the current in winding k is
        weight_k x I, ``turns`` coincident turns). Centre-line filaments are used (exact for
        round wires that do not touch; the GMD of two separate round wires is the centre
        distance).
    order : int, default 8
        Gauss-Legendre nodes per straight segment / arc / refined panel.
    loop_points : int, default 256
        Coarse nodes per circular loop of coil b.

    Returns
    -------
    float
        M_ab [H]; M_ab = M_ba to ~1e-12 relative.

    Raises
    ------
    TypeError
        If a coil is not a ``Coil``.
    ValueError
        For bad options, or when a path of coil_b coincides with a path of coil_a over a finite
        length (infinite Neumann integral; use ``inductance`` for a coil with itself).

    References: F. E. Neumann (1845); Grover, Inductance Calculations (1946); the
    quadrature is described in the module docstring.
    """
    for name, c in (("coil_a", coil_a), ("coil_b", coil_b)):
        if not isinstance(c, Coil):
            check._fail(name, "a coildesign.Coil", c, TypeError)
    order, loop_points, _ = _check_options(order, loop_points, 1)
    pc = _pieces(coil_b, [0.0] * len(coil_b.windings), 1, order, loop_points, own=False)
    return _flux(_sources(coil_a), pc, order, ("coil_a", "coil_b"))


def inductance(coil: Coil, *, internal: bool = True, order: int = GAUSS_ORDER, loop_points: int = LOOP_POINTS,
               gmd_points: int = GMD_POINTS) -> float:
    """Self inductance L [H] of ``coil`` (all windings in series, weights and turns included).

    Method (module docstring): each winding's own term is the flux of its centre-line filament
    through copies of its path displaced by the geometric mean distance g of the conductor
    cross-section, averaged over ``gmd_points`` directions around the wire, with the exact term
    of each straight segment with itself; distinct windings add their exact Neumann mutual
    inductances (centre lines), 2 M_kl per pair.

    Parameters
    ----------
    coil : Coil
        Every winding needs a conductor (``RoundWire`` or ``RectangularStrip``): a filament's
        self inductance is infinite.
    internal : bool, default True
        True: low-frequency value, uniform current, including the internal inductance of a round
        wire (mu0/(8 pi) per metre), g = a e^(-1/4). False: high-frequency (skin-effect) value
        without it, g = a. Strips use Maxwell's rectangle GMD for both.
    order : int, default 8
        Gauss-Legendre nodes per segment / arc / refined panel.
    loop_points : int, default 256
        Coarse nodes per circular loop.
    gmd_points : int, default 6
        Displaced paths averaged around each wire (6 keeps touching neighbour turns accurate to
        ~1e-4; the cost grows in proportion).

    Returns
    -------
    float
        L [H]. Accuracy: O((a/R)^2) relative for smooth paths (R the radius of curvature),
        O(a/l) at sharp corners; see the module docstring and tests for measured values.

    Raises
    ------
    TypeError
        If ``coil`` is not a ``Coil`` or a cross-section has an unknown type.
    ValueError
        For a filament winding (no cross-section) or bad options.

    References: Maxwell, Treatise vol. 2 art. 691-693 (GMD); Rosa, Bull. Bur. Stand. 4, 301
    (1908); Grover, Inductance Calculations (1946); Dengler, Adv. Electromagn. 5, 1
    (2016).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    if not isinstance(internal, (bool, np.bool_)):
        check._fail("internal", "True or False", internal, TypeError)
    order, loop_points, gmd_points = _check_options(order, loop_points, gmd_points)
    key = ("coildesign.analysis.inductance", bool(internal), order, loop_points, gmd_points)
    if key in coil._cache:
        return coil._cache[key]
    offsets = []
    for k, w in enumerate(coil.windings):
        if w.cross_section is None:
            check._fail(f"coil.windings[{k}]", "a conductor with a cross-section: a filament's self inductance is "
                        "infinite (give the wire a diameter, e.g. wire_diameter=... or cross_section=RoundWire(d) "
                        "or RectangularStrip(w, t))", w)
        offsets.append(geometric_mean_distance(w.cross_section, internal=bool(internal)))
    value = _winding_by_winding(coil, offsets, gmd_points, order, loop_points)
    coil._cache[key] = value
    return value


def _displaced_self(coil: Coil, offsets: list[float], gmd_points: int, order: int, loop_points: int,
                    fixing: list[np.ndarray] | tuple = ()) -> float:
    """Flux of the coil's centre lines through its own paths displaced by the GMD (module
    docstring); ``fixing``: mirror maps of the coil onto itself for ``_folded``."""
    pc = _folded(_pieces(coil, offsets, gmd_points, order, loop_points, own=True), fixing)
    return _flux(_sources(coil), pc, order, ("coil", "coil"))


def _folded(pc: _Pieces, signs: list[np.ndarray]) -> _Pieces:
    """The pieces with each orbit under the mirror maps ``signs`` (diagonals of T that map the
    pieces' winding and the sources onto themselves, so that the flux of a piece equals that of
    its image) reduced to its first piece, weighted by the orbit size. Maps under which some
    piece has no image piece (to 1e-10 of the winding's size, same end points) are not used;
    arcs are never folded (their division need not be mirror symmetric)."""
    if not signs or np.any(pc.kind != 0):
        return pc
    mid = 0.5 * (pc.q0 + pc.q1)
    tol = 1e-10 * float(np.abs(np.vstack([pc.q0, pc.q1])).max())
    tree = cKDTree(mid)
    perms = []
    for t in signs:
        dist, j = tree.query(t * mid)
        if dist.max() > tol:
            continue
        ends = np.minimum(np.abs(t * pc.q0 - pc.q0[j]).max(axis=1) + np.abs(t * pc.q1 - pc.q1[j]).max(axis=1),
                          np.abs(t * pc.q0 - pc.q1[j]).max(axis=1) + np.abs(t * pc.q1 - pc.q0[j]).max(axis=1))
        if ends.max() <= 2 * tol and len(np.unique(j)) == len(j) and np.all(pc.weight[j] == pc.weight):
            perms.append(j)
    if not perms:
        return pc
    weight = np.zeros(pc.n)
    for orbit in orbits(pc.n, perms):
        weight[orbit[0]] = pc.weight[orbit[0]] * len(orbit)
    return replace(pc, weight=weight)


def _winding_by_winding(coil: Coil, offsets: list[float], gmd_points: int, order: int, loop_points: int) -> float:
    """L = sum_k L_kk + sum_(k != l) M_kl (module docstring): each winding's own term by the
    displaced paths, the others by the Neumann integral between centre lines, either pair by
    pair (each M_kl once, doubled) or, when the coil's mirror symmetries (``symmetry``; exact for
    an even number of GMD points) leave few enough orbits, once per orbit: F_k = L_kk +
    sum_(l != k) M_kl is the same for every winding of an orbit. Work in winding-pair units (a
    self term ~ one pair per displaced path): R orbits cost R (K + N - 1), pairs N K +
    N (N - 1) / 2, for N windings and K GMD points; the cheaper is taken. A symmetry
    that maps winding k onto itself makes the integrand equal on mirror-image pieces of k
    (``_folded``) when the sources are invariant too: k itself, or all the other windings.
    Coils whose windings run along each other (coincident paths) fall back to displaced paths for
    the whole coil, where the coincident windings see each other at the GMD like one conductor."""
    ws, wts = coil.windings, coil.weights
    active = np.flatnonzero(wts != 0.0)
    symmetric = gmd_points % 2 == 0

    def fixing(k: int) -> list[np.ndarray]:
        return [t for t, _ in stabiliser(coil, k)] if symmetric else []

    if len(active) <= 1:
        return _displaced_self(coil, offsets, gmd_points, order, loop_points, fixing(int(active[0])) if len(active)
                               else [])

    def subset(ks) -> Coil:
        return Coil([ws[j] for j in ks], [wts[j] for j in ks], axis=coil.axis)

    groups = winding_orbits(coil) if symmetric else []
    total = 0.0
    try:
        n = len(active)
        if groups and len(groups) * (gmd_points + n - 1) < n * gmd_points + n * (n - 1) / 2:
            for group in groups:
                k = int(group[0])
                single, fixed = subset([k]), fixing(k)
                pc = _folded(_pieces(single, [0.0], 1, order, loop_points, own=False), fixed)
                others = _sources(subset([j for j in active if j != k]))
                own = _displaced_self(single, [offsets[k]], gmd_points, order, loop_points, fixed)
                total += len(group) * (own + _flux(others, pc, order, ("coil", "coil")))
        else:
            for i, k in enumerate(active):
                single = subset([k])
                total += _displaced_self(single, [offsets[k]], gmd_points, order, loop_points, fixing(int(k)))
                if i + 1 < len(active):
                    pc = _pieces(single, [0.0], 1, order, loop_points, own=False)
                    total += 2.0 * _flux(_sources(subset(active[i + 1:])), pc, order, ("coil", "coil"))
    except _CoincidentPaths:
        return _displaced_self(coil, offsets, gmd_points, order, loop_points)
    return total


def inductance_matrix(coils, *, internal: bool = True, order: int = GAUSS_ORDER, loop_points: int = LOOP_POINTS,
                      gmd_points: int = GMD_POINTS) -> np.ndarray:
    """Inductance matrix [H], shape (n, n), of ``coils`` (a sequence of ``Coil``): self
    inductances on the diagonal (``inductance``), mutual inductances off it
    (``mutual_inductance``, computed once per pair and mirrored), e.g. the coupling between the
    three axes of a gradient set. Symmetric; positive definite for physical coils (magnetic
    energy I^T L I / 2 > 0)."""
    try:
        cs = list(coils)
    except TypeError:
        check._fail("coils", "a sequence of coildesign.Coil", coils, TypeError)
    if not cs:
        check._fail("coils", "a non-empty sequence of coildesign.Coil", coils)
    for i, c in enumerate(cs):
        if not isinstance(c, Coil):
            check._fail(f"coils[{i}]", "a coildesign.Coil", c, TypeError)
    n = len(cs)
    m = np.zeros((n, n))
    for i in range(n):
        m[i, i] = inductance(cs[i], internal=internal, order=order, loop_points=loop_points, gmd_points=gmd_points)
        for j in range(i + 1, n):
            m[i, j] = m[j, i] = mutual_inductance(cs[i], cs[j], order=order, loop_points=loop_points)
    return m
