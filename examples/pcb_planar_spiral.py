"""A planar spiral RF microcoil as a printed board: the return from the spiral's centre on the
other copper layer through a via, feed pads for a 2.54 mm header, checked against OSH Park's
2-layer rules, written as Gerber X2 + Excellon and KiCad, and read back.

The 5-turn square spiral (10 mm outer, 0.4 mm traces and gaps) is ``geometries.planar_spiral``.
Its inner end cannot reach the pads on the spiral's layer without crossing every turn, so the
layout drops it through a via and runs the underpass on the bottom layer. The underpass and the
feeds are copper the design did not have: the script prints how much they change the field over
a sphere inside the spiral, and writes a second board with pads on the spiral's own ends (for a
bond wire or jumper), whose copper is the design.

Run: python examples/pcb_planar_spiral.py [output folder]   (a few seconds)
"""

import sys
from pathlib import Path

from coildesign import geometries
from coildesign.export import fabrication as fab


def main(out: Path) -> None:
    coil = geometries.planar_spiral(5, 10e-3, 0.4e-3, 0.4e-3)
    board = fab.to_gerber(coil, out / "with_underpass", current=1.0)  # IPC-2221 width for 1 A at 10 K rise: 0.30 mm
    print(board.text())
    print(board.drc.text())
    fab.to_kicad(coil, out / "with_underpass" / "spiral.kicad_pcb", current=1.0)  # the same board for KiCad
    bare = fab.to_gerber(coil, out / "pads_on_ends", trace_width=0.4e-3, feeds=False)
    print(bare.text())


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "pcb-spiral-output"))
