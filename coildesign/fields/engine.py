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
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._progress import progress_bar, progress_enabled
from coildesign._runtime import one_blas_thread, prime_allocator
from coildesign.coil import Coil, LoopWinding, Winding, frame, require_coil
from coildesign.fields import fmm, loop_kernels, segment_kernels
from coildesign.fields.segment_kernels import MU0_4PI

# Block and chunk sizes trade numpy's per-call overhead against cache-sized temporaries; the
# measurements behind each value are in docs/scaling.md ("Engine constants").
DEFAULT_BLOCK_PAIRS = 98_304  # points x vertices per segment block: fewest calls whose planes stay in L2
MAX_VERTEX_BLOCK = 4096  # vertices per segment block
J_VERTEX_BLOCK = 1024  # vertices per dB/dr block (segment_kernels.polyline_jacobian_block)
J_BLOCK_PAIRS = 1 << 15  # dB/dr blocks: five work planes must stay cache-sized
BLAS_LIMIT_PAIRS = 5e4  # above this, evaluations run with one BLAS thread (coildesign._runtime; docs/scaling.md)
LOOP_BLOCK_PAIRS = 16384  # loop blocks: the AGM's ~130 temporaries must stay in cache
EXPLICIT_BLOCK_PAIRS = 32_768  # pairs per explicit-kernel call: <= 17 MB of temporaries (350-520 bytes a pair)
AUTO_PROGRESS_PAIRS = 2e9  # a progress bar for evaluations longer than ~10 s
AUTO_THREAD_PAIRS = 5e6  # below this, starting threads costs more than it gains
CHUNK_PAIRS = 2_000_000  # pairs per work item handed to a thread
QUANTITIES = ("B", "A", "dB/dr", "B+A")
_SHAPES = {"B": (3,), "A": (3,), "dB/dr": (3, 3), "B+A": (6,)}  # result shape per point
METHODS = ("auto", "direct", "fmm")
FMM_PAIRS = 5e10  # "auto" switches to the FMM above this (it equals the direct sum near 3e10 pairs)
FMM_MIN_SOURCES = 5000
# Direct sums above this many pair equivalents (``work_pairs``; ~1 min per thread) are refused
# with advice; parameter ``max_pairs`` or the environment variable COILDESIGN_MAX_PAIRS set it.
MAX_PAIRS = 1e10
# cost of one pair relative to a fast-path segment pair (B or A), per thread (docs/scaling.md)
PAIR_COST = {"segment": 1.0, "segment dB/dr": 2.4, "loop": 10.0, "loop dB/dr": 145.0}
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
    """Cached SoA arrays of the coil's polyline windings (None if it has none).

    Built with whole-array operations: the per-segment weights and wire radii by one
    ``np.repeat`` over the windings (a zero-weight gap segment between consecutive windings),
    the cross products P1 x P2 written out component by component (the same products and
    differences as ``np.cross``, without its axis bookkeeping)."""
    if "polylines" in coil._cache:
        return coil._cache["polylines"]
    parts = [(w, wt * w.turns) for w, wt in zip(coil.windings, coil.weights) if isinstance(w, Winding)]
    src = None
    if parts:
        verts = parts[0][0].vertices if len(parts) == 1 else np.vstack([w.vertices for w, _ in parts])
        n_seg = len(verts) - 1
        if len(parts) == 1:
            weights = np.full(n_seg, float(parts[0][1]))
            radius = np.full(n_seg, float(_wire_radius(parts[0][0])))
            gaps = None
        else:  # each winding's segments, then one gap segment (none after the last winding)
            counts = np.array([len(w.vertices) for w, _ in parts])
            counts[-1] -= 1
            weights = np.repeat(np.array([float(wt) for _, wt in parts]), counts)
            radius = np.repeat(np.array([float(_wire_radius(w)) for w, _ in parts]), counts)
            gaps = np.zeros(n_seg, dtype=bool)
            gaps[np.cumsum(counts)[:-1] - 1] = True
            weights[gaps] = 0.0
            radius[gaps] = 0.0
        # coordinates as contiguous rows (3, Nv): the per-coordinate operations below run on
        # contiguous memory (~4x faster than along axis 0 of (Nv, 3)); the same operations, bit for bit
        columns = verts.T.copy()
        origin = 0.5 * (columns.min(axis=1) + columns.max(axis=1))
        vc = columns - origin[:, None]
        steps = columns[:, 1:] - columns[:, :-1]
        length = np.sqrt(steps[0] * steps[0] + steps[1] * steps[1] + steps[2] * steps[2])
        tiny = length < 1e-150  # squares underflow: the scaled norm
        if tiny.any():
            length[tiny] = np.hypot(np.hypot(steps[0, tiny], steps[1, tiny]), steps[2, tiny])
        safe = length if gaps is None else np.where(gaps, 1.0, length)
        a, b = vc[:, :-1], vc[:, 1:]
        rows = np.empty((6, n_seg))  # w [Lv, P1 x P2], the cross product as np.cross forms it
        np.subtract(b, a, out=rows[:3])
        rows[3] = a[1] * b[2] - a[2] * b[1]
        rows[4] = a[2] * b[0] - a[0] * b[2]
        rows[5] = a[0] * b[1] - a[1] * b[0]
        rows *= weights
        b_matrix = np.ascontiguousarray(rows.T)
        a_rows = np.zeros((6, n_seg))
        np.divide(rows[:3], safe, out=a_rows[:3])
        a_matrix = np.ascontiguousarray(a_rows.T)
        real = length if gaps is None else length[~gaps]
        shortest, widest = float(real.min()), float(np.abs(vc).max())
        fast, jfast = (shortest >= 1.0 / r and widest <= r for r in (FAST_PATH_RANGE, J_FAST_PATH_RANGE))
        src = PolylineSources(verts, origin, weights, gaps, radius, length, b_matrix,
                              a_matrix, segment_kernels.near_threshold(length, radius), fast, jfast)
    coil._cache["polylines"] = src
    return src


def loop_sources(coil: Coil) -> LoopSources | None:
    """Cached SoA arrays of the coil's loop windings (None if it has none)."""
    if "loops" in coil._cache:
        return coil._cache["loops"]
    parts = [(w, wt * w.turns) for w, wt in zip(coil.windings, coil.weights) if isinstance(w, LoopWinding)]
    src = None
    if parts:
        src = LoopSources(
            centers=np.array([w.center for w, _ in parts]),
            frames=np.array([frame(w.normal) for w, _ in parts]),
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
    if quantity == "dB/dr":
        jac = segment_kernels.segment_field_jacobian(x, y, z, p1, p2, rw)
        vals = np.stack([np.stack(row, axis=-1) for row in jac], axis=-2) * wt[:, None, None]
    elif quantity == "B+A":
        vals = np.stack(segment_kernels.segment_field(x, y, z, p1, p2, rw)
                        + segment_kernels.segment_vector_potential(x, y, z, p1, p2, rw), axis=-1) * wt[:, None]
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
    out = np.zeros((m,) + _SHAPES[quantity])
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
    limit = FAST_PATH_RANGE if quantity != "dB/dr" else J_FAST_PATH_RANGE
    if not src.fast_path or (quantity == "dB/dr" and not src.jacobian_fast_path):
        return _explicit_all(pts, src, quantity, block_pairs)
    with np.errstate(over="ignore"):
        far = np.abs(pts - src.origin).max(axis=1) > limit
    shape = _SHAPES[quantity]
    if far.any():
        out = np.zeros((m,) + shape)
        out[far] = _explicit_all(pts[far], src, quantity, block_pairs)
        if not far.all():
            out[~far] = _segments_chunk(pts[~far], src, quantity, block_pairs)
        return out
    out = np.zeros((m,) + shape)
    local = np.asfortranarray(pts - src.origin)  # column-major: contiguous x, y, z columns per block
    vc = np.asfortranarray(src.verts - src.origin)
    matrix = {"B": src.b_matrix, "A": src.a_matrix}.get(quantity)
    if quantity == "B+A":
        matrix = np.hstack([src.b_matrix, src.a_matrix])
    workspace = segment_kernels.Workspace()
    vblock = min(nv - 1, MAX_VERTEX_BLOCK if quantity != "dB/dr" else J_VERTEX_BLOCK)
    pblock = max(1, (block_pairs if quantity != "dB/dr" else min(block_pairs, J_BLOCK_PAIRS)) // vblock)
    near_bound = (segment_kernels.jacobian_threshold(src.length, src.wire_radius) if quantity == "dB/dr"
                  else src.threshold)
    sums = np.zeros((m, {"dB/dr": 27, "B+A": 12}.get(quantity, 6)))  # the blocks' sums over all segment blocks
    pf = segment_kernels.point_factors(local)  # once per chunk (offsets by matrix product)
    pending = []  # near pairs (point rows, segments) left out by the blocks, evaluated together
    for s in range(0, nv - 1, vblock):
        e = min(nv, s + vblock + 1)
        # per pair of the blocks' padded layout: the segments and a dummy pair (never near)
        gaps = None if src.gaps is None else segment_kernels.padded(src.gaps[s:e - 1], False)
        length = segment_kernels.padded(src.length[s:e - 1], 0.0)
        threshold = segment_kernels.padded(near_bound[s:e - 1], -np.inf)
        vf = segment_kernels.vertex_factors(vc[s:e])
        if quantity == "dB/dr":
            mats = segment_kernels.jacobian_matrices(vc[s:e], src.weights[s:e - 1])
        else:
            block_matrix = segment_kernels.padded(matrix[s:e - 1], 0.0)
        for p in range(0, m, pblock):
            q = min(m, p + pblock)
            factors = (pf[:, p:q], vf)
            if quantity == "dB/dr":
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
    if quantity == "dB/dr":
        out += segment_kernels.jacobian_from_sums(sums, local) * MU0_4PI
    else:
        out += segment_kernels.field_from_sums(sums, local, quantity) * MU0_4PI
    return out


def _loops_chunk(pts, src: LoopSources, quantity, block_pairs, out, accumulate):
    """Loop contributions at ``pts`` written into ``out`` (added to it if ``accumulate``)."""
    if quantity == "B+A":  # the loop kernels share nothing between B and A
        for k, part in enumerate(("B", "A")):
            res = np.zeros((len(pts), 3))
            _loops_chunk(pts, src, part, block_pairs, res, False)
            out[:, 3 * k:3 * k + 3] = out[:, 3 * k:3 * k + 3] + res if accumulate else res
        return
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
    if quantity == "dB/dr":
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
    expansions ("B+A": 48 bytes a point of output, 12 sums). The FMM part is a fit to fmm3dpy
    2.1 at eps = 1e-10 measured here (peak RSS
    ~12 kB per source element and ~2 kB per target, plus ~0.3 GB)."""
    out = 8 * int(np.prod(_SHAPES.get(quantity, (3,)))) * float(m)
    copy = 24.0 * m if copy_points else 0.0
    per_point = 12 + {"dB/dr": 36, "B+A": 18}.get(quantity, 6)  # chunk temporaries and the block sums
    work = threads * 8.0 * (24 * DEFAULT_BLOCK_PAIRS + per_point * min(chunk_points, m) + 16 * n_src)
    fmm_bytes = (12e3 * fmm_sources + 2e3 * m + 3e8) if fmm_sources else 0.0
    return out + copy + work + fmm_bytes


def work_pairs(m: int, coil: Coil, quantity: str, fmm_part: bool = False) -> float:
    """Direct-summation work in fast-path pair equivalents (``PAIR_COST``: dB/dr of segments
    forms more factors per pair, loops need elliptic integrals); with the FMM the segments are
    not summed directly."""
    j = " dB/dr" if quantity == "dB/dr" else ""
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


@dataclass(frozen=True)
class Plan:
    """What an evaluation will do, decided from the sizes alone by ``plan`` (no field computed,
    nothing allocated): the method, the threads and work items, and the estimates it was
    checked against."""

    quantity: str  # "B", "A" or "dB/dr"
    n_points: int
    method: str  # "direct" or "fmm" (the FMM for the segments, direct sums for the loops)
    threads: int  # worker threads over point chunks
    chunk_points: int  # points per work item
    block_pairs: int  # points x vertices per inner block
    peak_bytes: float  # estimated peak memory [bytes] (``peak_memory``)
    work_pairs: float  # direct-sum work in fast-path pair equivalents (``work_pairs``)
    one_blas_thread: bool  # BLAS held to one thread while it runs (above ``BLAS_LIMIT_PAIRS``)
    progress: bool  # a tqdm bar
    tolerance: float  # FMM precision (relative)

    @property
    def chunks(self) -> list[slice]:
        """The work items: consecutive slices of the points."""
        return [slice(s, min(self.n_points, s + self.chunk_points)) for s in range(0, self.n_points,
                                                                                    self.chunk_points)]

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the result."""
        return (self.n_points,) + _SHAPES[self.quantity]


def plan(
    coil: Coil,
    n_points: int,
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
    copy_points: bool = False,
) -> Plan:
    """Decide how ``evaluate`` computes ``quantity`` of ``coil`` at ``n_points`` points, and refuse
    (ValueError with advice) what does not fit: more than ``max_memory`` bytes (default
    ``_validation.memory_limit``: COILDESIGN_MAX_MEMORY or half the available memory) or a direct
    sum over more than ``max_pairs`` pair equivalents (default ``MAX_PAIRS`` or
    COILDESIGN_MAX_PAIRS). ``copy_points``: the points still need a float copy (counted in the
    memory). Options as for ``evaluate``; pure (reads sizes, computes nothing)."""
    require_coil("coil", coil)
    m = check.positive_int("n_points", n_points, minimum=0, maximum=2**62)
    check.choice("quantity", quantity, QUANTITIES)
    if threads is not None:
        threads = check.positive_int("threads", threads)
    block_pairs = check.positive_int("block_pairs", block_pairs, minimum=64)
    check.choice("method", method, METHODS)
    tolerance = check.in_range("tolerance", tolerance, 1e-15, 1e-2)
    n_src = len(coil.windings) + coil.n_segments
    use_fmm = method == "fmm"
    if use_fmm and (quantity != "B" or not fmm.available()):
        check._fail("method", "'fmm' only for B with the fmm extra installed (pip install "
                    "'coildesign[fmm]')", method)
    limit_pairs = _max_pairs(max_pairs)
    fmm_sources = coil.n_segments * fmm.quadrature_order(tolerance)
    fmm_bytes = peak_memory(m, quantity, len(coil.windings), 1, 256, copy_points, fmm_sources)
    fmm_fits = check.memory_limit(max_memory) == 0 or fmm_bytes <= check.memory_limit(max_memory)
    if method == "auto":  # FMM for very large B problems, and for any B problem too large for a direct sum
        large = float(m) * n_src > FMM_PAIRS and min(m, coil.n_segments) >= FMM_MIN_SOURCES
        use_fmm = (quantity == "B" and (large or work_pairs(m, coil, quantity) > limit_pairs)
                   and fmm.available() and fmm_fits)
    use_fmm = use_fmm and coil.n_segments > 0
    if use_fmm:
        check.memory("points", f"array of {m} points", fmm_bytes,
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
        chunk_points = _balanced_chunk(max(m, 1), int(min(max(CHUNK_PAIRS // n_src, 256), 65536)), threads)
    chunk_points = check.positive_int("chunk_points", chunk_points)
    peak = peak_memory(m, quantity, n_src, threads, chunk_points, copy_points)
    check.memory("points", f"array of {m} points", peak,
                 "evaluate the points in parts (the engine is exact per point, so results can be "
                 "concatenated), use a coarser grid, or ask for B rather than dB/dr (9 numbers per point)",
                 max_memory)
    blas_one = float(m) * n_src > BLAS_LIMIT_PAIRS
    if use_fmm:
        n_src = len(coil.windings)  # the segments go to the FMM; the chunks sum the loops
        peak = max(peak, fmm_bytes)
    show = (progress_enabled() and float(m) * n_src > AUTO_PROGRESS_PAIRS) if progress is None else bool(progress)
    return Plan(quantity, m, "fmm" if use_fmm else "direct", threads, chunk_points, block_pairs, peak,
                pairs_needed, blas_one, show, tolerance)


def execute(run: Plan, coil: Coil, points: np.ndarray, current: float = 1.0) -> np.ndarray:
    """Carry out ``run`` (from ``plan``) on ``points``: a C-contiguous float (M, 3) array [m] with
    M = ``run.n_points`` (``evaluate`` checks and converts them); the result for ``current`` [A]."""
    out = np.empty(run.shape)
    if run.n_points == 0:
        return out
    prime_allocator()
    fmm_part = fmm.polyline_field_fmm(polyline_sources(coil), points, run.tolerance) if run.method == "fmm" else None

    def work(part: slice) -> int:
        _chunk(points[part], coil, run.quantity, run.block_pairs, out[part], polylines=fmm_part is None)
        return part.stop - part.start

    chunks = run.chunks
    bar = (progress_bar(run.n_points, progress=True, unit="pt", desc=f"{run.quantity} of {coil.name}")
           if run.progress else None)
    limits = contextlib.ExitStack()
    if run.one_blas_thread:
        limits.enter_context(one_blas_thread())
    try:
        if run.threads == 1 or len(chunks) == 1:
            done = map(work, chunks)
        else:
            pool = limits.enter_context(ThreadPoolExecutor(max_workers=min(run.threads, os.cpu_count() or 1,
                                                                           len(chunks))))
            done = pool.map(work, chunks)
        for n in done:
            if bar is not None:
                bar.update(n)
    finally:
        limits.close()
        if bar is not None:
            bar.close()
    if fmm_part is not None:
        out += fmm_part
    if current != 1.0:
        out *= current
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
    method: str = "auto",
    tolerance: float = 1e-10,
    max_memory: float | None = None,
    max_pairs: float | None = None,
) -> np.ndarray:
    """B [T], A [T m] or dB/dr [T/m] of ``coil`` at ``points`` [m] (a numpy array) for ``current`` [A].

    ``quantity``: "B" -> (M, 3), "A" -> (M, 3), "dB/dr" -> (M, 3, 3) with J[m, i, j] = dB_i/dx_j,
    "B+A" -> (M, 6): B in columns 0-2 and A in 3-5, the segments' in one pass over the shared
    point-vertex distances (the same numbers as two calls; ~1.3x the cost of A alone).
    ``chunk_points``: points per work item (default: ~``CHUNK_PAIRS`` pairs per item, the items
    equal and their number a multiple of ``threads``).
    ``block_pairs``: points x vertices per inner block (cache-sized temporaries).
    ``threads``: worker threads over point chunks (numpy releases the GIL in its loops); None
    uses every core for problems over ``AUTO_THREAD_PAIRS`` pairs, else 1.
    ``progress``: tqdm bar (None: for problems over ``AUTO_PROGRESS_PAIRS`` pairs when the package's
    progress switch allows it: ``coildesign.set_progress`` or COILDESIGN_PROGRESS).
    ``method``: "direct" (exact sums), "fmm" (fast multipole with exact near-field correction,
    needs the ``fmm`` extra; B only) or "auto" (FMM when installed and the problem exceeds
    ``FMM_PAIRS`` pairs with >= ``FMM_MIN_SOURCES`` segments and points, or is too large for a
    direct sum and the FMM's memory fits; else direct). ``tolerance``: FMM precision (relative).

    Two steps: ``plan`` decides and checks work and memory from the sizes BEFORE anything is
    allocated or copied (refusing with advice what does not fit), ``execute`` computes.
    """
    require_coil("coil", coil)
    if isinstance(points, np.ndarray) and points.ndim >= 1 and points.shape[-1] == 3:
        # size known before conversion: refuse before a float copy of a huge array is made
        m0 = points.size // 3
        copy = points.dtype != np.float64 or not points.flags.c_contiguous
        check.memory("points", f"array of {m0} points", peak_memory(m0, str(quantity), 0, 1, 1, copy),
                     "evaluate the points in parts", max_memory)
    pts = check.points3("points", points)
    cur = check.finite("current", current)
    run = plan(coil, len(pts), quantity=quantity, chunk_points=chunk_points, block_pairs=block_pairs,
               threads=threads, progress=progress, method=method, tolerance=tolerance, max_memory=max_memory,
               max_pairs=max_pairs)
    return execute(run, coil, pts, cur)


def pairs(coil: Coil, n_points: int) -> float:
    """Number of source-point pairs a field evaluation does (for benchmarks/progress)."""
    return float(n_points) * (coil.n_segments + coil.n_loops)


__all__ = ["Plan", "evaluate", "execute", "pairs", "plan"]
