"""CPU time of ``analysis.inductance`` on contoured gradient-coil wires and a helix, against the
implementation of a reference git revision loaded into the same process (alternating runs,
median of repeats), with the relative agreement of the two values.

    PYTHONPATH=. python benchmarks/bench_inductance.py [--reference 2b415cc] [--repeats 3] [--cases y,z,helix,insert]

The Gy/Gz cases are the wires of the target-field designs of ``bench_design.py`` (cylinder r 10 mm,
length 51.9 mm, DSV 6.49 mm, 10 levels, 0.4 mm wire, "dsv" deviation); "insert" is the biplanar x
insert of ``examples/gallery/plot_biplanar_insert.py`` (plates 3 mm apart, 8 x 8 mm, 1 mm cube's
circumscribed sphere at 5 %, 8 turns of 70 um wire). They are designed once and cached as .npz in
the folder given by --cache (default: the system's temp folder).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from coildesign import geometries
from coildesign.analysis.inductance import inductance
from coildesign.coil import Coil, Winding
from coildesign.conductors import RoundWire

ROOT = Path(__file__).resolve().parents[1]


def reference_module(revision: str):
    """The inductance module of ``revision`` (git show), importing the current package."""
    source = subprocess.run(["git", "show", f"{revision}:coildesign/analysis/inductance.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "inductance_reference.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("inductance_reference", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def design_wires(axis: str, cache: Path) -> Coil:
    """The benchmark design's wires (cached: vertices, closed flags, weights, wire radius); axis
    "x", "y", "z" on the cylinder, "insert" the biplanar insert."""
    path = cache / f"bench_inductance_{axis}.npz"
    if not path.exists():
        from coildesign import design

        if axis == "insert":
            res = design.gradient_coil(design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 24), "x",
                                       np.sqrt(3) * 0.5e-3, 0.05, turns=8, wire_diameter=70e-6)
        else:
            res = design.gradient_coil(design.cylinder(10e-3, 51.9e-3), axis, 6.49e-3, 0.05, turns=10,
                                       wire_diameter=0.4e-3, deviation="dsv")
        coil = res.coil
        arrays = {f"points{k}": w.points for k, w in enumerate(coil.windings)}
        np.savez(path, closed=[w.closed for w in coil.windings], weights=coil.weights,
                 radius=[w.cross_section.radius for w in coil.windings],
                 axis=coil.axis if coil.axis is not None else np.full(3, np.nan), **arrays)
    data = np.load(path)
    ws = [Winding(data[f"points{k}"], bool(c), RoundWire(2 * float(r)))
          for k, (c, r) in enumerate(zip(data["closed"], data["radius"]))]
    axis_vec = None if np.isnan(data["axis"]).any() else data["axis"]
    return Coil(ws, data["weights"], axis=axis_vec)


def timed(function, make_coil) -> tuple[float, float]:
    coil = make_coil()  # fresh copy: the result is cached on the coil
    start = time.process_time()
    value = function(coil)
    return time.process_time() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", default="2b415cc", help="git revision of the reference implementation")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default="y,z,helix")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    old = reference_module(args.reference)
    cases = {}
    for name in args.cases.split(","):
        if name == "helix":
            cases[name] = lambda: geometries.solenoid(0.55e-3, 1e-3, 5, wire_diameter=0.1e-3)
        else:
            wires = design_wires(name, args.cache)
            label = name if name == "insert" else f"G{name}"
            cases[label] = lambda wires=wires: Coil(wires.windings, wires.weights, axis=wires.axis)
    print(f"{'case':>6} {'old CPU [s]':>12} {'new CPU [s]':>12} {'speed-up':>9} {'L [H]':>14} "
          f"{'relative difference':>20}")
    for name, make in cases.items():
        t_old, t_new = [], []
        for _ in range(args.repeats):
            dt, l_old = timed(old.inductance, make)
            t_old.append(dt)
            dt, l_new = timed(inductance, make)
            t_new.append(dt)
        a, b = float(np.median(t_old)), float(np.median(t_new))
        print(f"{name:>6} {a:12.3f} {b:12.3f} {a / b:9.2f} {l_new:14.8e} {(l_new - l_old) / l_old:20.2e}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
