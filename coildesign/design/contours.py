"""From a stream function to wires: contour loops, their nesting, and connected windings.

Contours (marching triangles on the piecewise-linear psi): a level c crosses each face whose
vertex values straddle c along two edges; the crossing points (linear interpolation on the
edges) joined face to face give closed loops (psi = 0 on every boundary and c != 0, so no
contour ends on a boundary). Each loop is oriented along the face currents J = grad(psi) x n,
so a wire along it carrying the level spacing carries the stream function's current
(Poole & Bowtell, Concepts Magn. Reson. B 31, 162 (2007), sec. "Discretisation"). The points
lie on the mesh's flat faces: on a cylinder of radius a meshed with edges h, up to h^2 / (8 a)
inside the former (15 um for the default 5 mm cylinder), which the analysis of the wires includes.

Levels: N per sign, at the mid-levels c_k = (k - 1/2) Delta, k = 1..N, Delta = max|psi| / N,
and their negatives: each wire then stands for the current between c_k - Delta/2 and
c_k + Delta/2 and carries I = Delta.

Nesting: a loop's parent is the innermost loop one level closer to zero that encloses it,
decided by the winding number in the parameter plane of its surface component (``nests``).

Connection (documented return path): each nest becomes one open polyline (``connect``): a
lead (along the surface normal, below) comes in to loop 1 (outermost) at its cut c_1; every
loop k runs from c_k round to e_k, which lies one wire pitch (``lift``: a wire diameter plus the
clearance) before c_k, and jogs from there straight to loop k + 1's cut c_{k+1} (e_k is the
point of loop k nearest to c_{k+1}). No point is passed twice and the jogs leave a pitch apart, so the wires are as they
can be built (the loop is not closed where its jog leaves, which in copper would be a short).
From the innermost loop's end the return is lifted by ``lift`` along the surface normal (a
second layer) and runs back over every loop's gap (in the loop's current direction: each loop
is a full turn) and every jog (in the opposite direction: the jogs' fields cancel to first
order in ``lift``), lands above e_1 and leaves along the normal (or, where the two leads would
then stand less than a pitch apart, both along the mean normal made perpendicular to the chord
c_1 -> e_1: exactly |c_1 - e_1| apart): the leads stand a pitch apart and no lead crosses a wire
on the surface. The return's corners and the leads are lifted along the normal turned off the
wires that leave the point below them and off the jog at the other end of its gap
(``_corner_direction``), and its straight pieces are raised where they would sag towards the
wires below (``_raised``): measured by exact segment-to-segment distances, every wire is a pitch
from every other one that is more than two pitches away along it (the design's spacing check).
The analysis of the resulting ``Coil`` includes all of it exactly. Separate nests are separate
windings, each with its two terminals, to be connected in series off the coil;
``gradient_coil(..., join_windings=True)`` joins them on the coil through modelled jumpers
instead.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from coildesign.export.fabrication.geometry import (
    nearest_on_segment,
    point_segment_distance,
    row_dot,
    segment_distances,
)
from coildesign.surfaces.surfaces import Surface


@dataclass(frozen=True)
class ContourLoop:
    """A closed contour: ``points`` [m] (P, 3) in current direction, ``level`` [A], and the
    outward surface ``normals`` at the points. ``plane`` (P, 2) [m]: the points in the parameter
    plane of their surface component (``parameter_plane``; None: the plane of the loops' own
    principal axes), ``period`` [m] of its first coordinate (2 pi a on a cylinder of radius a,
    0 on a plane) and ``component``, the index of the surface's connected component."""

    points: np.ndarray
    level: float
    normals: np.ndarray
    plane: np.ndarray | None = None
    period: float = 0.0
    component: int = 0


def contour_loops(surface: Surface, psi: np.ndarray, level: float, current: np.ndarray) -> list[ContourLoop]:
    """Closed loops of psi = ``level`` on ``surface`` oriented along the face currents
    ``current`` (F, 3) [A/m] (module doc)."""
    return contour_levels(surface, psi, [level], current)


_NEXT = np.array([1, 2, 0])  # a face's local vertex k -> k + 1

CONTOUR_BATCH = 1 << 22
"""Face-level pairs that ``contour_levels`` classifies in one array pass (bounds its memory)."""


def contour_levels(surface: Surface, psi: np.ndarray, levels: np.ndarray, current: np.ndarray) -> list[ContourLoop]:
    """Closed loops of psi at each of ``levels`` [A] on ``surface``, level by level in the
    order given: ``[lp for c in levels for lp in contour_loops(surface, psi, c, current)]``,
    the same loops with the same numbers, from one pass over the faces for many levels."""
    levels = np.asarray(levels, dtype=float).ravel()
    if levels.size == 0:
        return []
    chunk = max(1, CONTOUR_BATCH // max(1, len(surface.faces)))
    loops = []
    for k in range(0, len(levels), chunk):
        loops += _contour_chunk(surface, psi, levels[k:k + chunk], current)
    return loops


def _contour_chunk(surface: Surface, psi: np.ndarray, levels: np.ndarray, current: np.ndarray) -> list[ContourLoop]:
    """``contour_levels`` for a batch of levels: every level's crossed faces, edge crossings
    and segments as in ``contour_loops``, numbered level by level (a level's crossing points
    are numbered after the previous levels' in the order of their edge keys)."""
    f = surface.faces
    v = surface.vertices
    pf = psi[f]
    above = pf[None, :, :] >= levels[:, None, None]  # (L, F, 3)
    n_above = above.sum(axis=2)
    lvl, faces = np.nonzero((n_above == 1) | (n_above == 2))  # level-major, then face order
    if faces.size == 0:
        return []
    # per crossed face its two crossed edges (local k -> k + 1), in the order of k; a crossing point
    # is interpolated along its edge from the end met first (face order, then k)
    fa = f[faces]
    fb = fa[:, _NEXT]
    ab = above[lvl, faces]
    crossed = ab != ab[:, _NEXT]  # exactly two per face
    i, j = fa[crossed], fb[crossed]  # (2 M,), level-major, face-major
    lv2 = np.repeat(lvl, 2)
    nv = np.int64(len(v))
    key = (lv2 * nv + np.minimum(i, j)) * nv + np.maximum(i, j)
    _, first, ids = np.unique(key, return_index=True, return_inverse=True)
    i0, j0 = i[first], j[first]
    level_of = levels[lv2[first]]
    s = (level_of - psi[i0]) / (psi[j0] - psi[i0])
    pts = v[i0] + s[:, None] * (v[j0] - v[i0])
    ids = ids.reshape(-1, 2)
    seg_a, seg_b = ids[:, 0].copy(), ids[:, 1].copy()
    flip = row_dot(pts[seg_b] - pts[seg_a], current[faces]) < 0
    seg_a[flip], seg_b[flip] = ids[flip, 1], ids[flip, 0]
    idx, counts = _chains(seg_a, seg_b, len(pts))
    if not counts.size:
        return []
    lp_all, bounds = _dedupe_all(pts, idx, counts)
    vn = surface.vertex_normals
    labels, charts = surface_charts(surface)
    nearest_all = surface.vertex_tree.query(lp_all)[1] if len(lp_all) else np.zeros(0, dtype=np.intp)
    level_first = level_of[idx[np.r_[0, np.cumsum(counts)[:-1]]]].tolist()
    phi = _unwrapped_angles(lp_all, bounds) if any(c[0] == "cylinder" for c in charts) else None
    loops = []
    for n, (level, (a, b)) in enumerate(zip(level_first, bounds)):
        if b - a < 3:
            continue
        lp = lp_all[a:b]
        nearest = nearest_all[a:b]
        component = int(labels[nearest[0]])
        uv, period = parameter_plane(lp, charts[component], None if phi is None else phi[n][:b - a])
        loops.append(ContourLoop(lp, float(level), vn[nearest], uv, period, component))
    return loops


UNWRAP_PADDING = 2
"""Largest ratio of the padded (loops x longest loop) array to the points that ``_unwrapped_angles``
fills in one pass (else loop by loop)."""


def _unwrapped_angles(points: np.ndarray, bounds: list[tuple[int, int]]) -> list[np.ndarray]:
    """Per loop (``points[a:b]`` for (a, b) in ``bounds``) ``np.unwrap(np.arctan2(y, x))``, the
    angle of ``parameter_plane`` on a cylinder: for all loops in one pass where the loops padded
    to the longest (each row continued with its last angle: zero steps, no correction) fit in
    UNWRAP_PADDING times the points. Every step is elementwise along a row but the running sum
    of the corrections, which ``cumsum`` takes along each row in order, so each row is the loop's
    own unwrap."""
    phi = np.arctan2(points[:, 1], points[:, 0])
    length = np.array([b - a for a, b in bounds], dtype=np.intp)
    if not len(length) or length.min() < 1 or len(length) * int(length.max()) > UNWRAP_PADDING * len(points):
        return [np.unwrap(phi[a:b]) for a, b in bounds]
    begin = np.array([a for a, _ in bounds], dtype=np.intp)
    rows = np.unwrap(phi[begin[:, None] + np.minimum(np.arange(int(length.max())), length[:, None] - 1)], axis=1)
    return list(rows)


def _chains(seg_a: np.ndarray, seg_b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The closed chains of the segments ``seg_a`` -> ``seg_b`` (M,) among ``n`` points: (their
    points one chain after the other, points per chain). Chains are walked from each segment
    start in turn (the first not yet visited) along the successors; a chain that does not close
    on its start or has fewer than 3 points is left out. Where every point starts exactly one
    segment and ends exactly one (the successors form a permutation: its cycles are the
    chains), the walk is done in arrays: each cycle from its member that starts the earliest
    segment, its points ranked along the cycle by pointer jumping."""
    m = len(seg_a)
    if m == n and np.bincount(seg_a, minlength=n).max() == 1 and np.bincount(seg_b, minlength=n).max() == 1:
        nxt = np.empty(n, dtype=np.intp)
        nxt[seg_a] = seg_b
        _, cycle = connected_components(coo_matrix((np.ones(n), (np.arange(n), nxt)), shape=(n, n)), directed=False)
        pos = np.empty(n, dtype=np.intp)
        pos[seg_a] = np.arange(m)
        first = np.full(cycle.max() + 1, m, dtype=np.intp)
        np.minimum.at(first, cycle, pos)  # per cycle: the earliest segment it starts
        size = np.bincount(cycle)
        succ = nxt.copy()
        pred = np.empty(n, dtype=np.intp)
        pred[nxt] = np.arange(n)
        succ[pred[seg_a[first]]] = -1  # each cycle cut before its start: a list from the start
        to_end = (succ >= 0).astype(np.intp)
        while True:
            on = succ >= 0
            if not on.any():
                break
            nxt_on = succ[on]
            to_end[on] = to_end[on] + to_end[nxt_on]
            succ[on] = succ[nxt_on]
        rank = size[cycle] - 1 - to_end
        keep = size[cycle] >= 3
        order = np.flatnonzero(keep)
        order = order[np.lexsort((rank[order], first[cycle[order]]))]
        kept = np.flatnonzero(size >= 3)
        return order, size[kept[np.argsort(first[kept])]]  # first: distinct segments
    nxt_list = np.full(n, -1)
    nxt_list[seg_a] = seg_b
    nxt_list = nxt_list.tolist()
    flat, counts = [], []
    seen = bytearray(n)
    for start in seg_a.tolist():
        if seen[start]:
            continue
        chain = [start]
        seen[start] = 1
        cur = nxt_list[start]
        while cur != start and cur >= 0 and not seen[cur]:
            chain.append(cur)
            seen[cur] = 1
            cur = nxt_list[cur]
        if cur != start or len(chain) < 3:
            continue
        flat += chain
        counts.append(len(chain))
    return np.array(flat, dtype=np.intp), np.array(counts, dtype=np.intp)


def _dedupe_all(pts: np.ndarray, idx: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Every loop (``counts`` (K,) points of ``pts`` at ``idx`` one loop after the other, each
    closing on its first) without its points closer than 1e-9 of the loop's size (its largest
    coordinate extent) to the next one (a contour through a mesh vertex gives coincident
    crossings): (the kept points of all loops one after the other, (begin, end) per loop into
    them)."""
    begin = np.r_[0, np.cumsum(counts)[:-1]]
    p = pts[idx]
    after = np.arange(1, len(idx) + 1)
    after[begin + counts - 1] = begin
    step = np.linalg.norm(p[after] - p, axis=1)
    scale = (np.maximum.reduceat(p, begin, axis=0) - np.minimum.reduceat(p, begin, axis=0)).max(axis=1)
    keep = step > np.repeat(1e-9 * scale, counts)
    kept = np.r_[0, np.cumsum(np.add.reduceat(keep.astype(np.intp), begin))]
    return p[keep], list(zip(kept[:-1].tolist(), kept[1:].tolist()))


_CHARTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def surface_charts(surface: Surface) -> tuple[np.ndarray, list[tuple]]:
    """(connected-component label per vertex, one chart per component) of ``surface``.

    A chart is ("cylinder", radius) for a component whose vertices all lie at one distance
    from the z axis (``cylinder`` meshes): parameter plane (a phi, z), periodic in a phi with
    period 2 pi a; else ("plane", origin, axes (2, 3)): the plane of the component's two
    principal axes (exact for plates; a component that folds over that plane, such as a
    closed or strongly curved mesh, has no single chart and its loops are judged in the
    projection). Computed once per surface (the mesh is immutable)."""
    cached = _CHARTS.get(surface)
    if cached is not None:
        return cached
    f = surface.faces
    n = surface.n_vertices
    adjacency = coo_matrix((np.ones(2 * len(f)), (np.r_[f[:, 0], f[:, 1]], np.r_[f[:, 1], f[:, 2]])), shape=(n, n))
    count, labels = connected_components(adjacency, directed=False)
    charts: list[tuple] = []
    for c in range(count):
        v = surface.vertices[labels == c]
        rho = np.hypot(v[:, 0], v[:, 1])
        if rho.max() > 0 and np.ptp(rho) <= 1e-9 * rho.max() and np.ptp(v[:, 2]) > 0:
            charts.append(("cylinder", float(rho.mean())))
        else:
            origin = v.mean(axis=0)
            axes = np.linalg.svd(v - origin, full_matrices=False)[2][:2]
            charts.append(("plane", origin, axes))
    labels.setflags(write=False)
    _CHARTS[surface] = (labels, charts)
    return labels, charts


def parameter_plane(points: np.ndarray, chart: tuple, phi: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """(points [m] (P, 3) of one loop in the chart's parameter plane (P, 2) [m], period [m] of
    the first coordinate, 0 for none) (``surface_charts``). On a cylinder the angle is
    unwrapped along the loop, so a loop that goes round the cylinder ends one period from its
    start and a contractible one is a closed polygon of the plane; ``phi``: that angle (P,)
    [rad] where the caller has it (``_unwrapped_angles``)."""
    if chart[0] == "cylinder":
        a = chart[1]
        if phi is None:
            phi = np.unwrap(np.arctan2(points[:, 1], points[:, 0]))
        return np.stack((a * phi, points[:, 2]), axis=1), 2.0 * np.pi * a
    _, origin, axes = chart
    return (points - origin) @ axes.T, 0.0


def levels(psi: np.ndarray, turns: int, avoid: list[tuple[float, float]] | None = None) -> tuple[np.ndarray, float]:
    """Mid-levels (module doc) and the level spacing Delta [A] for ``turns`` wires per sign.

    ``avoid``: (value, margin) pairs [A], e.g. ``saddle_levels``: a level closer than ``margin``
    to ``value`` is moved to ``value`` +- ``margin`` on its own side (at most half a level spacing),
    so that no wire is drawn through or next to a saddle, where the contour's topology hinges on
    round-off and its two branches pinch together."""
    delta = float(np.max(np.abs(psi))) / turns
    k = np.arange(1, turns + 1) - 0.5
    pos = k * delta if psi.max() > 0 else np.empty(0)
    neg = -k * delta if psi.min() < 0 else np.empty(0)
    lv = np.concatenate([pos, neg])
    for value, margin in sorted(avoid or [], key=lambda t: t[1]):
        margin = min(margin, 0.5 * delta)
        near = np.abs(lv - value) < margin
        lv[near] = value + np.where(lv[near] >= value, margin, -margin)
    lv = lv[(lv < psi.max()) & (lv > psi.min())]
    return lv, delta


SADDLE_SAFETY = 2.0
"""Factor on the smooth-model margin of ``saddle_levels`` (the piecewise-linear contours of the
mesh depart from the quadratic model's hyperbolas by up to an edge)."""
STAR_SAFETY = 1.05
"""Factor on the piecewise-linear margin of ``saddle_levels``: that bound is exact on the faces
round the saddle (beyond them the branches diverge), so the factor only covers round-off and
the wires' spacing check's sampling; a larger one pushes the level towards its neighbours, whose
contours then come closer than a pitch where psi is steep."""


def saddle_levels(surface: Surface, psi: np.ndarray, pitch: float) -> list[tuple[float, float]]:
    """(psi value, margin) [A] of every saddle vertex of ``psi`` on ``surface``.

    A free vertex is a saddle where psi(neighbour) - psi(vertex) changes sign at least four times
    round its ring of neighbours (ties broken by vertex index, a symbolic perturbation, so the
    test is exact and the same in every process: Edelsbrunner, Harer & Zomorodian, Discrete
    Comput. Geom. 30, 87 (2003), sec. 3). The margin is the larger of two bounds on the level
    offset delta at which the contour's branches stand a wire ``pitch`` [m] apart, the first
    times SADDLE_SAFETY, the second times STAR_SAFETY:

    - smooth model: psi ~ psi_s + (a u^2 - b v^2) / 2 in principal coordinates, whose level
      psi_s + delta has branches 2 sqrt(2 |delta| / a) (or / b) apart, i.e. a pitch apart when
      |delta| >= max(a, b) pitch^2 / 8 (Hessian from a least-squares quadratic fit to the ring in
      the vertex's tangent plane);
    - the mesh's piecewise-linear psi, which the contours follow: on the faces round the
      vertex (its star) psi - psi_s is linear on each face and vanishes at the vertex, so its
      level sets there are scaled copies of each other and the branches' separation is
      D |delta| (``_star_separation``); they stand a pitch apart when |delta| >= pitch / D.
      Where the mesh edge is longer than the pitch this bound is the larger one (the branches
      approach linearly, not as a square root)."""
    v = surface.vertices
    normals = surface.vertex_normals
    centre, rings, valid = _rings(surface)
    value = psi[centre]
    ring_psi = psi[np.where(valid, rings, 0)]
    up = (ring_psi > value[:, None]) | ((ring_psi == value[:, None]) & (rings > centre[:, None]))
    size = valid.sum(axis=1)
    before = np.where(np.arange(rings.shape[1]) == 0, size[:, None] - 1, np.arange(rings.shape[1]) - 1)
    changes = ((up != np.take_along_axis(up, before, axis=1)) & valid).sum(axis=1)
    saddle = np.flatnonzero(changes >= 4)
    if not len(saddle):
        return []
    i, c, inside, k = centre[saddle], rings[saddle], valid[saddle], size[saddle]
    c = np.where(inside, c, i[:, None])  # padding: the vertex itself (offset 0, dropped below)
    n = normals[i]
    e1 = np.cross(n, np.where((np.abs(n[:, 0]) < 0.9)[:, None], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]))
    e1 /= np.sqrt(row_dot(e1, e1))[:, None]  # as np.linalg.norm of each vector rounds it
    e2 = np.cross(n, e1)
    d = v[c] - v[i][:, None]
    w = psi[c] - psi[i][:, None]  # (S, K) psi - psi_s round each ring
    plane = np.zeros(c.shape + (2,))  # the ring in the tangent plane (e1, e2)
    hess = np.empty((len(saddle), 2, 2))
    for s in range(len(saddle)):  # per saddle: the least-squares fit (LAPACK) and its products
        x, y = d[s, :k[s]] @ e1[s], d[s, :k[s]] @ e2[s]
        design = np.c_[x, y, 0.5 * x * x, x * y, 0.5 * y * y]
        coef = np.linalg.lstsq(design, w[s, :k[s]], rcond=None)[0]
        hess[s] = [[coef[2], coef[3]], [coef[3], coef[4]]]
        plane[s, :k[s], 0], plane[s, :k[s], 1] = x, y
    curvature = np.abs(np.linalg.eigvalsh(hess)).max(axis=1)
    smooth = curvature * pitch * pitch / 8.0
    separation = _star_separations(plane, np.where(inside, w, 0.0), k)
    linear = np.where(separation > 0, pitch / np.where(separation > 0, separation, 1.0), 0.0)
    margin = np.maximum(SADDLE_SAFETY * smooth, STAR_SAFETY * linear)
    return [(float(p), float(m)) for p, m in zip(psi[i], margin)]


_RINGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _rings(surface: Surface) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vertex (R,), its ring of neighbours in order (R, K), -1-padded, valid mask (R, K)) for the
    free vertices of ``surface`` whose faces close a fan round them (``saddle_levels``). A ring
    starts at the corner after the vertex in its first face (faces in order) and follows the
    faces' orientation. Computed once per surface (the mesh is immutable)."""
    cached = _RINGS.get(surface)
    if cached is not None:
        return cached
    f = surface.faces
    # for every face and corner: (vertex, next, previous) in the face's order: the ring edges
    rot = np.concatenate([f, np.roll(f, -1, axis=1), np.roll(f, -2, axis=1)])
    order = np.argsort(rot[:, 0], kind="stable")
    rot = rot[order]
    starts = np.searchsorted(rot[:, 0], np.arange(surface.n_vertices + 1))
    centre, cycles = [], []
    for i in surface.interior_vertices.tolist():
        ring = rot[starts[i]:starts[i + 1], 1:]
        if not len(ring):
            continue
        nxt = dict(zip(ring[:, 0].tolist(), ring[:, 1].tolist()))
        cycle = [int(ring[0, 0])]
        while len(cycle) <= len(ring):
            following = nxt.get(cycle[-1])
            if following is None or following == cycle[0]:
                break
            cycle.append(following)
        if len(cycle) != len(ring):
            continue  # not a closed fan (non-manifold vertex): no saddle test
        centre.append(i)
        cycles.append(cycle)
    width = max((len(c) for c in cycles), default=1)
    rings = np.full((len(cycles), width), -1, dtype=np.int64)
    for r, c in enumerate(cycles):
        rings[r, :len(c)] = c
    out = (np.array(centre, dtype=np.int64), rings, rings >= 0)
    for a in out:
        a.setflags(write=False)
    _RINGS[surface] = out
    return out


_STAR_BATCH = 4096
"""Saddles whose star separations ``_star_separations`` takes at once (bounds its (S, K, K)
arrays of piece pairs)."""


def _star_separations(ring: np.ndarray, w: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Separations per unit level offset [m/A] of the branches of the piecewise-linear level
    psi_s + delta round saddle vertices (``saddle_levels``), the smaller of the two sides; 0
    where psi is flat round the vertex.

    ``ring`` (S, K, 2) [m]: the ring vertices of each saddle in order, relative to the saddle
    vertex in its tangent plane, the first ``size`` (S,) of each row valid; ``w`` (S, K) [A]:
    their psi - psi_s. On each face (vertex, k, k + 1) psi - psi_s is linear and zero at the
    vertex: the level t crosses the spoke to k at (t / w_k) ring_k and, where the face's ends
    straddle t, its outer edge. The pieces of one run of same-side ring vertices form one
    branch; the separation is the smallest distance between pieces of different branches
    (attained at a piece's end: the pieces do not cross), evaluated at t small enough that every
    crossing lies in the star, where it is exactly proportional to t. All saddles at once, each
    number rounded as for one saddle alone (elementwise arithmetic; the least distance over the
    pieces divided by |t| equals the least of the quotients, division by |t| > 0 being monotone)."""
    out = np.empty(len(w))
    for lo in range(0, len(w), _STAR_BATCH):
        part = slice(lo, lo + _STAR_BATCH)
        out[part] = _star_batch(ring[part], w[part], size[part])
    return out


def _star_batch(ring: np.ndarray, w: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``_star_separations`` of at most _STAR_BATCH saddles."""
    count, width = w.shape
    j = np.arange(width)
    inside = j < size[:, None]
    nxt = np.where(inside, (j + 1) % np.maximum(size, 1)[:, None], 0)  # the ring vertex after j
    prev = np.where(j == 0, size[:, None] - 1, j - 1)
    nonzero = np.where(inside & (w != 0), np.abs(w), np.inf).min(axis=1)
    flat = ~np.isfinite(nonzero)
    best = np.full(count, np.inf)
    w_next = np.take_along_axis(w, nxt, axis=1)
    r_next = np.take_along_axis(ring, nxt[..., None], axis=1)
    rows = np.arange(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        for sign in (1.0, -1.0):
            side = (sign * w > 0) & inside  # beyond the level t (|t| is below every non-zero |w|)
            t = (sign * 0.25 * np.where(flat, 1.0, nonzero))[:, None]
            run = np.cumsum(side & ~np.take_along_axis(side, prev, axis=1), axis=1)  # branch labels
            last = run[rows, size - 1]
            wrap = side[:, 0] & side[rows, size - 1]  # the run through the ring's start: one branch
            run = np.where(wrap[:, None] & (run == last[:, None]), run[:, :1], run)
            s_j, s_m = side, np.take_along_axis(side, nxt, axis=1)
            spoke_j = (t / w)[..., None] * ring
            spoke_m = (t / w_next)[..., None] * r_next
            edge_j = ring + ((t - w) / (w_next - w))[..., None] * (r_next - ring)
            edge_m = r_next + ((t - w_next) / (w - w_next))[..., None] * (ring - r_next)
            a = np.where(s_j[..., None], spoke_j, spoke_m)  # each face's piece a-b of the level
            b = np.where((s_j & s_m)[..., None], spoke_m, np.where(s_j[..., None], edge_j, edge_m))
            piece = (s_j | s_m) & inside
            label = np.where(s_j, run, np.take_along_axis(run, nxt, axis=1))
            pair = piece[:, :, None] & piece[:, None, :] & (label[:, :, None] != label[:, None, :])
            sa, sb = a[:, None], b[:, None]
            gap = np.minimum(point_segment_distance(a[:, :, None], sa, sb),
                             point_segment_distance(b[:, :, None], sa, sb))
            least = np.where(pair, gap, np.inf).min(axis=(1, 2))
            best = np.minimum(best, least / np.abs(t[:, 0]))
    return np.where(np.isfinite(best) & ~flat, best, 0.0)


def drop_slivers(loops: list[ContourLoop], width: float) -> list[ContourLoop]:
    """Remove pairs of same-level loops that run within ``width`` [m] of each other along their
    whole length: they bound a sliver where psi crosses the level twice, carry opposite currents
    side by side, and together amount to a current loop of negligible area (their field is of
    order width / distance to the DSV relative to one wire's), while as wires they would touch."""
    trees: dict[int, cKDTree] = {}

    def tree(k: int) -> cKDTree:
        if k not in trees:
            trees[k] = cKDTree(loops[k].points)
        return trees[k]

    low = [lp.points.min(axis=0) for lp in loops]
    high = [lp.points.max(axis=0) for lp in loops]
    far = width * (1 + 1e-9)  # above any round-off of the distances (relative ~1e-16)
    gone: set[int] = set()
    for i, a in enumerate(loops):
        for j in range(i + 1, len(loops)):
            b = loops[j]
            if i in gone or j in gone or b.level != a.level:
                continue
            if (low[j] - high[i] > far).any() or (low[i] - high[j] > far).any():
                continue  # boxes more than a width apart along an axis: no point within width of the other loop
            if tree(j).query(a.points)[0].max() < width and tree(i).query(b.points)[0].max() < width:
                gone.update((i, j))
    return [lp for k, lp in enumerate(loops) if k not in gone]


SPECK_DIRECTIONS = 64
"""Directions over a half turn along which ``drop_specks`` measures a loop's width (the smallest
of the extents exceeds the true width by at most 1 / cos(pi / (2 SPECK_DIRECTIONS)) - 1 = 3e-4)."""


def loop_width(loop: ContourLoop) -> float:
    """Width [m] of a loop: its smallest extent over SPECK_DIRECTIONS directions in its plane
    (``ContourLoop.plane``, else the plane of its two principal axes); a loop that goes round a
    cylinder (``_wraps``) has no width across (infinite: never a speck)."""
    uv = loop.plane
    if uv is not None and _wraps(uv, loop.period):
        return float("inf")
    if uv is None:
        centred = loop.points - loop.points.mean(axis=0)
        uv = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
    theta = np.pi * np.arange(SPECK_DIRECTIONS) / SPECK_DIRECTIONS
    extent = np.ptp(uv @ np.array([np.cos(theta), np.sin(theta)]), axis=0)
    return float(extent.min())


def drop_specks(loops: list[ContourLoop], width: float) -> list[ContourLoop]:
    """Remove loops whose width (``loop_width``, the smallest extent across) is below 2
    ``width`` [m]: a level just short of a local extremum of psi cuts a speck or a thin island
    that no wire of that width can follow (its two sides would come closer than a wire pitch);
    its current loop encloses an area of order width times its length, whose field at the DSV is
    small beside the other loops' (and the wires' check includes the loss)."""
    return [lp for lp in loops if loop_width(lp) >= 2.0 * width]


def _at_arc(points: np.ndarray, arc: np.ndarray, where: float) -> np.ndarray:
    """The point at path length ``where`` [m] (taken modulo the perimeter) of the closed polygon
    ``points`` whose vertices lie at path lengths ``arc`` (K + 1 values, the last the perimeter)."""
    total = arc[-1]
    where = where % total
    i = min(int(np.searchsorted(arc, where, side="right")) - 1, len(points) - 1)
    a, b = points[i], points[(i + 1) % len(points)]
    return a + (b - a) * ((where - arc[i]) / (arc[i + 1] - arc[i]))


TIP_STEPS = 8
"""Steps per pitch of ``trim_tips``' search for the chord across a tip (then refined by bisection)."""


def _at_arcs(points: np.ndarray, arc: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``_at_arc`` at each of the path lengths ``where`` (M,) [m]: points (M, 3)."""
    where = where % arc[-1]
    i = np.minimum(np.searchsorted(arc, where, side="right") - 1, len(points) - 1)
    a, b = points[i], points[(i + 1) % len(points)]
    return a + (b - a) * ((where - arc[i]) / (arc[i + 1] - arc[i]))[:, None]


TIP_BISECTIONS = 60
"""Bisection steps of ``trim_tips``' chord across a tip."""
TIP_TREE = 4
"""Bisection steps that ``_bisect_chord`` resolves with one array evaluation (2^TIP_TREE - 1 chords)."""


def _bisect_chord(points: np.ndarray, arc: np.ndarray, at: float, lo: float, hi: float,
                  pitch: float) -> tuple[float, float]:
    """TIP_BISECTIONS bisection steps on the half-width h [m] of path either side of path length
    ``at`` [m] of the closed polygon ``points`` (vertex path lengths ``arc``, ``_at_arc``) whose
    chord is ``pitch`` [m] long: (lo, hi) with the chord shorter than a pitch at lo (the mid
    becomes lo where the chord is shorter, else hi). The steps are taken TIP_TREE at a time: the
    mids of all the outcomes of the next TIP_TREE steps (each 0.5 (lo + hi) of its interval, as
    one step at a time would take them) are evaluated in one call, then the path through them
    is followed: the same mids, chords (``row_dot``: the rounding of the 1-D dot product) and
    decisions as step by step."""
    done = 0
    while done < TIP_BISECTIONS:
        k = min(TIP_TREE, TIP_BISECTIONS - done)
        bounds, mids = [(lo, hi)], []  # node n (breadth first): children 2 n + 1 (shorter), 2 n + 2
        for n in range(2 ** k - 1):
            a, b = bounds[n]
            mid = 0.5 * (a + b)
            mids.append(mid)
            bounds += [(mid, b), (a, mid)]
        where = np.array(mids)
        gap = _at_arcs(points, arc, at - where) - _at_arcs(points, arc, at + where)
        shorter = (np.sqrt(row_dot(gap, gap)) < pitch).tolist()
        n = 0
        for _ in range(k):
            n = 2 * n + (1 if shorter[n] else 2)
        lo, hi = bounds[n]
        done += k
    return lo, hi


TIP_TURN = 0.9 * 2.0 * np.pi / 3.0
"""Largest turn [rad] of every two pitches of path at which ``_followable`` passes a loop as it is."""


def _followable(loops: list[ContourLoop], pitch: float) -> np.ndarray:
    """True for each loop that ``trim_tips`` certainly keeps as it is: at least 3 points, longer
    than two ``pitch`` [m], and every stretch of path from a vertex back and forth by a pitch
    turns by at most TIP_TURN in all (the sum of the angles between consecutive segments at the
    vertices in it, found for all loops at once from running sums over each loop laid out three
    times). Its chord is then at least 2 pitch cos(TIP_TURN / 2) = 1.18 pitch: the directions of
    its segments form a path of length at most TIP_TURN on the unit sphere, so all lie within
    TIP_TURN / 2 of the direction u halfway along it, and the chord's component along u is the
    sum of the segment lengths times cosines of at least cos(TIP_TURN / 2) (the chord-arc bound
    of a curve through its tangent indicatrix: do Carmo, Differential Geometry of Curves and
    Surfaces (1976), sec. 5-7). The sums here are bounds with a wide margin; a loop not passed is
    examined as before."""
    count = np.array([len(lp.points) for lp in loops], dtype=np.intp)
    keep = np.flatnonzero(count >= 3)
    plain = np.zeros(len(loops), dtype=bool)
    if not len(keep):
        return plain
    n = count[keep]
    pts = np.vstack([loops[k].points for k in keep.tolist()])
    begin = np.r_[0, np.cumsum(n)[:-1]]
    owner = np.repeat(np.arange(len(n)), n)
    local = np.arange(len(pts)) - begin[owner]
    nxt = begin[owner] + (local + 1) % n[owner]
    prv = begin[owner] + (local - 1) % n[owner]
    seg = pts[nxt] - pts
    length = np.sqrt(np.einsum("ij,ij->i", seg, seg))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ij,ij->i", seg[prv], seg) / (length[prv] * length)
    turn = np.where(np.isfinite(cos), np.arccos(np.clip(cos, -1.0, 1.0)), np.pi)  # at each vertex
    total = np.add.reduceat(length, begin)
    # each loop three times over, its vertices' path lengths and turns summed along the run
    n3 = 3 * n
    start3 = np.r_[0, np.cumsum(n3)[:-1]]
    own3 = np.repeat(np.arange(len(n)), n3)
    vertex = begin[own3] + (np.arange(int(n3.sum())) - start3[own3]) % n[own3]
    at = np.r_[0.0, np.cumsum(length[vertex])[:-1]]
    run = np.r_[0.0, np.cumsum(turn[vertex])]
    middle = start3[own3] + n[own3] <= np.arange(len(vertex))
    middle &= np.arange(len(vertex)) < start3[own3] + 2 * n[own3]
    centre = np.flatnonzero(middle)
    reach = pitch * (1.0 + 1e-6) + 1e-6 * total[own3[centre]]
    first = np.searchsorted(at, at[centre] - reach, side="left")
    last = np.searchsorted(at, at[centre] + reach, side="right")
    worst = np.zeros(len(n))
    np.maximum.at(worst, own3[centre], run[last] - run[first])
    plain[keep] = (worst <= TIP_TURN) & (total > 2.0 * pitch * (1.0 + 1e-6))
    return plain


def trim_tips(loops: list[ContourLoop], pitch: float) -> list[ContourLoop]:
    """Loops whose corners a wire of ``pitch`` [m] (diameter plus clearance) can follow.

    A piecewise-linear contour turns at the mesh edges; near a narrow extremum of psi (the tip
    of an elongated island) it can turn so sharply that its two sides, one pitch of path either
    side of the corner, stand less than a pitch apart (an interior angle below 60 deg): as a
    wire they would touch. Such a tip is cut by the chord across it where the sides are exactly a
    pitch apart (the first half-width s of path either side of the corner whose chord is a
    pitch long: steps of pitch / TIP_STEPS outwards, then bisection; the new corners have
    interior angles above 90 deg), repeatedly until no corner is that sharp. A loop
    too thin for any chord of a pitch is dropped. The cut changes the loop's enclosed area by
    about pitch^2 / (2 tan(theta / 2)) per tip; the wires' check includes it. Points in the
    parameter plane (``ContourLoop.plane``) are interpolated with the same weights."""
    out = []
    plain = _followable(loops, pitch)
    for lp, as_is in zip(loops, plain):
        pts = lp.points
        uv = lp.plane
        normals = lp.normals
        for _ in range(0 if as_is else len(pts)):
            if len(pts) < 3:
                break
            seg = np.linalg.norm(np.diff(np.vstack([pts, pts[:1]]), axis=0), axis=1)
            arc = np.r_[0.0, np.cumsum(seg)]
            total = float(arc[-1])
            if total <= 2.0 * pitch:
                pts = pts[:0]
                break
            gap = _at_arcs(pts, arc, arc[:-1] - pitch) - _at_arcs(pts, arc, arc[:-1] + pitch)
            chord = np.sqrt(row_dot(gap, gap))
            i = int(np.argmin(chord))
            if chord[i] >= pitch * (1 - 1e-12):
                break
            # the first half-width h (steps of pitch / TIP_STEPS) whose chord is a pitch long; none
            # before the far side of the loop (where the two points meet again): too thin to follow
            h = pitch + (pitch / TIP_STEPS) * np.arange(1, int((0.5 * total - pitch) / (pitch / TIP_STEPS)) + 1)
            gap = _at_arcs(pts, arc, arc[i] - h) - _at_arcs(pts, arc, arc[i] + h)
            wide = np.flatnonzero(np.sqrt(row_dot(gap, gap)) >= pitch)
            if not wide.size:
                pts = pts[:0]  # no chord of a pitch fits: a wire cannot follow the loop at all
                break
            lo, hi = (h[wide[0] - 1] if wide[0] else pitch), h[wide[0]]
            lo, hi = _bisect_chord(pts, arc, arc[i], lo, hi, pitch)
            a0, a1 = arc[i] - hi, arc[i] + hi
            # keep the vertices outside (a0, a1) (path lengths taken from a1 round to a0)
            rel = (arc[:-1] - a1) % total
            keep = np.flatnonzero(rel < total - 2.0 * hi)
            order = keep[np.argsort(rel[keep], kind="stable")]
            new_pts = [_at_arc(pts, arc, a1)] + [pts[k] for k in order] + [_at_arc(pts, arc, a0)]
            if uv is not None:
                uv = np.array([_at_arc(uv, arc, a1)] + [uv[k] for k in order] + [_at_arc(uv, arc, a0)])
            normals = np.vstack([normals[i][None], normals[order], normals[i][None]])  # the corner's normal
            pts = np.array(new_pts)
        if len(pts) >= 3:
            out.append(ContourLoop(pts, lp.level, normals, uv, lp.period, lp.component))
    return out


def winding_numbers(polygon: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Winding number of the closed ``polygon`` (K, 2) about each of ``points`` (M, 2): the
    signed count of the polygon's crossings of the ray from the point in +x, an upward edge
    (half-open in y) counting +1 where the point lies left of it and a downward one -1 where it
    lies right of it (Hormann & Agathos, Comput. Geom. 20, 131 (2001), sec. 2: the winding
    number as the signed crossing count, with its treatment of vertices on the ray).

    Only the pairs (edge, point) that can count are formed: an upward edge a -> b counts only
    for points with a_y <= q_y < b_y, a downward one only for b_y <= q_y < a_y, and these are
    found for every edge at once by binary search in the points sorted by y (the same
    comparisons, and the same side test for the pairs formed, as over all pairs)."""
    polygon = np.asarray(polygon, dtype=float)
    points = np.asarray(points, dtype=float)
    a = polygon
    b = np.concatenate((polygon[1:], polygon[:1]))
    order = np.argsort(points[:, 1], kind="stable")
    qy = points[order, 1]
    up_edge = a[:, 1] <= b[:, 1]
    lo = np.where(up_edge, a[:, 1], b[:, 1])
    hi = np.where(up_edge, b[:, 1], a[:, 1])
    first = np.searchsorted(qy, lo, side="left")  # the first point with q_y >= lo
    stop = np.searchsorted(qy, hi, side="left")  # the first point with q_y >= hi
    count = np.maximum(stop - first, 0)
    edge = np.repeat(np.arange(len(a)), count)
    q = order[np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))]
    ae, be, pq = a[edge], b[edge], points[q]
    side = (be[:, 0] - ae[:, 0]) * (pq[:, 1] - ae[:, 1]) - (pq[:, 0] - ae[:, 0]) * (be[:, 1] - ae[:, 1])
    up = up_edge[edge] & (side > 0)
    down = ~up_edge[edge] & (side < 0)
    return (np.bincount(q[up], minlength=len(points)) - np.bincount(q[down], minlength=len(points))).astype(np.int64)


def _chart(loops: list[ContourLoop]) -> list[tuple[np.ndarray, float, int]]:
    """(plane coordinates, period, component) per loop; loops without a chart share the plane
    of the principal axes of all their points (``surface_charts``)."""
    bare = [lp for lp in loops if lp.plane is None]
    axes = origin = None
    if bare:
        allp = np.vstack([lp.points for lp in bare])
        origin = allp.mean(axis=0)
        axes = np.linalg.svd(allp - origin, full_matrices=False)[2][:2]
    return [(lp.plane, lp.period, lp.component) if lp.plane is not None else
            ((lp.points - origin) @ axes.T, 0.0, -1) for lp in loops]


def _wraps(uv: np.ndarray, period: float) -> bool:
    """True for a loop that goes round a periodic chart (not contractible)."""
    if period == 0:
        return False
    closing = uv[0, 0] - uv[-1, 0]
    closing = (closing + 0.5 * period) % period - 0.5 * period
    return abs(uv[-1, 0] - uv[0, 0] + closing) > 0.5 * period


def encloses(parent: tuple[np.ndarray, float, int], child: tuple[np.ndarray, float, int]) -> bool:
    """True when the contractible loop ``parent`` winds round the loop ``child`` (each as
    (plane coordinates, period, component) of ``_chart``): same surface component and a
    non-zero winding number (``winding_numbers``) about most of the child's points (contours
    of different levels never cross, so all its points agree but for round-off). On a
    periodic chart the child's points are tested at every copy (u + k period) within the
    parent's extent: the winding number on the cylinder is the sum over the copies."""
    uv_p, period, comp_p = parent
    uv_c, _, comp_c = child
    if comp_p != comp_c:
        return False
    # a point outside the parent's bounding box (in v; in u too on a plane) has winding number 0
    # exactly (the ray misses the polygon, or crosses it up and down equally often), so only the
    # points inside it are counted
    (u_lo, v_lo), (u_hi, v_hi) = uv_p.min(axis=0), uv_p.max(axis=0)
    inside = (uv_c[:, 1] >= v_lo) & (uv_c[:, 1] <= v_hi)
    if period == 0:
        inside &= (uv_c[:, 0] >= u_lo) & (uv_c[:, 0] <= u_hi)
    if int(np.count_nonzero(inside)) * 2 <= len(uv_c):
        return False
    q = uv_c[inside]
    if period == 0:
        total = winding_numbers(uv_p, q)
    else:
        q[:, 0] = u_lo + (q[:, 0] - u_lo) % period
        copies = int(np.ceil((u_hi - u_lo) / period)) + 1  # all copies in one call: the same counts
        shift = np.stack([np.arange(copies) * period, np.zeros(copies)], axis=1)
        total = winding_numbers(uv_p, (q[None] + shift[:, None]).reshape(-1, 2)).reshape(copies, -1).sum(axis=0)
    return int(np.count_nonzero(total)) * 2 > len(uv_c)


def nests(loops: list[ContourLoop]) -> list[list[ContourLoop]]:
    """Chains of nested loops, outermost (smallest |level|) first.

    A loop's parent is the innermost (smallest enclosed area in the parameter plane) of the
    loops one level closer to zero that enclose it (``encloses``: winding number in the
    parameter plane of its surface component, ``surface_charts``). Distance alone does not
    decide it: where {psi > c} is an annulus the nearest loop of level c can be the boundary of
    its hole, which does not enclose the loops inside the annulus (their jog would cross the
    annulus' wires). Loops that go round a cylinder (not contractible, no inside) take the
    nearest such loop one level closer to zero. A loop without a parent starts a chain; when
    several loops share a parent, the nearest one continues its chain and the others start
    chains of their own (so no jog crosses a loop). Deterministic: ties go to the lower index."""
    charts = _chart(loops)
    by_level: dict[float, list[int]] = {}
    for i, lp in enumerate(loops):
        by_level.setdefault(lp.level, []).append(i)
    order = sorted(by_level, key=lambda lv: (abs(lv), lv))
    chains: list[list[int]] = []
    tail_of: dict[int, int] = {}  # loop index -> chain index when that loop ends a chain
    trees: dict[int, cKDTree] = {}  # built for the loops that are someone's parent candidate
    wraps = [_wraps(uv, period) for uv, period, _ in charts]
    low = [uv.min(axis=0) for uv, _, _ in charts]
    high = [uv.max(axis=0) for uv, _, _ in charts]

    def apart(j: int, i: int) -> bool:  # loop i's box misses loop j's (in v; in u too on a plane):
        # no point of i lies in j's box, so ``encloses(j, i)`` is False
        if low[i][1] > high[j][1] or high[i][1] < low[j][1]:
            return True
        return charts[j][1] == 0 and (low[i][0] > high[j][0] or high[i][0] < low[j][0])

    area = [0.5 * abs(float(np.sum(uv[:, 0] * np.concatenate((uv[1:, 1], uv[:1, 1]))
                                   - np.concatenate((uv[1:, 0], uv[:1, 0])) * uv[:, 1])))
            for uv, _, _ in charts]
    for lv in order:
        previous = [lv2 for lv2 in order if (lv2 > 0) - (lv2 < 0) == (lv > 0) - (lv < 0) and abs(lv2) < abs(lv)]
        links = []  # (distance to parent, loop, parent)
        for i in by_level[lv]:
            parent, dist = None, 0.0
            if previous:
                candidates = by_level[max(previous, key=abs)]
                if wraps[i]:
                    around = [j for j in candidates if wraps[j] and charts[j][2] == charts[i][2]]
                else:
                    around = sorted((j for j in candidates if not wraps[j] and charts[j][2] == charts[i][2]
                                     and not apart(j, i) and encloses(charts[j], charts[i])),
                                    key=lambda j: (area[j], j))[:1]
                if around:
                    for j in around:
                        if j not in trees:
                            trees[j] = cKDTree(loops[j].points)
                    dists = [float(trees[j].query(loops[i].points)[0].min()) for j in around]
                    parent, dist = around[int(np.argmin(dists))], min(dists)
            links.append((dist, i, parent))
        for _, i, parent in sorted(links, key=lambda t: (t[0], t[1])):
            if parent is not None and parent in tail_of:
                c = tail_of.pop(parent)
                chains[c].append(i)
                tail_of[i] = c
            else:
                chains.append([i])
                tail_of[i] = len(chains) - 1
    return [[loops[i] for i in chain] for chain in chains]


CUT_DIRECTION = np.array([0.0, -1.0, 0.0])
"""Among cut candidates equally far from the centre, the one furthest along this direction."""
CUT_TIES = (np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]))
"""Among those equally far along CUT_DIRECTION too (to CUT_TIE of the loop's size: e.g. mirror
images of each other about it), the one furthest along the first of these, then the second: a
tie decided by round-off would make the cut, and the wires, depend on it."""
CUT_TIE = 1e-9
"""Ties of the cut, as a fraction of the loop's size (far above round-off, ~1e-16, far below a mesh edge)."""


GAP_STEPS = 8
"""Steps per pitch of ``_gap_start``'s search along the loop (then refined by bisection)."""
GAP_SAMPLES = 80
"""Samples per pitch of the stretches that ``_gap_start`` keeps a pitch apart."""
GAP_BISECTIONS = 12
"""Bisection steps of ``_gap_start`` (to a pitch 2^-12 / GAP_STEPS, on the clear side)."""
GAP_BATCH = 4
"""Forward steps of ``_gap_start``'s search tested together (the first clear one is taken), from
the first a pitch of path after the end."""
GAP_TREE = 4
"""Bisection steps left at which ``_gap_start`` tests the midpoints of all their paths at once."""
GAP_CHUNK = 16
"""Consecutive sample points that ``_gap_start`` first tests as one ball round their centre."""


class _Polygon:
    """A closed polygon ``points`` (P, 3) [m] in structure-of-arrays form: the next vertex
    ``nxt``, segment lengths ``seg`` and the path length ``arc`` (P + 1) at each vertex."""

    def __init__(self, points: np.ndarray) -> None:
        self.points = points
        self.nxt = np.roll(points, -1, axis=0)
        self.seg = np.linalg.norm(self.nxt - points, axis=1)
        self.arc = np.r_[0.0, np.cumsum(self.seg)]

    def sample(self, where: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Points (K, C, 3) at path lengths ``where`` (K,) + ``offsets`` (C,) [m], modulo the perimeter."""
        t = (where[:, None] + offsets[None, :]) % self.arc[-1]
        i = np.minimum(np.searchsorted(self.arc, t, side="right") - 1, len(self.points) - 1)
        return self.points[i] + (self.nxt[i] - self.points[i]) * ((t - self.arc[i]) / self.seg[i])[..., None]

    def sample_pairs(self, where: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Points (M, 3) at path lengths ``where`` (M,) + ``offsets`` (M,) [m], modulo the perimeter."""
        t = (where + offsets) % self.arc[-1]
        i = np.minimum(np.searchsorted(self.arc, t, side="right") - 1, len(self.points) - 1)
        return self.points[i] + (self.nxt[i] - self.points[i]) * ((t - self.arc[i]) / self.seg[i])[:, None]

    def path(self, begin: float, length: float) -> np.ndarray:
        """The polyline (V, 3) [m] along the polygon from path length ``begin`` [m] (modulo the
        perimeter) over ``length`` [m] (at most the perimeter): its two ends and the vertices between."""
        total = float(self.arc[-1])
        a = begin % total
        ends = self.sample_pairs(np.array([a, a]), np.array([0.0, length]))
        n = len(self.points)
        lo = int(np.searchsorted(self.arc, a, side="right"))  # first vertex after ``a``
        inner = np.arange(lo, lo + n)
        pos = self.arc[inner % n] + total * (inner // n)
        inner = inner[pos < a + length] % n
        return np.vstack([ends[:1], self.points[inner], ends[1:]])

    def _distances(self, targets: np.ndarray, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distance [m], fraction) (K, S) from ``targets`` (K, 3) to the segments ``seg`` (S,)
        (the arithmetic of ``_nearest_on`` row by row)."""
        a = self.points[seg]
        d = self.nxt[seg] - a
        t = np.clip(np.einsum("kij,ij->ki", targets[:, None, :] - a[None], d)
                    / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300), 0.0, 1.0)
        return np.linalg.norm(a[None] + t[..., None] * d[None] - targets[:, None, :], axis=-1), t

    def candidates(self, q: np.ndarray, rho: float) -> np.ndarray:
        """Indices (ascending) of the segments that can hold the nearest point to a target within
        ``rho`` [m] of ``q`` (3,) [m]: a segment farther than min + 2 rho from q (relative margin
        1e-9) is farther from every such target than the nearest one (triangle inequality)."""
        dq = self._distances(q[None], np.arange(len(self.points)))[0][0]
        return np.flatnonzero(dq <= (dq.min() + 2.0 * rho) * (1.0 + 1e-9) + 1e-300)

    def nearest(self, targets: np.ndarray, seg: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(segment index, fraction) (K,) of the points of the polygon nearest to ``targets`` (K, 3)
        (first of equals, as ``_nearest_on``). Only segments that can hold a nearest point are
        measured: ``seg`` (from ``candidates``) where the caller knows where the targets lie, else
        those of ``candidates`` with q the targets' mean and rho their largest distance from it."""
        if seg is None:
            q = targets.mean(axis=0)
            seg = self.candidates(q, float(np.linalg.norm(targets - q, axis=1).max()))
        dist, t = self._distances(targets, seg)
        i = np.argmin(dist, axis=1)
        return seg[i], t[np.arange(len(i)), i]


def _unit_at(counts: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The fractions index / (counts - 1) of ``counts`` equal steps from 0 to 1, each as
    ``np.linspace(0, 1, counts)[index]`` rounds it (index times the step, the last exactly 1)."""
    return np.where(index == counts - 1, 1.0, index * (1.0 / (counts - 1)))


def _segment_points(a: np.ndarray, b: np.ndarray, fine: float) -> np.ndarray:
    """Points of the straight segment ``a``-``b`` [m] at most ``fine`` [m] apart, both ends included."""
    count = max(2, int(np.ceil(np.linalg.norm(b - a) / fine)) + 1)
    return a + _unit_at(np.int64(count), np.arange(count))[:, None] * (b - a)


def _segment_distances_apart(p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray, c: np.ndarray,
                             l1: np.ndarray, l2: np.ndarray) -> np.ndarray:
    """Least distances [m] between the points P(s) = ``p0`` + s (``p1`` - ``p0``) and Q(t) = ``q0`` +
    t (``q1`` - ``q0``), s, t in [0, 1], that satisfy t ``l2`` - s ``l1`` >= ``c`` (all (M, 3) or
    (M,) arrays; ``l1``, ``l2`` > 0 [m]; ``c`` = -inf: no condition; inf where no pair satisfies
    it). With ``l1``, ``l2`` the segments' lengths and ``c`` = g - (a2 - a1) for segments starting at
    path lengths a1 <= a2 of one wire, these are the pairs at least g apart along the wire.

    The squared distance is convex in (s, t) and the allowed set is the convex polygon cut from
    the unit square by the half-plane, so the minimum is the stationary point when that lies in
    the polygon, else on its boundary (Boyd & Vandenberghe, Convex Optimization (2004), sec. 4.2.2):
    the parts of the four square edges inside the half-plane (a point to a sub-segment, the
    projection fraction clipped to the allowed interval: ``geometry.point_segment_distance``) and
    the part of the line t l2 - s l1 = c inside the square (along it P - Q is affine in s: the
    same clipped projection); the smallest of the candidates that exist is taken (Ericson,
    Real-Time Collision Detection (2005), sec. 5.1.9, for the unconstrained case)."""
    d1, d2, r = p1 - p0, q1 - q0, p0 - q0
    best = np.full(np.shape(c), np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        for point, lo in ((p0, np.maximum(0.0, c / l2)), (p1, np.maximum(0.0, (c + l1) / l2))):  # s = 0, 1
            near = point_segment_distance(point, q0, q1, np.minimum(lo, 1.0), 1.0)
            best = np.where(lo <= 1.0, np.minimum(best, near), best)
        for point, hi in ((q0, np.minimum(1.0, -c / l1)), (q1, np.minimum(1.0, (l2 - c) / l1))):  # t = 0, 1
            near = point_segment_distance(point, p0, p1, 0.0, np.maximum(hi, 0.0))
            best = np.where(hi >= 0.0, np.minimum(best, near), best)
        a, b, cc, e, f = row_dot(d1, d1), row_dot(d1, d2), row_dot(d1, r), row_dot(d2, d2), row_dot(d2, r)
        den = a * e - b * b
        safe = np.where(den > 0.0, den, 1.0)
        s, t = (b * f - cc * e) / safe, (a * f - b * cc) / safe
        inside = (den > 0.0) & (s > 0.0) & (s < 1.0) & (t > 0.0) & (t < 1.0) & (t * l2 - s * l1 >= c)
        interior = np.linalg.norm(r + s[..., None] * d1 - t[..., None] * d2, axis=-1)
        best = np.where(inside, np.minimum(best, interior), best)
        finite = np.isfinite(c)
        cf = np.where(finite, c, 0.0)
        lo, hi = np.maximum(0.0, -cf / l1), np.minimum(1.0, (l2 - cf) / l1)
        u = r - (cf / l2)[..., None] * d2  # P - Q on the line, as u + s w
        w = d1 - (l1 / l2)[..., None] * d2
        line = point_segment_distance(-u, np.zeros_like(u), w, lo, hi)
        best = np.where(finite & (lo <= hi), np.minimum(best, line), best)
    return best


def _gap_start(points: np.ndarray, end: tuple[int, float], pitch: float,
               jog: np.ndarray | None = None, outer: np.ndarray | None = None) -> tuple[int, float]:
    """(segment index, fraction) of the point where a loop that ends at ``end`` (segment index,
    fraction) must start so that its two ends stand a wire ``pitch`` [m] apart: the first point
    forward from ``end`` whose next 3 pitches of path, and the jog that arrives there from the
    nearest point of the ``outer`` loop (if any), stay at least a pitch from the loop's last 3
    pitches before ``end`` and from the ``jog`` (2, 3) that leaves the loop at ``end``, if any (a
    chord of a pitch across the gap is not enough where the gap spans a corner, or where a jog
    leans towards the other end: it would then come closer than a pitch to the wire).

    Search: forward in steps of pitch / GAP_STEPS to the first clear point (those less than a
    pitch of path from the end are not: a chord is no longer than its path), then GAP_BISECTIONS
    bisections between it and the step before; both stretches are sampled every pitch /
    GAP_SAMPLES. Candidates are tested in batches (``_clear``; each start's verdict is kept):
    GAP_BATCH forward steps at once (with the first of them, the bisection's predicted midpoints
    between the first two), the midpoints that the remaining bisection steps visit if each verdict is as predicted
    (``_flip_estimate``; the verdict mostly flips just past the last step found not clear),
    followed up to the first verdict that differs, and the midpoints of all paths of the last
    GAP_TREE steps at once: the same midpoints and verdicts as step by step. The
    samples' first clear start is then confirmed exactly (``_clear_exactly``) and, where the
    samples missed a closer stretch between them, moved on by the bisection's resolution until it
    is exactly clear: a returned start is a pitch from the kept wire everywhere."""
    poly = _Polygon(points)
    seg, arc = poly.seg, poly.arc
    total = float(arc[-1])
    s_end = arc[end[0]] + end[1] * seg[end[0]]
    step, fine = pitch / GAP_STEPS, pitch / GAP_SAMPLES
    span = min(3 * pitch, 0.25 * total)
    count = max(2, int(np.ceil(abs(span) / fine)) + 1)
    tail = poly.sample(np.array([s_end]), np.linspace(0.0, -span, count))[0]
    if jog is not None:
        tail = np.vstack([tail, _segment_points(jog[0], jog[1], fine)])
    tree = cKDTree(tail)
    head_offsets = np.linspace(0.0, span, count)
    outer_poly = _Polygon(outer) if outer is not None else None

    profile: list = []  # the tree's distance along the path, shared by the batches
    # the kept stretch and jog as segments, for the exact test of the starts the samples clear
    kept = poly.path(s_end - span, span)
    ka, kb = kept[:-1], kept[1:]
    if jog is not None:
        ka, kb = np.vstack([ka, jog[:1]]), np.vstack([kb, jog[1:]])

    near_outer: list = [None]  # the segments of ``outer`` that can be nearest to the starts tested
    known: dict[float, bool] = {}  # the verdicts so far, by start
    bisecting: list[float] = []  # (lo, hi) once the bisection has begun

    def clear(where: list[float], also: list[float] = ()) -> list[bool]:  # the samples' verdicts
        # of ``where``, tested together with ``also`` (those the next steps may ask for)
        new = [w for w in dict.fromkeys([*where, *also]) if w not in known]
        if new and bisecting and near_outer[0] is None and outer_poly is not None:
            # every start bisected lies within (hi - lo) / 2 of the middle, along the path
            middle = poly.sample(np.array([0.5 * (bisecting[0] + bisecting[1])]), np.zeros(1))[0, 0]
            near_outer[0] = outer_poly.candidates(middle, 0.5 * (bisecting[1] - bisecting[0]))
        if new:
            known.update(zip(new, _clear(poly, outer_poly, tree, np.array(new), head_offsets, pitch, fine, profile,
                                         near_outer[0]).tolist()))
        return [known[w] for w in where]

    def path(lo: float, hi: float, count: int) -> tuple[list[float], list[bool]]:
        # the midpoints of ``count`` bisection steps from (lo, hi) if each verdict is as
        # ``_flip_estimate`` predicts (where it has none, or lies below ``lo``: each clear, the
        # verdict flipping just past ``lo``), and those predictions
        guess = _flip_estimate(profile, lo, hi, pitch)
        mids, expect = [], []
        while len(mids) < count:
            mids.append(0.5 * (lo + hi))
            expect.append(mids[-1] > guess)
            lo, hi = (lo, mids[-1]) if expect[-1] else (mids[-1], hi)
        return mids, expect

    def exactly(where: float) -> bool:
        return _clear_exactly(poly, outer_poly, ka, kb, where, span, pitch)

    lo = s_end
    hi = s_end + step
    # a start less than a pitch of path after the end lies less than a pitch from it (a chord is
    # no longer than its path; pitch <= total / 4, so these starts all come before the search's
    # limit) and the end is a sample of the kept stretch: not clear, so not tested
    for _ in range(GAP_STEPS - 1):
        lo, hi = hi, hi + step
    batch = [hi]
    while True:
        while len(batch) < GAP_BATCH and batch[-1] + step - s_end <= 0.5 * total:
            batch.append(batch[-1] + step)
        also: list[float] = []
        if len(batch) > 1 and not known:  # the bisection after the first two starts (mostly the
            # first clear is the second), tested with them
            _distance_profile(poly, tree, batch[0], batch[-1] + float(head_offsets[-1]), pitch, fine, profile)
            also = path(batch[0], batch[1], GAP_BISECTIONS)[0]
        ok = clear(batch, also)
        if any(ok):
            j = ok.index(True)
            lo, hi = (batch[j - 1] if j else lo), batch[j]
            break
        if batch[-1] + step - s_end > 0.5 * total:
            raise ValueError(f"Input pitch must leave room for a gap in a loop {total:g} m long; instead received "
                             f"{pitch!r}")
        lo = batch[-1]
        batch = [batch[-1] + step]
    bisecting[:] = [lo, hi]  # from here on the starts tested lie in (lo, hi)
    done = 0
    while done < GAP_BISECTIONS:
        left = GAP_BISECTIONS - done
        if left <= GAP_TREE:
            # the midpoints of every path of the remaining steps (breadth first: node n's children
            # 2 n + 1 (clear: (lo, mid)) and 2 n + 2 (not clear: (mid, hi))), tested together; their
            # verdicts fix the path, with the same midpoints as step by step
            bounds, mids = [(lo, hi)], []
            for node in range(2 ** left - 1):
                a, b = bounds[node]
                mids.append(0.5 * (a + b))
                bounds += [(a, mids[-1]), (mids[-1], b)]
            ok = clear(mids)
            node = 0
            for _ in range(left):
                node = 2 * node + (1 if ok[node] else 2)
            lo, hi = bounds[node]
            break
        # the midpoints of the predicted path, tested together; the walk stops after the first
        # verdict that differs from the prediction
        mids, expect = path(lo, hi, GAP_BISECTIONS - done)
        ok = clear(mids)
        for mid, passed, expected in zip(mids, ok, expect):
            done += 1
            lo, hi = (lo, mid) if passed else (mid, hi)
            if passed != expected:
                break
    resolution = step / 2 ** GAP_BISECTIONS
    while not exactly(hi):  # the samples' first clear start, moved on until exactly clear
        hi += resolution
        if hi - s_end > 0.5 * total:
            raise ValueError(f"Input pitch must leave room for a gap in a loop {total:g} m long; instead received "
                             f"{pitch!r}")
    where = hi % total
    i = min(int(np.searchsorted(arc, where, side="right")) - 1, len(points) - 1)
    return i, float((where - arc[i]) / seg[i])


def _flip_estimate(profile: list, lo: float, hi: float, pitch: float) -> float:
    """Where in (``lo``, ``hi``) [m] the verdict of ``_gap_start``'s test is likely to flip: the
    first point where the linear interpolation of the distance profile (``_clear``'s [start,
    spacing, D]: the path's distance from the kept wire) rises through ``pitch`` [m] (the start
    itself is mostly the stretch's sample nearest the kept wire); ``lo`` where it has none. Only
    the order of the midpoints tested depends on it, never a verdict."""
    if not profile:
        return lo
    u0, h, dist = profile
    g0 = max(int((lo - u0) / h), 0)
    d = dist[g0:min(int((hi - u0) / h) + 2, len(dist))]
    rise = np.flatnonzero((d[:-1] < pitch) & (d[1:] >= pitch))
    if not len(rise):
        return lo
    k = int(rise[0])
    return u0 + h * (g0 + k + (pitch - d[k]) / (d[k + 1] - d[k]))


def _clear_exactly(poly: _Polygon, outer: _Polygon | None, ka: np.ndarray, kb: np.ndarray, where: float,
                   span: float, pitch: float) -> bool:
    """True when the stretch of ``poly`` from path length ``where`` [m] over ``span`` [m], and the
    jog arriving at its start from the nearest point of ``outer`` (if any), lie at least ``pitch``
    [m] from every segment ``ka``-``kb`` (N, 3): exact segment-to-segment distances
    (``segment_distances``), so that an accepted start is a pitch from the kept wire everywhere,
    not only at sample points."""
    head = poly.path(where, span)
    ha, hb = head[:-1], head[1:]
    if outer is not None:
        dist, t = outer._distances(head[:1], np.arange(len(outer.points)))  # as ``outer.nearest``
        i = int(np.argmin(dist[0]))
        src = (outer.points[i] + t[0, i] * (outer.nxt[i] - outer.points[i]))[None]
        ha, hb = np.vstack([ha, src]), np.vstack([hb, head[:1]])
    near = segment_distances(ha[:, None], hb[:, None], ka[None], kb[None])
    return bool(near.min() >= pitch)


GAP_PROFILE = 2
"""Points per sample spacing of the distance profile along the path that ``_clear`` bounds with."""


def _distance_profile(poly: _Polygon, tree: cKDTree, lo_x: float, hi_x: float, pitch: float, fine: float,
                      profile: list) -> None:
    """``_clear``'s distance profile: ``profile`` set to [start, spacing, D] with D the distances
    [m] from ``tree`` (capped at 2 ``pitch``) of the points of ``poly`` at path lengths from
    ``lo_x`` to beyond ``hi_x`` [m], spacing fine / GAP_PROFILE, unless it covers them already."""
    if not profile or lo_x < profile[0] or hi_x > profile[0] + profile[1] * (len(profile[2]) - 1):
        h = fine / GAP_PROFILE
        grid = lo_x + h * np.arange(int(np.ceil((hi_x - lo_x) / h)) + 2)
        dist = tree.query(poly.sample(grid, np.zeros(1))[:, 0], distance_upper_bound=2.0 * pitch)[0]
        profile[:] = [lo_x, h, np.minimum(dist, 2.0 * pitch)]  # inf: at least 2 pitches


def _clear(poly: _Polygon, outer: _Polygon | None, tree: cKDTree, where: np.ndarray, offsets: np.ndarray,
           pitch: float, fine: float, profile: list, outer_segments: np.ndarray | None = None) -> np.ndarray:
    """For each start ``where`` (K,) [m] on ``poly``: True when every sample of the next stretch
    (``offsets`` [m] along the path) and of the jog arriving at the start from the nearest point of
    ``outer`` (samples at most ``fine`` [m] apart) lies at least ``pitch`` [m] from every point of
    ``tree`` (``_gap_start``).

    Most samples are decided by bounds, the rest are queried one by one as the definition states.
    The distance from the tree changes by at most the path length between two points of the
    path (a chord is no longer than its path), so the distances D at a grid of path lengths
    (spacing fine / GAP_PROFILE; ``profile`` keeps [start, spacing, D] for the next call) bound a
    stretch sample's distance from below and above by D -+ its path distance to the grid point;
    on a jog, runs of GAP_CHUNK samples lie within r (half the run) of the run's middle, whose
    distance d gives d -+ r. A sample bounded below by more than a pitch is clear; one bounded
    above by less than a pitch makes its start not clear (relative margins 1e-9 for round-off)."""
    k_count = len(where)
    lower_ok, upper_bad = pitch * (1.0 + 1e-9), pitch * (1.0 - 1e-9)
    ok = np.ones(k_count, dtype=bool)
    _distance_profile(poly, tree, float(where.min()), float(where.max()) + float(offsets[-1]), pitch, fine, profile)
    u0, h, dist = profile
    x = where[:, None] + offsets[None, :]  # (K, C) path lengths of the stretches' samples
    cell = np.clip(((x - u0) / h).astype(np.int64), 0, len(dist) - 2)
    left = x - (u0 + h * cell)
    right = h - left
    d0, d1 = dist[cell], dist[cell + 1]
    below = np.maximum(d0 - np.abs(left), d1 - np.abs(right))
    above = np.minimum(d0 + np.abs(left), d1 + np.abs(right))
    ok &= ~(above < upper_bad).any(axis=1)
    unsure_k, unsure_c = np.nonzero((below <= lower_ok) & ok[:, None])
    jog_who = jog_index = None
    if outer is not None:  # the jogs from the nearest point of ``outer`` to each start
        starts = poly.sample(where, offsets[:1])[:, 0]  # offsets[0] = 0: the stretches' first samples
        i, t = outer.nearest(starts, outer_segments)
        src = outer.points[i] + t[:, None] * (outer.nxt[i] - outer.points[i])
        vec = src - starts
        counts = np.maximum(2, np.ceil(np.sqrt(row_dot(vec, vec)) / fine).astype(np.int64) + 1)
        g = GAP_CHUNK
        runs = -(-counts // g)
        jk = np.repeat(np.arange(k_count), runs)
        jf = g * (np.arange(runs.sum()) - np.repeat(np.cumsum(runs) - runs, runs))
        jl = np.minimum(jf + g, counts[jk]) - 1
        pa = starts[jk] + _unit_at(counts[jk], jf)[:, None] * vec[jk]
        pb = starts[jk] + _unit_at(counts[jk], jl)[:, None] * vec[jk]
        radius = 0.5 * np.linalg.norm(pb - pa, axis=1)
        reach = 2.0 * lower_ok + float(radius.max())
        d_mid = tree.query(0.5 * (pa + pb), distance_upper_bound=reach)[0]
        d_mid[np.isinf(d_mid)] = reach  # nothing closer than ``reach``
        ok[jk[d_mid + radius < upper_bad]] = False
        near = np.flatnonzero((d_mid - radius <= lower_ok) & ok[jk])
        size = jl[near] - jf[near] + 1
        jog_who = np.repeat(jk[near], size)
        jog_index = np.repeat(jf[near], size) + (np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size))
        keep = ok[unsure_k]
        unsure_k, unsure_c = unsure_k[keep], unsure_c[keep]
    parts, owners = [], []
    if len(unsure_k):
        parts.append(poly.sample_pairs(where[unsure_k], offsets[unsure_c]))
        owners.append(unsure_k)
    if jog_who is not None and len(jog_who):
        u = _unit_at(counts[jog_who], jog_index)
        parts.append(starts[jog_who] + u[:, None] * vec[jog_who])
        owners.append(jog_who)
    if parts:
        d = tree.query(np.concatenate(parts), distance_upper_bound=pitch)[0]
        ok[np.unique(np.concatenate(owners)[np.isfinite(d)])] = False
    return ok


def _nearest_on(points: np.ndarray, target: np.ndarray) -> tuple[int, float]:
    """(segment index, fraction) of the point of the closed polygon ``points`` nearest to ``target``."""
    a = points
    d = np.roll(points, -1, axis=0) - a
    t = np.clip(np.einsum("ij,ij->i", target - a, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300), 0.0, 1.0)
    dist = np.linalg.norm(a + t[:, None] * d - target, axis=1)
    i = int(np.argmin(dist))
    return i, float(t[i])


VERTEX_SNAP = 1e-9
"""A point of a polygon within this fraction of its segment from a vertex is that vertex (``_at_vertex``)."""


def _at_vertex(where: tuple[int, float], n: int) -> tuple[int, float]:
    """The point ``where`` (segment index, fraction) of a closed polygon of ``n`` vertices in one
    form: within VERTEX_SNAP of a vertex it is that vertex as (its index, 0.0). The end of segment
    i and the start of segment i + 1 are the same point, and which form a nearest-point search
    returns there is decided by round-off (two equal distances): the arcs drawn from the two forms
    differ by a vertex, and the wires built on them by more."""
    i, t = where
    if t >= 1.0 - VERTEX_SNAP:
        return (i + 1) % n, 0.0
    return (i, 0.0) if t <= VERTEX_SNAP else (i, t)


def _arc(points: np.ndarray, begin: tuple[int, float], end: tuple[int, float]) -> np.ndarray:
    """The closed polygon ``points`` from the point ``begin`` forward to the point ``end`` (each
    (segment index, fraction)), both included, with the vertices in between."""
    n = len(points)
    nxt = np.roll(points, -1, axis=0)
    p0 = points[begin[0]] + begin[1] * (nxt[begin[0]] - points[begin[0]])
    p1 = points[end[0]] + end[1] * (nxt[end[0]] - points[end[0]])
    count = (end[0] - begin[0]) % n
    if count == 0 and end[1] <= begin[1]:
        count = n
    if end[1] == 0.0:  # the end is the vertex itself: not twice
        count -= 1
    inner = points[(begin[0] + 1 + np.arange(count)) % n]
    return np.vstack([p0, inner, p1])


RETURN_POINTS = 8  # points per straight piece of the lifted return (its height above the chord below)
RETURN_BISECTIONS = 40
"""Bisection steps of ``_raised``'s height (to 2^-40 of its bracket)."""
RETURN_DOUBLINGS = 64
"""Most steps of ``_raised``'s first search (doubling the raise). The height missing is at least a
unit in the last place of the distances compared (both near ``lift``), about 2^-53 ``lift``, and
the raise needed can be 2^18 times the height missing (a segment leaving a corner moves away from
the wire there only slowly as it is raised): 64 doublings reach any raise up to 2^10 ``lift``, so
no piece is left sagging for want of steps (a piece that no such raise clears is degenerate)."""
RETURN_ROUNDING = 32
"""Rounded operations k counted in the rounding margin gamma_k X of ``_raised``'s comparisons."""
RETURN_BATCH = 10
"""Heights of ``_raised``'s first search (doubling the raise) tested together."""
RETURN_DEPTH = 5
"""Bisection steps of ``_raised`` decided together: the 2^depth - 1 midpoints that the next
``depth`` steps can visit are tested at once (their outcomes fix the path)."""
RETURN_PRUNE = 1e-9
"""Margin, as a fraction of the coordinates' scale, beyond the target by which a segment of the
return must be bounded away from a wire over a whole range of heights for ``_raised`` to skip it."""


def _corner_direction(normal: np.ndarray, away: list[np.ndarray]) -> np.ndarray:
    """The unit lift direction of a corner of the lifted return: ``normal`` (3,) (the surface
    normal there, from the nearest mesh vertex) projected onto the cone {m : m . v <= 0 for every
    direction v in ``away``} of the wires that leave the corner's point x on the surface (the
    loop's segment before or after it, the jog), then normalised. A point x + lift m with
    m . v <= 0 is ``lift`` from a segment that leaves x along v (its nearest point is x itself),
    while a normal that leans along v by delta brings it to lift cos(delta) of the segment.

    The Euclidean projection onto an intersection of half-spaces through the origin is the
    point itself when it lies in all, else its projection onto one bounding plane that lies in
    the other half-spaces, else its projection onto the common line of two planes (the optimality
    conditions of the projection onto a convex set: Boyd & Vandenberghe, Convex Optimization
    (2004), sec. 8.1.1); of the candidates that lie in the cone the nearest is taken (none to
    round-off, in a wedge between wires leaving in nearly opposite directions: the one that leans
    least along them). A normal already in the cone is returned unchanged."""
    # on Python floats (3-vectors; dot products summed in index order, as numpy's dot of short vectors)
    def dot(a: tuple, b: tuple) -> float:
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]

    def scaled(a: tuple, f: float) -> tuple:
        return a[0] * f, a[1] * f, a[2] * f

    nrm = tuple(normal.tolist())
    units = []
    for v in away:
        v = tuple(np.asarray(v, dtype=float).tolist())
        length = math.sqrt(dot(v, v))
        if length > 0.0:
            units.append((v[0] / length, v[1] / length, v[2] / length))
    if all(dot(nrm, v) <= 0.0 for v in units):
        return normal
    candidates = [tuple(x - y for x, y in zip(nrm, scaled(v, dot(nrm, v)))) for v in units]
    for i, u in enumerate(units):
        for v in units[i + 1:]:
            line = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
            if dot(line, line) > 0.0:
                candidates.append(scaled(line, dot(nrm, line) / dot(line, line)))
    candidates = [m for m in candidates if math.sqrt(dot(m, m)) > 0.0]
    if not candidates:
        return normal

    def lean(m: tuple) -> float:  # the largest cosine between m and a wire leaving the point
        return max(dot(m, v) for v in units) / math.sqrt(dot(m, m))

    def off(m: tuple) -> float:  # distance from the normal
        d = tuple(x - y for x, y in zip(nrm, m))
        return math.sqrt(dot(d, d))

    tolerance = 1e-12
    inside = [m for m in candidates if lean(m) <= tolerance]
    # where none lies in the cone to the tolerance (a wedge so thin, between wires leaving in
    # nearly opposite directions, that every candidate misses it by round-off), the candidate that
    # leans least: falling back to the normal instead would make the direction jump on a
    # perturbation of the input by a few units of round-off
    best = min(inside, key=off) if inside else min(candidates, key=lean)
    length = math.sqrt(dot(best, best))
    return np.array([best[0] / length, best[1] / length, best[2] / length])


def _raised(firsts: np.ndarray, walls: list, bases: np.ndarray, offsets: np.ndarray, lift: float) -> np.ndarray:
    """The straight pieces of the lifted return, each raised where it sags towards the wires below
    it: piece i is the points ``bases[i] + h offsets[i]`` (R, 3) [m] that follow ``firsts[i]`` (3,)
    [m] (the previous piece's end, lifted above the chord's start), with ``bases[i]`` (R, 3) the
    chord's points after its start (the last one its end) and ``offsets[i]`` (R, 3) their unit lift
    directions; the wires below it are the segments ``walls[i]`` = (a, b), (K_i, 3) [m] each (the
    jog under a piece back over a jog; the loop's wire at both ends of its gap under a piece over a
    gap). Returns the pieces (P, R, 3). The far corner keeps h = ``lift`` [m], so the pieces do not
    depend on one another and are searched together;
    the points between take one height H >= ``lift``: the least (to RETURN_BISECTIONS bisections) at
    which every straight segment of the piece is as far from those wires as its two corners are (at
    most ``lift``), measured as exact segment-to-segment distances (``segment_distances``).

    Why: two points a height h from the chord whose lift directions differ by an angle theta
    (round a cylinder the normals turn along a jog) are joined by a segment that comes to
    h cos(theta / 2) of it at its middle (the apothem of a chord of the circle of radius h), less
    than a pitch at h = ``lift``; and a corner whose lift direction (the normal of the nearest
    mesh vertex) leans along the jog is joined to the next point by a segment that passes nearer
    to the jog than the corner itself; over a gap the loop's wire bends away from the chord at the
    gap's ends (the contour's curvature), so a segment leaving a corner can pass nearer to it. A piece with no
    segment nearer than its corners is returned as ``base + lift offset`` unchanged. Search: H =
    lift + 2^k (target - d(lift)), k = 0, 1, ... (at most RETURN_DOUBLINGS) until clear (the height missing is of the
    order of the distance missing, lift (1 - cos(theta / 2))), then bisection between the last
    height too low and it; the returned H is one at which the piece is clear. Evaluation: one per
    batch of steps for all pieces at once, at RETURN_BATCH heights of the first search or at
    the 2^RETURN_DEPTH - 1 midpoints the next RETURN_DEPTH bisection steps can visit (the outcomes
    fix the path through them), with only the (segment, wire) pairs that a bound cannot keep
    clear over the heights tested (``clear``, below): the same verdicts, so the same heights.

    Rounding: "as far as its corners" is judged with the margin gamma_k X, gamma_k = k u / (1 - k u)
    (u the unit round-off, k = RETURN_ROUNDING, X [m] the largest coordinate magnitude of the
    piece and the wires): every distance here is computed from coordinates of magnitude <= X by
    differences, 3-term inner products (each within gamma_3 |x|.|y| of the exact one: N. J. Higham,
    Accuracy and Stability of Numerical Algorithms, 2nd ed. (2002), sec. 3.1), a division, a
    clip and a square root, fewer than k rounded operations in all, so two computations of the
    same exact distance (a corner's, and that of a segment whose nearest point is that corner)
    differ by less than the margin. Without it a segment that ends at the corner which sets the
    target can never be found clear when its distance rounds below the corner's: the search then
    climbs to a height set by chance, and a perturbation of the input by a few units of round-off
    (a stream function computed with another BLAS thread count) gives another wire."""
    low_pieces = bases + lift * offsets
    n_pieces, n_points = bases.shape[:2]
    walls = [(np.reshape(a, (-1, 3)), np.reshape(b, (-1, 3))) for a, b in walls]
    k_max = max(len(a) for a, _ in walls)
    if k_max == 0:
        return low_pieces
    wall_a, wall_b = np.empty((n_pieces, k_max, 3)), np.empty((n_pieces, k_max, 3))
    real = np.arange(k_max)[None, :] < np.array([len(a) for a, _ in walls])[:, None]  # (P, K) not padding
    for i, (a, b) in enumerate(walls):
        if len(a) == 0:
            wall_a[i], wall_b[i] = low_pieces[i, -1], low_pieces[i, -1]
            continue
        wall_a[i, :len(a)], wall_a[i, len(a):] = a, a[0]
        wall_b[i, :len(b)], wall_b[i, len(b):] = b, b[0]
    corner_distance = point_segment_distance(np.stack([firsts, low_pieces[:, -1]], axis=1)[:, :, None],
                                             wall_a[:, None], wall_b[:, None]).min(axis=(1, 2))
    scale = np.max([np.abs(firsts).max(axis=1), np.abs(low_pieces).max(axis=(1, 2)), np.abs(wall_a).max(axis=(1, 2)),
                    np.abs(wall_b).max(axis=(1, 2)), np.full(n_pieces, lift)], axis=0)
    k_u = RETURN_ROUNDING * np.finfo(float).eps / 2
    # a piece without wires below is clear as it is
    target = np.where(real[:, 0], np.minimum(lift, corner_distance) - k_u / (1.0 - k_u) * scale, -np.inf)
    margin = RETURN_PRUNE * scale

    def points(idx: np.ndarray, h: np.ndarray) -> np.ndarray:  # (I, M) heights -> (I, M, R + 1, 3)
        height = np.full(h.shape + (n_points,), lift)
        height[..., :-1] = h[..., None]
        body = bases[idx][:, None] + height[..., None] * offsets[idx][:, None]
        return np.concatenate([np.broadcast_to(firsts[idx][:, None, None], body.shape[:2] + (1, 3)), body], axis=2)

    def clear(idx: np.ndarray, h: np.ndarray) -> np.ndarray:
        # (I, M) verdicts "every segment of piece idx[i] at height h[i, m] is at least target from its
        # wires"; the pairs (segment, wire) that no height in the range of h[i] brings within the
        # target are left out: over that range a segment lies in the convex hull of its ends at the
        # range's bounds (the points move linearly with the height), within rho of their centroid
        # c, so at least d(c, wire) - rho from the wire; pairs where that exceeds the target by
        # more than ``margin`` (far above the round-off of either distance) cannot change a verdict
        ends = np.concatenate([points(idx, h.min(axis=1)[:, None]), points(idx, h.max(axis=1)[:, None])], axis=1)
        corners = np.concatenate([ends[:, :, :-1], ends[:, :, 1:]], axis=1)  # (I, 4, R, 3)
        centre = 0.25 * corners.sum(axis=1)
        rho = np.linalg.norm(corners - centre[:, None], axis=-1).max(axis=1)
        bound = point_segment_distance(centre[:, :, None], wall_a[idx][:, None], wall_b[idx][:, None]) - rho[..., None]
        pi, pj, pw = np.nonzero((bound <= (target + margin)[idx][:, None, None]) & real[idx][:, None])
        ok = np.ones(h.shape, dtype=bool)
        if len(pi):
            pts = points(idx, h)
            d = segment_distances(pts[pi, :, pj], pts[pi, :, pj + 1], wall_a[idx[pi], pw][:, None],
                                  wall_b[idx[pi], pw][:, None])
            row, m = np.nonzero(~(d >= target[idx[pi]][:, None]))
            ok[pi[row], m] = False
        return ok

    heights = np.full((n_pieces, n_points), lift)
    pts = np.concatenate([firsts[:, None], bases + heights[..., None] * offsets], axis=1)
    low = segment_distances(pts[:, :-1, None], pts[:, 1:, None], wall_a[:, None], wall_b[:, None]).min(axis=(1, 2))
    lo, hi = np.full(n_pieces, lift), np.full(n_pieces, lift)
    searching = low < target
    found = np.zeros(n_pieces, dtype=bool)
    k = 0
    while k < RETURN_DOUBLINGS:  # heights lift + 2^k (target - low), RETURN_BATCH values of k at a time
        idx = np.flatnonzero(searching)
        if len(idx) == 0:
            break
        steps = 2.0 ** np.arange(k, min(k + RETURN_BATCH, RETURN_DOUBLINGS))
        h = lift + steps[None, :] * (target[idx] - low[idx])[:, None]
        ok = clear(idx, h)
        hit = ok.any(axis=1)
        first = np.argmax(ok, axis=1)
        rows = np.flatnonzero(hit)
        hi[idx[rows]] = h[rows, first[rows]]
        lo[idx[rows]] = np.where(first[rows] > 0, h[rows, first[rows] - 1], lo[idx[rows]])
        found[idx[rows]] = True
        searching[idx[rows]] = False
        rows = np.flatnonzero(~hit)
        lo[idx[rows]] = hi[idx[rows]] = h[rows, -1]
        k += len(steps)
    # a piece that no height clears (a degenerate jog) stays low: the wires' spacing check reports it
    idx = np.flatnonzero(found)
    if len(idx) == 0:
        return low_pieces
    lo_i, hi_i = lo[idx], hi[idx]
    rows = np.arange(len(idx))
    done = 0
    while done < RETURN_BISECTIONS:  # the midpoints of every path of ``depth`` bisection steps (heap order)
        depth = min(RETURN_DEPTH, RETURN_BISECTIONS - done)
        a, b, mids = lo_i[:, None], hi_i[:, None], []
        for _ in range(depth):
            mid = 0.5 * (a + b)
            mids.append(mid)
            # children: clear -> (a, mid), not clear -> (mid, b)
            a, b = np.stack([a, mid], axis=-1).reshape(len(idx), -1), np.stack([mid, b], axis=-1).reshape(len(idx), -1)
        mids = np.concatenate(mids, axis=1)
        ok = clear(idx, mids)
        node = np.zeros(len(idx), dtype=np.int64)
        for _ in range(depth):
            mid, passed = mids[rows, node], ok[rows, node]
            hi_i, lo_i = np.where(passed, mid, hi_i), np.where(passed, lo_i, mid)
            node = 2 * node + np.where(passed, 1, 2)
        done += depth
    height = np.full((len(idx), n_points), lift)
    height[:, :-1] = hi_i[:, None]
    out = low_pieces.copy()
    out[idx] = bases[idx] + height[..., None] * offsets[idx]
    return out


def connect(nest: list[ContourLoop], lift: float, lead_length: float, center: np.ndarray) -> tuple[np.ndarray,
                                                                                                    np.ndarray]:
    """One open polyline [m] through all loops of ``nest`` (module doc) and the indices of its
    junction points (loop starts and ends, lifted return corners, lead ends).

    Each loop k starts at its cut c_k and ends before it at e_k, the two ends one ``lift`` (the
    wire pitch) apart (``_gap_start``); the jog to loop k + 1 runs straight from e_k, the point of
    loop k nearest to c_{k+1}, to c_{k+1} (the cuts are placed from the innermost loop outwards).
    The ends of every loop stand a pitch apart, the jogs leave a pitch apart and no point is
    passed twice: the wires are a pitch apart as drawn (no short where a
    loop closes). The innermost loop ends at its point farthest from ``center`` (ties: furthest
    along CUT_DIRECTION, then CUT_TIES) and starts one pitch further along; the staircase of cuts runs outwards
    from there, drifting one pitch per loop against the current. The return, lifted ``lift``
    along the surface normal (between its corners ``lift`` from the straight chord below,
    ``RETURN_POINTS`` points per piece; raised where its straight segments would sag
    nearer to the jog, or over a gap to the loop's wire at the gap's ends, than its corners,
    ``_raised``; each corner's lift direction turned so that it does not lean along the wires
    leaving the point below it, ``_corner_direction``), runs e_n -> c_n -> e_{n-1} -> c_{n-1} -> ...
    -> c_2 -> e_1: over every loop's gap in the loop's own current direction (each loop is thus a
    full turn, its gap one pitch off the surface) and back over every jog (whose field it cancels
    to first order in ``lift``). The leads leave along the normal at c_1 (in) and above e_1 (out), each
    turned so that it leans neither along the wires leaving its foot nor towards the other lead's
    foot (at least |c_1 - e_1|, a pitch, apart); where they would still stand less than a pitch
    apart, both leave along the mean normal made perpendicular to the chord c_1 -> e_1, exactly
    |c_1 - e_1| apart."""
    n = len(nest)
    pts_of = [lp.points for lp in nest]

    def at(k: int, where: tuple[int, float]) -> np.ndarray:
        p = pts_of[k]
        return p[where[0]] + where[1] * (p[(where[0] + 1) % len(p)] - p[where[0]])

    # the innermost loop's end: the point farthest from the design centre (ties go to fixed
    # directions, so that the cut of a redesigned stream function lands in the same place and
    # mirror-image candidates are not told apart by round-off)
    inner = pts_of[-1]
    dist = np.linalg.norm(inner - center, axis=1)
    far = np.flatnonzero(dist >= dist.max() - 1e-3 * np.ptp(inner, axis=0).max())
    ends: list[tuple[int, float]] = [(0, 0.0)] * n
    starts: list[tuple[int, float]] = [(0, 0.0)] * n
    size = float(np.ptp(inner, axis=0).max())
    for direction in (CUT_DIRECTION, *CUT_TIES):
        along = (inner[far] - center) @ direction
        far = far[along >= along.max() - CUT_TIE * size]
    ends[-1] = (int(far[0]), 0.0)
    for k in range(n - 1, -1, -1):
        perimeter = float(np.linalg.norm(np.diff(np.vstack([pts_of[k], pts_of[k][:1]]), axis=0), axis=1).sum())
        jog = np.array([at(k, ends[k]), at(k + 1, starts[k + 1])]) if k < n - 1 else None
        starts[k] = _at_vertex(_gap_start(pts_of[k], ends[k], min(lift, 0.25 * perimeter), jog,
                                          pts_of[k - 1] if k else None), len(pts_of[k]))
        if k:
            ends[k - 1] = _at_vertex(_nearest_on(pts_of[k - 1], at(k, starts[k])), len(pts_of[k - 1]))

    def normal(k: int, where: tuple[int, float]) -> np.ndarray:
        m = nest[k].normals[where[0]]
        return m / np.linalg.norm(m)

    arcs = [_arc(pts_of[k], starts[k], ends[k]) for k in range(n)]

    def leaving(points: np.ndarray, x: np.ndarray) -> np.ndarray:  # to the first point of ``points`` off x
        off = np.flatnonzero(np.any(points != x, axis=1))
        return points[off[0]] - x if len(off) else np.zeros(3)

    def toward(x: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        # to the point of the segment p-q (a jog at the other end of x's gap) nearest to x: the
        # segment lies in the half-space beyond that point, so a riser from x that does not lean
        # towards it stays as far from the segment as x is (projection onto a convex set: Boyd &
        # Vandenberghe (2004), sec. 8.1.1)
        return nearest_on_segment(x, p, q) - x

    # the leads leave along the normals at c_1 and e_1, turned so that neither leans along a wire
    # leaving its foot nor towards the other lead's foot (``_corner_direction``): the in-lead
    # m_1 . (e_1 - c_1) <= 0, the out-lead m_2 . (e_1 - c_1) >= 0, so the leads stand at least
    # |c_1 - e_1| apart; where they would still stand less than a pitch apart (no direction in
    # the cone), both leave along one direction instead, the mean normal made perpendicular to
    # the chord c_1 -> e_1: two parallel lines through points one chord apart stand exactly
    # |c_1 - e_1| >= a pitch apart
    c1, e1_point = arcs[0][0], arcs[0][-1]
    n1 = _corner_direction(normal(0, starts[0]), [leaving(arcs[0], c1), e1_point - c1]
                           + ([toward(c1, e1_point, arcs[1][0])] if n > 1 else []))
    lead_direction = _corner_direction(normal(0, ends[0]), [leaving(arcs[0][::-1], e1_point), c1 - e1_point]
                                       + ([arcs[1][0] - e1_point] if n > 1 else []))
    if segment_distances(c1[None], (c1 + lead_length * n1)[None], e1_point + lift * lead_direction,
                          e1_point + lead_length * lead_direction)[0] < lift:
        lead_direction = n1 + lead_direction
        chord = e1_point - c1
        lead_direction -= (lead_direction @ chord) / (chord @ chord) * chord
        n1 = lead_direction = lead_direction / np.linalg.norm(lead_direction)
    path = [c1 + lead_length * n1]
    junctions = [0]
    for arc in arcs:
        junctions += [len(path), len(path) + len(arc) - 1]
        path.extend(arc)

    # (point on the surface, unit lift direction) under each corner of the return: the normal,
    # turned where it leans along a wire that leaves the point (``_corner_direction``): back along
    # the loop's last segment and along the jog to the next loop from e_k, along the loop's first
    # segment and back along the jog from the previous loop from c_k; above e_1 the out-lead's
    # direction
    corners = []
    for k in range(n - 1, -1, -1):
        e, c = arcs[k][-1], arcs[k][0]
        if k:
            away = [leaving(arcs[k][::-1], e), toward(e, arcs[k - 1][-1], c)] + ([arcs[k + 1][0] - e] if k < n - 1
                                                                                  else [])
            corners.append((e, _corner_direction(normal(k, ends[k]), away)))
            away = [leaving(arcs[k], c), arcs[k - 1][-1] - c] + ([toward(c, e, arcs[k + 1][0])] if k < n - 1 else [])
            corners.append((c, _corner_direction(normal(k, starts[k]), away)))
        else:
            corners.append((e, lead_direction))
    # between two corners the return runs at a distance ``lift`` from the straight chord below
    # it, along the interpolated normal made perpendicular to the chord (a straight lifted chord
    # would sag by lift (1 - cos(theta/2)) where the normals differ by theta, e.g. round a
    # cylinder, and come closer than a pitch to the wire below)
    steps = np.linspace(0.0, 1.0, RETURN_POINTS + 1)[1:]
    firsts, walls, bases, offsets = [corners[0][0] + lift * corners[0][1]], [], [], []
    for piece, ((a, na), (b, nb)) in enumerate(zip(corners[:-1], corners[1:])):
        nrm = (1.0 - steps)[:, None] * na + steps[:, None] * nb
        chord = b - a
        length = float(np.linalg.norm(chord))
        if length > 0.0:
            u = chord / length
            nrm[:-1] -= (nrm[:-1] @ u)[:, None] * u  # the far corner keeps its own normal
        nrm /= np.linalg.norm(nrm, axis=1)[:, None]
        base = a + steps[:, None] * (b - a)
        if piece % 2 == 0:  # over a gap (a loop's own turn): raised where it sags towards the loop
            k = n - 1 - piece // 2
            near = segment_distances(arcs[k][:-1], arcs[k][1:], a, b) < 2.0 * lift
            walls.append((arcs[k][:-1][near], arcs[k][1:][near]))
        else:  # back over a jog: raised where its straight pieces sag towards the jog
            walls.append((a, b))
        bases.append(base)
        offsets.append(nrm)
        firsts.append(base[-1] + lift * nrm[-1])  # the next piece starts at this one's far corner
    lifted = [firsts[0]]
    if bases:
        lifted.extend(_raised(np.array(firsts[:-1]), walls, np.array(bases), np.array(offsets), lift).reshape(-1, 3))
    corner_index = list(range(0, len(lifted), len(steps)))
    junctions += [len(path) + i for i in corner_index] + [len(path) + len(lifted)]
    path += lifted + [e1_point + lead_length * lead_direction]
    pts = np.array(path)
    keep = np.r_[True, np.linalg.norm(np.diff(pts, axis=0), axis=1) > 1e-12 * np.ptp(pts, axis=0).max()]
    index = np.cumsum(keep) - 1
    return pts[keep], np.unique(index[junctions])
