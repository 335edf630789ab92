"""The functional layer: B, A and dB/dr of a ``Coil`` at points, chunked and bounded in memory.

``field(coil, points, current)`` sums the exact kernels of ``segment_kernels`` (straight
segments) and ``loop_kernels`` (circular loops) over all windings, scaled by each winding's
weight and by ``current``. Work is split into blocks of points x vertices whose temporaries
stay cache-sized (``block_pairs`` pairs per block), so memory is bounded by the output array
plus a few MB per thread regardless of the problem size. Points on or inside a conductor
follow the inside-conductor rule of the kernels (see ``segment_kernels``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.fields import loop_kernels, segment_kernels
from coildesign.fields.segment_kernels import MU0_4PI

DEFAULT_BLOCK_PAIRS = 1 << 15
MAX_VERTEX_BLOCK = 4096
AUTO_PROGRESS_PAIRS = 2e9
AUTO_THREAD_PAIRS = 2e7
CHUNK_PAIRS = 2_000_000  # pairs per work item handed to a thread
QUANTITIES = ("B", "A", "J")


@dataclass(frozen=True)
class PolylineSources:
    """Structure-of-arrays view of all polyline windings of a coil (segments i -> i+1)."""

    verts: np.ndarray  # (Nv, 3) [m], concatenated winding vertices
    origin: np.ndarray  # (3,) [m], centre used by the fast path
    weights: np.ndarray  # (Nv-1,) current weight per vertex pair (0 on gaps)
    gaps: np.ndarray | None  # (Nv-1,) bool, True between windings
    wire_radius: np.ndarray  # (Nv-1,) [m]
    length: np.ndarray  # (Nv-1,) [m]
    b_matrix: np.ndarray  # (Nv-1, 6) w [Lv, P1 x P2] in origin-centred coordinates
    a_matrix: np.ndarray  # (Nv-1, 6) w [Lv / L, 0]


@dataclass(frozen=True)
class LoopSources:
    """Structure-of-arrays view of all loop windings: local frames (e1, e2, normal)."""

    centers: np.ndarray  # (N, 3)
    frames: np.ndarray  # (N, 3, 3), rows e1, e2, n
    radii: np.ndarray  # (N,)
    weights: np.ndarray  # (N,)
    wire_radius: np.ndarray  # (N,)


def _wire_radius(w: Winding | LoopWinding) -> float:
    return 0.0 if w.cross_section is None else w.cross_section.field_radius


def polyline_sources(coil: Coil) -> PolylineSources | None:
    """Cached SoA arrays of the coil's polyline windings (None if it has none)."""
    if "polylines" in coil._cache:
        return coil._cache["polylines"]
    parts = [(w, wt) for w, wt in zip(coil.windings, coil.weights) if isinstance(w, Winding)]
    src = None
    if parts:
        verts = np.vstack([w.vertices for w, _ in parts])
        weights, gaps, radius = [], [], []
        for k, (w, wt) in enumerate(parts):
            n = len(w.vertices) - 1
            weights += [wt] * n
            gaps += [False] * n
            radius += [_wire_radius(w)] * n
            if k < len(parts) - 1:
                weights.append(0.0)
                gaps.append(True)
                radius.append(0.0)
        weights = np.array(weights)
        gaps = np.array(gaps)
        origin = 0.5 * (verts.min(axis=0) + verts.max(axis=0))
        vc = verts - origin
        lv = np.diff(vc, axis=0)
        length = np.sqrt((np.diff(verts, axis=0) ** 2).sum(axis=1))
        safe = np.where(gaps, 1.0, length)
        b_matrix = weights[:, None] * np.hstack([lv, np.cross(vc[:-1], vc[1:])])
        a_matrix = np.zeros_like(b_matrix)
        a_matrix[:, :3] = weights[:, None] * lv / safe[:, None]
        src = PolylineSources(verts, origin, weights, gaps if gaps.any() else None, np.array(radius),
                              length, b_matrix, a_matrix)
    coil._cache["polylines"] = src
    return src


def _frame(normal: np.ndarray) -> np.ndarray:
    helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(helper, normal)
    e1 /= np.linalg.norm(e1)
    return np.array([e1, np.cross(normal, e1), normal])


def loop_sources(coil: Coil) -> LoopSources | None:
    """Cached SoA arrays of the coil's loop windings (None if it has none)."""
    if "loops" in coil._cache:
        return coil._cache["loops"]
    parts = [(w, wt) for w, wt in zip(coil.windings, coil.weights) if isinstance(w, LoopWinding)]
    src = None
    if parts:
        src = LoopSources(
            centers=np.array([w.center for w, _ in parts]),
            frames=np.array([_frame(w.normal) for w, _ in parts]),
            radii=np.array([w.radius for w, _ in parts]),
            weights=np.array([wt for _, wt in parts]),
            wire_radius=np.array([_wire_radius(w) for w, _ in parts]),
        )
    coil._cache["loops"] = src
    return src


# ---------------------------------------------------------------------------- per-chunk work
def _explicit_segments(pts, verts, pi, si, wire_radius, weights, quantity):
    """Explicit-kernel contributions of pairs (point pi, segment si), summed per point row."""
    p1 = tuple(verts[si, k] for k in range(3))
    p2 = tuple(verts[si + 1, k] for k in range(3))
    x, y, z = (pts[pi, k] for k in range(3))
    rw = wire_radius[si]
    wt = weights[si]
    if quantity == "J":
        jac = segment_kernels.segment_field_jacobian(x, y, z, p1, p2, rw)
        vals = np.stack([np.stack(row, axis=-1) for row in jac], axis=-2) * wt[:, None, None]
    else:
        kern = segment_kernels.segment_field if quantity == "B" else segment_kernels.segment_vector_potential
        vals = np.stack(kern(x, y, z, p1, p2, rw), axis=-1) * wt[:, None]
    out = np.zeros((len(pts),) + vals.shape[1:])
    np.add.at(out, pi, vals)
    return out


def _segments_chunk(pts, src: PolylineSources, quantity, block_pairs):
    m = len(pts)
    nv = len(src.verts)
    out = np.zeros((m, 3, 3) if quantity == "J" else (m, 3))
    if quantity == "J":
        real = np.flatnonzero(src.weights != 0.0)
        step = max(1, block_pairs // max(m, 1))
        for s in range(0, len(real), step):
            si = np.tile(real[s:s + step], m)
            pi = np.repeat(np.arange(m), min(step, len(real) - s))
            out += _explicit_segments(pts, src.verts, pi, si, src.wire_radius, src.weights, "J")
        return out
    local = pts - src.origin
    vc = src.verts - src.origin
    matrix = src.b_matrix if quantity == "B" else src.a_matrix
    workspace = segment_kernels.Workspace()
    vblock = min(nv - 1, MAX_VERTEX_BLOCK)
    pblock = max(1, block_pairs // vblock)
    for s in range(0, nv - 1, vblock):
        e = min(nv, s + vblock + 1)
        gaps = None if src.gaps is None else src.gaps[s:e - 1]
        for p in range(0, m, pblock):
            q = min(m, p + pblock)
            res, near = segment_kernels.polyline_block(local[p:q], vc[s:e], matrix[s:e - 1],
                                                       src.length[s:e - 1], gaps, quantity=quantity,
                                                       workspace=workspace)
            out[p:q] += res * MU0_4PI
            if near is None:
                continue
            if gaps is not None:
                near &= ~gaps
            pi, sj = np.nonzero(near)
            if pi.size:
                out[p:q] += _explicit_segments(pts[p:q], src.verts, pi, sj + s, src.wire_radius,
                                               src.weights, quantity)
    return out


def _loops_chunk(pts, src: LoopSources, quantity, block_pairs):
    m = len(pts)
    out = np.zeros((m, 3, 3) if quantity == "J" else (m, 3))
    step = max(1, block_pairs // max(m, 1))
    for s in range(0, len(src.radii), step):
        sl = slice(s, s + step)
        frames = src.frames[sl]  # (n, 3, 3)
        rel = pts[None, :, :] - src.centers[sl, None, :]  # (n, m, 3)
        loc = np.einsum("nij,nmj->inm", frames, rel)  # (3, n, m)
        radius = src.radii[sl, None]
        rw = src.wire_radius[sl, None]
        wt = src.weights[sl, None]
        if quantity == "J":
            jac = loop_kernels.loop_field_jacobian(loc[0], loc[1], loc[2], radius, rw)
            jl = np.stack([np.stack(row, axis=0) for row in jac], axis=0) * wt  # (3, 3, n, m)
            # J_global = F^T J_local F for frame rows F
            out += np.einsum("nai,abnm,nbj->mij", frames, jl, frames)
        else:
            kern = loop_kernels.loop_field if quantity == "B" else loop_kernels.loop_vector_potential
            vl = np.stack(kern(loc[0], loc[1], loc[2], radius, rw), axis=0) * wt  # (3, n, m)
            out += np.einsum("nai,anm->mi", frames, vl)
    return out


def _chunk(pts, coil, quantity, block_pairs):
    out = None
    for src, fn in ((polyline_sources(coil), _segments_chunk), (loop_sources(coil), _loops_chunk)):
        if src is not None:
            part = fn(pts, src, quantity, block_pairs)
            out = part if out is None else out + part
    return out


def evaluate(
    coil: Coil,
    points: np.ndarray,
    current: float = 1.0,
    *,
    quantity: str = "B",
    chunk_points: int | None = None,
    block_pairs: int = DEFAULT_BLOCK_PAIRS,
    threads: int | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """B [T], A [T m] or dB/dr [T/m] of ``coil`` at ``points`` [m] for ``current`` [A].

    ``quantity``: "B" -> (M, 3), "A" -> (M, 3), "J" -> (M, 3, 3) with J[m, i, j] = dB_i/dx_j.
    ``chunk_points``: points per work item (default: sized so that one item does ~1e7 pairs).
    ``block_pairs``: points x vertices per inner block (cache-sized temporaries).
    ``threads``: worker threads over point chunks (numpy releases the GIL in its loops);
    None uses every core for problems over ``AUTO_THREAD_PAIRS`` pairs, where 2 threads
    measured ~1.3x faster than 1 on a 2-core machine (benchmarks/bench_field.py), else 1. ``progress``: tqdm bar (None: automatic for
    problems over 2e9 pairs).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    pts = check.points3("points", points)
    cur = check.finite("current", current)
    check.choice("quantity", quantity, QUANTITIES)
    if threads is not None:
        threads = check.positive_int("threads", threads)
    block_pairs = check.positive_int("block_pairs", block_pairs, minimum=64)
    m = len(pts)
    shape = (m, 3, 3) if quantity == "J" else (m, 3)
    if m == 0:
        return np.zeros(shape)
    n_src = len(coil.windings) + coil.n_segments
    if threads is None:
        threads = (os.cpu_count() or 1) if float(m) * n_src > AUTO_THREAD_PAIRS else 1
    if chunk_points is None:
        chunk_points = int(min(max(CHUNK_PAIRS // n_src, 256), 65536))
    chunk_points = check.positive_int("chunk_points", chunk_points)
    starts = list(range(0, m, chunk_points))
    out = np.empty(shape)

    def work(s: int) -> int:
        e = min(m, s + chunk_points)
        out[s:e] = _chunk(pts[s:e], coil, quantity, block_pairs)
        return e - s

    show = (float(m) * n_src > AUTO_PROGRESS_PAIRS) if progress is None else bool(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=m, unit="pt", desc=f"{quantity} of {coil.name}")
    try:
        if threads == 1 or len(starts) == 1:
            for s in starts:
                done = work(s)
                if bar is not None:
                    bar.update(done)
        else:
            with ThreadPoolExecutor(max_workers=min(threads, os.cpu_count() or 1, len(starts))) as pool:
                for done in pool.map(work, starts):
                    if bar is not None:
                        bar.update(done)
    finally:
        if bar is not None:
            bar.close()
    if cur != 1.0:
        out *= cur
    return out


def field(coil: Coil, points: np.ndarray, current: float = 1.0, **options) -> np.ndarray:
    """Magnetic flux density B [T], shape (M, 3), of ``coil`` carrying ``current`` [A] at
    ``points`` [m] (M, 3). Options as for ``evaluate``."""
    return evaluate(coil, points, current, quantity="B", **options)


def vector_potential(coil: Coil, points: np.ndarray, current: float = 1.0, **options) -> np.ndarray:
    """Magnetic vector potential A [T m] (Coulomb gauge), shape (M, 3)."""
    return evaluate(coil, points, current, quantity="A", **options)


def field_jacobian(coil: Coil, points: np.ndarray, current: float = 1.0, **options) -> np.ndarray:
    """Spatial Jacobian J[m, i, j] = dB_i/dx_j [T/m], shape (M, 3, 3), analytic."""
    return evaluate(coil, points, current, quantity="J", **options)


def pairs(coil: Coil, n_points: int) -> float:
    """Number of source-point pairs a field evaluation does (for benchmarks/progress)."""
    return float(n_points) * (coil.n_segments + coil.n_loops)


__all__ = ["field", "vector_potential", "field_jacobian", "evaluate", "pairs"]
