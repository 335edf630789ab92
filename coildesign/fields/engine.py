"""The functional layer: B, A and dB/dr of a ``Coil`` at points, chunked and bounded in memory.

``field(coil, points, current)`` sums the exact kernels of ``segment_kernels`` (straight
segments) and ``loop_kernels`` (circular loops) over all windings, scaled by each winding's
weight and by ``current``. Work is split into blocks of points x vertices whose temporaries
stay cache-sized (``block_pairs`` pairs per block), so memory is bounded by the output array
plus a few MB per thread regardless of the problem size. Points on or inside a conductor
follow the inside-conductor rule of the kernels (see ``segment_kernels``).
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.fields import fmm, loop_kernels, segment_kernels
from coildesign.fields.segment_kernels import MU0_4PI

DEFAULT_BLOCK_PAIRS = 1 << 16  # measured: 64k-pair blocks beat 32k (issue 15; benchmarks/bench_perf.py)
MAX_VERTEX_BLOCK = 4096
J_VERTEX_BLOCK = 1024  # Jacobian fast path (segment_kernels.polyline_jacobian_block)
J_BLOCK_PAIRS = 1 << 15  # its eight (points x vertices) work arrays must stay cache-sized
J_BLAS_LIMIT_PAIRS = 1e6  # above this, Jacobian evaluations run with one BLAS thread (_one_blas_thread)
LOOP_BLOCK_PAIRS = 4096
AUTO_PROGRESS_PAIRS = 2e9
AUTO_THREAD_PAIRS = 5e6
CHUNK_PAIRS = 2_000_000  # pairs per work item handed to a thread
QUANTITIES = ("B", "A", "J")
METHODS = ("auto", "direct", "fmm")
FMM_PAIRS = 5e10  # measured: fmm3dpy 2.1 here is no faster than direct below ~1e10 pairs and needs GBs
FMM_MIN_SOURCES = 5000


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
    threshold: np.ndarray  # (Nv-1,) near-pair bound on R1 + R2 (segment_kernels.near_threshold)


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
    parts = [(w, wt * w.turns) for w, wt in zip(coil.windings, coil.weights) if isinstance(w, Winding)]
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
        radius = np.array(radius)
        src = PolylineSources(verts, origin, weights, gaps if gaps.any() else None, radius, length, b_matrix,
                              a_matrix, segment_kernels.near_threshold(length, radius))
    coil._cache["polylines"] = src
    return src


def _frame(normal: np.ndarray) -> np.ndarray:
    if normal[0] == 0.0 and normal[1] == 0.0 and normal[2] > 0:
        return np.eye(3)
    helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(helper, normal)
    e1 /= np.linalg.norm(e1)
    return np.array([e1, np.cross(normal, e1), normal])


def loop_sources(coil: Coil) -> LoopSources | None:
    """Cached SoA arrays of the coil's loop windings (None if it has none)."""
    if "loops" in coil._cache:
        return coil._cache["loops"]
    parts = [(w, wt * w.turns) for w, wt in zip(coil.windings, coil.weights) if isinstance(w, LoopWinding)]
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
    local = np.asfortranarray(pts - src.origin)  # column-major: contiguous x, y, z columns per block
    vc = np.asfortranarray(src.verts - src.origin)
    matrix = src.b_matrix if quantity == "B" else src.a_matrix
    workspace = segment_kernels.Workspace()
    vblock = min(nv - 1, MAX_VERTEX_BLOCK if quantity != "J" else J_VERTEX_BLOCK)
    pblock = max(1, (block_pairs if quantity != "J" else min(block_pairs, J_BLOCK_PAIRS)) // vblock)
    if quantity == "J":
        j_threshold = segment_kernels.jacobian_threshold(src.length, src.wire_radius)
    for s in range(0, nv - 1, vblock):
        e = min(nv, s + vblock + 1)
        gaps = None if src.gaps is None else src.gaps[s:e - 1]
        if quantity == "J":
            mats = segment_kernels.jacobian_matrices(vc[s:e], src.weights[s:e - 1])
        for p in range(0, m, pblock):
            q = min(m, p + pblock)
            if quantity == "J":
                res, near = segment_kernels.polyline_jacobian_block(local[p:q], vc[s:e], mats, src.length[s:e - 1],
                                                                    j_threshold[s:e - 1], gaps, workspace)
            else:
                res, near = segment_kernels.polyline_block(local[p:q], vc[s:e], matrix[s:e - 1],
                                                           src.length[s:e - 1], src.threshold[s:e - 1], gaps,
                                                           quantity=quantity, workspace=workspace)
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
    pairs_per_block = min(block_pairs, LOOP_BLOCK_PAIRS)  # the AGM's temporaries must stay in L2
    pblock = min(m, pairs_per_block)
    nblock = max(1, pairs_per_block // pblock)
    for p0 in range(0, m, pblock):
        p1 = min(m, p0 + pblock)
        sub = pts[p0:p1]
        for s in range(0, len(src.radii), nblock):
            sl = slice(s, s + nblock)
            out[p0:p1] += _loops_block(sub, src, sl, quantity)
    return out


def _loops_block(pts, src: LoopSources, sl: slice, quantity: str) -> np.ndarray:
    frames = src.frames[sl]  # (n, 3, 3), rows e1, e2, normal
    rel = [pts[None, :, k] - src.centers[sl, k, None] for k in range(3)]  # 3 x (n, m)
    aligned = bool(np.all(frames == np.eye(3)))  # z-axis loops: no rotation needed
    loc = rel if aligned else [sum(frames[:, i, k, None] * rel[k] for k in range(3)) for i in range(3)]
    radius = src.radii[sl, None]
    rw = src.wire_radius[sl, None]
    wt = src.weights[sl, None]
    if quantity == "J":
        jac = loop_kernels.loop_field_jacobian(loc[0], loc[1], loc[2], radius, rw)
        jl = np.stack([np.stack(row, axis=0) for row in jac], axis=0) * wt  # (3, 3, n, m)
        # J_global = F^T J_local F for frame rows F
        return np.einsum("nai,abnm,nbj->mij", frames, jl, frames)
    kern = loop_kernels.loop_field if quantity == "B" else loop_kernels.loop_vector_potential
    vl = [c * wt for c in kern(loc[0], loc[1], loc[2], radius, rw)]  # 3 x (n, m)
    if aligned:
        return np.stack([v.sum(axis=0) for v in vl], axis=1)
    return np.stack([sum(frames[:, a, i, None] * vl[a] for a in range(3)).sum(axis=0) for i in range(3)],
                    axis=1)


def _chunk(pts, coil, quantity, block_pairs, polylines=True):
    out = np.zeros((len(pts), 3, 3) if quantity == "J" else (len(pts), 3))
    for src, fn in ((polyline_sources(coil) if polylines else None, _segments_chunk),
                    (loop_sources(coil), _loops_chunk)):
        if src is not None:
            out += fn(pts, src, quantity, block_pairs)
    return out


_BLAS = []


def _one_blas_thread():
    """Context limiting BLAS to one thread (threadpoolctl; imported on first use, it costs
    ~10 ms). The Jacobian's matrix products per block are large enough for OpenBLAS to start
    its own threads, which on a loaded or already threaded run measured 4-5x slower than one
    BLAS thread (benchmarks/bench_perf.py). The limit is process-wide while it lasts."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def available_memory() -> int:
    """Physical memory currently available [bytes] (Linux/macOS sysconf; 0 if unknown)."""
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 0


def _check_memory(m: int, shape: tuple, chunk_points: int, n_src: int, threads: int) -> None:
    """Refuse evaluations whose output plus per-thread work space cannot fit in memory."""
    out_bytes = 8 * int(np.prod(shape))
    work = threads * 8 * (24 * DEFAULT_BLOCK_PAIRS + 12 * min(chunk_points, m) + 16 * n_src)
    need = out_bytes + work
    avail = available_memory()
    if avail and need > 0.8 * avail:
        check._fail("points", f"few enough to fit in memory: this evaluation needs ~{need / 2**30:.2f} GiB "
                    f"and {avail / 2**30:.2f} GiB are available; evaluate the points in parts (the engine "
                    "is exact per point, so results can be concatenated), use a coarser grid, or ask for "
                    "B rather than dB/dr (9 numbers per point)", f"array of {m} points")


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
    method: str = "auto",
    tolerance: float = 1e-10,
) -> np.ndarray:
    """B [T], A [T m] or dB/dr [T/m] of ``coil`` at ``points`` [m] for ``current`` [A].

    ``quantity``: "B" -> (M, 3), "A" -> (M, 3), "J" -> (M, 3, 3) with J[m, i, j] = dB_i/dx_j.
    ``chunk_points``: points per work item (default: ~``CHUNK_PAIRS`` pairs per item).
    ``block_pairs``: points x vertices per inner block (cache-sized temporaries).
    ``threads``: worker threads over point chunks (numpy releases the GIL in its loops);
    None uses every core for problems over ``AUTO_THREAD_PAIRS`` pairs, where 2 threads
    measured ~1.3x faster than 1 on a 2-core machine (benchmarks/bench_field.py), else 1.
    ``progress``: tqdm bar (None: automatic for problems over 2e9 pairs).
    ``method``: "direct" (exact sums), "fmm" (fast multipole with
    exact near-field correction, needs the ``fmm`` extra; B only) or "auto" (FMM when
    installed and the problem exceeds ``FMM_PAIRS`` pairs with >= ``FMM_MIN_SOURCES``
    segments and points; else direct). ``tolerance``: FMM precision (relative).
    """
    if type(points).__module__.startswith("dask."):  # lazy, chunk by chunk on dask workers
        from coildesign.fields.distributed import evaluate_dask

        return evaluate_dask(coil, points, current, quantity=quantity, chunk_points=chunk_points,
                             block_pairs=block_pairs, method=method, tolerance=tolerance)
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    pts = check.points3("points", points)
    cur = check.finite("current", current)
    check.choice("quantity", quantity, QUANTITIES)
    if threads is not None:
        threads = check.positive_int("threads", threads)
    block_pairs = check.positive_int("block_pairs", block_pairs, minimum=64)
    check.choice("method", method, METHODS)
    tolerance = check.in_range("tolerance", tolerance, 1e-15, 1e-2)
    m = len(pts)
    shape = (m, 3, 3) if quantity == "J" else (m, 3)
    if m == 0:
        return np.zeros(shape)
    n_src = len(coil.windings) + coil.n_segments
    use_fmm = method == "fmm"
    if use_fmm and (quantity != "B" or not fmm.available()):
        check._fail("method", "'fmm' only for B with the fmm extra installed (pip install "
                    "'coildesign[fmm]')", method)
    if method == "auto":
        use_fmm = (quantity == "B" and float(m) * n_src > FMM_PAIRS and min(m, coil.n_segments)
                   >= FMM_MIN_SOURCES and fmm.available())
    fmm_part = None
    if use_fmm and coil.n_segments:
        fmm_part = fmm.polyline_field_fmm(polyline_sources(coil), pts, tolerance)
        n_src = len(coil.windings)
    if threads is None:
        threads = (os.cpu_count() or 1) if float(m) * n_src > AUTO_THREAD_PAIRS else 1
    if chunk_points is None:
        chunk_points = int(min(max(CHUNK_PAIRS // n_src, 256), 65536))
    chunk_points = check.positive_int("chunk_points", chunk_points)
    _check_memory(m, shape, chunk_points, n_src, threads)
    starts = list(range(0, m, chunk_points))
    out = np.empty(shape)

    def work(s: int) -> int:
        e = min(m, s + chunk_points)
        out[s:e] = _chunk(pts[s:e], coil, quantity, block_pairs, polylines=fmm_part is None)
        return e - s

    show = (float(m) * n_src > AUTO_PROGRESS_PAIRS) if progress is None else bool(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=m, unit="pt", desc=f"{quantity} of {coil.name}")
    limits = contextlib.ExitStack()
    if quantity == "J" and float(m) * n_src > J_BLAS_LIMIT_PAIRS:
        limits.enter_context(_one_blas_thread())
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
        limits.close()
        if bar is not None:
            bar.close()
    if fmm_part is not None:
        out += fmm_part
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
