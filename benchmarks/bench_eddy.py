"""Eddy-current speed and memory.

``speed`` (default): the modes of a ~3,000-vertex cylindrical shell and a step response at 3,000
points and 50 times once the modes exist (targets: <= 20 s and <= 2 GB for the modes, <= 2 s
for the response, on a 2-core machine), and the memory refusal before the dense matrices of a
too-large shell are built. ``--basis-size 0`` uses every unknown of the mesh (exact for the
mesh); N > 0 the N smoothest stream functions (the slow modes, ``eddy.modes``). The mode fields
at the points come from the shells' local solid-harmonic expansion (``eddy.far_field``);
``--compare`` also sums the face kernels directly (``StreamFunctionOperators.field_operator``,
the slow path) and prints the largest difference of the two step responses.

``design``: bfieldtools' eddy-current example geometry (its "minimal eddy current cylindrical
coil design": coil former r 0.375 m x 1.5 m, aluminium shell r 0.55 m x 2.2 m x 0.5 mm with
bfieldtools' resistivity 2.82e-8 ohm m, a sphere of radius 0.125 m) with a y-gradient target
(field deviation <= 5 % of G R_dsv, the "dsv" measure) designed without and with the eddy bound
5 / 1 / 0.25 % of G R_dsv at 1 / 3 / 5 ms (target: <= 60 s and <= 2 GB, the bound held at all
times); every mode of the shell mesh is kept (the shell's ends are free: its net circulation
round the axis is a mode). ``--coil-around`` and ``--shell-around``: vertices round each cylinder.

Run: python benchmarks/bench_eddy.py [speed|design] [--basis-size N] [--compare]
Prints wall and CPU time of each stage, the machine load and the peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from coildesign import design, eddy
from coildesign.design.eddy_bound import check_eddy, eddy_bound
from coildesign.geometries import golay
from coildesign.surfaces import cylinder


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


BFIELDTOOLS = ("bfieldtools 0.11 on its own mesh of this geometry (run on this machine, patched for today's "
               "numpy/scipy, open solver; the figures stated in the coildesign issue tracker): 7-10 min and 8.6 GB; "
               "shell ends held at zero current (no net-circulation mode); bound imposed at 1, 3, 5 ms only: "
               "0.278 % at 6 ms; truncated to 501 modes, its 0.25 % at 5 ms is 0.259 % with all of them")


def design_case(coil_around: int, shell_around: int) -> None:
    """The bfieldtools geometry designed without and with the eddy bound (module doc)."""
    dsv, times, fractions = 0.125, [1e-3, 3e-3, 5e-3], [0.05, 0.01, 0.0025]
    former = design.cylinder(0.375, 1.5, resolution=2 * np.pi * 0.375 / coil_around)
    shell = eddy.Shell(design.cylinder(0.55, 2.2, resolution=2 * np.pi * 0.55 / shell_around), 0.5e-3,
                       conductivity=1 / 2.82e-8, name="aluminium shell")
    print(f"coil former {former.n_vertices} vertices, shell {shell.surface.n_vertices} vertices (every unknown); "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    m, w, c = _timed(lambda: eddy.modes(shell))
    print(f"  shell modes       wall {w:7.2f} s  cpu {c:7.2f} s  ({m.count} modes, slowest tau "
          f"{', '.join(f'{t * 1e3:.3f}' for t in m.time_constants[:3])} ms)")
    kw = {"deviation": "dsv", "allow_violations": True}
    for label, extra in (("no eddy bound", {}), ("eddy bound", {"eddy": (m, times, fractions)})):
        res, w, c = _timed(lambda extra=extra: design.gradient_coil(former, "y", dsv, 0.05, **kw, **extra))
        check = res.eddy if res.eddy is not None else check_eddy(
            eddy_bound((m, times, fractions)), res.coil, res.efficiency, dsv, np.zeros(3))
        print(f"  {label:<17} wall {w:7.2f} s  cpu {c:7.2f} s  eta {res.efficiency * 1e3:.4g} mT/(m A), "
              f"L {res.inductance * 1e6:.4g} uH, eta^2/L {res.figure_of_merit:.4g}, field deviation "
              f"{100 * res.max_deviation:.3g} % (dsv)")
        print(f"    eddy field of the wires at 1 / 3 / 5 ms: "
              f"{' / '.join(f'{100 * f:.4g}' for f in check.listed)} % of eta R_dsv; worst fraction/bound "
              f"{check.worst_ratio:.3g} at {check.worst_time * 1e3:.3g} ms (dense grid {len(check.times)} times "
              f"to {check.settled * 1e3:.3g} ms, bound proved after it by the mode envelope)")
        for v in res.violations:
            print(f"    violation: {v}")
    print(f"  peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    try:
        import bfieldtools  # noqa: F401
        print("  bfieldtools is importable: run its example 'minimal_eddy_current_cylindrical_coil_design' to compare")
    except ImportError:
        print(f"  {BFIELDTOOLS}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("case", nargs="?", choices=("speed", "design"), default="speed")
    p.add_argument("--basis-size", type=int, default=0)
    p.add_argument("--coil-around", type=int, default=40)
    p.add_argument("--shell-around", type=int, default=48)
    p.add_argument("--compare", action="store_true", help="speed: compare with the direct face sums")
    args = p.parse_args()
    if args.case == "design":
        design_case(args.coil_around, args.shell_around)
        return
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
    if args.compare:
        def direct():
            full = m.operators.field_operator(pts)  # (M, 3, V): the face sums for every point
            per_mode = np.asarray((m.basis.T @ full.reshape(-1, full.shape[2]).T).T) @ m.vectors
            g = per_mode.reshape(len(pts), 3, -1) * -sr.modal_coupling
            return np.einsum("man,tn->tma", g, np.exp(-np.outer(times, m.rates)))
        ref, w, c = _timed(direct)
        print(f"  direct sums    wall {w:7.2f} s  cpu {c:7.2f} s  max |expansion - direct| = "
              f"{np.abs(sr.field - ref).max() / np.abs(ref).max():.2g} of max |B|")
    print(f"  peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    big = eddy.Shell(cylinder(0.3, 1.0, resolution=2e-2), 0.5e-3, "aluminium")
    try:
        eddy.modes(big, max_memory=2 * 2**30)
    except ValueError as exc:
        print(f"  refused before building ({big.surface.n_vertices} vertices, 2 GiB limit): {exc}")


if __name__ == "__main__":
    main()
