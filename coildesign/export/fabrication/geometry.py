"""Geometry of straight segments: distances (in the plane or in space), and for board segments
crossings and candidate pairs (vectorised)."""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import cKDTree


def _cross(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z component of (a - o) x (b - o) for (M, 2) arrays."""
    return (a[..., 0] - o[..., 0]) * (b[..., 1] - o[..., 1]) - (a[..., 1] - o[..., 1]) * (b[..., 0] - o[..., 0])


def row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot products along the last axis, rounded as ``a[k] @ b[k]`` of the single vectors."""
    if hasattr(np, "vecdot"):  # numpy >= 2: the same dot kernel per row as ``@`` on 1-D arrays
        return np.vecdot(a, b)
    return np.einsum("...i,...i->...", a, b)


def nearest_on_segment(p: np.ndarray, a: np.ndarray, b: np.ndarray, lo=0.0, hi=1.0) -> np.ndarray:
    """The points a + t (b - a) [m] nearest to the points ``p`` [m] with t in [``lo``, ``hi``]
    (broadcast (..., D) arrays, D = 2 or 3; the bounds scalars or (...) arrays with lo <= hi, a
    lo > hi is taken as lo): t is the projection fraction (p - a).(b - a) / |b - a|^2 clipped to
    the interval (the squared distance is a convex parabola in t)."""
    d = b - a
    dd = row_dot(d, d)
    t = np.clip(row_dot(p - a, d) / np.where(dd > 0.0, dd, 1.0), lo, np.maximum(lo, hi))
    return a + t[..., None] * d


COMPONENTS_FROM = 256
"""Broadcast size from which the distances below are computed on component arrays (x, y, z
each contiguous: long inner loops) rather than on rows of D coordinates (fewer, shorter calls,
faster for small arrays); both round alike, element by element."""


def _large(*arrays: np.ndarray) -> bool:
    """True when the broadcast shape of the ``arrays`` without their last axis holds at least
    COMPONENTS_FROM elements."""
    return math.prod(np.broadcast_shapes(*(np.shape(x)[:-1] for x in arrays))) >= COMPONENTS_FROM


def _norm_rows(x: np.ndarray) -> np.ndarray:
    """Euclidean norms along the last axis, as ``np.linalg.norm(x, axis=-1)`` computes them."""
    return np.sqrt(np.add.reduce(x * x, axis=-1))


def _point_segment_rows(p: np.ndarray, a: np.ndarray, d: np.ndarray, dd: np.ndarray, lo=0.0,
                        hi=1.0) -> np.ndarray:
    """``point_segment_distance`` on rows, with d = b - a and ``dd`` = d.d where it is positive,
    else 1."""
    t = np.clip(row_dot(p - a, d) / dd, lo, np.maximum(lo, hi))
    return _norm_rows(a + t[..., None] * d - p)


def _dot(u: list, v: list) -> np.ndarray:
    """Dot product of two vectors given as lists of their component arrays (structure of arrays),
    summed in index order: the rounding of ``row_dot`` (numpy's dot of short vectors adds the
    products one by one), without its short inner loops over the last axis."""
    total = u[0] * v[0]
    for a, b in zip(u[1:], v[1:]):
        total = total + a * b
    return total


def _components(x: np.ndarray) -> list:
    """The component arrays x[..., i] of the (..., D) array ``x``."""
    x = np.asarray(x, dtype=float)
    return list(x.transpose((x.ndim - 1, *range(x.ndim - 1))).copy())  # each component contiguous


def _point_segment(p: list, a: list, d: list, dd: np.ndarray, lo=0.0, hi=1.0) -> np.ndarray:
    """``point_segment_distance`` on component lists, with d = b - a and ``dd`` = d.d where it is
    positive, else 1 (the same arithmetic, element by element)."""
    t = np.clip(_dot([pi - ai for pi, ai in zip(p, a)], d) / dd, lo, np.maximum(lo, hi))
    x = [ai + t * di - pi for pi, ai, di in zip(p, a, d)]
    return np.sqrt(_dot(x, x))


def point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray, lo=0.0, hi=1.0) -> np.ndarray:
    """Distances [m] from points ``p`` to the segments ``a``-``b`` (broadcast (..., D) arrays, D = 2
    or 3), or to their pieces a + t (b - a), t in [``lo``, ``hi``] (``nearest_on_segment``; the
    same rounding, on rows or on component arrays, COMPONENTS_FROM)."""
    if not _large(p, a, b):
        p, a, b = np.asarray(p, dtype=float), np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        d = b - a
        dd = row_dot(d, d)
        return _point_segment_rows(p, a, d, np.where(dd > 0.0, dd, 1.0), lo, hi)
    a = _components(a)
    d = [bi - ai for bi, ai in zip(_components(b), a)]
    dd = _dot(d, d)
    return _point_segment(_components(p), a, d, np.where(dd > 0.0, dd, 1.0), lo, hi)


def _closest_parameters(a, b, c, e, f) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inside, s, t) of ``segment_distances``: the stationary point (s, t) of the squared distance
    between the lines (Ericson 2005, sec. 5.1.9), whether it lies inside the unit square, and s, t
    clipped to [0, 1]."""
    den = a * e - b * b
    safe = np.where(den > 0.0, den, 1.0)
    s, t = (b * f - c * e) / safe, (a * f - b * c) / safe
    inside = (den > 0.0) & (s > 0.0) & (s < 1.0) & (t > 0.0) & (t < 1.0)
    return inside, np.clip(s, 0.0, 1.0), np.clip(t, 0.0, 1.0)


def segment_distances(p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Least distances [m] between the segments ``p0``-``p1`` and ``q0``-``q1`` (broadcast (..., D)
    arrays, D = 2 or 3). The squared distance |p0 + s d1 - q0 - t d2|^2 is convex in (s, t) on
    [0, 1]^2: its minimum is the stationary point s = (b f - c e) / D, t = (a f - b c) / D (a =
    d1.d1, b = d1.d2, c = d1.r, e = d2.d2, f = d2.r, r = p0 - q0, D = a e - b^2; Ericson,
    Real-Time Collision Detection (2005), sec. 5.1.9) when that lies inside the square, else on
    its edges, i.e. the least of the four endpoint-to-segment distances. Both are taken and the
    smaller kept (rounded as ``row_dot`` and ``point_segment_distance``, on rows or on component
    arrays, COMPONENTS_FROM)."""
    if not _large(p0, p1, q0, q1):
        p0, p1, q0, q1 = (np.asarray(x, dtype=float) for x in (p0, p1, q0, q1))
        d1, d2, r = p1 - p0, q1 - q0, p0 - q0
        a, b, c, e, f = row_dot(d1, d1), row_dot(d1, d2), row_dot(d1, r), row_dot(d2, d2), row_dot(d2, r)
        safe_a, safe_e = np.where(a > 0.0, a, 1.0), np.where(e > 0.0, e, 1.0)
        edge = np.minimum(np.minimum(_point_segment_rows(p0, q0, d2, safe_e), _point_segment_rows(p1, q0, d2, safe_e)),
                          np.minimum(_point_segment_rows(q0, p0, d1, safe_a), _point_segment_rows(q1, p0, d1, safe_a)))
        inside, s, t = _closest_parameters(a, b, c, e, f)
        interior = _norm_rows(r + s[..., None] * d1 - t[..., None] * d2)
        return np.where(inside, np.minimum(edge, interior), edge)
    p0, p1, q0, q1 = _components(p0), _components(p1), _components(q0), _components(q1)
    d1 = [y - x for x, y in zip(p0, p1)]
    d2 = [y - x for x, y in zip(q0, q1)]
    r = [x - y for x, y in zip(p0, q0)]
    a, e = _dot(d1, d1), _dot(d2, d2)
    safe_a, safe_e = np.where(a > 0.0, a, 1.0), np.where(e > 0.0, e, 1.0)
    edge = np.minimum(np.minimum(_point_segment(p0, q0, d2, safe_e), _point_segment(p1, q0, d2, safe_e)),
                      np.minimum(_point_segment(q0, p0, d1, safe_a), _point_segment(q1, p0, d1, safe_a)))
    b, c, f = _dot(d1, d2), _dot(d1, r), _dot(d2, r)
    inside, s, t = _closest_parameters(a, b, c, e, f)
    x = [ri + s * u - t * v for ri, u, v in zip(r, d1, d2)]
    interior = np.sqrt(_dot(x, x))
    return np.where(inside, np.minimum(edge, interior), edge)


def segments_cross(p: np.ndarray, q: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where segment p-q meets a segment a-b (touching included); p, q (2,) or (M, 2)."""
    p, q = np.broadcast_to(p, a.shape), np.broadcast_to(q, a.shape)
    scale = np.maximum(np.abs(np.concatenate([p, q, a, b], axis=-1)).max(axis=-1), 1e-300)
    tol = 1e-12 * scale * scale
    d1, d2 = _cross(p, q, a), _cross(p, q, b)
    d3, d4 = _cross(a, b, p), _cross(a, b, q)
    proper = (((d1 > tol) & (d2 < -tol)) | ((d1 < -tol) & (d2 > tol))) & \
             (((d3 > tol) & (d4 < -tol)) | ((d3 < -tol) & (d4 > tol)))
    touch = np.minimum.reduce([point_segment_distance(a, p, q), point_segment_distance(b, p, q),
                               point_segment_distance(p, a, b), point_segment_distance(q, a, b)]) <= 1e-12 * scale
    return proper | touch


def segment_distance(a1: np.ndarray, b1: np.ndarray, a2: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """Shortest distance [m] between segments a1-b1 and a2-b2 ((M, 2) arrays); 0 where they cross."""
    d = np.minimum.reduce([point_segment_distance(a1, a2, b2), point_segment_distance(b1, a2, b2),
                           point_segment_distance(a2, a1, b1), point_segment_distance(b2, a1, b1)])
    return np.where(segments_cross(a1, b1, a2, b2), 0.0, d)


def near_pairs(a: np.ndarray, b: np.ndarray, reach: float) -> np.ndarray:
    """Index pairs (i < j) of segments that may come within ``reach`` [m] of each other (a
    superset: midpoints closer than the half lengths plus ``reach``)."""
    n = len(a)
    if n < 2:
        return np.zeros((0, 2), int)
    mid = 0.5 * (a + b)
    half = 0.5 * np.linalg.norm(b - a, axis=1)
    short = half <= 4.0 * np.median(half) + 1e-300
    pairs = []
    idx = np.flatnonzero(short)
    if len(idx) > 1:
        tree = cKDTree(mid[idx])
        p = tree.query_pairs(2.0 * half[idx].max() + reach, output_type="ndarray")
        pairs.append(idx[p])
    for i in np.flatnonzero(~short):  # long segments against all
        j = np.arange(n)
        j = j[(j != i) & (np.linalg.norm(mid - mid[i], axis=1) <= half + half[i] + reach)]
        pairs.append(np.c_[np.full(len(j), i), j])
    if not pairs:
        return np.zeros((0, 2), int)
    p = np.sort(np.vstack(pairs), axis=1)
    return np.unique(p, axis=0) if len(p) else np.zeros((0, 2), int)


def crossing_pairs(a: np.ndarray, b: np.ndarray, layer: np.ndarray, route: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Pairs (i < j) of same-layer segments that meet, neighbours within one route excluded."""
    p = near_pairs(a, b, 0.0)
    if not len(p):
        return p
    i, j = p[:, 0], p[:, 1]
    keep = (layer[i] == layer[j]) & ~((route[i] == route[j]) & (np.abs(index[i] - index[j]) <= 1))
    i, j = i[keep], j[keep]
    hit = segments_cross(a[i], b[i], a[j], b[j])
    return np.c_[i[hit], j[hit]]


def closest_points(a1: np.ndarray, b1: np.ndarray, a2: np.ndarray, b2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p, q): points of segments a1-b1 and a2-b2 ((M, 2) arrays) closest to each other (for
    crossing segments, one end's projection: the two copper pieces meet near there)."""

    project = nearest_on_segment
    cands = [(a1, project(a1, a2, b2)), (b1, project(b1, a2, b2)), (project(a2, a1, b1), a2),
             (project(b2, a1, b1), b2)]
    dist = np.stack([np.linalg.norm(p - q, axis=-1) for p, q in cands])
    best = np.argmin(dist, axis=0)
    rows = np.arange(len(best))
    p = np.stack([c[0] for c in cands])[best, rows]
    q = np.stack([c[1] for c in cands])[best, rows]
    return p, q
