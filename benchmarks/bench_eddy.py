"""Eddy-current speed and memory: the modes of a ~3,000-vertex cylindrical shell and a step
response at 3,000 points and 50 times once the modes exist (targets: <= 20 s and <= 2 GB for
the modes, <= 2 s for the response, on a 2-core machine), and the memory refusal before the
dense matrices of a too-large shell are built.

Run: python benchmarks/bench_eddy.py [--basis-size N]
Prints wall and CPU time of each stage, the machine load and the peak resident memory.
``--basis-size 0`` uses every unknown of the mesh (exact for the mesh); N > 0 the N smoothest
stream functions (the slow modes, ``eddy.modes``).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from coildesign import eddy
from coildesign.geometries import golay
from coildesign.surfaces import cylinder


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--basis-size", type=int, default=0)
    args = p.parse_args()
    size = None if args.basis_size <= 0 else args.basis_size
    a, ell = 0.03, 0.155
    # 60 vertices round, 51 rings: 3,060 vertices
    surf = cylinder(a, ell, resolution=2 * np.pi * a / 60)
    shell = eddy.Shell(surf, 0.5e-3, "aluminium", name="bore")
    print(f"shell: {surf.n_vertices} vertices, {len(surf.faces)} faces; basis: "
          f"{'every unknown' if size is None else f'{size} smooth functions'}; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    m, w, c = _timed(lambda: eddy.modes(shell, size))
    print(f"  modes          wall {w:7.2f} s  cpu {c:7.2f} s  ({m.count} modes, slowest tau "
          f"{m.time_constants[0] * 1e3:.4g} ms)")
    coil = golay(0.02, axis="y")
    rng = np.random.default_rng(1)
    v = rng.normal(size=(3000, 3))
    pts = 0.01 * v / np.linalg.norm(v, axis=1)[:, None] * rng.uniform(0, 1, (3000, 1)) ** (1 / 3)
    times = np.geomspace(1e-5, 0.1, 50)
    sr, w, c = _timed(lambda: eddy.step_response(coil, m, pts, times))
    print(f"  step response  wall {w:7.2f} s  cpu {c:7.2f} s  (3,000 points x 50 times; coil coupling, mode "
          f"fields, sum); max |Bz| at 1e-5 s {np.abs(sr.field[0, :, 2]).max() * 1e6:.4g} uT/A")
    _, w, c = _timed(lambda: sr.at(times))
    print(f"  re-evaluation  wall {w:7.3f} s  cpu {c:7.3f} s  (50 more times from the mode fields)")
    print(f"  peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    big = eddy.Shell(cylinder(0.3, 1.0, resolution=2e-2), 0.5e-3, "aluminium")
    try:
        eddy.modes(big, max_memory=2 * 2**30)
    except ValueError as exc:
        print(f"  refused before building ({big.surface.n_vertices} vertices, 2 GiB limit): {exc}")


if __name__ == "__main__":
    main()
