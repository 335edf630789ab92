"""Mirror symmetries of a coil's current distribution, the orbits of its windings, and the
transformation of fields under them.

A symmetry here is one of the seven non-trivial sign matrices T = diag(+-1, +-1, +-1) (a
reflection in one, two or three coordinate planes through the origin: the mirrors x, y, z, the
180-degree rotations about x, y, z and the inversion) that maps the coil's current distribution
onto itself up to a global sign s = +-1: every active winding k (weight != 0) is carried onto a
winding m of the same kind, turns and cross-section, traversed in the same or the opposite
sense o = +-1, with weight_m = s o weight_k (anti-Helmholtz and Maxwell pairs have s = -1 under
z -> -z; Golay and saddle coils have two symmetries that give four-fold orbits).

Why only sign matrices: a quantity built from the current distribution J and an orthogonal map T
is invariant when J(T x) = s T J(x) (the vector potential, a polar vector, then obeys
A(T x) = s T A(x), so the flux of A through winding T(k) equals s times the flux through k, and
the weights carry the other s: F_T(k) = F_k). The quadrature of ``inductance`` is covariant
under these maps exactly (its frames are built from coordinate directions, which sign matrices
map to +- themselves; an even number of GMD points makes the displaced-path set invariant under
N -> -N and B -> -B). Rotations by other angles would need frames that rotate with the coil.

Paths are compared to ``tolerance`` x the diagonal of the smallest origin-centred box holding the
coil (default 1e-10): images closer than that are taken as the same winding, which changes
figures by the same relative order.
Closed polylines match under cyclic shifts of their points and reversal; circles by centre,
radius and the pseudovector normal det(T) T n (``LoopWinding.transformed``).
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding, require_coil

SIGN_MATRICES = tuple(np.array(s, dtype=float) for s in itertools.product((1.0, -1.0), repeat=3)
                      if s != (1.0, 1.0, 1.0))  # diagonals of T: x, y, z and their products


def _centroid(w: Winding | LoopWinding) -> np.ndarray:
    return w.center if isinstance(w, LoopWinding) else w.points.mean(axis=0)


def _orientation(wk: Winding | LoopWinding, wm: Winding | LoopWinding, t: np.ndarray, tol: float) -> int:
    """+1 / -1 when T(wk) is wm traversed in the same / opposite sense, 0 when it is not wm."""
    if type(wk) is not type(wm) or wk.turns != wm.turns or wk.cross_section != wm.cross_section:
        return 0
    if isinstance(wk, LoopWinding):
        if abs(wk.radius - wm.radius) > tol or np.abs(t * wk.center - wm.center).max() > tol:
            return 0
        normal = np.prod(t) * t * wk.normal  # pseudovector: det(T) T n
        dot = float(normal @ wm.normal)
        return int(np.sign(dot)) if np.abs(np.abs(dot) - 1.0) * wk.radius <= tol else 0
    p, q = t * wk.points, wm.points
    if p.shape != q.shape or wk.closed != wm.closed:
        return 0
    for sense, qq in ((1, q), (-1, q[::-1])):
        if wk.closed:
            start = int(np.argmin(np.abs(qq - p[0]).max(axis=1)))
            qq = np.roll(qq, -start, axis=0)
        if np.abs(p - qq).max() <= tol:
            return sense
    return 0


def _image_map(coil: Coil, active: np.ndarray, t: np.ndarray, tree: cKDTree,
               tol: float) -> tuple[np.ndarray, float] | None:
    """(index of the image of each active winding under T, global sign s), or None when T is
    no symmetry."""
    ws, wts = coil.windings, coil.weights
    image = np.empty(len(active), dtype=int)
    sign = 0.0
    position = {int(k): i for i, k in enumerate(active)}
    for i, k in enumerate(active):
        for m in tree.query_ball_point(t * _centroid(ws[k]), tol):
            mk = int(active[m])
            o = _orientation(ws[k], ws[mk], t, tol)
            if o == 0:
                continue
            s = wts[mk] / (o * wts[k])
            if abs(abs(s) - 1.0) > 1e-12 or (sign and np.sign(s) != sign):
                continue
            sign = float(np.sign(s))
            image[i] = position[mk]
            break
        else:
            return None
    return (image, sign) if len(set(image.tolist())) == len(image) else None


def _symmetries(coil: Coil, tolerance: float) -> tuple[np.ndarray, list[tuple[np.ndarray, float, np.ndarray]]]:
    """(active winding indices, [(diagonal of T, s, image of each active winding), ...])."""
    require_coil("coil", coil)
    tolerance = check.in_range("tolerance", tolerance, 0.0, 1e-6)
    key = ("coildesign.symmetry", tolerance)
    if key in coil._cache:
        return coil._cache[key]
    active = np.flatnonzero(coil.weights != 0.0)
    found = []
    if len(active):
        centres = np.array([_centroid(coil.windings[k]) for k in active])
        reach = [np.abs(w.center) + w.radius if isinstance(w, LoopWinding) else np.abs(w.points).max(axis=0)
                 for w in coil.windings]
        tol = tolerance * 2.0 * float(np.linalg.norm(np.max(reach, axis=0)))
        tree = cKDTree(centres)
        axis = coil.axis
        for t in SIGN_MATRICES:
            if axis is not None and min(np.abs(t * axis - axis).max(), np.abs(t * axis + axis).max()) > 1e-12:
                continue  # the coil's axis (used for frames) must map to +- itself (to rounding)
            hit = _image_map(coil, active, t, tree, tol)
            if hit is not None:
                found.append((t, hit[1], hit[0]))
    coil._cache[key] = (active, found)
    return active, found


def mirror_symmetries(coil: Coil, *, tolerance: float = 1e-10) -> list[tuple[np.ndarray, float]]:
    """The coil's mirror symmetries (module docstring) as pairs (diagonal of T, global current
    sign s): J(T x) = s T J(x), hence B(T x) = s det(T) T B(x) (B a pseudovector) and
    A(T x) = s T A(x). The identity is not listed; with it they form a group.

    ``tolerance``: relative to the diagonal of the origin-centred box holding the coil, in
    [0, 1e-6].
    """
    return [(t.copy(), s) for t, s, _ in _symmetries(coil, tolerance)[1]]


def orbits(n: int, images: list[np.ndarray]) -> list[np.ndarray]:
    """Orbits (arrays of positions 0..n-1) of n items under the permutations ``images``
    (union-find); the first position of each orbit is its smallest."""
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for image in images:
        for i, j in enumerate(image):
            parent[root(i)] = root(int(j))
    roots = np.array([root(i) for i in range(n)], dtype=int)
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def winding_orbits(coil: Coil, *, tolerance: float = 1e-10) -> list[np.ndarray]:
    """Orbits of the active windings (indices into ``coil.windings``) under the coil's mirror
    symmetries (module docstring); every active winding is in exactly one orbit, a coil without
    symmetry has one orbit per winding.

    ``tolerance``: relative to the diagonal of the origin-centred box holding the coil, in
    [0, 1e-6].
    """
    active, found = _symmetries(coil, tolerance)
    return [active[o] for o in orbits(len(active), [image for _, _, image in found])]


def stabiliser(coil: Coil, winding: int, *, tolerance: float = 1e-10) -> list[tuple[np.ndarray, float]]:
    """The coil's mirror symmetries (diagonal of T, s) that map winding ``winding`` onto itself:
    a line integral along that winding of a field the coil (or the winding alone) makes then
    takes equal values on mirror-image pieces of the winding."""
    active, found = _symmetries(coil, tolerance)
    where = np.flatnonzero(active == winding)
    if where.size == 0:
        check._fail("winding", f"the index of an active winding (weight != 0) of the coil's {len(coil.windings)}",
                    winding)
    k = int(where[0])
    return [(t.copy(), s) for t, s, image in found if image[k] == k]


def field_factors(t: np.ndarray, s: float, quantity: str) -> np.ndarray:
    """Factors f with X(T x) = f * X(x) for a symmetry (t = diagonal of T, s): "B" (3,)
    s det(T) t; "A" (3,) s t; "dB/dr" (3, 3) s det(T) t_i t_j for J_ij = dB_i/dx_j (differentiate
    B(T x) = s det(T) T B(x) along x_j)."""
    det = float(np.prod(t))
    if quantity == "B":
        return s * det * t
    if quantity == "A":
        return s * t
    return s * det * np.outer(t, t)
