"""A cylindrical y gradient coil made two ways: unrolled onto a two-layer flex board, and wound
into a grooved former (STL for a 3-D printer).

The coil is a target-field Gy design on a 10 mm diameter, 20 mm long cylinder (DSV radius
2.5 mm, 5 % deviation, 6 wires per half of 0.3 mm wire). On flex, the seam is placed where no
wire crosses it (the stream function's zero line); the board is the circumference by the
length, the lifted returns are on the outer layer, and the field of the copper read back from
the Gerber files is compared with the design's. The former carries the wire in round-bottomed
grooves (wire centres on the design radius, flush with the surface) and lead channels to the
nearer end; the STL is checked to be closed and outward oriented.

Run: python examples/pcb_flex_and_former.py [output folder]   (about 30 s)
"""

import sys
from pathlib import Path

import numpy as np

from coildesign import design
from coildesign.export import fabrication as fab


def main(out: Path) -> None:
    surface = design.cylinder(5e-3, 20e-3, resolution=2 * np.pi * 5e-3 / 24)
    gy = design.gradient_coil(surface, "y", 2.5e-3, 0.05, turns=6, wire_diameter=0.3e-3, n_targets=600, refine=1,
                              modes=40, allow_violations=True)  # coarse and quick: the DRC reports the tight spots
    print(gy)
    flex = fab.to_flex(gy, out / "flex", trace_width=0.2e-3, allow_violations=True)
    print(flex.text())
    print(flex.drc.text().splitlines()[-1] if flex.drc.ok else f"{len(flex.drc.violations)} violation(s) listed in "
          f"{out / 'flex'}")
    former = fab.winding_former(gy, out / "gy_former.stl")
    print(f"former: {former.path}, outer diameter {2e3 * former.outer:.3f} mm, bore {2e3 * former.inner:.3f} mm, "
          f"length {1e3 * former.length:.2f} mm, {former.grooves} grooved windings, {former.lead_exits} lead exits, "
          f"{former.triangles} triangles, closed and outward: {former.closed and former.volume > 0}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "pcb-flex-output"))
