"""Plane geometry of board segments: crossings, distances and candidate pairs (vectorised)."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree


def _cross(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z component of (a - o) x (b - o) for (M, 2) arrays."""
    return (a[..., 0] - o[..., 0]) * (b[..., 1] - o[..., 1]) - (a[..., 1] - o[..., 1]) * (b[..., 0] - o[..., 0])


def point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance [m] from points p to segments a-b (broadcast (M, 2) arrays)."""
    d = b - a
    dd = np.einsum("...i,...i->...", d, d)
    t = np.clip(np.einsum("...i,...i->...", p - a, d) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
    return np.linalg.norm(p - (a + t[..., None] * d), axis=-1)


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

    def project(p, a, b):
        d = b - a
        dd = np.einsum("...i,...i->...", d, d)
        t = np.clip(np.einsum("...i,...i->...", p - a, d) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
        return a + t[..., None] * d

    cands = [(a1, project(a1, a2, b2)), (b1, project(b1, a2, b2)), (project(a2, a1, b1), a2),
             (project(b2, a1, b1), b2)]
    dist = np.stack([np.linalg.norm(p - q, axis=-1) for p, q in cands])
    best = np.argmin(dist, axis=0)
    rows = np.arange(len(best))
    p = np.stack([c[0] for c in cands])[best, rows]
    q = np.stack([c[1] for c in cands])[best, rows]
    return p, q
