"""Force benchmark: the forces between two 5,000-segment gradient coils, coildesign vs magpylib.

Target: ``lorentz_forces`` between two 5,000-segment coils in <= 1 s. The coils are the x and y
Golay coils of a staggered set (radii 5 and 5.25 mm, 0.25 mm apart where their arcs overlap).
Prints the wall time (best of ``--repeat``), the number of quadrature nodes, the residual of
Newton's third law (F_xy + F_yx relative to |F|), and magpylib's ``getFT`` (midpoint meshing of
every target segment into ``--meshing`` pieces in total) side by side with the relative
difference of the net forces and torques. Run:  python benchmarks/bench_forces.py [--no-magpylib]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from coildesign.analysis.forces import _elements, _pieces_for, lorentz_forces
from coildesign.geometries import golay


def coils():
    gx = golay(5e-3, 1, "x", points_per_arc=625)
    gy = golay(5.25e-3, 1, "y", points_per_arc=625)
    return gx, gy


def timed(fn, repeat):
    """Best wall time [s], the CPU time of that run [s] (all threads; on a shared machine the
    fairer measure of work) and the result."""
    best, cpu, out = np.inf, np.inf, None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    return best, cpu, out


def magpylib_ft(source, target, meshing):
    import magpylib as magpy

    def collection(coil, current):
        return magpy.Collection(*[magpy.current.Polyline(current=current * w, vertices=win.vertices)
                                  for win, w in zip(coil.windings, coil.weights)])

    t0, c0 = time.perf_counter(), time.process_time()
    f, t = magpy.getFT(collection(source, 1.0), collection(target, 1.0), meshing=meshing, pivot=(0, 0, 0))
    return time.perf_counter() - t0, time.process_time() - c0, np.asarray(f), np.asarray(t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--meshing", type=int, default=5000, help="magpylib target segments (total; 5,000: one "
                        "midpoint per segment)")
    parser.add_argument("--no-magpylib", action="store_true")
    args = parser.parse_args()
    gx, gy = coils()
    print(f"coils: {gx.n_segments} and {gy.n_segments} segments")
    wall, cpu, f_xy = timed(lambda: lorentz_forces(gx, gy), args.repeat)
    pieces = _pieces_for(_elements(gx, 1.0, 64), gy, 1e-10)
    print(f"coildesign lorentz_forces (x in the field of y, 1 A each): {wall:.3f} s best of {args.repeat} "
          f"(CPU {cpu:.3f} s; {int(pieces[3].sum())} nodes, {len(pieces[0])} pieces; target <= 1 s)")
    f_yx = lorentz_forces(gy, gx)
    scale = np.abs(f_xy.segment_forces).sum()
    print(f"net force on x [N]: {f_xy.net_force}, torque [N m]: {f_xy.net_torque}")
    print(f"Newton's third law: |F_xy + F_yx| / sum|F_segment| = "
          f"{np.linalg.norm(f_xy.net_force + f_yx.net_force) / scale:.2e}; torques "
          f"{np.linalg.norm(f_xy.net_torque + f_yx.net_torque) / np.abs(f_xy.torques).sum():.2e}")
    if not args.no_magpylib:
        t_m, c_m, f_m, tq_m = magpylib_ft(gy, gx, args.meshing)
        print(f"magpylib getFT (meshing {args.meshing}): {t_m:.3f} s (CPU {c_m:.3f} s); force {f_m}, torque {tq_m}")
        print(f"  difference: force {np.linalg.norm(f_m - f_xy.net_force) / scale:.2e} of sum|F_segment|, "
              f"torque {np.linalg.norm(tq_m - f_xy.net_torque) / np.linalg.norm(f_xy.net_torque):.2e} relative")


if __name__ == "__main__":
    main()
