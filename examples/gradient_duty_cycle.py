"""A microscopy gradient insert under a real sequence: currents, voltages, heating, duty cycle, forces.

Builds a 3-axis set for a 10 mm bore (``gradient_set``, 2 turns of 0.3 mm copper per axis), a
256-line 3-D gradient echo (pypulseq, 4 mm field of view, 128 samples at 10 us) and plays it
through 60 V / 20 A amplifiers (``analysis.drive``): per channel the RMS and peak current, the
peak voltage L dI/dt + R I and the mean power. A lumped thermal model per coil (water-cooled
plate, limit 60 degC; ``analysis.thermal``) gives the steady rise, the time to the limit and the
duty cycle a console's gradient monitor would allow, and the largest gradient amplitude of this
sequence that stays below the limit. Forces at the sequence's peak currents: Gx in B0 = 14.1 T
(net force ~0, per-segment force density), Gx on Gy (coil on coil), and the whole set 20 mm
off-centre in the stray field of a magnet modelled as a finite solenoid (89 mm bore, 0.6 m long).
Saves drive.png, temperature.png, forces_gx.png and forces_gx.vtp.

Run:  python examples/gradient_duty_cycle.py [output_folder]   (default coildesign-output/)
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pypulseq as pp  # noqa: E402

from coildesign._files import save_figure  # noqa: E402
from coildesign.analysis import Amplifier, SolenoidMagnet, drive, lorentz_forces  # noqa: E402
from coildesign.analysis.sequence_psf import gradient_echo_sequence  # noqa: E402
from coildesign.geometries import gradient_set  # noqa: E402

LIMIT = 333.15  # [K], 60 degC coil-temperature interlock


def main(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    coils = gradient_set(5e-3, turns=2, wire_diameter=0.3e-3)
    system = pp.Opts(max_grad=2000, grad_unit="mT/m", max_slew=5000, slew_unit="T/m/s")
    seq = gradient_echo_sequence((4e-3, 4e-3, 4e-3), 128, 16, 16, system=system)
    d = drive(coils, seq, amplifier=Amplifier(60.0, 20.0))
    print(d)
    d.plot(window=(0.0, 10e-3), path=out / "drive.png")

    heat = d.thermal(cooling="water-cooled plate", limit=LIMIT)
    ax = None
    for name, h in heat.items():
        print(f"\nG{name}:", h, sep="\n")
        print(f"largest gradient amplitude of this sequence below {LIMIT - 273.15:g} degC: "
              f"{d[name].max_gradient(h):.4g} T/m (played: {d[name].gradient_peak:.4g} T/m)")
        ax = h.plot(duration=2.0, ax=ax, label=f"G{name}")
    ax.legend()
    save_figure(ax.figure, out / "temperature.png")

    ix, iy = d["x"].current_peak, d["y"].current_peak
    in_b0 = lorentz_forces(coils.x, 14.1, ix)
    print(f"\nGx at {ix:.3g} A in 14.1 T: net force {in_b0.net_force} N, net torque {in_b0.net_torque} N m, "
          f"largest force density {np.abs(in_b0.force_density).max():.3g} N/m")
    in_b0.plot(coils.x, every=4, path=out / "forces_gx.png")
    in_b0.to_vtk(out / "forces_gx.vtp")
    x_on_y = lorentz_forces(coils.y, coils.x, iy, source_current=ix)
    print(f"Gx on Gy at peak currents: net force {x_on_y.net_force} N, net torque {x_on_y.net_torque} N m")
    magnet = SolenoidMagnet(radius=44.5e-3, length=0.6, center_field=14.1)
    for name, coil in coils.items():
        current = d[name[-1]].current_peak
        off = lorentz_forces(coil.translate((0, 0, 20e-3)), magnet, current, origin=(0, 0, 20e-3))
        print(f"{name} 20 mm off-centre in the magnet at {current:.3g} A: net force {off.net_force} N, "
              f"net torque {off.net_torque} N m")
    plt.close("all")
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("coildesign-output"))
