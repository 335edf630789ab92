"""The functional layer: B, A and dB/dr of a ``Coil`` at points, chunked and bounded in memory.

``field(coil, points, current)`` sums the exact kernels of ``segment_kernels`` (straight
segments) and ``loop_kernels`` (circular loops) over all windings, scaled by each winding's
weight and by ``current``. Work is split into blocks of points x vertices whose temporaries
stay cache-sized (``block_pairs`` pairs per block), so memory is bounded by the output array
plus a few MB per thread regardless of the problem size. Pairs too near a segment for the
blocks' fast path are collected over the blocks of a chunk and evaluated by the explicit
kernels together, up to ``EXPLICIT_BLOCK_PAIRS`` at a time. Points on or inside a conductor
follow the inside-conductor rule of the kernels (see ``segment_kernels``).
"""

from __future__ import annotations

import contextlib
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._blas import one_blas_thread
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.fields import fmm, loop_kernels, segment_kernels
from coildesign.fields.segment_kernels import MU0_4PI

DEFAULT_BLOCK_PAIRS = 98_304  # measured (1,000 segments x 10,000 points, B, padded layout): 1 thread flat from
# 32k to 128k pairs (176-199 M/s, 176-180 at 192k); 2 threads 167-201 (32k), 216-241 (48k), 252-255 (64k),
# 286-333 (96k), 294-348 (128k), 260-316 (192k) M/s: fewer numpy calls per pair against the cache
MAX_VERTEX_BLOCK = 4096
J_VERTEX_BLOCK = 1024  # Jacobian fast path (segment_kernels.polyline_jacobian_block)
J_BLOCK_PAIRS = 1 << 15  # its five work planes must stay cache-sized (16k 71, 32k 79, 64k 72 M pairs/s)
BLAS_LIMIT_PAIRS = 1e6  # above this, evaluations run with one BLAS thread (coildesign._blas)
LOOP_BLOCK_PAIRS = 16384  # measured (1 loop x 1e6 points, 1 thread): 4096 90 ms, 8192 63-73 ms, 16384 57-65 ms,
# 32768 56-73 ms (benchmarks/bench_perf.py loop row; per-block numpy call overhead against cache size)
# pairs per call of the explicit kernels: their temporaries take ~350 (B) and ~520 (dB/dr)
# bytes a pair (measured with tracemalloc), 17 MB at most, within peak_memory's work space
EXPLICIT_BLOCK_PAIRS = 32_768
AUTO_PROGRESS_PAIRS = 2e9
AUTO_THREAD_PAIRS = 5e6
CHUNK_PAIRS = 2_000_000  # pairs per work item handed to a thread
QUANTITIES = ("B", "A", "J")
METHODS = ("auto", "direct", "fmm")
# measured (fmm3dpy 2.1, tolerance 1e-10, helix x uniform points, two threads): 2e4 x 1e5 pairs fmm 15.7 s,
# direct 7.4 s; 1e5 x 1e5 fmm 65 s, direct 36 s: with fmm ~ N + M and direct ~ N M, equal near 3e10 pairs
FMM_PAIRS = 5e10
FMM_MIN_SOURCES = 5000
# Direct sums above this many pair equivalents (``work_pairs``; ~1 min per thread at the
# ~190 M pairs/s per thread of the fast path measured on the idle 2-core machine) are refused
# with advice; parameter ``max_pairs`` or the environment variable COILDESIGN_MAX_PAIRS set it.
MAX_PAIRS = 1e10
# cost of one pair relative to a fast-path segment pair (B or A), measured per thread by
# process time on the idle machine after issue 15 (1,000-segment helix and ten loops at 1e4-1e5
# points: segment B 5.1-6.4 ns per pair, segment dB/dr 2.0-2.4x, loop B 9.6-10x, loop dB/dr
# 143-202x)
PAIR_COST = {"segment": 1.0, "segment J": 2.4, "loop": 10.0, "loop J": 145.0}
# The fast path forms products of four distances: it is used for segment lengths and
# source-centred coordinates within [1/FAST_PATH_RANGE, FAST_PATH_RANGE] m, so that they
# neither overflow nor underflow; other pairs go to the scaled explicit kernels, which are
# exact over the whole float range.
FAST_PATH_RANGE = 1e60
# The Jacobian's fast path forms inverse fifth powers of distances (segment_kernels.
# polyline_jacobian_block): it is used within [1/J_FAST_PATH_RANGE, J_FAST_PATH_RANGE] m.
J_FAST_PATH_RANGE = 1e40


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
    fast_path: bool = True  # False when lengths leave FAST_PATH_RANGE: every pair goes to the explicit kernel
    jacobian_fast_path: bool = True  # the same for dB/dr and J_FAST_PATH_RANGE


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
        steps = np.diff(verts, axis=0)
        length = np.sqrt((steps**2).sum(axis=1))
        tiny = length < 1e-150  # squares underflow: the scaled norm
        length[tiny] = np.hypot(np.hypot(steps[tiny, 0], steps[tiny, 1]), steps[tiny, 2])
        safe = np.where(gaps, 1.0, length)
        b_matrix = weights[:, None] * np.hstack([lv, np.cross(vc[:-1], vc[1:])])
        a_matrix = np.zeros_like(b_matrix)
        a_matrix[:, :3] = weights[:, None] * lv / safe[:, None]
        radius = np.array(radius)
        real = length[~gaps] if gaps.any() else length
        fast, jfast = (bool(real.min() >= 1.0 / r and np.abs(vc).max() <= r)
                       for r in (FAST_PATH_RANGE, J_FAST_PATH_RANGE))
        src = PolylineSources(verts, origin, weights, gaps if gaps.any() else None, radius, length, b_matrix,
                              a_matrix, segment_kernels.near_threshold(length, radius), fast, jfast)
    coil._cache["polylines"] = src
    return src


def _frame(normal: np.ndarray) -> np.ndarray:
    """Rows e1, e2, n of a right-handed frame around the unit ``normal`` n: e1 = h x n / |h x n|
    with h the x axis (the y axis when n is within ~26 degrees of x), e2 = n x e1 (cross
    products written out: np.cross costs ~15 us per call, ~0.6 ms of an RF analysis)."""
    x, y, z = (float(c) for c in normal)
    if x == 0.0 and y == 0.0 and z > 0:
        return np.eye(3)
    # h = x axis: h x n = (0, -z, y); h = y axis: h x n = (z, 0, -x)
    e1 = (0.0, -z, y) if abs(x) < 0.9 else (z, 0.0, -x)
    norm = np.sqrt(e1[0] ** 2 + e1[1] ** 2 + e1[2] ** 2)
    a, b, c = e1[0] / norm, e1[1] / norm, e1[2] / norm
    return np.array([[a, b, c], [y * c - z * b, z * a - x * c, x * b - y * a], [x, y, z]])


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


def _add_explicit(out, pts, src: PolylineSources, pending: list, quantity) -> None:
    """Adds the explicit-kernel contributions of the collected near pairs ``pending`` (a list of
    (point rows, segment indices)) to ``out``, ``EXPLICIT_BLOCK_PAIRS`` pairs per call, and
    empties the list: few calls for the pairs of many blocks (an explicit call costs ~0.3 ms
    whatever its size; per block, the few near pairs of a 10,000-point Jacobian cost a third
    of its time)."""
    if pending:
        pi = np.concatenate([p for p, _ in pending])
        si = np.concatenate([s for _, s in pending])
        for k in range(0, len(pi), EXPLICIT_BLOCK_PAIRS):
            part = slice(k, k + EXPLICIT_BLOCK_PAIRS)
            out += _explicit_segments(pts, src.verts, pi[part], si[part], src.wire_radius, src.weights, quantity)
        pending.clear()


def _explicit_all(pts, src: PolylineSources, quantity, block_pairs):
    """All (point, segment) pairs by the explicit kernels, in blocks of ``block_pairs`` (at most
    ``EXPLICIT_BLOCK_PAIRS``, or one segment at all points)."""
    m = len(pts)
    out = np.zeros((m, 3, 3) if quantity == "J" else (m, 3))
    real = np.flatnonzero(src.weights != 0.0)
    step = max(1, min(block_pairs, EXPLICIT_BLOCK_PAIRS) // max(m, 1))
    for s in range(0, len(real), step):
        si = np.tile(real[s:s + step], m)
        pi = np.repeat(np.arange(m), min(step, len(real) - s))
        out += _explicit_segments(pts, src.verts, pi, si, src.wire_radius, src.weights, quantity)
    return out


def _segments_chunk(pts, src: PolylineSources, quantity, block_pairs):
    m = len(pts)
    nv = len(src.verts)
    limit = FAST_PATH_RANGE if quantity != "J" else J_FAST_PATH_RANGE
    if not src.fast_path or (quantity == "J" and not src.jacobian_fast_path):
        return _explicit_all(pts, src, quantity, block_pairs)
    with np.errstate(over="ignore"):
        far = np.abs(pts - src.origin).max(axis=1) > limit
    shape = (3, 3) if quantity == "J" else (3,)
    if far.any():
        out = np.zeros((m,) + shape)
        out[far] = _explicit_all(pts[far], src, quantity, block_pairs)
        if not far.all():
            out[~far] = _segments_chunk(pts[~far], src, quantity, block_pairs)
        return out
    out = np.zeros((m,) + shape)
    local = np.asfortranarray(pts - src.origin)  # column-major: contiguous x, y, z columns per block
    vc = np.asfortranarray(src.verts - src.origin)
    matrix = src.b_matrix if quantity == "B" else src.a_matrix
    workspace = segment_kernels.Workspace()
    vblock = min(nv - 1, MAX_VERTEX_BLOCK if quantity != "J" else J_VERTEX_BLOCK)
    pblock = max(1, (block_pairs if quantity != "J" else min(block_pairs, J_BLOCK_PAIRS)) // vblock)
    near_bound = (segment_kernels.jacobian_threshold(src.length, src.wire_radius) if quantity == "J"
                  else src.threshold)
    sums = np.zeros((m, 27 if quantity == "J" else 6))  # the blocks' sums over all segment blocks
    pf = segment_kernels.point_factors(local)  # once per chunk (offsets by matrix product)
    pending = []  # near pairs (point rows, segments) left out by the blocks, evaluated together
    for s in range(0, nv - 1, vblock):
        e = min(nv, s + vblock + 1)
        # per pair of the blocks' padded layout: the segments and a dummy pair (never near)
        gaps = None if src.gaps is None else segment_kernels.padded(src.gaps[s:e - 1], False)
        length = segment_kernels.padded(src.length[s:e - 1], 0.0)
        threshold = segment_kernels.padded(near_bound[s:e - 1], -np.inf)
        vf = segment_kernels.vertex_factors(vc[s:e])
        if quantity == "J":
            mats = segment_kernels.jacobian_matrices(vc[s:e], src.weights[s:e - 1])
        else:
            block_matrix = segment_kernels.padded(matrix[s:e - 1], 0.0)
        for p in range(0, m, pblock):
            q = min(m, p + pblock)
            factors = (pf[:, p:q], vf)
            if quantity == "J":
                res, near = segment_kernels.polyline_jacobian_block(local[p:q], vc[s:e], mats, length, threshold,
                                                                    gaps, workspace, factors)
                sums[p:q] += res
            else:
                _, near = segment_kernels.polyline_block(local[p:q], vc[s:e], block_matrix, length, threshold,
                                                         gaps, quantity=quantity, workspace=workspace,
                                                         sums=sums[p:q], accumulate=s > 0, factors=factors)
            if near is None:
                continue
            if gaps is not None:
                near &= ~gaps
            flat = np.flatnonzero(near)  # (np.nonzero on 2-d masks took 13x as long)
            if flat.size:
                pending.append((flat // near.shape[1] + p, flat % near.shape[1] + s))
                if sum(len(rows) for rows, _ in pending) >= EXPLICIT_BLOCK_PAIRS:
                    _add_explicit(out, pts, src, pending, quantity)
    _add_explicit(out, pts, src, pending, quantity)
    if quantity == "J":
        out += segment_kernels.jacobian_from_sums(sums, local) * MU0_4PI
    else:
        out += segment_kernels.field_from_sums(sums, local, quantity) * MU0_4PI
    return out


def _loops_chunk(pts, src: LoopSources, quantity, block_pairs, out, accumulate):
    """Loop contributions at ``pts`` written into ``out`` (added to it if ``accumulate``)."""
    m = len(pts)
    pairs_per_block = min(block_pairs, LOOP_BLOCK_PAIRS)  # the AGM's temporaries must stay in cache
    pblock = min(m, pairs_per_block)
    nblock = max(1, pairs_per_block // pblock)
    for p0 in range(0, m, pblock):
        p1 = min(m, p0 + pblock)
        sub = pts[p0:p1]
        for s in range(0, len(src.radii), nblock):
            _loops_block(sub, src, slice(s, s + nblock), quantity, out[p0:p1], accumulate or s > 0)


def _loops_block(pts, src: LoopSources, sl: slice, quantity: str, out: np.ndarray, accumulate: bool) -> None:
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
        res = np.einsum("nai,abnm,nbj->mij", frames, jl, frames)
        if accumulate:
            out += res
        else:
            out[...] = res
        return
    kern = loop_kernels.loop_field if quantity == "B" else loop_kernels.loop_vector_potential
    local = kern(loc[0], loc[1], loc[2], radius, rw)  # 3 x (n, m)
    if aligned and len(wt) == 1:  # one z-axis loop (blocks of many points): scaled columns, no product
        for k in range(3):
            if accumulate:
                out[:, k] += local[k][0] * wt[0, 0]
            else:
                np.multiply(local[k][0], wt[0, 0], out=out[:, k])
        return
    vl = np.array(local).reshape(-1, len(pts))  # (3 n, m): rows a, then loop
    # global_i = sum over loops n and local axes a of w_n F[n, a, i] v_a[n]: one matrix product,
    # written straight into the output rows
    coef = (frames * wt[:, :, None]).transpose(1, 0, 2).reshape(-1, 3)
    if accumulate:
        out += vl.T @ coef
    else:
        np.matmul(vl.T, coef, out=out)


def _chunk(pts, coil, quantity, block_pairs, out, polylines=True):
    """B, A or J of all the coil's sources at ``pts``, written into ``out``."""
    segments = polyline_sources(coil) if polylines else None
    loops = loop_sources(coil)
    if segments is not None:
        out[...] = _segments_chunk(pts, segments, quantity, block_pairs)
    if loops is not None:
        _loops_chunk(pts, loops, quantity, block_pairs, out, accumulate=segments is not None)
    if segments is None and loops is None:
        out[...] = 0.0


available_memory = check.available_memory  # kept for callers of the earlier name

ALLOCATOR_PRIME_BYTES = 4 * 2**20


@functools.cache
def _raise_mmap_threshold() -> None:
    """Allocates and frees one 4 MiB array, once per process. glibc's malloc serves requests of
    128 KiB and more (the temporaries of a 16k-point loop block) with fresh mmaps, faulted in
    and unmapped at every call, until a larger mapped block has been freed; from then on its
    dynamic threshold is that block's size (glibc mallopt(3), M_MMAP_THRESHOLD: at most 32 MiB;
    a threshold set by the user through MALLOC_MMAP_THRESHOLD_ is left alone). Measured: a fresh
    process ran the loop kernel at 3.1 ms per 16k-point block, 0.87 ms once an 8 MB array had
    been freed; a process that has freed any large array is already in that state. Elsewhere
    (other C libraries) an allocation and a free."""
    np.empty(ALLOCATOR_PRIME_BYTES // 8)


def _balanced_chunk(m: int, target: int, threads: int) -> int:
    """Points per work item near ``target`` such that the m points split into equal items whose
    number is a multiple of ``threads``: 10,000 points in items of 1,998 made five full items
    and one of 10 points, so two threads did three and two (at most 1.67x; measured 1.4x);
    six items of 1,667 give each thread three."""
    items = -(-m // target)
    if threads > 1:
        items = -(-items // threads) * threads
    return max(1, -(-m // items))


def peak_memory(m: int, quantity: str, n_src: int, threads: int, chunk_points: int, copy_points: bool,
                fmm_sources: int = 0) -> float:
    """Estimated peak memory [bytes] of an evaluation at ``m`` points: output (24 or 72 bytes a
    point), a float copy of the points if needed, per-thread work space (cache-sized blocks,
    chunk temporaries: the chunk's result, local coordinates and block sums, 6 or 27 floats a
    point; the source arrays' per-chunk views) and, for the FMM, its tree and
    expansions. The FMM part is a fit to fmm3dpy 2.1 at eps = 1e-10 measured here (peak RSS
    ~12 kB per source element and ~2 kB per target, plus ~0.3 GB)."""
    out = (72 if quantity == "J" else 24) * float(m)
    copy = 24.0 * m if copy_points else 0.0
    per_point = 12 + (36 if quantity == "J" else 6)  # chunk temporaries and the block sums
    work = threads * 8.0 * (24 * DEFAULT_BLOCK_PAIRS + per_point * min(chunk_points, m) + 16 * n_src)
    fmm_bytes = (12e3 * fmm_sources + 2e3 * m + 3e8) if fmm_sources else 0.0
    return out + copy + work + fmm_bytes


def work_pairs(m: int, coil: Coil, quantity: str, fmm_part: bool = False) -> float:
    """Direct-summation work in fast-path pair equivalents (``PAIR_COST``: dB/dr of segments
    forms more factors per pair, loops need elliptic integrals); with the FMM the segments are
    not summed directly."""
    j = " J" if quantity == "J" else ""
    seg = 0.0 if fmm_part else float(coil.n_segments) * PAIR_COST["segment" + j]
    loops = float(coil.n_loops) * PAIR_COST["loop" + j]
    return float(m) * (seg + loops)


def _max_pairs(max_pairs: float | None) -> float:
    if max_pairs is not None:
        return check.positive("max_pairs", max_pairs)
    env = os.environ.get("COILDESIGN_MAX_PAIRS")
    if not env:
        return MAX_PAIRS
    try:
        value = float(env)
    except ValueError:
        value = float("nan")
    if not (np.isfinite(value) and value > 0):
        check._fail("COILDESIGN_MAX_PAIRS", "a positive number of pair evaluations (e.g. 1e11)", env)
    return value


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
    max_memory: float | None = None,
    max_pairs: float | None = None,
) -> np.ndarray:
    """B [T], A [T m] or dB/dr [T/m] of ``coil`` at ``points`` [m] for ``current`` [A].

    ``quantity``: "B" -> (M, 3), "A" -> (M, 3), "J" -> (M, 3, 3) with J[m, i, j] = dB_i/dx_j.
    ``chunk_points``: points per work item (default: ~``CHUNK_PAIRS`` pairs per item, the items
    equal and their number a multiple of ``threads``).
    ``block_pairs``: points x vertices per inner block (cache-sized temporaries).
    ``threads``: worker threads over point chunks (numpy releases the GIL in its loops);
    None uses every core for problems over ``AUTO_THREAD_PAIRS`` pairs, where 2 threads
    measured ~1.3x faster than 1 on a 2-core machine (benchmarks/bench_field.py), else 1.
    Loops gain little: their kernel makes ~130 numpy calls per 16k-point block and two
    threads handing the GIL to each other used ~1.5x the CPU time of one (1 loop x 1e6
    points: 53-56 ms wall either way with one other busy process, 71 ms against 54 ms in
    bench_perf.py), so a single loop over 1e6 points stays on one thread.
    ``progress``: tqdm bar (None: automatic for problems over 2e9 pairs).
    ``method``: "direct" (exact sums), "fmm" (fast multipole with
    exact near-field correction, needs the ``fmm`` extra; B only) or "auto" (FMM when
    installed and the problem exceeds ``FMM_PAIRS`` pairs with >= ``FMM_MIN_SOURCES``
    segments and points; else direct). ``tolerance``: FMM precision (relative).

    Work and memory are estimated from the sizes BEFORE anything is allocated or copied
    (``peak_memory``, ``work_pairs``): an evaluation needing more than ``max_memory`` bytes
    (default: ``_validation.memory_limit``, i.e. COILDESIGN_MAX_MEMORY or half the available
    memory) or a direct sum over more than ``max_pairs`` pair equivalents (default
    ``MAX_PAIRS`` = 1e10 or COILDESIGN_MAX_PAIRS) is refused with advice (ValueError). "auto"
    uses the FMM only where its own memory estimate fits, and also for B problems too large
    for a direct sum.
    """
    if type(points).__module__.startswith("dask."):  # lazy, chunk by chunk on dask workers
        from coildesign.fields.distributed import evaluate_dask

        return evaluate_dask(coil, points, current, quantity=quantity, chunk_points=chunk_points,
                             block_pairs=block_pairs, method=method, tolerance=tolerance)
    check.coil("coil", coil)
    if isinstance(points, np.ndarray) and points.ndim >= 1 and points.shape[-1] == 3:
        # size known before conversion: refuse before a float copy of a huge array is made
        m0 = points.size // 3
        copy = points.dtype != np.float64 or not points.flags.c_contiguous
        check.memory("points", f"array of {m0} points", peak_memory(m0, str(quantity), 0, 1, 1, copy),
                     "evaluate the points in parts", max_memory)
    pts = check.points3("points", points)
    cur = check.finite("current", current)
    check.choice("quantity", quantity, QUANTITIES)
    _raise_mmap_threshold()
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
    limit_pairs = _max_pairs(max_pairs)
    fmm_sources = coil.n_segments * fmm.quadrature_order(tolerance)
    fmm_fits = check.memory_limit(max_memory) == 0 or peak_memory(
        m, quantity, len(coil.windings), 1, 256, False, fmm_sources) <= check.memory_limit(max_memory)
    if method == "auto":  # FMM for very large B problems, and for any B problem too large for a direct sum
        large = float(m) * n_src > FMM_PAIRS and min(m, coil.n_segments) >= FMM_MIN_SOURCES
        use_fmm = (quantity == "B" and (large or work_pairs(m, coil, quantity) > limit_pairs)
                   and fmm.available() and fmm_fits)
    use_fmm = use_fmm and coil.n_segments > 0
    if use_fmm:
        check.memory("points", f"array of {m} points", peak_memory(m, quantity, len(coil.windings), 1, 256, False,
                                                                   fmm_sources),
                     f"the FMM over {fmm_sources} source elements does not fit: evaluate fewer points at a time "
                     "or coarsen the coil", max_memory)
    pairs_needed = work_pairs(m, coil, quantity, fmm_part=use_fmm)
    if pairs_needed > limit_pairs:
        hint = ('use method="fmm" (fast multipole, B only), ' if quantity == "B" and fmm.available()
                and not use_fmm else "")
        check._fail("points", f"few enough for a direct sum: {m} points x {coil.n_segments} segments and "
                    f"{coil.n_loops} loops is ~{pairs_needed:.3g} pair evaluations, above the limit "
                    f"{limit_pairs:.3g} (max_pairs argument or COILDESIGN_MAX_PAIRS); {hint}evaluate fewer "
                    "points or use a coarser coil", f"array of {m} points")
    if threads is None:
        threads = (os.cpu_count() or 1) if float(m) * n_src > AUTO_THREAD_PAIRS else 1
    if chunk_points is None:
        chunk_points = _balanced_chunk(m, int(min(max(CHUNK_PAIRS // n_src, 256), 65536)), threads)
    chunk_points = check.positive_int("chunk_points", chunk_points)
    check.memory("points", f"array of {m} points", peak_memory(m, quantity, n_src, threads, chunk_points, False),
                 "evaluate the points in parts (the engine is exact per point, so results can be "
                 "concatenated), use a coarser grid, or ask for B rather than dB/dr (9 numbers per point)",
                 max_memory)
    fmm_part = None
    if use_fmm:
        fmm_part = fmm.polyline_field_fmm(polyline_sources(coil), pts, tolerance)
        n_src = len(coil.windings)
    starts = list(range(0, m, chunk_points))
    out = np.empty(shape)

    def work(s: int) -> int:
        e = min(m, s + chunk_points)
        _chunk(pts[s:e], coil, quantity, block_pairs, out[s:e], polylines=fmm_part is None)
        return e - s

    show = (float(m) * n_src > AUTO_PROGRESS_PAIRS) if progress is None else bool(progress)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=m, unit="pt", desc=f"{quantity} of {coil.name}")
    limits = contextlib.ExitStack()
    if float(m) * n_src > BLAS_LIMIT_PAIRS:
        limits.enter_context(one_blas_thread())
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
