"""A biplanar gradient insert for MR microscopy made as two printed boards, plus a KiCad file.

Plates 3 mm apart, 8 x 8 mm, around a 1 mm cube (DSV radius sqrt(3)/2 mm) at 5 % field
deviation: a target-field Gx design (``coildesign.design``) with 4 wires per half on a 0.3 mm
pitch (0.15 mm traces). The contours sit on one copper layer, the lifted return of each winding
on the other, one pitch away (the board's layer spacing), joined by vias. The boards are checked
against fine-line rules (4 mil traces and spaces, 0.2 mm vias: an "advanced" class of most board
houses; the default rules, OSH Park's 6 mil class, are the module's), written as Gerber X2 +
Excellon (two boards) and as one KiCad board, read back (gerbonara for Gerber, coildesign's own
parser for KiCad), and their copper's field compared with the layout's and the design's over the DSV.

Run: python examples/pcb_biplanar_insert.py [output folder]   (about 20 s)
"""

import sys
from pathlib import Path

import numpy as np

from coildesign import design
from coildesign.export import fabrication as fab

FINE = fab.DesignRules(name="fine line (4 mil)", min_trace_width=0.1e-3, min_spacing=0.1e-3, min_annular_ring=0.1e-3,
                       min_via_drill=0.2e-3, via_drill=0.2e-3, via_diameter=0.4e-3, min_edge_clearance=0.3e-3)


def main(out: Path) -> None:
    plates = design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 16)
    # a quick, coarse design whose wires bunch closer than a pitch in places: accepted with
    # allow_violations (marked buildable=False) so that the design-rule check below shows where
    insert = design.gradient_coil(plates, "x", np.sqrt(3) * 0.5e-3, 0.05, turns=4, wire_diameter=0.15e-3,
                                  clearance=0.15e-3, n_targets=600, refine=1, allow_violations=True)
    print(insert)
    report = fab.design_rule_check(insert, FINE)
    print(report.text().splitlines()[0])
    print(f"{len(report.violations)} violation(s)", *[f"  {v}" for v in report.violations[:5]], sep="\n")
    # the contour spacing the design reached is below the rules where wires bunch up: write anyway,
    # with the violations listed in the report, for the board designer to finish in KiCad
    gerbers = fab.to_gerber(insert, out / "gerber", rules=FINE, allow_violations=True)
    print(gerbers.text())
    kicad = fab.to_kicad(insert, out / "kicad" / "biplanar_insert.kicad_pcb", rules=FINE, allow_violations=True)
    print(f"KiCad board: {kicad.files[0]} (read back: field deviation {kicad.readback_deviation:.2g})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "pcb-biplanar-output"))
