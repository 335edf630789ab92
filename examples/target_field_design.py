"""Designed versus classical gradient coils for a 10 mm bore.

A 10 mm inner-diameter former, 25 mm long; DSV 6 mm (radius 3 mm = 0.6 of the coil radius);
field deviation <= 5 %; 10 turns per coil half of 0.25 mm wire (0.3 mm wire does not fit the
transverse coil at one wire pitch, which the design reports as not buildable). The target-field
coils are stream-function optima (minimum inductance under the deviation bound, ``coildesign.design``),
cut into connected windings; the classical coils are the Maxwell pair and the Golay coil of the
same radius with real 10-turn winding packs. Every figure below is of the *wires*, computed by
the same analysis functions for all four coils (the target-field coils' deviation is the dense maximum
over the DSV; the classical coils' the 11-point grid of ``linearity``). The biplanar PCB insert is
examples/biplanar_insert.py.

Run: python examples/target_field_design.py [output folder]   (a few minutes on 2 cores)
"""

import sys
from pathlib import Path

from coildesign import design
from coildesign.analysis import dc_resistance, inductance, linearity
from coildesign.geometries import golay, maxwell_pair

RADIUS, LENGTH, DSV, WIRE, TURNS = 5e-3, 25e-3, 3e-3, 0.25e-3, 10


def classical_row(coil):
    lin = linearity(coil, DSV, n=11)
    ell = inductance(coil)
    return (coil.name + " " + coil.parameters["generator"], lin.efficiency, ell, dc_resistance(coil),
            lin.max_field_deviation, coil.wire_length)


def main(out: Path) -> None:
    surface = design.cylinder(RADIUS, LENGTH)
    rows = []
    for axis in ("z", "x"):
        res = design.gradient_coil(surface, axis, DSV, 0.05, turns=TURNS, wire_diameter=WIRE)
        print(res, "\n")
        res.export(out)
        rows.append((f"G{axis} target field", res.efficiency, res.inductance, res.resistance, res.max_deviation,
                     res.wire_length))
    rows.append(classical_row(maxwell_pair(RADIUS, turns=TURNS, wire_diameter=WIRE)))
    rows.append(classical_row(golay(RADIUS, turns=TURNS, wire_diameter=WIRE)))
    print(f"{'coil':26s} {'eta mT/(m A)':>13s} {'L uH':>8s} {'R ohm':>7s} {'eta^2/L':>9s} {'max dev %':>9s} "
          f"{'wire m':>7s}")
    for name, eta, ell, r, dev, length in rows:
        print(f"{name:26s} {eta * 1e3:13.4g} {ell * 1e6:8.4g} {r:7.3g} {eta**2 / ell:9.5g} {100 * dev:9.3g} "
              f"{length:7.3g}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "target-field-output"))
