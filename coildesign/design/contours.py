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

Connection (documented return path): the loops of one nest (each loop enclosed by the one of
the previous level, found by nearest distance) are cut at points along a short path from the
innermost loop outwards; the winding comes in along the surface normal (a radial lead) to loop 1
(outermost), runs loop 1 -> jog -> loop 2 -> ... -> loop n, then returns over the cut points on a
second layer lifted off the surface by ``lift`` [m] (a wire diameter plus the clearance) along the
surface normal, lands one ``lift`` back along loop 1 from its cut and leaves along the normal: the
two radial leads stand one pitch apart and no lead crosses a wire on the surface.
The inward jogs and the lifted return carry opposite currents along nearly the same path, so
their fields cancel to first order in ``lift``; the analysis of the resulting ``Coil`` includes
them exactly. Separate nests are separate windings, each with its two terminals, to be
connected in series off the coil; ``gradient_coil(..., join_windings=True)`` joins them on the
coil through modelled jumpers instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from coildesign.surfaces.surfaces import Surface


@dataclass(frozen=True)
class ContourLoop:
    """A closed contour: ``points`` [m] (P, 3) in current direction, ``level`` [A], and the
    outward surface ``normals`` at the points."""

    points: np.ndarray
    level: float
    normals: np.ndarray


def contour_loops(surface: Surface, psi: np.ndarray, level: float, current: np.ndarray) -> list[ContourLoop]:
    """Closed loops of psi = ``level`` on ``surface`` oriented along the face currents
    ``current`` (F, 3) [A/m] (module doc)."""
    f = surface.faces
    v = surface.vertices
    above = psi[f] >= level  # (F, 3)
    n_above = above.sum(axis=1)
    faces = np.flatnonzero((n_above == 1) | (n_above == 2))
    if faces.size == 0:
        return []
    # per crossed face: the two crossed edges (local k -> k+1)
    edge_points: dict[tuple[int, int], int] = {}
    coords: list[np.ndarray] = []
    seg_a, seg_b = np.empty(len(faces), dtype=np.int64), np.empty(len(faces), dtype=np.int64)
    for n, t in enumerate(faces):
        ids = []
        for k in range(3):
            i, j = f[t, k], f[t, (k + 1) % 3]
            if above[t, k] != above[t, (k + 1) % 3]:
                key = (min(i, j), max(i, j))
                if key not in edge_points:
                    s = (level - psi[i]) / (psi[j] - psi[i])
                    edge_points[key] = len(coords)
                    coords.append(v[i] + s * (v[j] - v[i]))
                ids.append(edge_points[key])
        p, q = ids
        if (coords[q] - coords[p]) @ current[t] < 0:
            p, q = q, p
        seg_a[n], seg_b[n] = p, q
    pts = np.array(coords)
    nxt = np.full(len(pts), -1)
    nxt[seg_a] = seg_b
    vn = surface.vertex_normals
    loops = []
    seen = np.zeros(len(pts), dtype=bool)
    for start in seg_a:
        if seen[start]:
            continue
        chain = [start]
        seen[start] = True
        cur = nxt[start]
        while cur != start and cur >= 0 and not seen[cur]:
            chain.append(cur)
            seen[cur] = True
            cur = nxt[cur]
        if cur != start or len(chain) < 3:
            continue
        lp = _dedupe(pts[chain])
        if len(lp) < 3:
            continue
        _, nearest = surface.vertex_tree.query(lp)
        loops.append(ContourLoop(lp, float(level), vn[nearest]))
    return loops


def _dedupe(points: np.ndarray) -> np.ndarray:
    """Drop points closer than 1e-9 of the loop size to their predecessor (a contour through a
    mesh vertex gives coincident crossings)."""
    scale = float(np.ptp(points, axis=0).max())
    step = np.linalg.norm(np.diff(points, axis=0, append=points[:1]), axis=1)
    keep = step > 1e-9 * scale
    return points[keep]


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
"""Factor on the quadratic-model margin of ``saddle_levels`` (the piecewise-linear contours of the
mesh depart from the quadratic model's hyperbolas by up to an edge)."""


def saddle_levels(surface: Surface, psi: np.ndarray, pitch: float) -> list[tuple[float, float]]:
    """(psi value, margin) [A] of every saddle vertex of ``psi`` on ``surface``.

    A free vertex is a saddle where psi(neighbour) - psi(vertex) changes sign at least four times
    round its ring of neighbours (ties broken by vertex index, a symbolic perturbation, so the
    test is exact and the same in every process: Edelsbrunner, Harer & Zomorodian, Discrete
    Comput. Geom. 30, 87 (2003), sec. 3). Near a saddle psi ~ psi_s + (a u^2 - b v^2) / 2 in
    principal coordinates; the level psi_s + delta has two branches 2 sqrt(2 |delta| / a) (or
    / b) apart, so they stand a wire ``pitch`` [m] apart when |delta| >= max(a, b) pitch^2 / 8.
    The Hessian comes from a least-squares quadratic fit to the ring in the vertex's tangent
    plane; the margin is SADDLE_SAFETY times that bound."""
    f = surface.faces
    v = surface.vertices
    # for every face and corner: (vertex, next, previous) in the face's order: the ring edges
    rot = np.concatenate([f, np.roll(f, -1, axis=1), np.roll(f, -2, axis=1)])
    order = np.argsort(rot[:, 0], kind="stable")
    rot = rot[order]
    starts = np.searchsorted(rot[:, 0], np.arange(surface.n_vertices + 1))
    normals = surface.vertex_normals
    out = []
    for i in surface.interior_vertices:
        ring = rot[starts[i]:starts[i + 1], 1:]
        nxt = dict(zip(ring[:, 0].tolist(), ring[:, 1].tolist()))
        cycle = [int(ring[0, 0])]
        while len(cycle) <= len(ring):
            following = nxt.get(cycle[-1])
            if following is None or following == cycle[0]:
                break
            cycle.append(following)
        if len(cycle) != len(ring):
            continue  # not a closed fan (non-manifold vertex): no saddle test
        c = np.array(cycle)
        up = (psi[c] > psi[i]) | ((psi[c] == psi[i]) & (c > i))
        if np.count_nonzero(up != np.roll(up, 1)) < 4:
            continue
        n = normals[i]
        e1 = np.cross(n, [1.0, 0.0, 0.0] if abs(n[0]) < 0.9 else [0.0, 1.0, 0.0])
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(n, e1)
        d = v[c] - v[i]
        x, y = d @ e1, d @ e2
        design = np.c_[x, y, 0.5 * x * x, x * y, 0.5 * y * y]
        coef = np.linalg.lstsq(design, psi[c] - psi[i], rcond=None)[0]
        hess = np.array([[coef[2], coef[3]], [coef[3], coef[4]]])
        curvature = float(np.abs(np.linalg.eigvalsh(hess)).max())
        out.append((float(psi[i]), SADDLE_SAFETY * curvature * pitch * pitch / 8.0))
    return out


def drop_slivers(loops: list[ContourLoop], width: float) -> list[ContourLoop]:
    """Remove pairs of same-level loops that run within ``width`` [m] of each other along their
    whole length: they bound a sliver where psi crosses the level twice, carry opposite currents
    side by side, and together amount to a current loop of negligible area (their field is of
    order width / distance to the DSV relative to one wire's), while as wires they would touch."""
    trees = [cKDTree(lp.points) for lp in loops]
    gone: set[int] = set()
    for i, a in enumerate(loops):
        for j in range(i + 1, len(loops)):
            b = loops[j]
            if i in gone or j in gone or b.level != a.level:
                continue
            if trees[j].query(a.points)[0].max() < width and trees[i].query(b.points)[0].max() < width:
                gone.update((i, j))
    return [lp for k, lp in enumerate(loops) if k not in gone]


def drop_specks(loops: list[ContourLoop], width: float) -> list[ContourLoop]:
    """Remove loops whose extent (largest side of their bounding box) is below 2 ``width`` [m]: a
    level just short of a local extremum of psi cuts a speck that no wire of that width can
    follow (it would touch itself); its current loop encloses an area of order width^2, whose
    field at the DSV is negligible beside a wire loop's (and the wires' check includes the loss)."""
    return [lp for lp in loops if float(np.ptp(lp.points, axis=0).max()) >= 2.0 * width]


def nests(loops: list[ContourLoop]) -> list[list[ContourLoop]]:
    """Chains of nested loops, outermost (smallest |level|) first: each loop's parent is the
    nearest loop one level closer to zero; when several loops share a parent, the nearest one
    continues its chain and the others start chains of their own (so no jog crosses a loop)."""
    by_level: dict[float, list[int]] = {}
    for i, lp in enumerate(loops):
        by_level.setdefault(lp.level, []).append(i)
    order = sorted(by_level, key=abs)
    chains: list[list[int]] = []
    tail_of: dict[int, int] = {}  # loop index -> chain index when that loop ends a chain
    trees = {i: cKDTree(loops[i].points) for i in range(len(loops))}
    for lv in order:
        previous = [lv2 for lv2 in order if np.sign(lv2) == np.sign(lv) and abs(lv2) < abs(lv)]
        links = []  # (distance to parent, loop, parent)
        for i in by_level[lv]:
            if previous:
                candidates = by_level[max(previous, key=abs)]
                dists = [trees[j].query(loops[i].points)[0].min() for j in candidates]
                links.append((min(dists), i, candidates[int(np.argmin(dists))]))
            else:
                links.append((0.0, i, None))
        for _, i, parent in sorted(links, key=lambda t: t[0]):
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


def connect(nest: list[ContourLoop], lift: float, lead_length: float, center: np.ndarray) -> tuple[np.ndarray,
                                                                                                    np.ndarray]:
    """One open polyline [m] through all loops of ``nest`` (module doc) and the indices of its
    junction points (cut points and lead ends, excluded from the spacing check)."""
    n = len(nest)
    # cut points: on the innermost loop the point farthest from the design centre (ties: furthest
    # along CUT_DIRECTION), then the nearest point of each enclosing loop
    cuts = [0] * n
    inner = nest[-1].points
    dist = np.linalg.norm(inner - center, axis=1)
    # ties (rings equidistant from the centre) go to a fixed direction, so that the cut of a
    # redesigned stream function lands in the same place
    far = np.flatnonzero(dist >= dist.max() - 1e-3 * np.ptp(inner, axis=0).max())
    cuts[-1] = int(far[np.argmax((inner[far] - center) @ CUT_DIRECTION)])
    for k in range(n - 2, -1, -1):
        target = nest[k + 1].points[cuts[k + 1]]
        cuts[k] = int(np.argmin(np.linalg.norm(nest[k].points - target, axis=1)))
    first = nest[0]
    c1 = first.points[cuts[0]]
    nrm1 = first.normals[cuts[0]]
    # the return lands one pitch (= lift) back along loop 1 from its cut, so the two radial
    # leads stand one pitch apart and neither crosses a wire on the surface
    back = first.points[cuts[0] - 1] - c1
    back = back - (back @ nrm1) * nrm1
    land = c1 + lift * nrm1 + lift * back / np.linalg.norm(back)
    path = [c1 + lead_length * nrm1]
    junctions = [0]
    for lp, c in zip(nest, cuts):
        ring = np.roll(lp.points, -c, axis=0)
        junctions.append(len(path))
        path.extend(ring)
        path.append(ring[0])
    junctions.append(len(path) - 1)
    path.extend([lp.points[c] + lift * lp.normals[c] for lp, c in zip(nest[1:], cuts[1:])][::-1])
    path += [land, land + (lead_length - lift) * nrm1]
    junctions += list(range(len(path) - n - 1, len(path)))
    pts = np.array(path)
    keep = np.r_[True, np.linalg.norm(np.diff(pts, axis=0), axis=1) > 1e-12 * np.ptp(pts, axis=0).max()]
    index = np.cumsum(keep) - 1
    return pts[keep], np.unique(index[junctions])
