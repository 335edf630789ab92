"""Field-engine benchmark: coildesign vs magpylib, side by side in one process.

Prints pairs/s (source elements x field points per second), the ratio to magpylib, the
relative agreement away from the wires, and peak traced memory (tracemalloc, which sees
numpy's buffers). Run:  python benchmarks/bench_field.py [--quick] [--big] [--fmm]

Cases (issue 2):
1. helix of 1,000 segments at 10,000 points (magpylib Polyline.getB on all points);
2. 10,000 segments at 100,000 points (magpylib on a 2,000-point subset, extrapolated);
3. one loop at 1,000,000 points (magpylib Circle.getB on all points);
4. --big: 10,000 segments at 1,000,000 points, peak memory only (target < 1 GB);
5. --fmm: 1e5 segments x 1e5 points with the fast-multipole back end (target < 60 s,
   relative error <= 1e-6 against direct sums on a subset).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

import coildesign as cd


def helix(segments: int, turns: int, radius: float = 1e-3, length: float = 4e-3) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi * turns, segments + 1)
    return np.c_[radius * np.cos(t), radius * np.sin(t), np.linspace(-length / 2, length / 2, segments + 1)]


def timed(fn, repeat: int = 3):
    """Best wall time of ``repeat`` runs [s] and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_memory(fn) -> float:
    """Peak traced memory [bytes] while running ``fn``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def far_mask(points: np.ndarray, verts: np.ndarray, ratio: float = 1e-3) -> np.ndarray:
    """Points farther than ``ratio`` x segment length from every segment."""
    from coildesign.fields.segment_kernels import _pair_geometry

    keep = np.ones(len(points), bool)
    for s in range(0, len(points), 2000):
        p = points[s:s + 2000]
        g = _pair_geometry(p[:, 0:1], p[:, 1:2], p[:, 2:3], tuple(verts[:-1].T), tuple(verts[1:].T))
        keep[s:s + 2000] = (g["c2"] / g["l2"] > (ratio**2) * g["l2"]).all(axis=1)
    return keep


def report(name: str, pairs: float, t_cd: float, t_mp: float | None, err: float | None, mem: float | None):
    line = f"{name:42s} coildesign {pairs / t_cd / 1e6:8.1f} Mpairs/s ({t_cd:7.3f} s)"
    if t_mp is not None:
        line += f" | magpylib {pairs / t_mp / 1e6:7.2f} Mpairs/s | ratio {t_mp / t_cd:6.1f}x"
    if err is not None:
        line += f" | max rel diff {err:.1e}"
    if mem is not None:
        line += f" | peak {mem / 2**20:7.1f} MiB"
    print(line, flush=True)


def polyline_case(name, segments, turns, n_points, n_peer, rng, threads=None):
    import magpylib

    verts = helix(segments, turns)
    coil = cd.Coil.from_polyline(verts)
    pts = rng.uniform(-3e-3, 3e-3, (n_points, 3))
    t_cd, b = timed(lambda: cd.field(coil, pts, threads=threads), repeat=2 if n_points > 20000 else 3)
    sub = pts[:n_peer]
    peer = magpylib.current.Polyline(current=1.0, vertices=verts)
    peer.getB(sub[:10])  # warm-up (first calls pay one-time set-up costs)
    t_mp, b_mp = timed(lambda: peer.getB(sub), repeat=2 if n_peer <= 10_000 else 1)
    t_mp *= n_points / n_peer
    far = far_mask(sub, verts)
    err = (np.linalg.norm(b[:n_peer] - b_mp, axis=1) / np.linalg.norm(b_mp, axis=1))[far].max()
    mem = peak_memory(lambda: cd.field(coil, pts, threads=threads))
    report(f"{name} (threads={threads or 'auto'})", segments * n_points, t_cd, t_mp, err, mem)


def loop_case(n_points, rng):
    import magpylib

    coil = cd.Coil.from_loop(1e-3)
    pts = rng.uniform(-3e-3, 3e-3, (n_points, 3))
    t_cd, b = timed(lambda: cd.field(coil, pts))
    peer = magpylib.current.Circle(diameter=2e-3, current=1.0)
    t_mp, b_mp = timed(lambda: peer.getB(pts), repeat=2)
    rel = np.linalg.norm(b - b_mp, axis=1) / np.linalg.norm(b_mp, axis=1)
    dist = np.hypot(np.hypot(pts[:, 0], pts[:, 1]) - 1e-3, pts[:, 2])
    err = rel[dist > 1e-6].max()
    report("loop x 1e6 points", n_points, t_cd, t_mp, err, peak_memory(lambda: cd.field(coil, pts)))


def big_case(rng):
    coil = cd.Coil.from_polyline(helix(10_000, 200))
    pts = rng.uniform(-3e-3, 3e-3, (1_000_000, 3))
    t0 = time.perf_counter()
    mem = peak_memory(lambda: cd.field(coil, pts))
    t = time.perf_counter() - t0
    points_mem = pts.nbytes * 2  # input + output arrays, which any method must hold
    report("10,000 segments x 1e6 points", 1e10, t, None, None, mem)
    print(f"    of which input + output arrays: {points_mem / 2**20:.1f} MiB")


def fmm_case(rng):
    # a gradient-coil-sized helix: radius 5 mm, 40 mm long, 400 turns of 250 segments
    coil = cd.Coil.from_polyline(helix(100_000, 400, radius=5e-3, length=40e-3))
    pts = np.c_[rng.uniform(-6e-3, 6e-3, (100_000, 2)), rng.uniform(-25e-3, 25e-3, 100_000)]
    t0 = time.perf_counter()
    b = cd.field(coil, pts, method="fmm", tolerance=1e-7)
    t_fmm = time.perf_counter() - t0
    ref = cd.field(coil, pts[:500], method="direct")
    err = (np.linalg.norm(b[:500] - ref, axis=1) / np.linalg.norm(ref, axis=1)).max()
    report("FMM 1e5 segments x 1e5 points", 1e10, t_fmm, None, err, None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only the helix case")
    ap.add_argument("--big", action="store_true", help="add the 10,000 x 1e6 memory case")
    ap.add_argument("--fmm", action="store_true", help="add the FMM case (needs fmm3dpy)")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    import magpylib

    print(f"coildesign {cd.__version__}, magpylib {magpylib.__version__}, numpy {np.__version__}")
    for threads in (1, None):
        polyline_case("helix 1,000 segments x 10,000 points", 1000, 20, 10_000, 10_000, rng, threads)
    if args.quick:
        return
    polyline_case("10,000 segments x 100,000 points", 10_000, 200, 100_000, 2_000, rng)
    loop_case(1_000_000, rng)
    if args.big:
        big_case(rng)
    if args.fmm:
        fmm_case(rng)


if __name__ == "__main__":
    main()
