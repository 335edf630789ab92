"""A biplanar PCB gradient insert of the class of ISMRM 2018 abstract 1763: two 8 x 8 mm planes
3 mm apart, a 1 mm^3 region (its circumscribed sphere, r = sqrt(3)/2 mm) within 5 % field
deviation, 70 um copper traces, 1.2 T/m continuous.

The x gradient is designed by the target-field method (``coildesign.design.gradient_coil``,
minimum inductance under the deviation bound, checked densely on the wires) with the traces
modelled as round wires of the trace width (their field, and their inductance to the GMD of a
70 um conductor). Printed: efficiency, inductance, resistance, current and power for 1.2 T/m, the
traces' width and smallest spacing (edge to edge), and the terminals. The traces stand at least a
trace width plus a clearance of 0.1 trace width (7 um) apart everywhere, jogs, leads and the
return on the second layer included: ``gradient_coil`` refuses a design whose wires do not
(``InfeasibleDesignError``), so a design that comes back is buildable, and its manufacturing
files (STL in mm) are written.

Resistance of the traces: R = rho l / (w t) for traces of width w = 70 um and the copper thickness
t of 1 oz/ft^2 foil, 35 um (IPC-4562), rho of annealed copper at 20 C (``coildesign.conductors``);
the round-wire DC resistance of the design is printed next to it.

Run: python examples/biplanar_insert.py [output folder]   (about 30 s on 2 idle cores)
"""

import sys
from pathlib import Path

import numpy as np

from coildesign import design
from coildesign.conductors import material

GAP, SIDE, TRACE, FOIL, GRADIENT, TURNS = 3e-3, 8e-3, 70e-6, 35e-6, 1.2, 8
DSV = np.sqrt(3) * 0.5e-3  # the 1 mm cube's circumscribed sphere


def main(out: Path) -> None:
    plates = design.biplanar(GAP, SIDE, SIDE, resolution=SIDE / 24)
    insert = design.gradient_coil(plates, "x", DSV, 0.05, turns=TURNS, wire_diameter=TRACE)
    print(insert, "\n")
    current = GRADIENT / insert.efficiency
    r_trace = material("copper").resistivity * insert.wire_length / (TRACE * FOIL)
    print(f"current for {GRADIENT:g} T/m: {current:.4g} A")
    print(f"trace resistance ({TRACE * 1e6:g} um x {FOIL * 1e6:g} um copper): {r_trace:.4g} ohm; "
          f"power at {GRADIENT:g} T/m: {current**2 * r_trace:.4g} W")
    print(f"round-wire model: resistance {insert.resistance:.4g} ohm, power {current**2 * insert.resistance:.4g} W")
    print(f"inductance {insert.inductance * 1e9:.4g} nH; eta^2/L {insert.figure_of_merit:.5g} T^2/(m^2 A^2 H)")
    print(f"traces: width {TRACE * 1e6:g} um, smallest spacing {1e6 * (insert.min_spacing - TRACE):.3g} um edge to "
          f"edge ({insert.min_spacing * 1e6:.3g} um centre to centre)")
    for k, (a, b) in enumerate(insert.terminals):
        print(f"winding {k + 1}: terminals at ({', '.join(f'{1e3 * x:.3g}' for x in a)}) mm and "
              f"({', '.join(f'{1e3 * x:.3g}' for x in b)}) mm")
    insert.export(out, unit="mm")
    print(f"buildable: {insert.buildable}; manufacturing files (STL in mm) written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "biplanar-insert-output"))
