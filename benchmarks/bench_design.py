"""Target-field design against its promise: bfieldtools' cylinder problem (radius 10 mm, length
51.9 mm, DSV radius 6.49 mm, 10 contour levels per coil half), y and z gradients at a field
deviation |Bz - G s| <= 5 % of G R (``deviation="dsv"``), judged independently.

Targets: y eta^2/L >= 680, z eta^2/L >= 1060 [T^2/(m^2 A^2 H)] with the wires within the bound;
each design <= 5 s on a 2-core machine.

Independent evaluation: magpylib (``magpylib.current.Polyline``) on the exported wires, at a grid
of spacing R/10 inside the DSV plus 40,000 Fibonacci points on its surface; eta from a central
difference of that field (step R/1000); L from coildesign's inductance (the design's own figure).

Run: python benchmarks/bench_design.py [--repeat N] [--axes y z] [--operators]
``--operators`` times the surface's face coupling (``StreamFunctionOperators.face_coupling``) filled
from one face per orbit of the cylinder's rotation against the evaluation of every row, and prints
their largest relative difference.
Prints per axis: design wall time and CPU time of the process (all threads; median of repeats,
a fresh surface each time so no cached operator is reused), reported and independent deviation,
eta^2/L, windings, spacing, buildable, the machine load and the peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import numpy as np

from coildesign import design
from coildesign.analysis.gradient import bounded_deviation
from coildesign.analysis.regions import Region

RADIUS, LENGTH, DSV, TURNS, WIRE, EPS = 10e-3, 51.9e-3, 6.49e-3, 10, 0.4e-3, 0.05
TARGETS = {"y": 680.0, "z": 1060.0}


def independent(res) -> tuple[float, float]:
    """(max deviation, eta [T/(m A)]) of the wires from magpylib, dsv measure."""
    import magpylib

    lines = [magpylib.current.Polyline(current=1.0, vertices=w.points) for w in res.coil.windings]
    src = magpylib.Collection(*lines)
    axis = design.gradient.AXES[res.axis]
    h = DSV / 1000
    step = np.zeros((2, 3))
    step[0, axis], step[1, axis] = h, -h
    bz0 = src.getB(step)[:, 2]
    eta = float(bz0[0] - bz0[1]) / (2 * h)
    pts = Region("sphere", DSV).sample(21, n_surface=40_000)
    bz = src.getB(pts)[:, 2]
    return float(np.max(bounded_deviation(bz, pts[:, axis], eta, DSV, 0.1, "dsv"))), eta


def run_once(axis: str) -> dict:
    t0, c0 = time.perf_counter(), time.process_time()
    surface = design.cylinder(RADIUS, LENGTH)
    res = design.gradient_coil(surface, axis, DSV, EPS, turns=TURNS, wire_diameter=WIRE, deviation="dsv")
    return {"total": time.perf_counter() - t0, "cpu": time.process_time() - c0, "res": res}


def operators() -> None:
    """CPU time of the face coupling with the rotational symmetry and of every row evaluated."""
    from coildesign.surfaces.operators import MU0_4PI, StreamFunctionOperators

    ops = StreamFunctionOperators(design.cylinder(RADIUS, LENGTH), rotation_symmetry=True)
    c0 = time.process_time()
    p = ops.face_coupling
    c1 = time.process_time()
    rows = ops._coupling_rows(np.arange(len(ops.surface.faces)))
    full = MU0_4PI * 0.5 * (rows + rows.T)
    c2 = time.process_time()
    print(f"  face coupling of {len(ops.surface.faces)} faces: {c1 - c0:.2f} s CPU with the rotation of order "
          f"{ops.rotation[1]}, {c2 - c1:.2f} s CPU for every row; largest relative difference "
          f"{float(np.max(np.abs(p - full) / np.abs(full))):.2g}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--axes", nargs="+", default=["y", "z"])
    p.add_argument("--operators", action="store_true", help="time the surface's face coupling only")
    args = p.parse_args()
    if args.operators:
        operators()
        return
    print(f"cylinder r = {RADIUS * 1e3:g} mm, length {LENGTH * 1e3:g} mm, DSV r = {DSV * 1e3:g} mm, {TURNS} levels, "
          f"{WIRE * 1e3:g} mm wire, |Bz - G s| <= {100 * EPS:g} % of G R; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores")
    for axis in args.axes:
        runs = [run_once(axis) for _ in range(args.repeat)]
        res = runs[0]["res"]
        dev, eta = independent(res)
        times = [r["total"] for r in runs]
        cpu = [r["cpu"] for r in runs]
        print(f"  G{axis}: design {statistics.median(times):6.2f} s wall (min {min(times):.2f}), "
              f"{statistics.median(cpu):6.2f} s CPU (all threads); eta^2/L "
              f"{res.figure_of_merit:.5g} (target >= {TARGETS[axis]:g}); reported deviation "
              f"{100 * res.max_deviation:.4g} %, magpylib {100 * dev:.4g} %; eta {res.efficiency * 1e3:.5g} mT/(m A) "
              f"(magpylib {eta * 1e3:.5g}); {len(res.coil.windings)} windings; min spacing {res.min_spacing * 1e3:.3g} "
              f"mm; buildable {res.buildable}")
        print("       stages (wall): " + ", ".join(f"{k} {v:.2f} s" for k, v in res.timings.items())
              + f"; load average now {os.getloadavg()[0]:.2f}")
    print(f"  peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
