"""Microscopy gradient coils in their surroundings: eddy currents in a copper RF shield and an
aluminium bore, their field after a gradient step, time constants, heat and the image shift.

A three-axis set for a 12 mm bore (``gradient_set``: Golay x/y, Maxwell z, radius 6 mm) sits
inside a copper RF shield (radius 8 mm, 40 mm long, 20 um) and an aluminium tube standing for
the probe body / warm bore (radius 20 mm, 120 mm long, 0.5 mm). For the y and z coils the script
prints the eddy field over a 4 mm-radius DSV at 0.1, 1 and 10 ms after a 1 A step (% of G R),
the dominant time constants and amplitudes of the pre-emphasis model, the heat per step in each
conductor and the inductance and resistance seen by the amplifier against frequency. It then
plays a gradient-echo readout (x readout, y phase encoding, 64 x 16) with and without the
conductors (147 mT/m readout, 30 us ramps) and prints the PSF shift of an off-centre point. Saves the slowest modes
(``eddy_modes.png``) and the step responses (``eddy_step_G?.png``).

Last, unshielded vs actively shielded: a target-field z coil on a 5 mm former designed alone and
with an active shield on a 7 mm cylinder (``gradient_coil(shield=...)``, stray field bounded at
the RF shield's radius), each judged by its wires: eta^2/L and the eddy field the same
conductors add over its 2.5 mm DSV at 0.1, 1 and 10 ms.

Run:  python examples/eddy_shielding.py [output_folder]   (default coildesign-output/)
"""

import sys
import warnings
from pathlib import Path

import numpy as np

from coildesign import design, eddy
from coildesign.analysis import inductance
from coildesign.analysis.performance import dc_resistance
from coildesign.analysis.regions import fibonacci_sphere
from coildesign.analysis.sequence_psf import gradient_echo_sequence, sequence_psf
from coildesign.geometries import gradient_set
from coildesign.surfaces import cylinder

RADIUS = 6e-3  # gradient former [m]
DSV = 4e-3  # DSV radius [m]
BASIS = 150  # smooth stream functions per shell (the slow modes; eddy.modes)
DESIGN_DSV = 2.5e-3  # DSV radius of the target-field comparison [m]


def shielding_comparison(modes: eddy.Modes) -> None:
    """Unshielded vs actively shielded target-field z coils in the same conductors (module doc)."""
    former = cylinder(5e-3, 24e-3, 2 * np.pi * 5e-3 / 28, name="former")
    screen = cylinder(7e-3, 30e-3, 2 * np.pi * 7e-3 / 32, name="active shield")
    kw = {"turns": 8, "wire_diameter": 0.2e-3, "n_targets": 1500, "refine": 2, "allow_violations": True}
    dsv = DESIGN_DSV * fibonacci_sphere(400)
    print("\nTarget-field Gz, 5 mm former, DSV radius 2.5 mm: unshielded vs active shield on 7 mm")
    for label, extra in (("unshielded", {}), ("shielded", {"shield": screen, "stray_radius": 8e-3})):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a coarse demonstration mesh: the violations are printed
            d = design.gradient_coil(former, "z", DESIGN_DSV, 0.05, **kw, **extra)
        rep = eddy.report(d.coil, modes, dsv, times=(1e-4, 1e-3, 1e-2))
        tau, amp = rep.terms.dominant(1)[0]
        print(f"  {label:<10} eta {d.efficiency * 1e3:.4g} mT/(m A), L {d.inductance * 1e6:.4g} uH, eta^2/L "
              f"{d.figure_of_merit:.4g}; eddy field at 0.1 / 1 / 10 ms "
              + " / ".join(f"{100 * f:.3g}" for f in rep.fraction)
              + f" % of G R; dominant gradient term {amp:+.3g} of G, tau {tau * 1e6:.3g} us"
              + ("" if d.buildable else f" ({len(d.violations)} violation(s) of the coarse mesh)"))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    coils = gradient_set(RADIUS, points_per_arc=96, wire_diameter=0.3e-3)
    shield = eddy.Shell(cylinder(8e-3, 40e-3, 2 * np.pi * 8e-3 / 40, name="RF shield"), 20e-6, "copper")
    bore = eddy.Shell(cylinder(20e-3, 120e-3, 2 * np.pi * 20e-3 / 40, name="Al bore"), 0.5e-3, "aluminium")
    with warnings.catch_warnings():
        warnings.simplefilter("error", eddy.ThinSheetWarning)
        for s in (shield, bore):
            s.check_frequency(1.0 / (2 * np.pi * 1e-4))  # thin at the 0.1 ms time scale
    modes = eddy.modes([shield, bore], basis_size=BASIS)
    print(f"{modes.count} modes; slowest time constants [ms]: "
          + ", ".join(f"{t * 1e3:.3g}" for t in modes.time_constants[:6]))
    modes.plot(6, out / "eddy_modes.png")
    dsv = DSV * fibonacci_sphere(400)
    for name in ("y", "z"):
        coil = coils[name]
        rep = eddy.report(coil, modes, dsv, coil_inductance=inductance(coil), coil_resistance=dc_resistance(coil),
                          frequencies=np.geomspace(10, 1e5, 5))
        print(f"\nG{name} coil, efficiency {rep.terms.efficiency * 1e3:.4g} mT/(m A)")
        print(rep.table())
        eddy.step_response(coil, modes, dsv, [1e-4]).plot(out / f"eddy_step_G{name}.png")
    # the image: a gradient-echo readout along x, phase encoding along y
    import pypulseq as pp  # the sequence library (test extra), imported where used

    system = pp.Opts(max_grad=1000, grad_unit="mT/m", max_slew=5000, slew_unit="T/m/s")
    seq = gradient_echo_sequence(2 * DSV, 64, 16, dwell=20e-6, system=system)
    point = np.array([[2e-3, 1e-3, 0.0]])
    plain = sequence_psf(coils, seq, point)
    with_eddies = sequence_psf(coils, seq, point, shells=modes)
    for i, ax in enumerate(plain.axes):
        c = "xyz".index(ax)
        print(f"PSF along {ax}: shift {plain.shift[0, c] * 1e6:+.2f} um without conductors, "
              f"{with_eddies.shift[0, c] * 1e6:+.2f} um with them; FWHM {plain.fwhm[0, i] * 1e6:.3g} -> "
              f"{with_eddies.fwhm[0, i] * 1e6:.3g} um (nominal pixel {plain.nominal[ax] * 1e6:.3g} um)")
    shielding_comparison(modes)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("coildesign-output"))
